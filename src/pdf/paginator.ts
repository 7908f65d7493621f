/**
 * The print paginator: runs inside the print page (through `page.evaluate`)
 * and cuts the laid-out text into A4 page boxes with their footnotes.
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
 * How: every page is a real box in the document (`.page > .page-area >
 * .page-body + .page-notes`), so what is measured is what is printed. Top-
 * level blocks are moved into the current page's body one by one together
 * with the notes their calls need; when a block does not fit, its line
 * boxes are read from the DOM (Range rectangles), the best cut is chosen
 * and the block is split at that line with `Range.extractContents`, which
 * clones the open elements (a paragraph inside a block quote, say) on both
 * sides. Rules, in order:
 *
 * - a note starts on the page of its call (the call's line and the first
 *   lines of its note are kept together); only the last note on a page may
 *   break, and its remainder opens the next page's note area after
 *   `(Contd.)`;
 * - widows and orphans: a paragraph is cut only where at least `orphans`
 *   lines stay and `widows` lines go; headings are never left at a page end;
 * - a note longer than a page keeps breaking, leaving room for a few lines
 *   of text on every page.
 *
 * This function is serialised into the page: it must not use anything
 * from its module scope.
 */

/** Tuning of the in-page paginator; every field has a default in `renderPdf`. */
export interface PaginateConfig {
  /** Least lines of a paragraph left at the foot of a page. */
  orphans: number;
  /** Least lines of a paragraph carried to the top of the next page. */
  widows: number;
  /** Least lines of a note on either side of a note break. */
  noteLines: number;
  /** Lines of text kept on a page that a continued note would otherwise fill. */
  minBodyLines: number;
  /** The text that opens a continued note. */
  continued: string;
}

export interface InPageStart {
  page: number;
  block: number;
  offset: number;
}

export interface InPageResult {
  pages: number;
  starts: InPageStart[];
  /** Numbers of notes whose call and start ended on different pages (should be empty). */
  separated: number[];
  /** Text of every heading as printed, in document order (for the bookmarks). */
  headings: string[];
}

