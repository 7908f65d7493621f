/**
 * What the layout says about breaks, read from the computed style: CSS
 * `break-before`, `break-after`, `break-inside`, `orphans` and `widows`,
 * and the paginator's own custom properties on `:root`.
 */
import type { ParaRules } from './lines.js';

const FORCED = new Set(['page', 'always', 'left', 'right', 'recto', 'verso']);
const AVOID = new Set(['avoid', 'avoid-page']);

/** `break-before: page` (or left, right …): the block opens a page. */
export function breaksBefore(el: Element): boolean {
  return FORCED.has(getComputedStyle(el).breakBefore);
}

/** `break-after: page`: the block closes its page. */
export function breaksAfter(el: Element): boolean {
  return FORCED.has(getComputedStyle(el).breakAfter);
}

/** `break-after: avoid`: the block is kept with what follows (headings). */
export function keepsWithNext(el: Element): boolean {
  return AVOID.has(getComputedStyle(el).breakAfter);
}

/** `break-inside: avoid`: the block moves whole to the next page rather than split. */
export function avoidsBreakInside(el: Element): boolean {
  return AVOID.has(getComputedStyle(el).breakInside);
}

/** Widows, orphans and keep-with-next of one paragraph, the fallbacks where the style has none. */
export function paraRules(el: Element, fallback: { orphans: number; widows: number }): ParaRules {
  const style = getComputedStyle(el);
  const orphans = parseInt(style.orphans, 10);
  const widows = parseInt(style.widows, 10);
  return {
    orphans: Number.isFinite(orphans) && orphans > 0 ? orphans : fallback.orphans,
    widows: Number.isFinite(widows) && widows > 0 ? widows : fallback.widows,
    keepWithNext: AVOID.has(style.breakAfter),
  };
}

/** A whole-number custom property of the root element (`--note-break-lines: 2`), or the fallback. */
export function rootNumber(name: string, fallback: number): number {
  const value = parseFloat(getComputedStyle(document.documentElement).getPropertyValue(name));
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
