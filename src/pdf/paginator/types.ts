/** What goes into the in-page paginator and what comes back out. */

/** Tuning of the in-page paginator; the layout (print.css) may override the line counts. */
export interface PaginateConfig {
  /** Least lines of a paragraph left at the foot of a page, unless the paragraph's `orphans` says otherwise. */
  orphans: number;
  /** Least lines of a paragraph carried to the top of the next page, unless its `widows` says otherwise. */
  widows: number;
  /** Least lines of a note on either side of a note break (`--note-break-lines` in the layout wins). */
  noteLines: number;
  /** Lines of text kept on a page that a continued note would otherwise fill (`--min-body-lines` wins). */
  minBodyLines: number;
  /** The text that opens a continued note, in the document language. */
  continued: string;
  /** The runaway guard: more pages than this stops the layout with an error. */
  maxPages: number;
}

export interface InPageStart {
  page: number;
  block: number;
  offset: number;
}

/** A forced decision, located by the top-level block it concerns. */
export interface InPageWarning {
  /** `oversize` (scaled to fit), `note-separated` (a note not on its call's page), `overflow` (content outside the page box). */
  kind: 'oversize' | 'note-separated' | 'overflow';
  /** Index of the top-level block (`data-block`), or -1 for the title block and other furniture. */
  block: number;
  page: number;
  /** The note concerned, for `note-separated`. */
  note?: number;
  /** Scale applied, for `oversize` (0–1). */
  scale?: number;
  /** What was scaled (`table`, `image`, `row`, `block`). */
  what?: string;
}

export interface InPageResult {
  pages: number;
  starts: InPageStart[];
  /** Numbers of notes whose call and start ended on different pages (should be empty). */
  separated: number[];
  /** Text of every heading as printed, in document order (for the bookmarks). */
  headings: string[];
  warnings: InPageWarning[];
  /** Set when the runaway guard stopped the layout: nothing may be printed. */
  runaway?: { pages: number; block: number };
  /** Milliseconds spent laying out each page, in page order (for the benchmark's per-page curve). */
  pageTimes: number[];
  /** Rectangles read from the layout for each page (measuring work, independent of the machine's load). */
  pageWork: number[];
  /** Milliseconds spent after the last page: furniture, hyphens, checks. */
  finishTime: number;
  /** Visible characters before and after pagination (they must agree: nothing lost). */
  chars: { before: number; after: number };
}
