/**
 * Page-break markers: where the print edition's pages begin, marked in the
 * ebook's text so that the page list can send a reader to "p. 3".
 *
 * In: a copy of the body and the `PageStart`s the print stage measured
 * (page N begins in `body.children[block]`, `offset` characters into its
 * text as hast-util-to-string counts it). Out: the same tree with one
 * `<span epub:type="pagebreak" role="doc-pagebreak">` per page, placed at
 * that character.
 *
 * A marker never goes where it would change meaning or validity:
 * - not inside a heading (its label would join the heading's accessible
 *   name, "2 Interstate relations"): it goes just before the heading;
 * - not inside a link or note call (it would become part of the link): it
 *   goes just before the link;
 * - not into a list, table or other element that only takes certain
 *   children: the next text that can take it is used instead;
 * - at offset 0, before the block rather than inside it.
 */
import type { Element, ElementContent, Root, RootContent, Text } from 'hast';
import { h } from 'hastscript';
import type { PageStart } from '../model/types.js';
import { defaultIds, type IdScheme } from '../shared/ids.js';

/** Elements whose children are restricted, so a `<span>` may not go straight in. */
const restrictedParents = new Set([
  'ul', 'ol', 'menu', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'colgroup',
  'select', 'optgroup', 'datalist', 'hgroup', 'picture', 'audio', 'video', 'head', 'html',
]);
const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/**
 * Elements a marker must not enter: it goes before them instead. Besides
 * links and headings, short phrases read as one unit (an abbreviation, a
 * code span, a subscript) are not split.
 */
const atomic = new Set([
  'a', 'button', 'label', 'select', 'textarea', 'svg', 'math', 'img', 'script', 'style',
  'abbr', 'code', 'kbd', 'samp', 'var', 'sub', 'sup', 'ruby', ...headings,
]);

/** The marker element for one page. */
export function pageBreak(page: number, ids: IdScheme = defaultIds): Element {
  // `aria-label` rather than `title`: DPUB-ARIA gives doc-pagebreak its name
  // from the author, and screen readers announce aria-label, not title.
  return h('span', { 'epub:type': 'pagebreak', role: 'doc-pagebreak', id: ids.page(page), ariaLabel: String(page) });
}

interface TextPlace {
  /** The text node. */
  node: Text;
  /** Its parent, where a split can go. */
  parent: Element;
  /** Index of the text node in its parent. */
  index: number;
  /** Characters of the block's text before this node. */
  start: number;
  /** Outermost ancestor inside the block a marker must not enter, with its place; null when the text can take one. */
  barrier: { parent: Element | Root; index: number } | null;
}

/** All text nodes of a block in reading order, with where they start. */
function textPlaces(block: Element): TextPlace[] {
  const places: TextPlace[] = [];
  let position = 0;
  const walk = (parent: Element, barrier: TextPlace['barrier']): void => {
    parent.children.forEach((child, index) => {
      if (child.type === 'text') {
        places.push({ node: child, parent, index, start: position, barrier });
        position += child.value.length;
      } else if (child.type === 'element') {
        const inner = barrier ?? (atomic.has(child.tagName) ? { parent, index } : null);
        walk(child, inner);
      }
    });
  };
  walk(block, null);
  return places;
}

type Insertion =
  | { kind: 'before-block' }
  | { kind: 'before'; parent: Element | Root; node: ElementContent }
  | { kind: 'split'; node: Text; at: number };

/** Decide where page `start` goes inside `block` (without changing the tree yet). */
function locate(block: RootContent, offset: number): Insertion {
  if (block.type !== 'element' || offset <= 0 || headings.has(block.tagName) || atomic.has(block.tagName)) {
    return { kind: 'before-block' };
  }
  const places = textPlaces(block);
  // The text node holding character `offset`: the page begins with it.
  let found = places.findIndex((p) => offset < p.start + p.node.value.length && offset >= p.start);
  if (found === -1) return { kind: 'before-block' };
  // Whitespace between a list's items cannot take a span: use the next text that can.
  while (found < places.length && restrictedParents.has(places[found].parent.tagName) && places[found].barrier === null) found++;
  if (found === places.length) return { kind: 'before-block' };
  const place = places[found];
  if (place.barrier) {
    const target = place.barrier.parent.children[place.barrier.index] as ElementContent;
    if (place.barrier.parent === block && place.barrier.index === 0) return { kind: 'before-block' };
    return { kind: 'before', parent: place.barrier.parent, node: target };
  }
  const at = Math.max(0, offset - place.start);
  return { kind: 'split', node: place.node, at };
}

/**
 * Insert a marker for every page start into `body` (mutated). Returns the
 * pages that got a marker, in reading order. Page numbers that repeat keep
 * their first position; `skip` lists pages marked elsewhere (page 1 on the
 * title page).
 */
export function insertPageBreaks(
  body: Root,
  pageStarts: readonly PageStart[],
  skip: ReadonlySet<number> = new Set(),
  ids: IdScheme = defaultIds,
): number[] {
  const seen = new Set<number>(skip);
  const starts = pageStarts
    .filter((s) => {
      if (seen.has(s.page) || s.block < 0 || s.block >= body.children.length) return false;
      seen.add(s.page);
      return true;
    })
    .sort((a, b) => a.block - b.block || a.offset - b.offset || a.page - b.page);

  // Locate everything first: splitting text shifts later offsets and
  // inserting markers shifts block indices.
  const located = starts.map((start) => ({ start, where: locate(body.children[start.block], start.offset) }));

  // Apply from the end of the document backwards, so earlier positions stay valid.
  const beforeBlock = new Map<number, Element[]>();
  for (let i = located.length - 1; i >= 0; i--) {
    const { start, where } = located[i];
    const marker = pageBreak(start.page, ids);
    if (where.kind === 'before-block') {
      const list = beforeBlock.get(start.block) ?? [];
      list.unshift(marker);
      beforeBlock.set(start.block, list);
    } else if (where.kind === 'before') {
      const index = where.parent.children.indexOf(where.node);
      where.parent.children.splice(index, 0, marker);
    } else {
      splitText(body, where.node, where.at, marker);
    }
  }
  const blocks = [...beforeBlock.keys()].sort((a, b) => b - a);
  for (const block of blocks) body.children.splice(block, 0, ...beforeBlock.get(block)!);

  return located.map((l) => l.start.page);
}

/**
 * Split `text` at `at` and put `marker` between the two halves. The node
 * keeps the first half, so an earlier split of the same node (applied
 * later) still finds it and its offsets still hold.
 */
function splitText(body: Root, text: Text, at: number, marker: Element): void {
  const parent = findParent(body, text);
  if (!parent) return;
  const index = parent.children.indexOf(text as ElementContent);
  const after = text.value.slice(at);
  text.value = text.value.slice(0, at);
  const inserted: ElementContent[] = [marker];
  if (after) inserted.push({ type: 'text', value: after });
  parent.children.splice(index + 1, 0, ...inserted);
}

function findParent(node: Root | Element, target: Text): Root | Element | null {
  for (const child of node.children) {
    if (child === target) return node;
    if (child.type === 'element') {
      const found = findParent(child, target);
      if (found) return found;
    }
  }
  return null;
}
