/**
 * The print paginator: runs inside the print page and cuts the laid-out
 * text into page boxes with their footnotes. It is bundled (esbuild) and
 * injected by Colophon through the DevTools protocol; the page itself runs
 * no script (see ../bundle.ts).
 *
 * Why our own pass and not Paged.js: the CARIM layout needs footnotes that
 * break across pages, continued under `(Contd.)` at the foot of the next
 * page, as the printed notes do. Chromium has no `float: footnote`, and
 * Paged.js 0.4.3, which emulates it, never splits a footnote: a note longer
 * than the space left is pushed whole, with or without its call. This pass
 * is also faster: on the default manuscript, in one warm browser, print
 * HTML to PDF took 0.70 s against 1.16 s for the Paged.js polyfill on the
 * same HTML (scripts/bench/pdf-vs-pagedjs.mjs), since it lays the text out
 * once and measures line boxes instead of re-chunking the DOM and
 * rewriting the CSS for every page.
 *
 * How: every page is a real box in the document (furniture.ts), so what is
 * measured is what is printed. Top-level blocks are moved into the current
 * page's body one by one together with the notes their calls need (a long
 * container, such as the bibliography, is first cut into runs of a few
 * children, so no page handles more than a few pages of it). When a block
 * does not fit, its line boxes are read from the DOM down to the page
 * bottom (lines.ts), the best cut is chosen and the block is split at that
 * line with `Range.extractContents`, which clones the open elements (a
 * paragraph inside a block quote, an item of a nested list) on both sides
 * (split.ts); a table is cut between rows and its header repeated. Rules,
 * in order:
 *
 * - a note starts on the page of its call (the call's line and the first
 *   lines of its note are kept together); only the last note on a page may
 *   break, and its remainder opens the next page's note area after the
 *   continuation label (notes.ts);
 * - `break-before`/`break-after: page` force a page; `break-after: avoid`
 *   (headings) keeps a block with the next; `break-inside: avoid` moves a
 *   block whole; `orphans` and `widows` are read from each paragraph's
 *   computed style (breaks.ts);
 * - a note longer than a page keeps breaking, leaving room for a few lines
 *   of text on every page;
 * - what cannot split and does not fit an empty page is scaled to the page
 *   box, images first (fit.ts), and reported; nothing is clipped;
 * - a runaway layout (more pages than the document can need) stops with
 *   an error, and the visible text is counted before and after, so that
 *   nothing is lost without a word.
 */
import { avoidsBreakInside, breaksAfter, breaksBefore, keepsWithNext, paraRules, rootNumber } from './breaks.js';
import { CALL_SLACK, CHUNK_CHILDREN, EPSILON, FALLBACK_LEADING, LINES_PAST_BOTTOM, NOTE_LEADING_SHARE } from './constants.js';
import { fitWidth, isPicture, scaleToFit } from './fit.js';
import {
  addFurniture,
  areaHeight,
  bodyHeight,
  fits,
  newPage,
  notesHeight,
  overflows,
  settleSoftHyphens,
  visibleChars,
  type Page,
} from './furniture.js';
import { LineMeasurer, lineBoxBottom, measured, validCuts, type Line } from './lines.js';
import { callsIn, hangNoteNumbers, Notes } from './notes.js';
import { collapseWhiteSpace } from './whitespace.js';
import { bodyRows, chunkContainer, restoreFrom, splitAt, splitTable } from './split.js';
import type { InPageResult, InPageStart, InPageWarning, PaginateConfig } from './types.js';

export type { InPageResult, InPageStart, InPageWarning, PaginateConfig } from './types.js';

/** Blocks that never split between lines. */
const UNSPLITTABLE = 'figure, img, svg, math, video, canvas, iframe, object, embed, hr';

