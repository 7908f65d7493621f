import type { Element, ElementContent } from 'hast';
import type { Position } from 'unist';
import type { Metadata } from '../load/schema.js';

import type { CslItem } from '../load/bibliography.js';

export type { CslItem };

/** A style as the registry resolves it (`src/load/styles.ts`). */
export interface StyleInput {
  id: string;
  title: string;
  class: 'note' | 'in-text';
  hasBibliography: boolean;
  xml: string;
}

export interface BibliographyNode {
  type: 'bibliography';
  position?: Position;
  data: { hName: 'section'; hProperties: Element['properties']; hChildren: ElementContent[] };
}

export interface CiteOptions {
  /** The resolved CSL style. */
  style: StyleInput;
  /** Locale to format with, e.g. `en-GB`. */
  lang: string;
  /** Locale XML by tag; must hold `lang` (or its fallback) and `en-US`. */
  locales: Map<string, string>;
  /** Bibliography entries by id. */
  items: Map<string, CslItem>;
  /** Front matter: nocite, link-citations, reference-section-title, suppress-bibliography. */
  metadata: Pick<Metadata, 'nocite' | 'linkCitations' | 'referenceSectionTitle' | 'suppressBibliography' | 'notesAfterPunctuation' | 'notesAfterPunctuationGiven'>;
  /** The document's language as written, whose collation sorts the bibliography. Default: `lang`. */
  collation?: string;
  /** Where citeproc's answers are kept between builds; none: always run it. */
  cache?: import('../cache/citations.js').CitationCache;
}
