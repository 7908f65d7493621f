/**
 * Page boxes and their furniture: every page is a real box in the document
 * (`.page > .page-area > .page-body + .page-notes`), so what is measured is
 * what is printed; once the text is placed, the running head (from page 2)
 * and the folio are added, both marked as artifacts for the tagged PDF
 * (`aria-hidden`), and the soft hyphens are settled.
 *
 * What Chromium's tagged PDF (156) can and cannot say, as checked with
 * `pdfinfo -struct-text`: it maps a fixed set of roles to structure types
 * (paragraph P, headings H1–H6, list L/LI/Lbl, table Table/TR/TH/TD,
 * `blockquote` BlockQuote, `figure` Figure, `role=group` Div, `article`
 * Art, links Link with their annotation) and everything else to
 * NonStruct: `role=note`, `doc-footnote`, `doc-endnote(s)` and `region`
 * all give NonStruct, so a note cannot be a `Note` element; its call is a
 * Link to the note's anchor. `aside`/`complementary` gives `Aside`, a
 * PDF 2.0 type that poppler rejects in this PDF 1.4 file, so it is not
 * used. Content under `aria-hidden` is left out of the structure tree
 * (the running head, folio and separator rule here) but is not marked
 * `/Artifact` in the page's content stream; there is no CSS or HTML way
 * to ask for that.
 */
import { EPSILON, SOFT_HYPHEN } from './constants.js';
import { distinctTops, lineStarts } from './lines.js';

export interface Page {
  number: number;
  box: HTMLElement;
  area: HTMLElement;
  body: HTMLElement;
  notes: HTMLElement;
}

export function newPage(root: HTMLElement, number: number): Page {
  const box = document.createElement('div');
  box.className = 'page';
  const area = document.createElement('div');
  area.className = 'page-area';
  const body = document.createElement('div');
  body.className = 'page-body';
  const notes = document.createElement('div');
  notes.className = 'page-notes';
  notes.setAttribute('role', 'doc-endnotes');
  area.append(body, notes);
  box.append(area);
  root.append(box);
  return { number, box, area, body, notes };
}

/**
 * The body box as laid out, trailing margins included: the note area
 * starts below it, so that is what must fit (the stylesheet drops the
 * last block's bottom margin so that no space is wasted).
 */
export function bodyHeight(page: Page): number {
  if (!page.body.lastElementChild) return 0;
  return page.body.getBoundingClientRect().height;
}

export function notesHeight(page: Page): number {
  return page.notes.childElementCount ? page.notes.getBoundingClientRect().height : 0;
}

export function areaHeight(page: Page): number {
  return page.area.getBoundingClientRect().height;
}

export function fits(page: Page): boolean {
  return bodyHeight(page) + notesHeight(page) <= areaHeight(page) + EPSILON;
}

/** Whether anything on the page reaches outside its text area (it would be clipped). */
export function overflows(page: Page): boolean {
  if (!fits(page)) return true;
  const area = page.area.getBoundingClientRect();
  return page.body.scrollWidth > page.body.clientWidth + 1 || page.notes.scrollWidth > page.notes.clientWidth + 1 || area.width < page.body.getBoundingClientRect().width - EPSILON;
}

/** Running head on every page but the first, folio on every page; both artifacts. */
export function addFurniture(boxes: HTMLElement[], headTemplate: HTMLTemplateElement | null): void {
  boxes.forEach((box, index) => {
    if (index > 0 && headTemplate) {
      const head = headTemplate.content.cloneNode(true) as DocumentFragment;
      for (const el of Array.from(head.children)) el.setAttribute('aria-hidden', 'true');
      box.prepend(head);
    }
    const folio = document.createElement('div');
    folio.className = 'folio';
    folio.setAttribute('aria-hidden', 'true');
    folio.textContent = String(index + 1);
    box.append(folio);
  });
}

/**
 * Soft hyphens did their work in the layout. A used one (at a line end)
 * becomes a printed hyphen, the others go: the PDF's text layer then reads
 * as words, and the lines do not change, because the breaks chosen are
 * still there and no other one is added.
 */
export function settleSoftHyphens(root: HTMLElement): void {
  freezeTables(root);
  const edits: Array<[Text, string]> = [];
  const probe = document.createRange();
  const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode() as Text | null; node; node = texts.nextNode() as Text | null) {
    const data = node.data;
    if (!data.includes(SOFT_HYPHEN)) continue;

    probe.selectNodeContents(node);
    const tops = distinctTops(probe.getClientRects() as unknown as ArrayLike<DOMRect>);
    const used = new Set(lineStarts(node, probe, tops).map((l) => l.offset - 1));
    let out = '';
    for (let i = 0; i < data.length; i++) {
      const ch = data[i];
      if (ch !== SOFT_HYPHEN) out += ch;
      else if (used.has(i)) out += '-';
    }
    edits.push([node, out]);
  }
  for (const [node, value] of edits) node.data = value;
}

/** Visible characters under `root` (no spaces, soft hyphens or hyphens), leaving out repeated headers and labels. */
export function visibleChars(root: Element, skip = '[data-repeat], .contd'): number {
  let n = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    if (node.parentElement?.closest(skip)) continue;
    n += node.data.replace(/[\s\u00AD\-]/g, '').length;
  }
  return n;
}

/**
 * A table's column widths follow its cells' break opportunities: taking
 * the unused soft hyphens out would widen some columns and lengthen rows
 * that were measured already. So the widths as laid out are fixed first.
 */
function freezeTables(root: HTMLElement): void {
  const tables = Array.from(root.querySelectorAll('table')) as HTMLTableElement[];
  const plans = tables.map((table) => {
    const zoom = (table as unknown as { currentCSSZoom?: number }).currentCSSZoom ?? 1;
    const row = table.rows[0];
    const cells = row ? (Array.from(row.cells) as HTMLElement[]) : [];
    return { table, width: table.getBoundingClientRect().width / zoom, cells: cells.map((c) => [c, c.getBoundingClientRect().width / zoom] as const) };
  });
  for (const { table, width, cells } of plans) {
    table.style.tableLayout = 'fixed';
    table.style.width = `${width}px`;
    for (const [cell, w] of cells) {
      cell.style.boxSizing = 'border-box';
      cell.style.width = `${w}px`;
    }
  }
}
