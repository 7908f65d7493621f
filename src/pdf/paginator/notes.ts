/**
 * Note placement: the notes waiting in `#print-notes`, which page each one
 * and each call went to, the height of a whole note, and breaking the last
 * note of a page so that its rest opens the next page's note area under
 * the continuation label.
 */
import { EPSILON, NOTE_NUMBER_GAP_EM } from './constants.js';
import { areaHeight, bodyHeight, newPage, notesHeight, type Page } from './furniture.js';
import { lineBoxBottom, validCuts, type LineMeasurer } from './lines.js';
import { restoreFrom, splitAt } from './split.js';

/** Note numbers of the calls inside `el`. */
export function callsIn(el: Element): number[] {
  return (Array.from(el.querySelectorAll('sup.note-call')) as HTMLElement[]).map((s) => Number(s.dataset.call));
}

export class Notes {
  readonly elements = new Map<number, HTMLElement>();
  readonly placed = new Set<number>();
  readonly notePage = new Map<number, number>();
  readonly callPage = new Map<number, number>();
  /** The top-level block each call was printed in, for located warnings. */
  readonly callBlock = new Map<number, number>();
  private readonly heights = new Map<number, number>();
  private padding = -1;

  constructor(
    private readonly store: HTMLElement,
    private readonly measurer: LineMeasurer,
    private readonly lines: number,
    private readonly label: string,
  ) {
    for (const el of Array.from(store.children) as HTMLElement[]) this.elements.set(Number(el.dataset.note), el);
  }

  /** Padding and rule above the first note of a page (0 when the page has notes). */
  overhead(page: Page): number {
    if (page.notes.childElementCount) return 0;
    if (this.padding < 0) {
      const style = getComputedStyle(page.notes);
      this.padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + parseFloat(style.borderTopWidth);
    }
    return this.padding;
  }

  /** Height of a whole note in a note area (same width on every page). */
  height(page: Page, n: number): number {
    const known = this.heights.get(n);
    if (known !== undefined) return known;
    const el = this.elements.get(n);
    if (!el) return 0;
    page.notes.append(el);
    const height = el.getBoundingClientRect().height;
    const style = getComputedStyle(el);
    this.store.append(el);
    const total = height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
    this.heights.set(n, total);
    return total;
  }

  /** Leading of the note text. */
  leading(fallback: number): number {
    const sample = this.elements.values().next().value as HTMLElement | undefined;
    return (sample && parseFloat(getComputedStyle(sample).lineHeight)) || fallback;
  }

  take(page: Page, numbers: number[]): void {
    for (const n of numbers) {
      const el = this.elements.get(n);
      if (!el) continue;
      page.notes.append(el);
      this.placed.add(n);
      this.notePage.set(n, page.number);
    }
  }

  giveBack(numbers: number[]): void {
    for (const n of numbers) {
      const el = this.elements.get(n);
      if (el && el.parentElement !== this.store) this.store.append(el);
      this.placed.delete(n);
      this.notePage.delete(n);
    }
  }

  fresh(el: Element): number[] {
    return callsIn(el).filter((n) => !this.placed.has(n));
  }

  recordCalls(el: HTMLElement, page: Page): void {
    const block = Number(el.dataset.block ?? -1);
    for (const n of callsIn(el)) {
      this.callPage.set(n, page.number);
      this.callBlock.set(n, block);
    }
  }

  /** Notes whose call and start ended on different pages. */
  separated(): number[] {
    const out: number[] = [];
    for (const [n, p] of this.callPage) if (this.notePage.get(n) !== p) out.push(n);
    return out.sort((a, b) => a - b);
  }

  /** Open a continued note with the continuation label. */
  markContinued(cont: HTMLElement, number: number): void {
    cont.classList.add('footnote-cont');
    cont.removeAttribute('data-note');
    cont.removeAttribute('role');
    cont.dataset.contOf = String(number);
    const label = document.createElement('span');
    label.className = 'contd';
    label.textContent = this.label;
    const first = cont.firstElementChild;
    const host = first && getComputedStyle(first).display !== 'inline' ? first : cont;
    // No space after the label: a justified line would stretch that one
    // space when the rest of the line is a long URL. The CSS spaces it.
    host.insertBefore(label, host.firstChild);
  }

  /**
   * Break the last note on `page` so that the page fits with `minBody`
   * pixels to spare, leaving at least the layout's note lines on each
   * side. Returns the remainder, or null when no break works (the note is
   * then left whole, and the caller backs out).
   */
  breakLast(page: Page, minBody: number): HTMLElement | null {
    const note = page.notes.lastElementChild as HTMLElement | null;
    if (!note) return null;
    const backup = note.cloneNode(true) as HTMLElement;
    const rule = { orphans: this.lines, widows: this.lines, keepWithNext: false };
    let lines = this.measurer.linesOf(note).lines;
    const cuts = validCuts(lines, () => rule).filter((k) => k >= this.lines && k < lines.length);
    for (let i = cuts.length - 1; i >= 0; i--) {
      const k = cuts[i];
      const overflow = bodyHeight(page) + notesHeight(page) + minBody - areaHeight(page);
      const box = note.getBoundingClientRect();
      // What the note gives up by stopping after line k.
      const saved = box.bottom - (lineBoxBottom(lines, k, box.top) + box.top);
      if (saved + EPSILON < overflow) continue;
      const line = lines[k];
      const cont = splitAt(note, line.node, line.offset, line.para);
      if (bodyHeight(page) + notesHeight(page) + minBody <= areaHeight(page) + EPSILON) {
        this.markContinued(cont, Number(note.dataset.note ?? note.dataset.contOf));
        return cont;
      }
      // The estimate was optimistic: restore and try a shorter part.
      restoreFrom(note, backup);
      lines = this.measurer.linesOf(note).lines;
    }
    return null;
  }
}

/**
 * Hang the note numbers clear of the note text: when the widest number
 * (measured in a note area) and a gap are wider than the layout's indent,
 * the indent (`--note-indent`) grows to hold them, on every note alike.
 */
export function hangNoteNumbers(store: HTMLElement, root: HTMLElement): void {
  let widest: HTMLElement | null = null;
  let digits = 0;
  for (const el of Array.from(store.querySelectorAll('.note-number')) as HTMLElement[]) {
    const d = (el.textContent ?? '').length;
    if (d > digits) {
      digits = d;
      widest = el.closest('.footnote');
    }
  }
  if (!widest) return;
  const next = widest.nextSibling;
  const probe = newPage(root, 0);
  probe.notes.append(widest);
  const number = widest.querySelector('.note-number') as HTMLElement;
  const width = number.getBoundingClientRect().width;
  const style = getComputedStyle(widest);
  const indent = parseFloat(style.paddingLeft);
  const gap = NOTE_NUMBER_GAP_EM * parseFloat(style.fontSize);
  store.insertBefore(widest, next);
  probe.box.remove();
  if (width + gap > indent + EPSILON) document.documentElement.style.setProperty('--note-indent', `${width + gap}px`);
}