export function paginate(config: PaginateConfig): InPageResult {
  const flow = document.getElementById('print-flow') as HTMLElement;
  const noteStore = document.getElementById('print-notes') as HTMLElement;
  const headTemplate = document.getElementById('print-running-head') as HTMLTemplateElement | null;
  const noteLines = rootNumber('--note-break-lines', config.noteLines);
  const minBodyLines = rootNumber('--min-body-lines', config.minBodyLines);
  const fallbackRules = { orphans: config.orphans, widows: config.widows };

  collapseWhiteSpace(flow);
  collapseWhiteSpace(noteStore);
  document.documentElement.classList.add('print-spaces');
  const measurer = new LineMeasurer();
  const notes = new Notes(noteStore, measurer, noteLines, config.continued);
  const warnings: InPageWarning[] = [];
  const before = visibleChars(flow) + visibleChars(noteStore);

  const queue: HTMLElement[] = Array.from(flow.children) as HTMLElement[];
  const pagesRoot = document.createElement('div');
  pagesRoot.id = 'print-pages';
  document.body.appendChild(pagesRoot);
  hangNoteNumbers(noteStore, pagesRoot);

  const leadingPx = parseFloat(getComputedStyle(document.documentElement).lineHeight) || FALLBACK_LEADING;
  const noteLeading = notes.leading(leadingPx * NOTE_LEADING_SHARE);
  const rulesCache = new WeakMap<Element, ReturnType<typeof paraRules>>();
  const rulesOf = (el: Element) => {
    let r = rulesCache.get(el);
    if (!r) rulesCache.set(el, (r = paraRules(el, fallbackRules)));
    return r;
  };
  const blockIndex = (el: HTMLElement) => Number(el.dataset.block ?? -1);

  let carry: HTMLElement | null = null;
  const starts: InPageStart[] = [];
  let lastStart: InPageStart = { page: 1, block: 0, offset: 0 };
  let runaway: InPageResult['runaway'];

  const warnScaled = (el: HTMLElement, page: Page, scale: number) => {
    if (scale >= 1) return;
    const what = el.matches('table') ? 'table' : el.matches('tr') ? 'row' : isPicture(el) ? 'image' : 'block';
    if (what === 'image') return;
    warnings.push({ kind: 'oversize', block: blockIndex(el), page: page.number, scale, what });
  };

  const pageTimes: number[] = [];
  const pageWork: number[] = [];
  // Finished pages leave the document until the end, so that laying out
  // and measuring a page costs the same whatever number of pages precede it.
  const finished = document.createDocumentFragment();
  let pageCount = 0;
  let previous: Page | null = null;
  while (queue.length || carry) {
    const pageStarted = performance.now();
    const workBefore = measured.rects;
    if (previous) finished.append(previous.box);
    if (pageCount >= config.maxPages) {
      runaway = { pages: pageCount, block: queue[0] ? blockIndex(queue[0]) : -1 };
      break;
    }
    const page = newPage(pagesRoot, ++pageCount);
    previous = page;
    const head = queue[0];
    if (head) {
      const block = Number(head.dataset.block ?? NaN);
      lastStart = Number.isFinite(block)
        ? { page: page.number, block: Math.max(0, block), offset: block < 0 ? 0 : Number(head.dataset.offset ?? 0) }
        : { ...lastStart, page: page.number };
    } else lastStart = { ...lastStart, page: page.number };
    starts.push(lastStart);

    // A note that did not fit on the previous page opens this one.
    let notesClosed = false;
    if (carry) {
      page.notes.append(carry);
      carry = null;
      const reserve = queue.length ? minBodyLines * leadingPx : 0;
      if (notesHeight(page) + reserve > areaHeight(page) + EPSILON) {
        const rest = notes.breakLast(page, reserve);
        if (rest) {
          carry = rest;
          notesClosed = true;
        }
      }
    }

    let closed = false;
    while (queue.length && !closed) {
      if (page.body.childElementCount && breaksBefore(queue[0])) break;
      // A long container goes on the page a few children at a time.
      const first = chunkContainer(queue[0], CHUNK_CHILDREN);
      if (first) queue.unshift(first);
      const blk = queue[0];
      const heightBefore = bodyHeight(page);
      page.body.append(blk);
      warnScaled(blk, page, fitWidth(blk, page.body.clientWidth));
      const fresh = notes.fresh(blk);
      if (!notesClosed || fresh.length === 0) {
        notes.take(page, fresh);
        if (fits(page)) {
          queue.shift();
          notes.recordCalls(blk, page);
          if (breaksAfter(blk)) closed = true;
          continue;
        }
        notes.giveBack(fresh);
      }
      // The block does not fit whole: find the most of it that does.
      const done = placePart(page, blk, fresh, heightBefore, notesClosed, false);
      if (!done) blk.remove();
      break;
    }

    // Blocks that keep with the next (headings) do not end a page.
    for (;;) {
      const last = page.body.lastElementChild as HTMLElement | null;
      if (!last || page.body.childElementCount < 2 || !queue.length || !keepsWithNext(last)) break;
      if (last.hasAttribute('data-cut') && queue[0].dataset.block === last.dataset.block) break;
      const calls = callsIn(last).filter((n) => notes.notePage.get(n) === page.number);
      if (carry && calls.includes(Number(carry.dataset.contOf))) break;
      notes.giveBack(calls);
      queue.unshift(last);
      last.remove();
    }

    // Nothing fitted on an empty page: split it harder or scale it, never loop.
    if (!page.body.childElementCount && !page.notes.childElementCount && queue.length) placeOnEmptyPage(page);
    if (overflows(page)) {
      const first = page.body.firstElementChild as HTMLElement | null;
      warnings.push({ kind: 'overflow', block: first ? blockIndex(first) : -1, page: page.number });
    }
    pageTimes.push(performance.now() - pageStarted);
    pageWork.push(measured.rects - workBefore);
  }

  /** The first block of the queue on a page of its own, split where it can be or scaled. */
  function placeOnEmptyPage(page: Page): void {
    const blk = queue[0];
    page.body.append(blk);
    const fresh = notes.fresh(blk);
    // A block that asked not to be split is split after all.
    if (placePart(page, blk, fresh, 0, false, true)) return;
    // A table whose first row alone is too tall: that row goes on this page, scaled.
    if (blk instanceof HTMLTableElement && bodyRows(blk).length > 1) {
      queue.splice(1, 0, splitTable(blk, firstCut(blk)));
    }
    notes.take(page, fresh);
    const room = areaHeight(page) - notesHeight(page) - EPSILON;
    const scale = scaleToFit(blk, page.body.clientWidth, Math.max(leadingPx, room));
    warnScaled(blk, page, scale);
    queue.shift();
    notes.recordCalls(blk, page);
    if (!fits(page) && fresh.length) carry = notes.breakLast(page, 0);
  }

  /** The least number of body rows a table part may have (a header row given as `th` cells stays with one row). */
  function firstCut(table: HTMLTableElement): number {
    const first = bodyRows(table)[0];
    const headerLike = !table.tHead && !!first && Array.from(first.cells).every((c) => c.tagName === 'TH');
    return headerLike ? 2 : 1;
  }

  /** Put on `page` the most rows of `table` (appended to the body) that fit with their notes. */
  function placeRows(page: Page, table: HTMLTableElement, fresh: number[]): boolean {
    const rows = bodyRows(table);
    const min = firstCut(table);
    if (rows.length <= min) return false;
    const bodyTop = page.body.getBoundingClientRect().top;
    const area = areaHeight(page);
    const existing = notesHeight(page);
    const callRow = new Map<number, number>();
    rows.forEach((row, i) => {
      for (const n of callsIn(row)) if (fresh.includes(n)) callRow.set(n, i);
    });
    const tableBottomExtra = Math.max(0, table.getBoundingClientRect().bottom - rows[rows.length - 1].getBoundingClientRect().bottom);
    let k = rows.findIndex((row) => row.getBoundingClientRect().bottom - bodyTop + tableBottomExtra > area + EPSILON - existing);
    if (k < 0) k = rows.length - 1;
    const backup = table.cloneNode(true) as HTMLTableElement;
    for (; k >= min; k--) {
      const needed = fresh.filter((n) => (callRow.get(n) ?? 0) < k);
      let foot = existing + (needed.length ? notes.overhead(page) : 0);
      for (const n of needed) foot += notes.height(page, n);
      if (rows[k - 1].getBoundingClientRect().bottom - bodyTop + tableBottomExtra + foot > area + EPSILON) continue;
      const cont = splitTable(table, k);
      notes.take(page, needed);
      if (fits(page)) {
        queue.shift();
        queue.unshift(cont);
        notes.recordCalls(table, page);
        return true;
      }
      notes.giveBack(needed);
      restoreFrom(table, backup);
    }
    return false;
  }

  /**
   * Put on `page` the largest part of `blk` (already appended to the body)
   * that fits with its notes. Returns false when none of it stays. With
   * `force`, a block that avoids breaks inside is split all the same.
   */
  function placePart(page: Page, blk: HTMLElement, fresh: number[], heightBefore: number, notesClosed: boolean, force: boolean): boolean {
    if (blk instanceof HTMLTableElement) return notesClosed && fresh.length ? false : placeRows(page, blk, fresh);
    const splittable =
      !blk.hasAttribute('data-nosplit') && !blk.matches(UNSPLITTABLE) && !blk.querySelector('table, figure') && (force || !avoidsBreakInside(blk));
    if (!splittable) return false;
    const bodyTop = page.body.getBoundingClientRect().top;
    const area = areaHeight(page);
    const limit = page.area.getBoundingClientRect().bottom;
    const measured = measurer.linesOf(blk, limit, rulesOf(blk).widows + LINES_PAST_BOTTOM);
    let lines: Line[] = measured.lines;
    const cuts = validCuts(lines, rulesOf, measured.complete);
    const total = lines.length;

    // Which line each new note's call sits on.
    const callLine = new Map<number, number>();
    for (const sup of Array.from(blk.querySelectorAll('sup.note-call')) as HTMLElement[]) {
      const n = Number(sup.dataset.call);
      if (!fresh.includes(n)) continue;
      const r = sup.getBoundingClientRect();
      let index = 0;
      for (let i = 0; i < lines.length; i++) if (lines[i].top < r.bottom - CALL_SLACK) index = i;
      callLine.set(n, r.top > limit ? Number.MAX_SAFE_INTEGER : index);
    }
    const needed = (k: number) => fresh.filter((n) => (callLine.get(n) ?? 0) < k);
    const existingNotes = notesHeight(page);

    const estimate = (k: number, list: number[]): number => {
      const body = k === 0 ? heightBefore : k === total && measured.complete ? blk.getBoundingClientRect().bottom - bodyTop : lineBoxBottom(lines, k, bodyTop);
      let foot = existingNotes;
      if (list.length) foot += notes.overhead(page);
      for (const n of list) foot += notes.height(page, n);
      return body + foot;
    };

    const backup = blk.cloneNode(true) as HTMLElement;
    for (let i = cuts.length - 1; i >= 0; i--) {
      const k = cuts[i];
      if (k === 0) break;
      const list = needed(k);
      if (notesClosed && list.length) continue;
      const whole = estimate(k, list) <= area + EPSILON;
      // A note may break only when its call is on the page's last lines of text.
      const last = list[list.length - 1];
      const breakable =
        !whole &&
        last !== undefined &&
        (callLine.get(last) ?? 0) >= (cuts[i - 1] ?? 0) &&
        estimate(k, list.slice(0, -1)) + (list.length === 1 ? notes.overhead(page) : 0) + noteLines * noteLeading <= area + EPSILON;
      if (!whole && !breakable) continue;

      // Try the cut for real.
      const line = lines[k];
      const cont = k < total ? splitAt(blk, line.node, line.offset, line.para) : null;
      notes.take(page, list);
      if (fits(page) || (last !== undefined && (carry = notes.breakLast(page, 0)))) {
        queue.shift();
        if (cont) queue.unshift(cont);
        notes.recordCalls(blk, page);
        return true;
      }
      notes.giveBack(list);
      if (cont) {
        restoreFrom(blk, backup);
        lines = measurer.linesOf(blk, limit, rulesOf(blk).widows + LINES_PAST_BOTTOM).lines;
      }
    }
    return false;
  }

  const finishStarted = performance.now();
  if (previous && previous.box.parentNode !== finished) finished.append(previous.box);
  pagesRoot.append(finished);
  const after = visibleChars(pagesRoot);
  addFurniture(Array.from(pagesRoot.children) as HTMLElement[], headTemplate);
  flow.remove();
  noteStore.remove();
  settleSoftHyphens(pagesRoot);

  const separated = notes.separated();
  for (const n of separated) warnings.push({ kind: 'note-separated', block: notes.callBlock.get(n) ?? -1, page: notes.callPage.get(n) ?? 0, note: n });
  const headings = (Array.from(pagesRoot.querySelectorAll('.page-body :is(h1, h2, h3, h4, h5, h6)')) as HTMLElement[])
    .filter((h) => !h.hasAttribute('data-split-start'))
    .map((h) => h.textContent ?? '');
  const finishTime = performance.now() - finishStarted;
  return { pages: pagesRoot.childElementCount, starts, separated, headings, warnings, runaway, pageTimes, pageWork, finishTime, chars: { before, after } };
}

(globalThis as unknown as { colophonPaginate: typeof paginate }).colophonPaginate = paginate;
