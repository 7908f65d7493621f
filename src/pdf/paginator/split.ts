/**
 * Block splitting: cutting a block in two at a text position (a line
 * start) or between children (a long container, a table between rows),
 * with the open elements cloned on both sides by `Range.extractContents`.
 */
import { SOFT_HYPHEN } from './constants.js';

/** Visible length of a node's text (soft hyphens do not count), for page-start offsets. */
export function textLength(el: Node): number {
  return (el.textContent ?? '').split(SOFT_HYPHEN).join('').length;
}

const REPLACED = 'img, svg, br, hr, video, canvas, iframe, object, embed, math';

export function isEmpty(node: Node): boolean {
  if (node.nodeType === Node.TEXT_NODE) return !(node as Text).data.trim();
  if (node.nodeType !== Node.ELEMENT_NODE) return true;
  const el = node as Element;
  if (el.matches(REPLACED) || el.querySelector('img, svg, hr, video, canvas, math')) return false;
  return !(el.textContent ?? '').trim();
}

/** Drop what an extraction leaves empty at the end of `el` (an empty `<p>`, `<em>`). */
export function pruneTail(el: Node): void {
  for (;;) {
    const last = el.lastChild;
    if (!last) return;
    if (last.nodeType === Node.ELEMENT_NODE && !isEmpty(last)) {
      pruneTail(last);
      return;
    }
    if (last.nodeType === Node.TEXT_NODE && (last as Text).data.length && !isEmpty(last)) return;
    if (last.nodeType === Node.TEXT_NODE && el.childNodes.length > 1 && !isEmpty(el)) {
      last.remove();
      continue;
    }
    if (last.nodeType === Node.ELEMENT_NODE || (last.nodeType === Node.TEXT_NODE && !(last as Text).data.length)) {
      last.remove();
      continue;
    }
    return;
  }
}

/** The last text node with content under `el`. */
function lastText(el: Node): Text | null {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let found: Text | null = null;
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) if (n.data.trim()) found = n;
  return found;
}

/**
 * Cut `el` before position (`node`, `offset`): a text node and a character
 * offset (a line start), or an element and a child index (between
 * children). `el` keeps the first part; the returned element (a shallow
 * clone of `el`) holds the rest, with the open elements cloned.
 * `para`, when given, is the paragraph the cut falls in.
 */
export function splitAt(el: HTMLElement, node: Node, offset: number, para?: Element): HTMLElement {
  // The open elements at the cut, from `el` down to the position, taken
  // before the extraction empties (and pruning removes) some of them.
  const originals: Element[] = [];
  const deepest = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  for (let a = deepest; a && a !== el; a = a.parentElement) originals.unshift(a);
  originals.unshift(el);
  const range = document.createRange();
  range.setStart(node, offset);
  range.setEnd(el, el.childNodes.length);
  const rest = range.extractContents();
  const cont = el.cloneNode(false) as HTMLElement;
  cont.append(rest);
  cont.removeAttribute('id');
  if (el.dataset.block !== undefined) cont.dataset.offset = String(Number(el.dataset.offset ?? 0) + textLength(el));
  pruneTail(el);
  // A word hyphenated at the cut shows its hyphen.
  const tail = lastText(el);
  if (tail && tail.data.endsWith(SOFT_HYPHEN)) tail.data = `${tail.data.slice(0, -1)}-`;
  // The paragraph cut in its middle keeps a justified last line; when
  // the cut falls between paragraphs, the one before it ends normally.
  // (Not in preformatted text, where every line ends with a forced break.)
  if (para && el.contains(para) && para.textContent?.trim() && !/^(pre|break-spaces)/.test(getComputedStyle(para).whiteSpace))
    para.setAttribute('data-split-end', '');
  el.setAttribute('data-cut', '');
  // The open elements were cloned: `originals[i]` matches the i-th element
  // of the clone chain that starts at `cont`. A clone continues its
  // original only if the original kept some content; otherwise it is the
  // whole element, just moved.
  const chain: Array<[Element, Element]> = [];
  let clone: Element | null = cont;
  for (const original of originals) {
    if (!clone) break;
    chain.push([original, clone]);
    const next: ChildNode | null = clone.firstChild;
    clone = next instanceof Element ? next : null;
  }
  for (const [original, copy] of chain) {
    if (original !== el && !el.contains(original)) continue;
    copy.setAttribute('data-split-start', '');
    if (copy !== cont) copy.removeAttribute('id');
  }
  // An ordered list goes on counting where its first part stopped; an
  // item cut in two shows its number only once.
  for (const [original, copy] of chain) {
    if (!(original instanceof HTMLOListElement && copy instanceof HTMLOListElement) || !copy.hasAttribute('data-split-start')) continue;
    const kept = Array.from(original.children).filter((c) => c.tagName === 'LI').length;
    const firstContinues = copy.firstElementChild?.hasAttribute('data-split-start') ?? false;
    copy.start = original.start + kept - (firstContinues ? 1 : 0);
  }
  return cont;
}

/** Undo a trial cut: give `el` back the content of `backup`. */
export function restoreFrom(el: HTMLElement, backup: HTMLElement): void {
  el.replaceChildren(...Array.from((backup.cloneNode(true) as HTMLElement).childNodes));
  el.removeAttribute('data-split-end');
  el.removeAttribute('data-cut');
}

/** Elements whose children are blocks that may be set on different pages. */
const CONTAINERS = new Set(['DIV', 'SECTION', 'UL', 'OL', 'DL', 'BLOCKQUOTE', 'ASIDE', 'ARTICLE', 'MAIN', 'NAV', 'FOOTER', 'HEADER']);

