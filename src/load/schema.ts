/**
 * The front-matter schema: one zod schema that validates a manuscript's YAML
 * header and normalises it (transforms) into the `Metadata` every later
 * stage reads. Each key carries its description; the README's front-matter
 * table is checked against them.
 *
 * A build reads the front matter through `parseFrontMatter`: a quick,
 * hand-written test of what is plainly valid (`plainFrontMatter`) gives the
 * schema's very result for the usual header, and only a header it cannot
 * vouch for goes to zod, which decides and words the messages. The schema
 * (and zod itself) is made on first need, so a valid manuscript's build
 * never loads it.
 *
 * Keys follow Pandoc's names where Pandoc has them (`bibliography`, `csl`,
 * `nocite`, `link-citations`, `reference-section-title`,
 * `suppress-bibliography`), so a manuscript written for Pandoc builds here.
 *
 * What needs the manuscript's place or the command line (paths made
 * absolute, `--style`, `--locale`, the file name as a stand-in title) is
 * applied by `load` (`withContext`), not here.
 */
import type { z } from 'zod';
import { isLanguageTag, languageTagProblem } from '../shared/lang.js';
import { zod } from './zod.js';

/** The paper sizes the print layout knows (`templates/carim/print.css`). */
export const paperSizes = ['a4', 'letter'] as const;
export type PaperSize = (typeof paperSizes)[number];

/** The front-matter keys, in the schema's order. */
export const frontMatterKeyNames = [
  'title', 'subtitle', 'author', 'authors', 'date', 'lang', 'locale', 'bibliography', 'csl', 'nocite', 'references',
  'link-citations', 'reference-section-title', 'suppress-bibliography', 'notes-after-punctuation', 'series', 'publisher',
  'rights', 'funding', 'keywords', 'abstract', 'identifier', 'toc', 'table-of-contents', 'toc-depth', 'toc-title',
  'number-sections', 'papersize',
] as const;
const keyNames = new Set<string>(frontMatterKeyNames);

/** Whether `key` is a front-matter key (told without the schema). */
export function isFrontMatterKey(key: string): boolean {
  return keyNames.has(key);
}

/** One value or a list of them, as a list. */
function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An author after normalisation: the affiliations as one line. */
interface Person {
  name: string;
  affiliation?: string;
  orcid?: string;
}

/** An author object as validated, before normalisation. */
interface PersonIn {
  name: string;
  affiliation?: string | string[];
  affiliations?: (string | { name: string })[];
  orcid?: string;
}

function personOut({ affiliation, affiliations, ...rest }: PersonIn): Person {
  // Several institutions are one line, `A; B`, kept with their author.
  const places = [
    ...(affiliation === undefined ? [] : Array.isArray(affiliation) ? affiliation : [affiliation]),
    ...(affiliations ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.name)),
  ];
  const out: Person = { name: rest.name };
  if (places.length > 0) out.affiliation = places.join('; ');
  if (rest.orcid !== undefined) out.orcid = rest.orcid;
  return out;
}

/** A series as validated, its keys in the schema's order, before normalisation. */
interface SeriesIn {
  name: string;
  banner?: string;
  type?: string;
  number?: string | number;
  module?: string;
}
const seriesKeys = ['name', 'banner', 'type', 'number', 'module'] as const;

function seriesOut(s: SeriesIn) {
  return {
    ...s,
    number: s.number === undefined ? undefined : String(s.number),
    /** `name type number`, e.g. `CARIM-East Explanatory Note 13/12`. */
    designation: [s.name, s.type, s.number].filter((x) => x !== undefined && x !== '').join(' '),
  };
}

/** The front matter as validated, before normalisation (what `normalise` reads). */
interface FrontMatterIn {
  title?: string;
  subtitle?: string;
  author?: Person | Person[];
  authors?: Person | Person[];
  date?: string | number | Date;
  lang?: string;
  locale?: string;
  bibliography?: string | string[];
  csl?: string;
  nocite?: string | string[];
  references?: unknown[];
  'link-citations'?: boolean;
  'reference-section-title'?: string;
  'suppress-bibliography'?: boolean;
  'notes-after-punctuation'?: boolean;
  series?: Series;
  publisher?: string;
  rights?: string;
  funding?: string;
  keywords?: string | string[];
  abstract?: string;
  identifier?: string;
  toc?: boolean;
  'table-of-contents'?: boolean;
  'toc-depth'?: number;
  'toc-title'?: string;
  'number-sections'?: boolean;
  papersize?: PaperSize;
}

