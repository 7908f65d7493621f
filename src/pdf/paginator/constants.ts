/**
 * Named numbers of the in-page paginator. Sizes of the layout itself
 * (margins, leading, how many lines a note keeps on each side of a break)
 * live in `templates/carim/print.css`; these are the measuring tolerances
 * and work sizes of the code.
 */

/** The soft hyphen the print HTML puts into words for the layout to break at. */
export const SOFT_HYPHEN = '\u00AD';

/** Slack, in CSS pixels, when comparing laid-out heights (sub-pixel rounding). */
export const EPSILON = 0.5;

/** Two rectangles whose tops differ by less than this (px) are on one line. */
export const SAME_LINE = 1;

/** How far (px) below a line's top a raised call may reach and still belong to that line. */
export const CALL_SLACK = 0.5;

/**
 * Children of a long container (a bibliography, a long list) put on the
 * page queue at a time: the rest waits as its own block, so a page never
 * lays out or measures more than a few pages' worth of it.
 */
export const CHUNK_CHILDREN = 12;

/** Leading (px) assumed when the root element has none (13.5 pt). */
export const FALLBACK_LEADING = 18;

/** A note's leading as a share of the text's, when no note is there to ask. */
export const NOTE_LEADING_SHARE = 0.8;

/** Lines measured below the page bottom, beyond the widows rule, before measuring stops. */
export const LINES_PAST_BOTTOM = 2;

/** The smallest scale an oversize block is shrunk to; below it, it is split or clipped with an error. */
export const MIN_SCALE = 0.05;

/** Break-opportunity characters a line may start after (space, soft hyphen, hyphens, dashes, slash). */
export const BREAK_AFTER = /[\s\u00AD\-\u2010\u2013\u2014/]/;

/** Least space between a note number and its text, in ems of the note text. */
export const NOTE_NUMBER_GAP_EM = 0.4;

/** Times a scaled block is measured again and shrunk further when zoom fell short. */
export const FIT_ROUNDS = 4;
