/**
 * Line measuring: the line boxes of a laid-out block, each with the text
 * position it starts at, read from Range rectangles. Measuring may stop at
 * a given height (the page bottom), so that a block much longer than a
 * page costs what one page of it costs.
 */
import { BREAK_AFTER, SAME_LINE } from './constants.js';

/**
 * Rectangles read from the layout so far (each a layout query): the work
 * of measuring, counted so that a benchmark can show it per page whatever
 * else the machine is doing.
 */
export const measured = { rects: 0 };

export interface Line {
  top: number;
  bottom: number;
  /** Where the line starts: a text node and an offset in it. */
  node: Text;
  offset: number;
  /** The nearest block-level element of the line (its paragraph). */
  para: Element;
}

/** The layout's rules for one paragraph, as `validCuts` needs them. */
export interface ParaRules {
  orphans: number;
  widows: number;
  /** The paragraph must not end a page (a heading: `break-after: avoid`). */
  keepWithNext: boolean;
}

/**
 * Cuts allowed inside a block: how many of its lines may stay on this page
 * (0 and `lines.length` always; between them only where the paragraph
 * rules allow). `complete` false means the lines stop before the block's
 * end: the last paragraph measured then has at least as many lines left as
 * were measured of it past the cut, and cutting after all of them is not
 * "the whole block".
 */
export function validCuts<P>(lines: Array<{ para: P }>, rules: (para: P) => ParaRules, complete = true): number[] {
  const cuts = [0];
  const count = new Map<P, number>();
  for (const l of lines) count.set(l.para, (count.get(l.para) ?? 0) + 1);
  const lastPara = lines.length ? lines[lines.length - 1].para : undefined;
  const seen = new Map<P, number>();
  for (let k = 1; k < lines.length; k++) {
    const before = lines[k - 1];
    const after = lines[k];
    seen.set(before.para, (seen.get(before.para) ?? 0) + 1);
    const rule = rules(before.para);
    if (before.para !== after.para) {
      if (!rule.keepWithNext) cuts.push(k);
      continue;
    }
    const kept = seen.get(before.para) ?? 0;
    // A paragraph measured only in part has at least the measured rest left.
    const left = (count.get(before.para) ?? 0) - kept + (!complete && before.para === lastPara ? rule.widows : 0);
    if (kept >= rule.orphans && left >= rule.widows) cuts.push(k);
  }
  if (complete) cuts.push(lines.length);
  return cuts;
}

export class LineMeasurer {
  private readonly blockCache = new WeakMap<Node, Element>();

  /** The nearest ancestor of `node` that is not inline, up to `root`. */
  blockOf(node: Node, root: Element): Element {
    const cached = this.blockCache.get(node);
    if (cached && root.contains(cached)) return cached;
    let el = node.parentElement;
    while (el && el !== root) {
      const display = getComputedStyle(el).display;
      if (display !== 'inline' && display !== 'contents') break;
      el = el.parentElement;
    }
    const result = el ?? root;
    this.blockCache.set(node, result);
    return result;
  }

  /**
   * The line boxes of `el`. With `limit` (a viewport y), measuring stops
   * once `extra` lines below it are known; `complete` says whether the
   * block's last line was reached.
   */
  linesOf(el: Element, limit = Infinity, extra = 0): { lines: Line[]; complete: boolean } {
    const lines: Line[] = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let current: Line | null = null;
    let below = 0;
    const countBelow = (line: Line) => {
      if (line.top > limit) below++;
    };
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (below > extra) return { lines: trimBelow(lines, limit, extra), complete: false };
      if (!node.data.length) continue;
      const raised = !!node.parentElement?.closest('sup, sub');
      const para = this.blockOf(node, el);
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter((r) => r.height > 0);
      measured.rects++;
      if (!rects.length) continue;
      const tops = distinctTops(rects);
      const first = rects[0];
      if (!current || (!raised && (first.top >= current.bottom - SAME_LINE || para !== current.para))) {
        current = { top: first.top, bottom: first.bottom, node, offset: 0, para };
        lines.push(current);
        countBelow(current);
      } else if (!raised) {
        current.bottom = Math.max(current.bottom, first.bottom);
      }
      if (tops.length < 2 || raised) continue;
      // The node runs over several lines: find where each one begins, but
      // only as far down as is wanted.
      let wantedCount = tops.length;
      const firstBelow = limit === Infinity ? -1 : tops.findIndex((u) => u > limit);
      if (firstBelow >= 0) wantedCount = Math.min(tops.length, firstBelow + extra + 1);
      const wanted = tops.slice(0, Math.max(1, wantedCount));
      for (const start of lineStarts(node, range, wanted)) {
        const rect = rects.find((r) => Math.abs(r.top - start.top) < SAME_LINE) as DOMRect;
        current = { top: rect.top, bottom: rect.bottom, node, offset: start.offset, para };
        lines.push(current);
        countBelow(current);
      }
      if (wanted.length < tops.length) return { lines: trimBelow(lines, limit, extra), complete: false };
      // The last line's bottom may be taller than its first glyph.
      const lastRect = rects[rects.length - 1];
      if (current) current.bottom = Math.max(current.bottom, lastRect.bottom);
    }
    return { lines, complete: true };
  }
}

function trimBelow(lines: Line[], limit: number, extra: number): Line[] {
  let seen = 0;
  const out: Line[] = [];
  for (const line of lines) {
    if (line.top > limit && ++seen > extra + 1) break;
    out.push(line);
  }
  return out;
}

/** Distinct line tops of a node's rectangles, sorted. */
export function distinctTops(rects: ArrayLike<DOMRect>): number[] {
  const tops: number[] = [];
  for (const r of Array.from(rects)) if (r.height > 0 && !tops.some((t) => Math.abs(t - r.top) < SAME_LINE)) tops.push(r.top);
  return tops.sort((a, b) => a - b);
}

function breaksAnywhere(node: Text): boolean {
  const parent = node.parentElement;
  if (!parent) return false;
  const style = getComputedStyle(parent);
  return style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere';
}

function charRect(range: Range, node: Text, i: number): DOMRect | null {
  measured.rects++;
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
export function lineStarts(node: Text, range: Range, tops: number[]): Array<{ offset: number; top: number }> {
  const out: Array<{ offset: number; top: number }> = [];
  const length = node.data.length;
  const anywhere = breaksAnywhere(node);
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
      if (r && r.top >= lineTop - SAME_LINE) b = mid;
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
      while (back > lo + 1 && !BREAK_AFTER.test(node.data[back - 1])) back--;
      if (back > lo + 1) start = back;
    }
    out.push({ offset: start, top: lineTop });
    lo = start;
  }
  return out;
}

/** Bottom of line `k - 1`'s line box (half-leading included), relative to `origin`. */
export function lineBoxBottom(lines: Line[], k: number, origin: number): number {
  const line = lines[k - 1];
  const style = getComputedStyle(line.para);
  const leading = parseFloat(style.lineHeight) || line.bottom - line.top;
  return line.bottom + Math.max(0, (leading - (line.bottom - line.top)) / 2) - origin;
}