/**
 * Front matter validated and normalised: lists are lists, authors are
 * objects, the date is a string as written (ISO or a year), every default
 * applied. Paths are as written until `load` resolves them.
 */
function normalise(data: FrontMatterIn) {
  const lang = data.lang ?? data.locale ?? 'en-US';
  return {
    /** Title of the work; `load` puts the file name here when the front matter has none. */
    title: data.title,
    subtitle: data.subtitle,
    authors: (() => {
      const given = data.author ?? data.authors;
      return given === undefined ? [] : Array.isArray(given) ? given : [given];
    })(),
    date: data.date instanceof Date ? data.date.toISOString().slice(0, 10) : data.date === undefined ? undefined : String(data.date),
    /** BCP 47 language of the text (`lang`, else `locale`, else `en-US`). */
    lang,
    /** CSL locale to format citations with (`--locale`, `locale`, `lang`). */
    locale: data.locale ?? lang,
    /** Whether `locale` was given (`--locale`, `locale` or `lang`); if not, the style's `default-locale` applies, as in Pandoc. */
    localeGiven: ((data.locale ?? data.lang) !== undefined) as boolean | undefined,
    /** Paths of the bibliography files (absolute once loaded). */
    bibliography: list(data.bibliography),
    /** Style id or path of a `.csl` file (absolute once loaded). */
    csl: data.csl,
    /** Keys listed with `nocite` (`*` for all). */
    nocite: list(data.nocite).flatMap(nociteKeys),
    linkCitations: data['link-citations'] ?? false,
    referenceSectionTitle: data['reference-section-title'],
    suppressBibliography: data['suppress-bibliography'] ?? false,
    /** Note styles move a citation's call after following punctuation (`text.¹`); false keeps it where written (`text¹.`). Default: true. */
    notesAfterPunctuation: (data['notes-after-punctuation'] ?? true) as boolean | undefined,
    series: data.series,
    publisher: data.publisher,
    rights: data.rights,
    funding: data.funding,
    keywords: typeof data.keywords === 'string' ? data.keywords.split(/\s*[,;]\s*/).filter(Boolean) : (data.keywords ?? []),
    abstract: data.abstract,
    identifier: data.identifier,
    /** A contents list in the HTML and PDF (`toc`, `table-of-contents` or `--toc`). */
    toc: (data.toc ?? data['table-of-contents']) as boolean | undefined,
    /** Deepest heading level in the contents list (default 3). */
    tocDepth: data['toc-depth'],
    tocTitle: data['toc-title'],
    /** Number the headings. */
    numberSections: data['number-sections'],
    /** Paper of the print edition (`papersize`, `--papersize`). Default: `a4`. */
    papersize: data.papersize as PaperSize | undefined,
  };
}

/** Front matter validated and normalised, before `load` settles its title and paths. */
export type FrontMatterData = ReturnType<typeof normalise>;

/**
 * The zod schemas of the front matter, made on first need: they validate,
 * normalise (the same `personOut`, `seriesOut` and `normalise` as the quick
 * path) and word every message about a front matter that is not plainly
 * valid. Each key carries its description; the README's front-matter table
 * is checked against them.
 */