/**
 * The deepest container under `el` (itself included, following first
 * children down) with more than `chunk` element children, or null.
 */
function longContainer(el: Element, chunk: number): Element | null {
  let found: Element | null = null;
  const visit = (node: Element, depth: number) => {
    if (depth > 6 || !CONTAINERS.has(node.tagName)) return;
    if (node.childElementCount > chunk && node.childElementCount === countElementsOrBlankText(node)) found = node;
    for (const child of Array.from(node.children)) if (child.childElementCount > chunk) visit(child, depth + 1);
  };
  visit(el, 0);
  return found;
}

/** Children that count: elements; a container with loose text between its blocks is not chunked. */
function countElementsOrBlankText(node: Element): number {
  let n = 0;
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.ELEMENT_NODE) n++;
    else if (child.nodeType === Node.TEXT_NODE && (child as Text).data.trim()) return -1;
  }
  return n;
}

/**
 * Take the first `chunk` children of a long container off the front of
 * `el` (null when `el` is not that long): they come back as a new block,
 * with the open elements cloned, and `el` keeps the rest as a
 * continuation. Only what is taken is moved, so cutting a bibliography
 * into runs costs the length of the runs, not of what remains.
 */
export function chunkContainer(el: HTMLElement, chunk: number): HTMLElement | null {
  if (el.matches('table') || el.hasAttribute('data-nosplit')) return null;
  const container = longContainer(el, chunk);
  if (!container) return null;
  const chain: Element[] = [];
  for (let a: Element | null = container; a && a !== el; a = a.parentElement) chain.unshift(a);
  chain.unshift(el);
  const clones = chain.map((node) => node.cloneNode(false) as Element);
  chain.forEach((node, i) => {
    const clone = clones[i];
    if (i < chain.length - 1) {
      // What precedes the path at this level (a heading before the entries) goes first.
      const next = chain[i + 1];
      while (node.firstChild && node.firstChild !== next) clone.append(node.firstChild);
      clone.append(clones[i + 1]);
      return;
    }
    let taken = 0;
    while (node.firstChild && taken < chunk) {
      if (node.firstChild.nodeType === Node.ELEMENT_NODE) taken++;
      clone.append(node.firstChild);
    }
  });
  chain.forEach((node, i) => {
    node.removeAttribute('id');
    node.setAttribute('data-split-start', '');
    // An ordered list goes on counting where its first part stopped.
    if (node instanceof HTMLOListElement) node.start = (clones[i] as HTMLOListElement).start + Array.from(clones[i].children).filter((c) => c.tagName === 'LI').length;
  });
  const first = clones[0] as HTMLElement;
  first.setAttribute('data-chunk', '');
  if (el.dataset.block !== undefined) el.dataset.offset = String(Number(el.dataset.offset ?? 0) + textLength(first));
  return first;
}

/** The body rows of a table (not those of its header). */
export function bodyRows(table: HTMLTableElement): HTMLTableRowElement[] {
  return Array.from(table.rows).filter((r) => r.parentElement?.tagName !== 'THEAD');
}

/**
 * Cut `table` before body row `index`: the returned table holds the rest,
 * under a copy of the header (marked `data-repeat`, so that it is not
 * counted as new text).
 */
export function splitTable(table: HTMLTableElement, index: number): HTMLTableElement {
  const rows = bodyRows(table);
  const row = rows[index];
  const section = row.parentElement as HTMLElement;
  const cont = table.cloneNode(false) as HTMLTableElement;
  cont.removeAttribute('id');
  for (const colgroup of Array.from(table.querySelectorAll(':scope > colgroup'))) cont.append(colgroup.cloneNode(true));
  const head = table.tHead ?? headerRowsOf(table);
  if (head) {
    const copy = head.cloneNode(true) as HTMLElement;
    copy.setAttribute('data-repeat', '');
    for (const el of Array.from(copy.querySelectorAll('[id]'))) el.removeAttribute('id');
    cont.append(copy);
  }
  const newSection = section.cloneNode(false) as HTMLElement;
  let r: Element | null = row;
  while (r) {
    const next: Element | null = r.nextElementSibling;
    newSection.append(r);
    r = next;
  }
  cont.append(newSection);
  // Later sections (more tbody, tfoot) follow.
  let s: Element | null = section.nextElementSibling;
  while (s) {
    const next: Element | null = s.nextElementSibling;
    cont.append(s);
    s = next;
  }
  if (table.dataset.block !== undefined) cont.dataset.offset = String(Number(table.dataset.offset ?? 0) + textLength(table) - repeatedLength(table));
  table.setAttribute('data-cut', '');
  cont.setAttribute('data-split-start', '');
  return cont;
}

function repeatedLength(table: HTMLTableElement): number {
  let n = 0;
  for (const el of Array.from(table.querySelectorAll('[data-repeat]'))) n += textLength(el);
  return n;
}

/** A table without `<thead>` whose first row is all `<th>` has that row as its header. */
function headerRowsOf(table: HTMLTableElement): HTMLElement | null {
  const first = table.rows[0];
  if (!first || first.parentElement?.tagName === 'THEAD') return null;
  if (first.cells.length && Array.from(first.cells).every((c) => c.tagName === 'TH')) {
    const thead = document.createElement('thead');
    thead.append(first.cloneNode(true));
    return thead;
  }
  return null;
}
