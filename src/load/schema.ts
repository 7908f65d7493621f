/**
 * The front-matter schema: one zod schema that validates a manuscript's YAML
 * header and gives the `Metadata` type every later stage reads.
 *
 * Keys follow Pandoc's names where Pandoc has them (`bibliography`, `csl`,
 * `nocite`, `link-citations`, `reference-section-title`,
 * `suppress-bibliography`), so a manuscript written for Pandoc builds here.
 */
import { z } from 'zod';

const stringOrList = z.union([z.string(), z.array(z.string())]);

const author = z.union([
  z.string().min(1),
  z.object({
    /** Display name, e.g. `Sergey Rumyantsev`. */
    name: z.string().min(1),
    /** Institution, printed under the name where the layout has room. */
    affiliation: z.string().optional(),
    /** ORCID iD or other URL identifying the person. */
    orcid: z.string().optional(),
  }),
]);

const series = z.object({
  /** Short series name, e.g. `CARIM-East`. */
  name: z.string(),
  /** The banner above the title block, e.g. `CARIM-East – Consortium for Applied Research on International Migration`. */
  banner: z.string().optional(),
  /** Kind of publication within the series, e.g. `Explanatory Note`. */
  type: z.string().optional(),
  /** Number within the series, e.g. `13/12`; left out when unknown. */
  number: z.union([z.string(), z.number()]).optional(),
  /** Module or sub-series, e.g. `Socio-Political Module`. */
  module: z.string().optional(),
});

export const frontMatterSchema = z
  .object({
    /** Optional as in Pandoc; without it the file name stands in, with a warning. */
    title: z.string().min(1).optional(),
    subtitle: z.string().optional(),
    author: z.union([author, z.array(author)]).optional(),
    /** Same as `author`, for manuscripts that spell it in the plural. */
    authors: z.union([author, z.array(author)]).optional(),
    date: z.union([z.string(), z.number(), z.date()]).optional(),
    lang: z.string().optional(),
    locale: z.string().optional(),
    bibliography: stringOrList.optional(),
    csl: z.string().optional(),
    nocite: stringOrList.optional(),
    'link-citations': z.boolean().optional(),
    'reference-section-title': z.string().optional(),
    'suppress-bibliography': z.boolean().optional(),
    /** Note styles: put a citation's note call after the punctuation that follows it (Pandoc's key). */
    'notes-after-punctuation': z.boolean().optional(),
    series: series.optional(),
    publisher: z.string().optional(),
    rights: z.string().optional(),
    funding: z.string().optional(),
    keywords: z.union([z.string(), z.array(z.string())]).optional(),
    /** Short summary used for the HTML description and EPUB dc:description. */
    abstract: z.string().optional(),
    /** Stable identifier (URN, DOI, URL) for the EPUB; derived when absent. */
    identifier: z.string().optional(),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface Author {
  name: string;
  affiliation?: string;
  orcid?: string;
}

export interface Series {
  name: string;
  banner?: string;
  type?: string;
  number?: string;
  module?: string;
  /** `name type number`, e.g. `CARIM-East Explanatory Note 13/12`. */
  designation: string;
}

/**
 * Front matter after validation and normalisation: lists are lists, paths
 * are absolute, the date is a string as written (ISO or a year).
 */
export interface Metadata {
  title: string;
  subtitle?: string;
  authors: Author[];
  date?: string;
  /** BCP 47 language of the text (`lang`, else `locale`, else `en-US`). */
  lang: string;
  /** CSL locale to format citations with (`--locale`, `locale`, `lang`). */
  locale: string;
  /** Whether `locale` was given (`--locale`, `locale` or `lang`); if not, the style's `default-locale` applies, as in Pandoc. */
  localeGiven?: boolean;
  /** Absolute paths of the bibliography files. */
  bibliography: string[];
  /** Style id or absolute path of a `.csl` file, as given. */
  csl?: string;
  /** Keys listed with `nocite` (`*` for all). */
  nocite: string[];
  linkCitations: boolean;
  referenceSectionTitle?: string;
  suppressBibliography: boolean;
  /** Note styles move a citation's call after following punctuation (`text.¹`); false keeps it where written (`text¹.`). Default: true. */
  notesAfterPunctuation?: boolean;
  series?: Series;
  publisher?: string;
  rights?: string;
  funding?: string;
  keywords: string[];
  abstract?: string;
  identifier?: string;
  /** Inline CSL entries (`references:` in the metadata), read with the bibliography files. */
  references?: InlineReferences;
}

/** The `references:` list of the metadata, with where each entry is in the manuscript. */
export interface InlineReferences {
  entries: unknown[];
  /** Line and column of entry `index` (0-based), or of a field inside it. */
  at: (index: number, keyPath?: readonly PropertyKey[]) => { line: number; column: number };
}

/**
 * Metadata with every default applied and nothing else: what a manuscript
 * without front matter gets, and the base for metadata made in code.
 */
export function metadataDefaults(title: string): Metadata {
  return {
    title,
    authors: [],
    lang: 'en-US',
    locale: 'en-US',
    bibliography: [],
    nocite: [],
    linkCitations: false,
    suppressBibliography: false,
    notesAfterPunctuation: true,
    keywords: [],
  };
}