function makeSchemas() {
  const z = zod();
  const stringOrList = z.union([z.string(), z.array(z.string())]);

  /** A BCP 47 language tag, checked: it ends up in `lang` attributes, the PDF's `/Lang` and `Intl`. */
  const languageTag = z.string().superRefine((value, context) => {
    if (!isLanguageTag(value)) context.addIssue({ code: 'custom', message: languageTagProblem(value) });
  });

  const person = z
    .object({
      /** Display name, e.g. `Sergey Rumyantsev`. */
      name: z.string().min(1).describe('display name'),
      /** Institution, printed under the name where the layout has room; a list for several. */
      affiliation: z.union([z.string(), z.array(z.string())]).optional().describe('institution, printed under the name where the layout has room; a list for several'),
      /** Quarto's spelling of `affiliation`: names or `{name}` objects. */
      affiliations: z.array(z.union([z.string(), z.object({ name: z.string() }).passthrough()])).optional().describe("Quarto's spelling of `affiliation`: a list of names or `{name}` objects"),
      /** ORCID iD or other URL identifying the person. */
      orcid: z.string().optional().describe('ORCID iD or other URL identifying the person'),
    })
    .transform(personOut);

  /** An author: a name, or `{name, affiliation, orcid}`; always an object after parsing. */
  const author = z.union([z.string().min(1), person]).transform((a): Person => (typeof a === 'string' ? { name: a } : a));

  const authors = z.union([author, z.array(author)]);

  const series = z
    .object({
      /** Short series name, e.g. `CARIM-East`. */
      name: z.string().describe('short series name, e.g. `CARIM-East`'),
      /** The banner above the title block, e.g. `CARIM-East – Consortium for Applied Research on International Migration`. */
      banner: z.string().optional().describe('the banner above the title block'),
      /** Kind of publication within the series, e.g. `Explanatory Note`. */
      type: z.string().optional().describe('kind of publication within the series, e.g. `Explanatory Note`'),
      /** Number within the series, e.g. `13/12`; left out when unknown. */
      number: z.union([z.string(), z.number()]).optional().describe('number within the series, e.g. `13/12`'),
      /** Module or sub-series, e.g. `Socio-Political Module`. */
      module: z.string().optional().describe('module or sub-series, e.g. `Socio-Political Module`'),
    })
    .transform(seriesOut);

  /** The front-matter keys as written, each with its description. */
  const frontMatterKeys = z
    .object({
      title: z.string().min(1).optional().describe('title of the work; optional as in Pandoc: without it the file name stands in, with a warning'),
      subtitle: z.string().optional().describe('subtitle, under the title'),
      author: authors.optional().describe('a name, `{name, affiliation, orcid}`, or a list of either'),
      authors: authors.optional().describe('same as `author`, for manuscripts that spell it in the plural'),
      date: z.union([z.string(), z.number(), z.date()]).optional().describe('date of publication, as written (`2013`, `2013-02-15`)'),
      lang: languageTag.optional().describe('BCP 47 language of the text; default `locale`, else `en-US`'),
      locale: languageTag.optional().describe('CSL locale of the citations when it differs from `lang`'),
      bibliography: stringOrList.optional().describe('bibliography file or files, relative to the manuscript'),
      csl: z.string().optional().describe('citation style: a bundled id or the path of a `.csl` file'),
      nocite: stringOrList.optional().describe('keys to list in the bibliography without citing them, written as citations (`@a, @b`, `[@*]` for all)'),
      // Checked entry by entry with the bibliography files (load/bibliography.ts), where each field's place is known.
      references: z.array(z.unknown()).optional().describe('CSL entries written in the metadata, as in Pandoc, used with the bibliography files'),
      'link-citations': z.boolean().optional().describe('citations link to their bibliography entries'),
      'reference-section-title': z.string().optional().describe('heading over the bibliography'),
      'suppress-bibliography': z.boolean().optional().describe('no bibliography'),
      'notes-after-punctuation': z.boolean().optional().describe("note styles: put a citation's note call after the punctuation that follows it (Pandoc's key; default true)"),
      series: series.optional().describe('`{name, banner, type, number, module}`: the series line of the title block and running header'),
      publisher: z.string().optional().describe('the imprint'),
      rights: z.string().optional().describe('the rights statement'),
      funding: z.string().optional().describe('the funding line'),
      keywords: z.union([z.string(), z.array(z.string())]).optional().describe('a list or a comma-separated string'),
      abstract: z.string().optional().describe('short summary: the HTML description and the EPUB `dc:description`'),
      identifier: z.string().optional().describe('stable identifier (URN, DOI, URL) for the EPUB; derived when absent'),
      toc: z.boolean().optional().describe('`true`: a contents list after the title block in the HTML and the PDF (as `--toc`)'),
      'table-of-contents': z.boolean().optional().describe('same as `toc`'),
      'toc-depth': z.number().int().min(1).max(6).optional().describe('heading levels in the contents list, 1–6 (default 3)'),
      'toc-title': z.string().optional().describe('heading over the contents list (default: "Contents" in the language of the text)'),
      'number-sections': z.boolean().optional().describe('`true`: headings numbered 1, 1.1, … (not those marked `{-}` or `.unnumbered`)'),
      papersize: z
        .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(paperSizes))
        .optional()
        .describe('paper of the print edition: `a4` (default) or `letter`'),
    })
    .strict();

  const frontMatterSchema = frontMatterKeys.transform((data): FrontMatterData => normalise(data));
  return { frontMatterKeys, frontMatterSchema };
}

type Schemas = ReturnType<typeof makeSchemas>;
let schemas: Schemas | undefined;
const madeSchemas = (): Schemas => (schemas ??= makeSchemas());

