/**
 * The `cite` node: one citation cluster as the author wrote it, before any
 * style has formatted it. The `parse` stage makes these; `cite` formats them.
 */
import type { Data, Literal } from 'mdast';
import type { Point } from 'unist';
import type { Element, ElementContent } from 'hast';

export interface CiteItem {
  /** Citation key without `@` or braces. */
  key: string;
  /** Text before the key (`see`), trimmed. */
  prefix: string;
  /**
   * Text after the key and its locator, as written after a locator
   * (`, and passim`, ` and passim`, `/4`), trimmed otherwise (`and passim`).
   */
  suffix: string;
  /**
   * Everything after the key as written (`, pp. 4-5 and passim`), for a key
   * that turns out to be a cross-reference (`[@fig-a, left]`). The locator
   * is read once, in the parse stage, with the document locale's and the
   * style's terms.
   */
  rawSuffix: string;
  /** The suffix came from `@key [suffix]`, where a comma is implied. */
  narrativeSuffix?: boolean;
  /** Locator value (`4-5`) when the suffix starts with one. */
  locator?: string;
  /** CSL locator label (`page`, `chapter`, …) for `locator`. */
  label?: string;
  /** `-@key`: the author's name is left out. */
  suppressAuthor: boolean;
  /** Where the key (its `@`) is in the manuscript. */
  place: Point;
}

export interface CiteData extends Data {
  hName?: string;
  hProperties?: Element['properties'];
  hChildren?: ElementContent[];
}

export interface Cite extends Literal {
  type: 'cite';
  /** `normal` for `[@a]`; `author-in-text` for `@a` or `@a [p. 3]`. */
  mode: 'normal' | 'author-in-text';
  items: CiteItem[];
  /** The cluster as written, e.g. `[see @a, p. 3]`. */
  value: string;
  data?: CiteData;
}

declare module 'mdast' {
  interface PhrasingContentMap {
    cite: Cite;
  }
  interface RootContentMap {
    cite: Cite;
  }
}
