/**
 * Pandoc's `tex_math_dollars`: `$…$` inline and `$$…$$` display math (also
 * `$$` fences on their own lines), converted to MathML at build time with
 * Temml, so no edition runs a script.
 *
 * micromark-extension-math finds the dollars; Pandoc's stricter rule for inline math is
 * applied here: the opening `$` has a non-space right after it, the closing
 * `$` a non-space right before it and no digit right after it, so
 * `$20 and $30` stays text. A TeX error is a warning at the formula, which
 * is then shown as its source, in code.
 *
 * The hast is the one Pandoc's `--mathml` writes:
 * `<span class="math inline"><math>…</math></span>` and
 * `<span class="math display"><math display="block">…</math></span>`.
 */
import { createRequire } from 'node:module';
import type { Element, ElementContent } from 'hast';
import { fromHtml } from '../shared/html-parser.js';
import type { Parent, Root } from 'mdast';
import type { InlineMath, Math } from 'mdast-util-math';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { fileWarn } from '../messages.js';
import { rules } from '../rules.js';

export const mathmlNamespace = 'http://www.w3.org/1998/Math/MathML';

// Temml is loaded with the first formula: setting it up costs a build
// without formulas more than its whole Markdown parse. (In the bundle this
// `require` is the bundle's own, scripts/bundle.mjs.)
const require = createRequire(import.meta.url);
let temmlModule: typeof import('temml').default | undefined;
const temml = () => (temmlModule ??= require('temml') as typeof import('temml').default);

/** Render TeX to a hast `<math>` element, or return the TeX error's message. */
export function texToMathml(tex: string, display: boolean): { element: Element } | { error: string } {
  let markup: string;
  try {
    markup = temml().renderToString(tex, { displayMode: display, annotate: true, xml: true, throwOnError: true });
  } catch (error) {
    return { error: String((error as Error).message ?? error).replace(/\s+/g, ' ').trim() };
  }
  const fragment = fromHtml(markup, { fragment: true });
  const element = fragment.children.find((child): child is Element => child.type === 'element' && child.tagName === 'math');
  if (!element) return { error: 'no MathML produced' };
  // Temml's inline style (`display:block math`) belongs in the stylesheets.
  delete element.properties.style;
  element.properties.xmlns = mathmlNamespace;
  return { element };
}

/** Does this display math node stand for `$$…$$` (inline node with double dollars, or a fenced block)? */
function isDisplay(node: InlineMath | Math, source: string): boolean {
  if (node.type === 'math') return true;
  const start = node.position?.start.offset;
  return start !== undefined && source.startsWith('$$', start);
}

/** Convert math nodes in place; returns whether the document has any math. */
export function mathTransform(tree: Root, file: VFile): boolean {
  const source = String(file.value);
  let found = false;
  visit(tree, (node, index, ancestor) => {
    const parent = ancestor as Parent | undefined;
    if (node.type !== 'inlineMath' && node.type !== 'math') return;
    if (!parent || index === undefined) return;
    const math = node as InlineMath | Math;
    const display = isDisplay(math, source);
    const start = math.position?.start.offset;
    const end = math.position?.end.offset;
    const written = start !== undefined && end !== undefined ? source.slice(start, end) : `$${math.value}$`;
    if (!display && math.type === 'inlineMath' && !pandocInline(math.value, source, end)) {
      parent.children.splice(index, 1, { type: 'text', value: written, position: math.position } as never);
      return [SKIP, index + 1];
    }
    found = true;
    const tex = math.value.trim();
    const result = texToMathml(tex, display);
    let content: ElementContent;
    if ('error' in result) {
      fileWarn(file, `TeX error in math \`${written.replace(/\s+/g, ' ')}\`: ${result.error}; the formula is shown as its source`, {
        place: math.position,
        ruleId: rules.mathError,
        source: 'parse',
      });
      content = { type: 'element', tagName: 'code', properties: { className: ['math-error'] }, children: [{ type: 'text', value: tex }] };
    } else {
      content = result.element;
    }
    math.data = {
      ...math.data,
      hName: display && math.type === 'math' ? 'p' : 'span',
      hProperties: display && math.type === 'math' ? {} : { className: ['math', display ? 'display' : 'inline'] },
      hChildren:
        display && math.type === 'math'
          ? [{ type: 'element', tagName: 'span', properties: { className: ['math', 'display'] }, children: [content] }]
          : [content],
    };
    (math.data as Record<string, unknown>).display = display;
    return SKIP;
  });
  return found;
}

/** Pandoc's inline rule: no space inside either dollar, no digit after the closing one. */
function pandocInline(value: string, source: string, end: number | undefined): boolean {
  if (value.length === 0 || /^\s/.test(value) || /\s$/.test(value)) return false;
  if (end !== undefined && /[0-9]/.test(source[end] ?? '')) return false;
  return true;
}

/** The `<span class="math display">` that holds a display formula's `<math>` (for equation numbers). */
export function displaySpan(node: InlineMath | Math): Element | null {
  const data = node.data as { hName?: string; hChildren?: ElementContent[]; hProperties?: Record<string, unknown>; display?: boolean } | undefined;
  if (!data?.display) return null;
  if (data.hName === 'p') return (data.hChildren?.[0] as Element) ?? null;
  return null;
}