/**
 * A stand-in for an object made on first use: reading anything from it
 * (a property, its keys, its prototype) makes the object and reads it there.
 */
function madeOnFirstUse<T extends object>(make: () => T): T {
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = make();
      return Reflect.get(target, key, target);
    },
    set: (_, key, value) => Reflect.set(make(), key, value),
    has: (_, key) => Reflect.has(make(), key),
    ownKeys: () => Reflect.ownKeys(make()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(make(), key);
      // A proxy may not report a property its (empty) target lacks as fixed.
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(make()),
  });
}

/** The front-matter keys as written, each with its description (the zod schema, made on first use). */
export const frontMatterKeys: Schemas['frontMatterKeys'] = madeOnFirstUse(() => madeSchemas().frontMatterKeys);

/** The front matter as written: what a manuscript may give. */
export type FrontMatter = z.input<Schemas['frontMatterKeys']>;

/**
 * The zod schema of the front matter, validating and normalising (made on
 * first use). `parseFrontMatter` gives the same results, faster.
 */
export const frontMatterSchema: Schemas['frontMatterSchema'] = madeOnFirstUse(() => madeSchemas().frontMatterSchema);

/** The result of checking a front matter: its data, or zod's issues (which `load` words as messages). */
export type FrontMatterResult = { success: true; data: FrontMatterData } | { success: false; error: { issues: z.core.$ZodIssue[] } };

/**
 * Validate and normalise a front matter (its keys and values as YAML gave
 * them): the quick test first, and zod for whatever that cannot vouch for.
 * The result is the schema's, to the key and the message.
 */
export function parseFrontMatter(raw: Record<string, unknown>): FrontMatterResult {
  const plain = plainFrontMatter(raw);
  if (plain) return { success: true, data: plain };
  return madeSchemas().frontMatterSchema.safeParse(raw);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** Every element of a list, holes included, passes `test`. */
function all<T>(value: unknown, test: (element: unknown) => element is T): value is T[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (!test(value[index])) return false;
  return true;
}
const isStringOrList = (value: unknown): value is string | string[] => isString(value) || all(value, isString);
const isLanguage = (value: unknown): value is string => isString(value) && isLanguageTag(value);
const isAffiliation = (value: unknown): value is string | { name: string } => isString(value) || (isPlainObject(value) && isString(value.name));

/** Thrown inside `plainFrontMatter` when it cannot vouch for a value. */
const notPlain = Symbol('not plainly valid');

/** An author the schema plainly accepts, normalised as it would be. */
function plainAuthor(value: unknown): Person {
  if (isString(value) && value !== '') return { name: value };
  if (!isPlainObject(value)) throw notPlain;
  const { name, affiliation, affiliations, orcid } = value;
  if (!(isString(name) && name !== '')) throw notPlain;
  if (!(affiliation === undefined || isStringOrList(affiliation))) throw notPlain;
  if (!(affiliations === undefined || all(affiliations, isAffiliation))) throw notPlain;
  if (!(orcid === undefined || isString(orcid))) throw notPlain;
  return personOut({ name, affiliation, affiliations, orcid });
}

function plainAuthors(value: unknown): Person | Person[] {
  if (!Array.isArray(value)) return plainAuthor(value);
  const out: Person[] = [];
  for (let index = 0; index < value.length; index++) out.push(plainAuthor(value[index]));
  return out;
}

function plainSeries(value: unknown): Series {
  if (!isPlainObject(value) || !isString(value.name)) throw notPlain;
  const s: Record<string, unknown> = {};
  // The keys given, in the schema's order, as zod's object gives them; others are dropped.
  for (const key of seriesKeys) {
    if (!(key in value)) continue;
    const entry = value[key];
    if (!(entry === undefined || isString(entry) || (key === 'number' && isNumber(entry)))) throw notPlain;
    s[key] = entry;
  }
  return seriesOut(s as unknown as SeriesIn);
}

const isTitle = (value: unknown): value is string => isString(value) && value !== '';
const isDate = (value: unknown): boolean => isString(value) || isNumber(value) || (value instanceof Date && !Number.isNaN(value.getTime()));

/** Keys whose plainly valid value the schema gives back as it is, with the test it must pass. */
const plainValues = new Map<string, (value: unknown) => boolean>([
  ['title', isTitle],
  ['date', isDate],
  ...['subtitle', 'csl', 'reference-section-title', 'publisher', 'rights', 'funding', 'abstract', 'identifier', 'toc-title'].map((key) => [key, isString] as const),
  ...['lang', 'locale'].map((key) => [key, isLanguage] as const),
  ...['link-citations', 'suppress-bibliography', 'notes-after-punctuation', 'toc', 'table-of-contents', 'number-sections'].map((key) => [key, isBoolean] as const),
]);

/** A list given in the front matter, as the schema gives it: a copy. */
const listOf = (value: string | string[]): string | string[] => (Array.isArray(value) ? value.slice() : value);

/**
 * The front matter validated and normalised, told without the schema when
 * it is plainly valid: exactly what `frontMatterSchema` gives (the same
 * values, keys in the same order), else undefined, and the schema decides
 * (and words the messages). It never vouches for what the schema refuses;
 * `test/front-matter-quick.test.ts` checks it against the schema.
 */
export function plainFrontMatter(raw: Record<string, unknown>): FrontMatterData | undefined {
  if (!isPlainObject(raw)) return undefined;
  for (const key in raw) if (!keyNames.has(key)) return undefined;
  const data: FrontMatterIn = {};
  try {
    for (const key in raw) {
      const value = raw[key];
      if (value === undefined) continue;
      const test = plainValues.get(key);
      if (test) {
        if (!test(value)) throw notPlain;
        (data as Record<string, unknown>)[key] = value;
        continue;
      }
      switch (key) {
        case 'author':
        case 'authors':
          data[key] = plainAuthors(value);
          break;
        case 'bibliography':
        case 'nocite':
        case 'keywords':
          if (!isStringOrList(value)) throw notPlain;
          data[key] = listOf(value);
          break;
        case 'references':
          if (!Array.isArray(value)) throw notPlain;
          data.references = value.slice();
          break;
        case 'series':
          data.series = plainSeries(value);
          break;
        case 'toc-depth':
          if (!(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 6)) throw notPlain;
          data['toc-depth'] = value as number;
          break;
        case 'papersize': {
          const size = isString(value) ? value.toLowerCase() : undefined;
          if (!(paperSizes as readonly (string | undefined)[]).includes(size)) throw notPlain;
          data.papersize = size as PaperSize;
          break;
        }
        default:
          return undefined;
      }
    }
  } catch (error) {
    if (error === notPlain) return undefined;
    throw error;
  }
  return normalise(data);
}

/** Keys whose value may be undefined become optional (`subtitle?: string`), so metadata made in code need not list them. */
type Optionalise<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] } & { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };
type Flatten<T> = { [K in keyof T]: T[K] };