export function paginateInPage(config: PaginateConfig): InPageResult {
  const SOFT_HYPHEN = '\u00AD';
  const EPSILON = 0.5;
  const flow = document.getElementById('print-flow') as HTMLElement;
  const noteStore = document.getElementById('print-notes') as HTMLElement;
  const headTemplate = document.getElementById('print-running-head') as HTMLTemplateElement | null;

  const noteElements = new Map<number, HTMLElement>();
  for (const el of Array.from(noteStore.children) as HTMLElement[]) noteElements.set(Number(el.dataset.note), el);
  const placed = new Set<number>();
  const notePage = new Map<number, number>();
  const callPage = new Map<number, number>();
  const noteHeights = new Map<number, number>();

  const queue: HTMLElement[] = Array.from(flow.children) as HTMLElement[];
  const pagesRoot = document.createElement('div');
  pagesRoot.id = 'print-pages';
  document.body.appendChild(pagesRoot);

  interface Page {
    number: number;
    box: HTMLElement;
    area: HTMLElement;
    body: HTMLElement;
    notes: HTMLElement;
  }

  interface Line {
    top: number;
    bottom: number;
    node: Text;
    offset: number;
    para: Element;
  }

  function newPage(number: number): Page {
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
    pagesRoot.append(box);
    return { number, box, area, body, notes };
  }

  function callsIn(el: Element): number[] {
    return (Array.from(el.querySelectorAll('sup.note-call')) as HTMLElement[]).map((s) => Number(s.dataset.call));
  }

  /**
   * The body box as laid out, trailing margins included: the note area
   * starts below it, so that is what must fit (the stylesheet drops the
   * last block's bottom margin so that no space is wasted).
   */
  function bodyHeight(page: Page): number {
    if (!page.body.lastElementChild) return 0;
    return page.body.getBoundingClientRect().height;
  }

  function notesHeight(page: Page): number {
    return page.notes.childElementCount ? page.notes.getBoundingClientRect().height : 0;
  }

  function areaHeight(page: Page): number {
    return page.area.getBoundingClientRect().height;
  }

  function fits(page: Page): boolean {
    return bodyHeight(page) + notesHeight(page) <= areaHeight(page) + EPSILON;
  }

  let notesPadding = -1;
  function notesOverhead(page: Page): number {
    if (page.notes.childElementCount) return 0;
    if (notesPadding < 0) {
      const style = getComputedStyle(page.notes);
      notesPadding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + parseFloat(style.borderTopWidth);
    }
    return notesPadding;
  }

  /** Height of a whole note in a note area (same width on every page). */
  function noteHeight(page: Page, n: number): number {
    const known = noteHeights.get(n);
    if (known !== undefined) return known;
    const el = noteElements.get(n);
    if (!el) return 0;
    page.notes.append(el);
    const height = el.getBoundingClientRect().height;
    const style = getComputedStyle(el);
    noteStore.append(el);
    const total = height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
    noteHeights.set(n, total);
    return total;
  }

  const blockCache = new Map<Node, Element>();
  function blockOf(node: Node, root: Element): Element {
    const cached = blockCache.get(node);
    if (cached) return cached;
    let el = node.parentElement;
    while (el && el !== root) {
      const display = getComputedStyle(el).display;
      if (display !== 'inline' && display !== 'contents') break;
      el = el.parentElement;
    }
    const result = el ?? root;
    blockCache.set(node, result);
    return result;
  }

  function breakAnywhere(node: Text): boolean {
    const parent = node.parentElement;
    if (!parent) return false;
    const style = getComputedStyle(parent);
    return style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere';
  }

  function charRect(range: Range, node: Text, i: number): DOMRect | null {
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const r = range.getBoundingClientRect();
    return r.width === 0 && r.height === 0 ? null : r;
  }

  /**
   * Where the second and later lines of a text node start (`tops`: the
   * node's distinct line tops, sorted), by binary search over character
   * rectangles.
   */
  function lineStarts(node: Text, range: Range, tops: number[]): Array<{ offset: number; top: number }> {
    const out: Array<{ offset: number; top: number }> = [];
    const length = node.data.length;
    const anywhere = breakAnywhere(node);
    let lo = 0;
    for (let t = 1; t < tops.length; t++) {
      const lineTop = tops[t];
      let a = lo;
      let b = length;
      while (a < b) {
        const mid = (a + b) >> 1;
        let probe = mid;
        let r = charRect(range, node, probe);
        while (!r && probe + 1 < length) r = charRect(range, node, ++probe);
        if (r && r.top >= lineTop - 1) b = mid;
        else a = mid + 1;
      }
      // Step over collapsed characters so the line starts on a glyph.
      let start = a;
      while (start < length && !charRect(range, node, start)) start++;
      if (start >= length) break;
      // A line starts after a break opportunity; the rectangle of the first
      // letter after a hyphenation break can be reported on the line above,
      // so snap back to the opportunity (URLs break anywhere).
      if (!anywhere) {
        let back = start;
        while (back > lo + 1 && !/[\s\u00AD\-\u2010\u2013\u2014\/]/.test(node.data[back - 1])) back--;
        if (back > lo + 1) start = back;
      }
      out.push({ offset: start, top: lineTop });
      lo = start;
    }
    return out;
  }

  /** The line boxes of an element, each with the text position it starts at. */
  function linesOf(el: Element): Line[] {
    const lines: Line[] = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let current: Line | null = null;
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (!node.data.length) continue;
      const raised = !!node.parentElement?.closest('sup, sub');
      const para = blockOf(node, el);
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter((r) => r.height > 0);
      if (!rects.length) continue;
      // Distinct line tops inside this text node.
      const tops: number[] = [];
      for (const r of rects) if (!tops.some((t) => Math.abs(t - r.top) < 1)) tops.push(r.top);
      tops.sort((a, b) => a - b);
      const first = rects[0];
      if (!current || (!raised && (first.top >= current.bottom - 1 || para !== current.para))) {
        current = { top: first.top, bottom: first.bottom, node, offset: 0, para };
        lines.push(current);
      } else if (!raised) {
        current.bottom = Math.max(current.bottom, first.bottom);
      }
      if (tops.length < 2 || raised) continue;
      // The node runs over several lines: find where each one begins.
      for (const start of lineStarts(node, range, tops)) {
        const rect = rects.find((r) => Math.abs(r.top - start.top) < 1) as DOMRect;
        current = { top: rect.top, bottom: rect.bottom, node, offset: start.offset, para };
        lines.push(current);
      }
      // The last line's bottom may be taller than its first glyph.
      const lastRect = rects[rects.length - 1];
      if (current) current.bottom = Math.max(current.bottom, lastRect.bottom);
    }
    return lines;
  }

  /** Bottom of line `k - 1`'s line box, relative to `origin`. */
  function lineBoxBottom(lines: Line[], k: number, origin: number): number {
    const line = lines[k - 1];
    const style = getComputedStyle(line.para);
    const leading = parseFloat(style.lineHeight) || line.bottom - line.top;
    return line.bottom + Math.max(0, (leading - (line.bottom - line.top)) / 2) - origin;
  }

  /** Cuts allowed inside a block: how many of its lines may stay on this page. */
  function validCuts(lines: Line[], orphans: number, widows: number): number[] {
    const cuts = [0];
    const count = new Map<Element, number>();
    for (const l of lines) count.set(l.para, (count.get(l.para) ?? 0) + 1);
    const seen = new Map<Element, number>();
    for (let k = 1; k < lines.length; k++) {
      const before = lines[k - 1];
      const after = lines[k];
      seen.set(before.para, (seen.get(before.para) ?? 0) + 1);
      if (/^H[1-6]$/.test(before.para.tagName)) continue;
      if (before.para !== after.para) {
        cuts.push(k);
        continue;
      }
      const kept = seen.get(before.para) ?? 0;
      const left = (count.get(before.para) ?? 0) - kept;
      if (kept >= orphans && left >= widows) cuts.push(k);
    }
    cuts.push(lines.length);
    return cuts;
  }

  function textLength(el: Node): number {
    return (el.textContent ?? '').split(SOFT_HYPHEN).join('').length;
  }

  function isEmpty(node: Node): boolean {
    if (node.nodeType === Node.TEXT_NODE) return !(node as Text).data.trim();
    if (node.nodeType !== Node.ELEMENT_NODE) return true;
    const el = node as Element;
    if (el.matches('img, svg, br, hr, video, canvas, iframe, object, embed') || el.querySelector('img, svg, hr, video, canvas'))
      return false;
    return !(el.textContent ?? '').trim();
  }

  /** Drop what an extraction leaves empty at the end of `el` (an empty `<p>`, `<em>`). */
  function pruneTail(el: Node): void {
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
   * Cut `el` before the text position `line` starts at. `el` keeps the
   * first part; the returned element (a shallow clone of `el`) holds the
   * rest, with the open elements cloned.
   */
  function splitAt(el: HTMLElement, line: Line): HTMLElement {
    // The open elements at the cut, from `el` down to the text, taken
    // before the extraction empties (and pruning removes) some of them.
    const originals: Element[] = [];
    for (let a = line.node.parentElement; a && a !== el; a = a.parentElement) originals.unshift(a);
    originals.unshift(el);
    const range = document.createRange();
    range.setStart(line.node, line.offset);
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
    if (el.contains(line.para) && line.para.textContent?.trim()) line.para.setAttribute('data-split-end', '');
    el.setAttribute('data-cut', '');
    // The open elements were cloned: `originals[i]` (from `el` down to the
    // text) matches the i-th element of the clone chain that starts at
    // `cont`. A clone continues its original only if the original kept
    // some content; otherwise it is the whole element, just moved.
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

  /** Open a continued note with `(Contd.)`. */
  function markContinued(cont: HTMLElement, number: number): void {
    cont.classList.add('footnote-cont');
    cont.removeAttribute('data-note');
    cont.dataset.contOf = String(number);
    const label = document.createElement('span');
    label.className = 'contd';
    label.textContent = config.continued;
    const first = cont.firstElementChild;
    const host = first && getComputedStyle(first).display !== 'inline' ? first : cont;
    // No space after the label: a justified line would stretch that one
    // space when the rest of the line is a long URL. The CSS spaces it.
    host.insertBefore(label, host.firstChild);
  }

  /** Undo a trial cut: give `el` back the content of `backup`. */
  function restoreFrom(el: HTMLElement, backup: HTMLElement): void {
    el.replaceChildren(...Array.from((backup.cloneNode(true) as HTMLElement).childNodes));
    el.removeAttribute('data-split-end');
    el.removeAttribute('data-cut');
  }

  /**
   * Break the last note on `page` so that the page fits with `minBody`
   * pixels to spare, leaving at least `noteLines` lines on each side.
   * Returns the remainder, or null when no break works (the note is then
   * left whole, and the caller backs out).
   */
  function breakLastNote(page: Page, minBody: number): HTMLElement | null {
    const note = page.notes.lastElementChild as HTMLElement | null;
    if (!note) return null;
    const backup = note.cloneNode(true) as HTMLElement;
    let lines = linesOf(note);
    const cuts = validCuts(lines, config.noteLines, config.noteLines).filter((k) => k >= config.noteLines && k < lines.length);
    for (let i = cuts.length - 1; i >= 0; i--) {
      const k = cuts[i];
      const overflow = bodyHeight(page) + notesHeight(page) + minBody - areaHeight(page);
      const box = note.getBoundingClientRect();
      // What the note gives up by stopping after line k.
      const saved = box.bottom - (lineBoxBottom(lines, k, box.top) + box.top);
      if (saved + EPSILON < overflow) continue;
      const cont = splitAt(note, lines[k]);
      if (bodyHeight(page) + notesHeight(page) + minBody <= areaHeight(page) + EPSILON) {
        markContinued(cont, Number(note.dataset.note ?? note.dataset.contOf));
        return cont;
      }
      // The estimate was optimistic: restore and try a shorter part.
      restoreFrom(note, backup);
      lines = linesOf(note);
    }
    return null;
  }

  function takeNotes(page: Page, numbers: number[]): void {
    for (const n of numbers) {
      const el = noteElements.get(n);
      if (!el) continue;
      page.notes.append(el);
      placed.add(n);
      notePage.set(n, page.number);
    }
  }

  function returnNotes(numbers: number[]): void {
    for (const n of numbers) {
      const el = noteElements.get(n);
      if (el && el.parentElement !== noteStore) noteStore.append(el);
      placed.delete(n);
      notePage.delete(n);
    }
  }

  function recordCalls(el: Element, page: Page): void {
    for (const n of callsIn(el)) callPage.set(n, page.number);
  }

  let carry: HTMLElement | null = null;
  const starts: InPageStart[] = [];
  let lastStart: InPageStart = { page: 1, block: 0, offset: 0 };

  const leadingPx = parseFloat(getComputedStyle(document.documentElement).lineHeight) || 18;
  let guard = 0;

  while (queue.length || carry) {
    if (++guard > 5000) break;
    const page = newPage(pagesRoot.childElementCount + 1);
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
      const reserve = queue.length ? config.minBodyLines * leadingPx : 0;
      if (notesHeight(page) + reserve > areaHeight(page) + EPSILON) {
        const rest = breakLastNote(page, reserve);
        if (rest) {
          carry = rest;
          notesClosed = true;
        }
      }
    }

    while (queue.length) {
      const blk = queue[0];
      const heightBefore = bodyHeight(page);
      page.body.append(blk);
      const fresh = callsIn(blk).filter((n) => !placed.has(n));
      if (!notesClosed || fresh.length === 0) {
        takeNotes(page, fresh);
        if (fits(page)) {
          queue.shift();
          recordCalls(blk, page);
          continue;
        }
        returnNotes(fresh);
      }

      // The block does not fit whole: find the most of it that does.
      const done = placePart(page, blk, fresh, heightBefore, notesClosed);
      if (!done) blk.remove();
      break;
    }

    // Headings stay with what follows them.
    for (;;) {
      const last = page.body.lastElementChild as HTMLElement | null;
      if (!last || page.body.childElementCount < 2 || !/^H[1-6]$/.test(last.tagName) || !queue.length) break;
      if (last.hasAttribute('data-cut') && queue[0].dataset.block === last.dataset.block) break;
      const calls = callsIn(last).filter((n) => notePage.get(n) === page.number);
      if (carry && calls.includes(Number(carry.dataset.contOf))) break;
      returnNotes(calls);
      queue.unshift(last);
      last.remove();
    }

    // Nothing fitted on an empty page: place the block anyway rather than loop.
    if (!page.body.childElementCount && !page.notes.childElementCount && queue.length) {
      const blk = queue.shift() as HTMLElement;
      page.body.append(blk);
      const fresh = callsIn(blk).filter((n) => !placed.has(n));
      takeNotes(page, fresh);
      recordCalls(blk, page);
    }
  }

  /**
   * Put on `page` the largest part of `blk` (already appended to the body)
   * that fits with its notes. Returns false when none of it stays.
   */
  function placePart(page: Page, blk: HTMLElement, fresh: number[], heightBefore: number, notesClosed: boolean): boolean {
    const splittable = !blk.hasAttribute('data-nosplit') && !blk.matches('table, figure, img, svg') && !blk.querySelector('table, figure');
    const bodyTop = page.body.getBoundingClientRect().top;
    const area = areaHeight(page);
    const lines = splittable ? linesOf(blk) : [];
    const cuts = splittable ? validCuts(lines, config.orphans, config.widows) : [0, 1];
    const total = splittable ? lines.length : 1;

    // Which line each new note's call sits on.
    const callLine = new Map<number, number>();
    for (const sup of Array.from(blk.querySelectorAll('sup.note-call')) as HTMLElement[]) {
      const n = Number(sup.dataset.call);
      if (!fresh.includes(n)) continue;
      if (!splittable) {
        callLine.set(n, 0);
        continue;
      }
      const r = sup.getBoundingClientRect();
      let index = 0;
      for (let i = 0; i < lines.length; i++) if (lines[i].top < r.bottom - 0.5) index = i;
      callLine.set(n, index);
    }
    const sample = noteElements.values().next().value as HTMLElement | undefined;
    const noteLeading = (sample && parseFloat(getComputedStyle(sample).lineHeight)) || leadingPx * 0.8;
    const needed = (k: number) => fresh.filter((n) => (callLine.get(n) ?? 0) < k);
    const existingNotes = notesHeight(page);

    const estimate = (k: number, notes: number[]): number => {
      const body = k === 0 ? heightBefore : k === total ? blk.getBoundingClientRect().bottom - bodyTop : lineBoxBottom(lines, k, bodyTop);
      let foot = existingNotes;
      if (notes.length) foot += notesOverhead(page);
      for (const n of notes) foot += noteHeight(page, n);
      return body + foot;
    };

    const backup = blk.cloneNode(true) as HTMLElement;
    let current = lines;
    for (let i = cuts.length - 1; i >= 0; i--) {
      const k = cuts[i];
      if (k === 0) break;
      const notes = needed(k);
      if (notesClosed && notes.length) continue;
      const whole = estimate(k, notes) <= area + EPSILON;
      // A note may break only when its call is on the page's last lines of text.
      const last = notes[notes.length - 1];
      const breakable =
        !whole &&
        last !== undefined &&
        (callLine.get(last) ?? 0) >= (cuts[i - 1] ?? 0) &&
        estimate(k, notes.slice(0, -1)) + (notes.length === 1 ? notesOverhead(page) : 0) + config.noteLines * noteLeading <= area + EPSILON;
      if (!whole && !breakable) continue;

      // Try the cut for real.
      const cont = k < total && splittable ? splitAt(blk, current[k]) : null;
      takeNotes(page, notes);
      if (fits(page) || (last !== undefined && (carry = breakLastNote(page, 0)))) {
        queue.shift();
        if (cont) queue.unshift(cont);
        recordCalls(blk, page);
        return true;
      }
      returnNotes(notes);
      if (cont) {
        restoreFrom(blk, backup);
        current = linesOf(blk);
      }
    }
    return false;
  }

  // Furniture: running head from page 2, folio on every page.
  const boxes = Array.from(pagesRoot.children) as HTMLElement[];
  boxes.forEach((box, index) => {
    if (index > 0 && headTemplate) box.prepend(headTemplate.content.cloneNode(true));
    const folio = document.createElement('div');
    folio.className = 'folio';
    folio.setAttribute('aria-hidden', 'true');
    folio.textContent = String(index + 1);
    box.append(folio);
  });
  flow.remove();
  noteStore.remove();

  // Soft hyphens did their work in the layout. A used one (drawn, so it
  // has a width) becomes a printed hyphen, the others go: the PDF's text
  // layer then reads as words, and the lines do not change, because the
  // breaks chosen are still there and no other one is added.
  const edits: Array<[Text, string]> = [];
  const probe = document.createRange();
  const texts = document.createTreeWalker(pagesRoot, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode() as Text | null; node; node = texts.nextNode() as Text | null) {
    const data = node.data;
    if (!data.includes(SOFT_HYPHEN)) continue;
    probe.selectNodeContents(node);
    const tops: number[] = [];
    for (const r of Array.from(probe.getClientRects())) if (r.height > 0 && !tops.some((t) => Math.abs(t - r.top) < 1)) tops.push(r.top);
    tops.sort((a, b) => a - b);
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

  const separated: number[] = [];
  for (const [n, p] of callPage) if (notePage.get(n) !== p) separated.push(n);
  const headings = (Array.from(pagesRoot.querySelectorAll('h1, h2, h3, h4, h5, h6')) as HTMLElement[]).map((h) => h.textContent ?? '');
  return { pages: boxes.length, starts, separated, headings };
}
