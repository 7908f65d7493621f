/**
 * Heading ranks that never skip a level (h2 followed by h4 becomes h2, h3):
 * assistive technology navigates by level, WCAG 1.3.1 asks the outline to
 * be true to the structure, and Ace fails a book whose headings jump. The
 * words, numbers and ids stay as the manuscript has them; only the element
 * changes. Headings inside notes are left alone.
 *
 * Also: every `lang` in the text gets its `xml:lang` twin, which reading
 * systems parsing the XHTML as XML look for.
 */
import type { Element, Root } from 'hast';

const rankOf = (element: Element): number | null => {
  const match = /^h([1-6])$/.exec(element.tagName);
  return match ? Number(match[1]) : null;
};

export function normalizeHeadingRanks(tree: Root): void {
  // (rank in the manuscript, rank in the ebook) of the open headings.
  const open: Array<{ original: number; rank: number }> = [];
  const walk = (node: Root | Element): void => {
    for (const child of node.children) {
      if (child.type !== 'element' || child.tagName === 'aside') continue;
      const original = rankOf(child);
      if (original === null) {
        walk(child);
        continue;
      }
      let same: number | null = null;
      while (open.length > 0 && open[open.length - 1].original >= original) {
        const closed = open.pop()!;
        if (closed.original === original) same = closed.rank;
      }
      const parent = open[open.length - 1];
      const rank = same ?? (parent ? Math.min(original, parent.rank + 1) : original);
      open.push({ original, rank });
      child.tagName = `h${rank}`;
    }
  };
  walk(tree);
}

export function pairXmlLang(tree: Root | Element): void {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    const lang = child.properties.lang;
    if (typeof lang === 'string') child.properties.xmlLang = lang;
    pairXmlLang(child);
  }
}