/** Front matter after validation and normalisation, with its title settled: what every stage reads. */
export type Metadata = Flatten<
  Optionalise<Omit<FrontMatterData, 'title'>> & {
    title: string;
    /** Inline CSL entries (`references:` in the metadata), read with the bibliography files. */
    references?: InlineReferences;
    /** `notes-after-punctuation` was written: in-text styles move superscript citations only then, as Pandoc does. */
    notesAfterPunctuationGiven?: boolean;
  }
>;

/** The `references:` list of the metadata, with where each entry is in the manuscript. */
export interface InlineReferences {
  entries: unknown[];
  /** Line and column of entry `index` (0-based), or of a field inside it. */
  at: (index: number, keyPath?: readonly PropertyKey[]) => { line: number; column: number };
}

/**
 * The keys of one `nocite` entry, read as Pandoc reads it: as text with
 * citations in it, so `'@a, @b'`, `'[@*]'` and `'[@a; @b]'` all work. A bare
 * key without `@` (`nocite: [a, b]`) is accepted too.
 */
function nociteKeys(entry: string): string[] {
  const keys = [...entry.matchAll(/(?:^|[^\p{L}\p{N}_])@(?:\{([^{}]+)\}|(\*|[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*))/gu)].map(
    (match) => match[1] ?? match[2],
  );
  if (keys.length > 0 || entry.includes('@')) return keys;
  return entry.split(/[\s,;]+/).filter(Boolean);
}

/** An author after normalisation. */
export type Author = Person;

/** A series after normalisation, with its `designation` (`name type number`). */
export type Series = ReturnType<typeof seriesOut>;

/**
 * Metadata with every default applied and nothing else: what a manuscript
 * without front matter gets, and the base for metadata made in code.
 */
export function metadataDefaults(title: string): Metadata {
  // What the schema gives for `{}`, without it.
  const { localeGiven: _given, ...defaults } = normalise({});
  return { ...defaults, title };
}
