/**
 * Whether an edition needs the stylesheet rules for Pandoc Markdown's
 * formulas, figures, captions, definition lists, small capitals, contents
 * list and abstract (`templates/carim/pandoc-*.css`). A manuscript without
 * any of them gets the stylesheet it always had.
 */
import type { Element, Root } from 'hast';

const tags = new Set(['math', 'figure', 'figcaption', 'caption', 'dl']);
const classes = new Set(['smallcaps', 'math-error', 'equation-number', 'toc', 'abstract', 'header-section-number', 'affiliations']);

export function needsPandocCss(tree: Root | Element): boolean {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    if (tags.has(child.tagName)) return true;
    const names = (child.properties.className as Array<string | number> | undefined) ?? [];
    if (names.some((name) => classes.has(String(name)))) return true;
    if (needsPandocCss(child)) return true;
  }
  return false;
}
