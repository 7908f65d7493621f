/**
 * What a CSL style must be before citeproc-js sees it.
 *
 * citeproc-js assumes a well-formed, complete style: a malformed one makes
 * it throw a `TypeError` from deep inside, and a style without `<layout>`
 * formats every citation as nothing. `checkStyleXml` parses the XML (the
 * parser of `src/shared/csl-xml.ts`) and checks the structure citeproc
 * relies on, so that a broken style is a `style-invalid` message at its
 * line and column in the style file.
 */
import type { Element, Root } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { cslNamespace, readCslXml } from '../shared/csl-xml.js';

export interface StyleProblem {
  reason: string;
  line: number;
  column: number;
}

function at(node: { position?: { start: { line: number; column: number } } } | undefined): { line: number; column: number } {
  return { line: Math.max(node?.position?.start.line ?? 1, 1), column: Math.max(node?.position?.start.column ?? 1, 1) };
}

function childElements(node: Root | Element, name?: string): Element[] {
  const out: Element[] = [];
  for (const child of node.children) if (child.type === 'element' && (name === undefined || child.name === name)) out.push(child);
  return out;
}

/** Elements under `root` with their depth, without recursion on the stack. */
function allElements(root: Element): Array<[Element, number]> {
  const out: Array<[Element, number]> = [];
  const stack: Array<[Element, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    out.push([node, depth]);
    const children = childElements(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
  return out;
}

/** Element nesting in the raw text, so the parser (which recurses) never sees a style too deep for it. */
function tagDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (const match of xml.matchAll(/<(\/?)[A-Za-z_][\w:.-]*[^>]*?(\/?)>/g)) {
    if (match[1]) depth = Math.max(depth - 1, 0);
    else if (!match[2]) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

/**
 * The first problem that would stop citeproc-js, or null when there is
 * none. A dependent style needs no `<citation>` of its own.
 */
export function checkStyleXml(xml: string, options: { maxDepth?: number } = {}): StyleProblem | null {
  const maxDepth = options.maxDepth ?? 200;
  if (tagDepth(xml) > maxDepth) return { reason: `its elements are nested more than ${maxDepth} deep`, line: 1, column: 1 };
  // The tree every other reader of the style shares (parsed once); a
  // problem is placed with the conforming parser's tree, which knows lines
  // and columns.
  const shared = readCslXml(xml).root;
  if (shared && checkTree(shared) === null) return null;
  let tree: Root;
  try {
    tree = fromXml(xml);
  } catch (error) {
    const message = error as { cause?: { message?: string }; reason?: string; line?: number; column?: number };
    const reason = (message.cause?.message ?? message.reason ?? String(error)).split('\n')[0].replace(/ \(line \d+, column \d+\)$/, '');
    return { reason: `the XML does not parse: ${reason}`, line: Math.max(message.line ?? 1, 1), column: Math.max(message.column ?? 1, 1) };
  }
  return checkTree(tree);
}

function checkTree(tree: Root): StyleProblem | null {
  const root = childElements(tree)[0];
  if (!root) return { reason: 'the file has no root element', line: 1, column: 1 };
  if (root.name !== 'style') return { reason: `it has no <style> element: its root element is <${root.name}>`, ...at(root) };
  if (root.attributes.xmlns !== cslNamespace) return { reason: `its <style> element is not in the CSL namespace (${cslNamespace})`, ...at(root) };
  const elements = allElements(root);
  const info = childElements(root, 'info')[0];
  const dependent = info ? childElements(info, 'link').some((link) => link.attributes.rel === 'independent-parent') : false;
  if (dependent) return null;
  const citation = childElements(root, 'citation');
  if (citation.length === 0) return { reason: 'it has no <citation> element', ...at(root) };
  if (citation.length > 1) return { reason: 'it has more than one <citation> element', ...at(citation[1]) };
  if (childElements(citation[0], 'layout').length === 0) return { reason: 'its <citation> has no <layout>', ...at(citation[0]) };
  for (const bibliography of childElements(root, 'bibliography')) {
    if (childElements(bibliography, 'layout').length === 0) return { reason: 'its <bibliography> has no <layout>', ...at(bibliography) };
  }
  const macros = new Set<string>();
  for (const macro of childElements(root, 'macro')) {
    const name = macro.attributes.name;
    if (!name) return { reason: 'a <macro> has no name', ...at(macro) };
    macros.add(name);
  }
  for (const [element] of elements) {
    const used = element.attributes.macro;
    if (used !== undefined && used !== null && element.name !== 'macro' && !macros.has(used)) {
      return { reason: `<${element.name} macro="${used}"> names a macro the style does not define`, ...at(element) };
    }
  }
  return null;
}
