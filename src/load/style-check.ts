/**
 * What a CSL style must be before citeproc-js sees it.
 *
 * citeproc-js assumes a well-formed, complete style: a malformed one makes
 * it throw a `TypeError` from deep inside, and a style without `<layout>`
 * formats every citation as nothing. `checkStyleXml` parses the XML (no
 * external entities, no DTD expansion) and checks the structure citeproc
 * relies on, so that a broken style is a `style-invalid` message at its
 * line and column in the style file.
 */
import { DOMParser } from '@xmldom/xmldom';

export const cslNamespace = 'http://purl.org/net/xbiblio/csl';

export interface StyleProblem {
  reason: string;
  line: number;
  column: number;
}

interface Located {
  lineNumber?: number;
  columnNumber?: number;
}

type XmlElement = ReturnType<DOMParser['parseFromString']>['documentElement'] & Located;

function at(node: Located | null | undefined): { line: number; column: number } {
  return { line: Math.max(node?.lineNumber ?? 1, 1), column: Math.max(node?.columnNumber ?? 1, 1) };
}

function childElements(node: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 1 && (name === undefined || (child as XmlElement).localName === name)) out.push(child as XmlElement);
  }
  return out;
}

/** Elements under `root`, without recursion on the stack. */
function allElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    stack.push(...childElements(node).reverse());
  }
  return out;
}

/**
 * The first problem that would stop citeproc-js, or null when there is
 * none. A dependent style needs no `<citation>` of its own.
 */
export function checkStyleXml(xml: string, options: { maxDepth?: number } = {}): StyleProblem | null {
  let problem: StyleProblem | null = null;
  let document;
  try {
    document = new DOMParser({
      onError: (level, message, context?: unknown) => {
        if (level === 'fatalError' || problem) return;
        // Warnings (an unknown entity …) do not stop citeproc; errors do.
        if (level === 'error') problem = { reason: message.split('\n')[0], ...at(context as Located) };
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    const locator = (error as { locator?: Located }).locator;
    return { reason: `the XML does not parse: ${(error as Error).message.split('\n')[0]}`, ...at(locator) };
  }
  if (problem) return { ...(problem as StyleProblem), reason: `the XML does not parse: ${(problem as StyleProblem).reason}` };
  const root = document.documentElement as XmlElement | null;
  if (!root) return { reason: 'the file has no root element', line: 1, column: 1 };
  if (root.localName !== 'style') return { reason: `its root element is <${root.tagName}>, not <style>`, ...at(root) };
  if (root.namespaceURI !== cslNamespace) return { reason: `its <style> element is not in the CSL namespace (${cslNamespace})`, ...at(root) };
  const elements = allElements(root);
  const maxDepth = options.maxDepth ?? 200;
  {
    // Depth of the element tree: citeproc-js walks it recursively.
    const depths = new Map<XmlElement, number>([[root, 0]]);
    for (const element of elements) {
      const depth = depths.get(element) ?? 0;
      if (depth > maxDepth) return { reason: `its elements are nested more than ${maxDepth} deep`, ...at(element) };
      for (const child of childElements(element)) depths.set(child, depth + 1);
    }
  }
  const info = childElements(root, 'info')[0];
  const dependent = info ? childElements(info, 'link').some((link) => link.getAttribute('rel') === 'independent-parent') : false;
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
    const name = macro.getAttribute('name');
    if (!name) return { reason: 'a <macro> has no name', ...at(macro) };
    macros.add(name);
  }
  for (const element of elements) {
    const used = element.getAttribute('macro');
    if (used !== null && element.localName !== 'macro' && !macros.has(used)) {
      return { reason: `<${element.tagName} macro="${used}"> names a macro the style does not define`, ...at(element) };
    }
  }
  return null;
}
