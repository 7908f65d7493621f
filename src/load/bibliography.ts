/**
 * Bibliography files in, CSL items out.
 *
 * `loadBibliography(paths)` reads CSL-JSON (`.json`), CSL YAML (`.yaml`)
 * and BibTeX/BibLaTeX (`.bib`) files and returns one map of CSL items keyed
 * by id, ready for citeproc, plus one VFile per input file carrying the
 * problems found in it.
 *
 * - CSL-JSON is parsed with `JSON.parse` (fast) and each entry checked,
 *   field by field, against one zod schema of CSL-JSON 1.0.2 items. Only when
 *   something must be reported does a small position-aware JSON scanner run
 *   over the text, so that a bad entry or field, a duplicate id or a syntax
 *   error is reported at its line and column (`JSON.parse` gives no
 *   positions for valid JSON, and for invalid JSON only an offset in a
 *   message whose wording changes between Node versions).
 * - CSL YAML (`.yaml`, `.yml`: a `references:` list, as Pandoc reads it)
 *   goes through the same checks, with every scalar read as text as Pandoc
 *   does (`issued: 2012` is the EDTF date "2012").
 * - BibTeX/BibLaTeX goes through `@citation-js/plugin-bibtex`; its syntax
 *   errors carry a line and column, which become the message's place.
 * - Items are normalised for citeproc: ids and number variables (`volume`,
 *   `issue`, `page` …) become strings, because numeric values crash some
 *   styles; EDTF date strings and string date parts become numeric
 *   `date-parts`.
 *
 * User-input problems never throw: they are fatal messages (the build exits
 * 1) with rule ids from `src/rules.ts` and `source: 'load'`. An entry with a
 * bad field is still loaded without that field (a bad `type` becomes
 * `document`), so that citing it does not add a second, misleading
 * "unknown key" error; an entry without a usable id is skipped. When two
 * entries share an id the first one is kept.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { VFile } from 'vfile';
import * as YAML from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { zod } from './zod.js';
import { decodeUtf8, invalidUtf8Reason } from './text.js';
import { rules, type RuleId } from '../rules.js';
import { valueTooDeep } from '../guard.js';
import { defaultLimits, limitRule, overLimit, type Limits } from '../limits.js';
import { readRegularFile } from '../resources/read.js';
import { bibtexAsPandoc, unclosedBrace } from './bibtex-pandoc.js';
import { pandocEntry, type LenientWarning } from './csl-lenient.js';
import type { InlineReferences } from './schema.js';
import { displayPath } from '../shared/paths.js';
import { cleanStrings } from '../shared/text.js';
import { jsonOffsetOf, jsonSyntaxError, jsonTree, type JsonNode } from './json.js';
import { positionIndex, type Point, type PositionIndex } from '../shared/positions.js';
import { fileError, fileWarn } from '../messages.js';

/** One bibliography entry in CSL-JSON form, as citeproc takes it. */
export type CslItem = {
  /** The citation key, always a string after loading. */
  id: string;
  /** One of the CSL 1.0.2 item types (`article-journal`, `book` …). */
  type: string;
  [field: string]: unknown;
};

export interface LoadedBibliography {
  /** Every usable entry of every file, keyed by id; the first of duplicate ids wins. */
  items: Map<string, CslItem>;
  /** One VFile per input path, in the order given; problems are messages on them. */
  files: VFile[];
}

/** The item types of CSL 1.0.2. */
export const cslItemTypes = [
  'article', 'article-journal', 'article-magazine', 'article-newspaper', 'bill', 'book', 'broadcast',
  'chapter', 'classic', 'collection', 'dataset', 'document', 'entry', 'entry-dictionary',
  'entry-encyclopedia', 'event', 'figure', 'graphic', 'hearing', 'interview', 'legal_case',
  'legislation', 'manuscript', 'map', 'motion_picture', 'musical_score', 'pamphlet',
  'paper-conference', 'patent', 'performance', 'periodical', 'personal_communication', 'post',
  'post-weblog', 'regulation', 'report', 'review', 'review-book', 'software', 'song', 'speech',
  'standard', 'thesis', 'treaty', 'webpage',
] as const;

const nameVariables = [
  'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author', 'contributor',
  'curator', 'director', 'editor', 'editorial-director', 'executive-producer', 'guest', 'host',
  'illustrator', 'interviewer', 'narrator', 'organizer', 'original-author', 'performer', 'producer',
  'recipient', 'reviewed-author', 'script-writer', 'series-creator', 'translator',
] as const;

const dateVariables = ['accessed', 'available-date', 'event-date', 'issued', 'original-date', 'submitted'] as const;

/** Variables CSL treats as numbers; citeproc wants them as strings. */
const numberVariables = [
  'chapter-number', 'citation-number', 'collection-number', 'edition', 'first-reference-note-number',
  'issue', 'locator', 'number', 'number-of-pages', 'number-of-volumes', 'page', 'page-first',
  'part-number', 'printing-number', 'section', 'supplement-number', 'version', 'volume',
] as const;

const stringVariables = [
  'abstract', 'annote', 'archive', 'archive_collection', 'archive_location', 'archive-place',
  'authority', 'call-number', 'citation-key', 'citation-label', 'collection-title', 'container-title',
  'container-title-short', 'dimensions', 'division', 'DOI', 'event', 'event-title', 'event-place',
  'genre', 'ISBN', 'ISSN', 'jurisdiction', 'keyword', 'language', 'license', 'medium', 'note',
  'original-publisher', 'original-publisher-place', 'original-title', 'part-title', 'PMCID', 'PMID',
  'publisher', 'publisher-place', 'references', 'reviewed-genre', 'reviewed-title', 'scale', 'source',
  'status', 'title', 'title-short', 'URL', 'volume-title', 'year-suffix',
] as const;

// Pandoc reads a JSON number where CSL wants a string as that number's text;
// accept the same so that manuscripts written for Pandoc load here.
function makeSchemas() {
  const z = zod();
  const text = z.union([z.string(), z.number()]);
  const flag = z.union([z.string(), z.number(), z.boolean()]);

  const cslName = z
    .looseObject({
      family: z.string().optional(),
      given: z.string().optional(),
      'dropping-particle': z.string().optional(),
      'non-dropping-particle': z.string().optional(),
      suffix: z.string().optional(),
      literal: z.string().optional(),
      'comma-suffix': flag.optional(),
      'static-ordering': flag.optional(),
      'parse-names': flag.optional(),
    })
    .refine((name) => Boolean(name.family || name.given || name.literal), {
      message: 'a name needs "family", "given" or "literal"',
    });

  // A date part is a number or the digits of one; Zotero exports strings and
  // pads missing parts with "".
  const datePart = z.union([z.number().int(), z.string().regex(datePartText)]);

  const cslDate = z.union([
    z.string().refine(isEdtfDate, {
      message: 'a date string must be EDTF, e.g. "2012-03-01" or "2009/2012"',
    }),
    z
      .looseObject({
        'date-parts': z.array(z.array(datePart).min(1).max(3)).min(1).max(2).optional(),
        season: text.optional(),
        circa: flag.optional(),
        literal: z.string().optional(),
        raw: z.string().optional(),
      })
      .refine((date) => date['date-parts'] !== undefined || date.literal !== undefined || date.raw !== undefined, {
        message: 'a date needs "date-parts", "literal" or "raw"',
      }),
  ]);

  const fields: Record<FieldKind, z.ZodType> = {
    id: z.union([z.string().min(1), z.number()]),
    type: z.enum(cslItemTypes),
    names: z.array(cslName),
    date: cslDate,
    text,
    categories: z.array(z.string()),
  };
  return fields;
}

export type FieldKind = 'id' | 'type' | 'names' | 'date' | 'text' | 'categories';

/** The kind of each CSL variable (`id`, `type` and the ~110 variables CSL defines). */
export const fieldKinds: Record<string, FieldKind> = {
  id: 'id',
  type: 'type',
  ...Object.fromEntries(nameVariables.map((key) => [key, 'names' as const])),
  ...Object.fromEntries(dateVariables.map((key) => [key, 'date' as const])),
  ...Object.fromEntries(numberVariables.map((key) => [key, 'text' as const])),
  ...Object.fromEntries(stringVariables.map((key) => [key, 'text' as const])),
  categories: 'categories',
};

const datePartText = /^-?\d*$/;
const edtfDate = /^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const isEdtfDate = (value: string) => value.split('/').every((part) => part === '' || edtfDate.test(part)) && value !== '/';

/** The schemas of the variables, by kind: made on the first value that needs them (see `plainlyValid`). */
let schemas: Record<FieldKind, z.ZodType> | undefined;
export const schemaOf = (kind: FieldKind): z.ZodType => (schemas ??= makeSchemas())[kind];

/**
 * One CSL-JSON 1.0.2 item. Fields CSL does not define are kept as they are.
 * Loading applies it field by field (the same schemas), which costs in
 * proportion to the fields an entry has rather than to the ~110 CSL defines.
 */
export function cslItemSchema() {
  return zod().looseObject(
    Object.fromEntries(Object.entries(fieldKinds).map(([key, kind]) => [key, key === 'id' || key === 'type' ? schemaOf(kind) : schemaOf(kind).optional()])),
  );
}

const itemTypes = new Set<string>(cslItemTypes);
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
/** Every element of a list, holes included, passes `test`. */
const all = (value: unknown, test: (element: unknown) => boolean): boolean => {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (!test(value[index])) return false;
  return true;
};
const isString = (value: unknown) => typeof value === 'string';
const isText = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
const isFlag = (value: unknown) => isText(value) || typeof value === 'boolean';
const optional = (value: unknown, test: (value: unknown) => boolean) => value === undefined || test(value);

function plainName(name: unknown): boolean {
  if (!isPlainObject(name)) return false;
  for (const key of ['family', 'given', 'dropping-particle', 'non-dropping-particle', 'suffix', 'literal']) if (!optional(name[key], isString)) return false;
  for (const key of ['comma-suffix', 'static-ordering', 'parse-names']) if (!optional(name[key], isFlag)) return false;
  return Boolean(name.family || name.given || name.literal);
}

function plainDate(date: unknown): boolean {
  if (typeof date === 'string') return isEdtfDate(date);
  if (!isPlainObject(date)) return false;
  const parts = date['date-parts'];
  if (parts !== undefined) {
    if (!Array.isArray(parts) || parts.length < 1 || parts.length > 2) return false;
    for (const part of parts) {
      if (!Array.isArray(part) || part.length < 1 || part.length > 3) return false;
      if (!all(part, (value) => Number.isSafeInteger(value) || (typeof value === 'string' && datePartText.test(value)))) return false;
    }
  }
  return optional(date.season, isText) && optional(date.circa, isFlag) && optional(date.literal, isString) && optional(date.raw, isString) &&
    (parts !== undefined || date.literal !== undefined || date.raw !== undefined);
}

/**
 * Whether a field's value is one its schema plainly accepts, told without
 * the schema: the usual entry is checked in a fraction of the time, and
 * the schema (which words the message) sees only what this cannot vouch
 * for. It answers true only where the schema accepts.
 */
export function plainlyValid(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'id':
      return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
    case 'type':
      return typeof value === 'string' && itemTypes.has(value);
    case 'text':
      return isText(value);
    case 'names':
      return all(value, plainName);
    case 'date':
      return plainDate(value);
    case 'categories':
      return all(value, isString);
  }
}

/** What a user is told a field must be, by the kind of variable. */
function expectation(field: string): string {
  if (field === 'id') return 'must be a non-empty string or a number';
  if (field === 'type') return 'must be a CSL item type';
  if ((nameVariables as readonly string[]).includes(field)) return 'must be a list of CSL names';
  if ((dateVariables as readonly string[]).includes(field)) return 'must be a CSL date';
  if ((numberVariables as readonly string[]).includes(field)) return 'must be a number or a string';
  if (field === 'categories') return 'must be a list of strings';
  return 'must be a string';
}

/** A hint shown under the message (`note`), by the kind of variable. */
function hint(field: string): string | undefined {
  if (field === 'type') return `CSL types include ${['article-journal', 'book', 'chapter', 'report', 'webpage'].map((t) => `"${t}"`).join(', ')}; see https://docs.citationstyles.org/en/stable/specification.html#appendix-iii-types`;
  if ((nameVariables as readonly string[]).includes(field)) return 'e.g. [{"family": "Yunusov", "given": "Arif"}] or [{"literal": "World Bank"}]';
  if ((dateVariables as readonly string[]).includes(field)) return 'e.g. {"date-parts": [[2012, 3, 1]]}, {"literal": "spring 2012"} or "2012-03-01"';
  return undefined;
}

// ---------------------------------------------------------------------------
// Entries: validation and normalisation

/**
 * Where an entry came from, for messages and duplicate reports. Places are
 * functions: they are worked out only for what is reported.
 */
interface EntrySource {
  file: VFile;
  /** 1-based position of the entry in its file. */
  index: number;
  /** Where the entry starts. */
  at: () => Point;
  /** Where a field (a key path) inside the entry is; defaults to the entry's start. */
  fieldAt?: (keyPath: readonly PropertyKey[]) => Point;
}

function report(file: VFile, reason: string, place: Point | undefined, ruleId: RuleId, note?: string): void {
  fileError(file, reason, { place, ruleId, source: 'load', note });
}

function describeEntry(index: number, id: unknown): string {
  return typeof id === 'string' || typeof id === 'number' ? `entry ${index} (id "${id}")` : `entry ${index}`;
}

/**
 * Validate one raw entry, report its problems and return it normalised, or
 * null when it has no usable id.
 */
function checkEntry(raw: unknown, source: EntrySource): CslItem | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report(source.file, `entry ${source.index} must be an object with "id" and "type"`, source.at(), rules.bibliographyInvalid);
    return null;
  }
  const entry = raw as Record<string, unknown>;
  const bad = new Set<string>();
  const label = () =>
    describeEntry(source.index, typeof entry.id === 'string' && entry.id !== '' ? entry.id : typeof entry.id === 'number' ? entry.id : undefined);
  for (const field of ['id', 'type']) {
    if (entry[field] === undefined) {
      bad.add(field);
      report(source.file, `${label()}: field "${field}" is missing`, source.at(), rules.bibliographyInvalid, hint(field));
    }
  }
  for (const field in entry) {
    // Own properties only: an entry may well have a field named `constructor`.
    const kind = Object.hasOwn(fieldKinds, field) ? fieldKinds[field] : undefined;
    if (!kind || bad.has(field)) continue;
    if (plainlyValid(kind, entry[field])) continue;
    const parsed = schemaOf(kind).safeParse(entry[field]);
    if (parsed.success) continue;
    bad.add(field);
    const issue = parsed.error.issues[0];
    let reason = `${label()}: field "${field}" ${expectation(field)}`;
    if (field === 'type' && typeof entry.type === 'string') reason += `, not "${entry.type}"`;
    // Say what is wrong inside a list of names or a date, where it helps.
    const detail = issue?.code === 'custom' ? issue.message : undefined;
    const place = source.fieldAt?.([field, ...(issue?.path ?? [])]) ?? source.at();
    report(source.file, reason, place, rules.bibliographyInvalid, [detail, hint(field)].filter(Boolean).join('; ') || undefined);
  }
  if (bad.has('id')) return null;
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    // JSON.parse makes `__proto__` an own key; assigning it would set the prototype.
    if (!bad.has(key) && key !== '__proto__') item[key] = value;
  }
  item.id = String(entry.id);
  if (bad.has('type')) item.type = 'document';
  return normaliseItem(item as CslItem);
}

/** Numbers to strings and dates to numeric `date-parts`, as citeproc expects. */
export function normaliseItem(item: CslItem): CslItem {
  const out: CslItem = { ...item, id: String(item.id) };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'number' && Object.hasOwn(fieldKinds, key) && key !== 'id' && key !== 'type' && !(dateVariables as readonly string[]).includes(key)) {
      out[key] = String(value);
    }
  }
  for (const key of dateVariables) {
    const value = out[key];
    if (typeof value === 'string') out[key] = edtfToDate(value);
    else if (value && typeof value === 'object' && Array.isArray((value as { 'date-parts'?: unknown })['date-parts'])) {
      const date = value as { 'date-parts': Array<Array<number | string>> };
      out[key] = {
        ...date,
        'date-parts': date['date-parts'].map((parts) => {
          const numbers: number[] = [];
          for (const part of parts) {
            if (part === '') break; // "" pads a missing month or day
            numbers.push(Number(part));
          }
          return numbers;
        }).filter((parts) => parts.length > 0),
      };
    }
  }
  return out;
}

function edtfToDate(value: string): { 'date-parts': number[][] } {
  const parts = value
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      const match = edtfDate.exec(part);
      return match ? match.slice(1).filter((x) => x !== undefined).map(Number) : [];
    });
  return { 'date-parts': parts };
}

// ---------------------------------------------------------------------------
// Formats

/** Entries of one file, each with where it came from. */
interface ReadEntries {
  entries: Array<{ item: CslItem; at: () => Point }>;
}

/** A value's text positions, scanned on first use. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

function readCslJson(file: VFile, text: string, lines: () => PositionIndex, limits: Limits): ReadEntries {
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const syntax = jsonSyntaxError(text);
    if (syntax) {
      report(file, `invalid JSON: ${syntax.message}`, lines().point(syntax.offset), rules.bibliographyInvalid);
      return { entries: [] };
    }
    // The parser accepted what JSON.parse refused: report JSON.parse's words.
    report(file, `invalid JSON: ${(error as Error).message}`, undefined, rules.bibliographyInvalid);
    return { entries: [] };
  }
  if (valueTooDeep(root, limits.nesting)) {
    report(file, `JSON nested too deep: ${overLimit('nesting', limits)}`, { line: 1, column: 1, offset: 0 }, limitRule('nesting'));
    return { entries: [] };
  }
  // The text parsed, so the tree has no error (null only when too deep to walk).
  const tree = lazy(() => jsonTree(text));
  // Pandoc wants an array; a `{"references": [...]}` wrapper (the shape of
  // Pandoc's YAML bibliographies) is accepted too because it is unambiguous.
  let list = root;
  let wrapped = false;
  if (root !== null && typeof root === 'object' && !Array.isArray(root) && Array.isArray((root as { references?: unknown }).references)) {
    list = (root as { references: unknown[] }).references;
    wrapped = true;
  }
  if (!Array.isArray(list)) {
    report(file, 'a CSL-JSON bibliography must be an array of entries ([{"id": …, "type": …}, …])', lines().point(tree()?.offset ?? 0), rules.bibliographyInvalid);
    return { entries: [] };
  }
  const listNode = lazy((): JsonNode[] => {
    const top = tree();
    const node = wrapped && top?.type === 'object' ? top.children?.findLast((m) => m.children?.[0]?.value === 'references')?.children?.[1] : top;
    return node?.type === 'array' ? (node.children ?? []) : [];
  });
  const entries: ReadEntries['entries'] = [];
  list.forEach((raw: unknown, i: number) => {
    const offset = () => listNode()[i]?.offset ?? 0;
    const at = () => lines().point(offset());
    const item = checkEntry(raw, {
      file,
      index: i + 1,
      at,
      fieldAt: (keyPath) => {
        const node = listNode()[i];
        return lines().point(node ? jsonOffsetOf(node, keyPath) : 0);
      },
    });
    if (item) entries.push({ item, at });
  });
  return { entries };
}

/** Where a key path points inside a YAML node: a map's key, a sequence's item. */
function yamlOffsetOf(node: YamlNode | null | undefined, keyPath: readonly PropertyKey[]): number | undefined {
  let current: unknown = node;
  let offset = node?.range?.[0];
  for (const key of keyPath) {
    if (YAML.isMap(current)) {
      const pair = current.items.findLast((item) => YAML.isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      offset = (pair.key as YamlNode).range?.[0] ?? offset;
      current = pair.value;
    } else if (YAML.isSeq(current) && typeof key === 'number' && key < current.items.length) {
      current = current.items[key];
      offset = (current as YamlNode).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

function readCslYaml(file: VFile, text: string, lines: () => PositionIndex, limits: Limits): ReadEntries {
  // Pandoc reads YAML scalars as text; the failsafe schema does the same.
  const document = YAML.parseDocument(text, { lineCounter: new YAML.LineCounter(), schema: 'failsafe', uniqueKeys: false });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      report(file, `invalid YAML: ${reason}`, lines().point(error.pos[0]), rules.bibliographyInvalid);
    }
    return { entries: [] };
  }
  let root: unknown;
  try {
    root = document.toJS({ maxAliasCount: limits['yaml-aliases'] });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    report(file, `too many YAML aliases: ${overLimit('yaml-aliases', limits)}`, lines().point(document.contents?.range?.[0] ?? 0), limitRule('yaml-aliases'));
    return { entries: [] };
  }
  if (valueTooDeep(root, limits.nesting)) {
    report(file, `YAML nested too deep: ${overLimit('nesting', limits)}`, lines().point(document.contents?.range?.[0] ?? 0), limitRule('nesting'));
    return { entries: [] };
  }
  const wrapped = root !== null && typeof root === 'object' && !Array.isArray(root) && Array.isArray((root as { references?: unknown }).references);
  const list = wrapped ? (root as { references: unknown[] }).references : root;
  if (!Array.isArray(list)) {
    report(file, 'a YAML bibliography must have a "references" list of entries', lines().point(document.contents?.range?.[0] ?? 0), rules.bibliographyInvalid);
    return { entries: [] };
  }
  const prefix = wrapped ? ['references'] : [];
  const entries: ReadEntries['entries'] = [];
  list.forEach((raw: unknown, i: number) => {
    const node = () => document.getIn([...prefix, i], true) as YamlNode | undefined;
    const at = () => lines().point(node()?.range?.[0] ?? 0);
    const item = checkEntry(pandocEntry(raw, (warning) => warnAt(file, i + 1, raw, warning, lines().point(yamlOffsetOf(node(), [warning.field]) ?? 0))), {
      file,
      index: i + 1,
      at,
      fieldAt: (keyPath) => lines().point(yamlOffsetOf(node(), keyPath) ?? 0),
    });
    if (item) entries.push({ item, at });
  });
  return { entries };
}

/** The part of `@citation-js/core` used here (the package ships no types). */
interface CitationJsCore {
  plugins: {
    input: {
      chain(data: string, options: { forceType: string; generateGraph: boolean; target?: string }): unknown;
    };
  };
}

let citationJs: CitationJsCore | undefined;

function bibtexParser(): CitationJsCore {
  if (!citationJs) {
    // Both packages are CommonJS without type declarations: require them and
    // describe the one function used. Requiring the plugin registers its
    // formats on the core's registry.
    const require = createRequire(import.meta.url);
    citationJs = require('@citation-js/core') as CitationJsCore;
    require('@citation-js/plugin-bibtex');
    // Titles of English entries in sentence case, as Pandoc converts them
    // (CSL styles apply title case where they want it).
    const config = (citationJs as unknown as { plugins: { config: { get(name: string): { parse: { sentenceCase: string } } } } }).plugins.config.get('@bibtex');
    config.parse.sentenceCase = 'english';
  }
  return citationJs;
}

/** One `@type{…}` block of a BibTeX file. */
interface BibtexBlock {
  /** Lower-cased entry type: `article`, `string`, `comment` … */
  type: string;
  /** The citation key of a data entry. */
  label?: string;
  /** Offset of the `@`. */
  offset: number;
  /** Offset where the next block starts (or the end of the file). */
  end: number;
}

/**
 * The blocks of a BibTeX file, found by their `@type{` openings at the start
 * of a line. Used to place entries and to parse entries one by one when the
 * file as a whole does not parse.
 */
function bibtexBlocks(text: string): BibtexBlock[] {
  const blocks: BibtexBlock[] = [];
  const pattern = /^[ \t]*@\s*([A-Za-z]+)\s*[{(]\s*(?:([^,\s{}()"=#%]+)\s*,)?/gm;
  for (const match of text.matchAll(pattern)) {
    const offset = match.index + match[0].indexOf('@');
    if (blocks.length > 0) blocks[blocks.length - 1].end = offset;
    blocks.push({ type: match[1].toLowerCase(), label: match[2], offset, end: text.length });
  }
  return blocks;
}

const isDataBlock = (block: BibtexBlock) => block.type !== 'string' && block.type !== 'preamble' && block.type !== 'comment';

// Token names of the plugin's grammar, as a user would call them.
const tokenNames: Record<string, string> = {
  '"rbrace"': '"}"',
  '"lbrace"': '"{"',
  '"comma"': '","',
  '"equals"': '"="',
  '"quote"': 'a quote',
  '"identifier"': 'a field name',
  '"label"': 'a key',
  '"at"': '"@"',
  EOF: 'end of file',
};

/**
 * BibTeX text to CSL items, in two steps so that each entry's language is
 * decided as Pandoc decides it: by its `langid` where it has one. citation-js
 * sentence-cases the titles of English entries and judges English by the
 * `language` field alone, so a `langid = {german}` entry without one had
 * its German nouns lower-cased ("Drei abhandlungen").
 */
function convertBibtex(text: string): unknown[] {
  // Text outside entries is a comment in BibTeX: a file without any is an
  // empty bibliography, as in Pandoc (the plugin cannot convert nothing).
  if (!bibtexBlocks(text).some(isDataBlock)) return [];
  const parser = bibtexParser().plugins.input;
  const entries = parser.chain(text, { forceType: '@biblatex/text', generateGraph: false, target: '@biblatex/entries+list' });
  if (!Array.isArray(entries)) return [];
  for (const entry of entries as Array<{ properties?: Record<string, unknown> }>) {
    const properties = entry.properties;
    // The item's own `language` is set from `langid` afterwards (`bibtexAsPandoc`).
    if (properties && typeof properties.langid === 'string' && properties.langid.trim()) properties.language = properties.langid.trim();
  }
  const converted = parser.chain(entries as unknown as string, { forceType: '@biblatex/entries+list', generateGraph: false, target: '@csl/list+object' });
  return Array.isArray(converted) ? converted : [];
}

/** The parser's error as a reason and a line and column in the text it was given. */
function describeBibtexError(error: unknown): { reason: string; line?: number; column?: number } {
  const message = error instanceof Error ? error.message : String(error);
  // The lexer and grammar say "… at line L col C:" followed by an excerpt.
  const at = /line (\d+) col (\d+)/.exec(message);
  const reason = message
    .split('\n')[0]
    .replace(/ at line \d+ col \d+:?$/, '')
    .replace(/:$/, '')
    .replace(/"[a-z]+"|EOF/g, (token) => tokenNames[token] ?? token)
    .replace(/\bgot\b/, 'found');
  return at ? { reason, line: Number(at[1]), column: Number(at[2]) } : { reason };
}

function readBibtex(file: VFile, text: string, lines: () => PositionIndex, _limits?: Limits): ReadEntries {
  const blocks = bibtexBlocks(text);
  const parsed: Array<{ raw: unknown; offset: number }> = [];
  try {
    const list = convertBibtex(text);
    // Place each item at its block: the n-th item with a key at the n-th block with it.
    const offsets = new Map<string, number[]>();
    for (const block of blocks.filter(isDataBlock)) {
      if (block.label === undefined) continue;
      offsets.set(block.label, [...(offsets.get(block.label) ?? []), block.offset]);
    }
    const seen = new Map<string, number>();
    for (const raw of list) {
      const id = raw && typeof raw === 'object' ? String((raw as { id?: unknown }).id) : '';
      const nth = seen.get(id) ?? 0;
      seen.set(id, nth + 1);
      parsed.push({ raw, offset: offsets.get(id)?.[nth] ?? 0 });
    }
  } catch (error) {
    // The plugin gives up on the whole file at the first error. Parse the
    // entries one by one (each after the file's @string definitions) so that
    // every broken entry is reported and the good ones still load.
    const whole = describeBibtexError(error);
    const strings = blocks
      .filter((block) => block.type === 'string')
      .map((block) => text.slice(block.offset, block.end))
      .join('\n');
    const prefix = strings === '' ? '' : `${strings}\n`;
    let reported = false;
    for (const block of blocks.filter(isDataBlock)) {
      const chunk = prefix + text.slice(block.offset, block.end);
      try {
        for (const raw of convertBibtex(chunk)) parsed.push({ raw, offset: block.offset });
      } catch (chunkError) {
        let { reason, line, column } = describeBibtexError(chunkError);
        let offset = block.offset;
        if (line !== undefined && column !== undefined) {
          const inChunk = positionIndex(chunk).offset(line, column) - prefix.length;
          if (inChunk >= 0) offset = block.offset + inChunk;
        }
        // An unclosed brace shows only where the parser runs out; say where it opens.
        const unclosed = unclosedBrace(text.slice(block.offset, block.end));
        if (unclosed) {
          offset = block.offset + unclosed.offset;
          reason = `the brace that opens the value of "${unclosed.field}" is never closed`;
          line = undefined;
        }
        const entry = block.label ? ` in entry "${block.label}" (line ${lines().point(block.offset).line})` : '';
        report(file, `invalid BibTeX${entry}: ${reason}`, lines().point(offset), rules.bibliographyInvalid);
        reported = true;
      }
    }
    if (!reported) {
      // The fault is outside any entry (an @string, stray text): say what the parser said.
      const place = whole.line !== undefined ? lines().point(lines().offset(whole.line, whole.column ?? 1)) : undefined;
      report(file, `invalid BibTeX: ${whole.reason}`, place, rules.bibliographyInvalid);
    }
  }
  const entries: ReadEntries['entries'] = [];
  const blockAt = new Map(blocks.map((block) => [block.offset, block]));
  parsed.forEach(({ raw, offset }, i) => {
    const at = () => lines().point(offset);
    const block = blockAt.get(offset);
    const item = checkEntry(bibtexAsPandoc(raw, block ? text.slice(block.offset, block.end) : ''), { file, index: i + 1, at });
    if (item) entries.push({ item, at });
  });
  return { entries };
}

let risLoaded = false;

/**
 * RIS (`.ris`, as Zotero, EndNote and most databases export it) through
 * `@citation-js/plugin-ris`. An entry without an `ID` gets a key from its
 * first author's family name and its year (`Doe2005`, then `Doe2005a` …).
 */
function readRis(file: VFile, text: string, lines: () => PositionIndex): ReadEntries {
  const core = bibtexParser();
  if (!risLoaded) {
    createRequire(import.meta.url)('@citation-js/plugin-ris');
    risLoaded = true;
  }
  const starts = [...text.matchAll(/^[ \t]*TY {2}- /gm)].map((match) => match.index);
  if (starts.length === 0) {
    report(file, 'invalid RIS: no entry (an entry starts with a line "TY  - " and ends with "ER  - ")', lines().point(0), rules.bibliographyInvalid);
    return { entries: [] };
  }
  const entries: ReadEntries['entries'] = [];
  const used = new Set<string>();
  starts.forEach((start, i) => {
    const chunk = text.slice(start, starts[i + 1] ?? text.length);
    const at = () => lines().point(start);
    let converted: unknown[] = [];
    try {
      const result = core.plugins.input.chain(chunk, { forceType: '@ris/file', generateGraph: false, target: '@csl/list+object' });
      converted = Array.isArray(result) ? result : [];
    } catch (error) {
      report(file, `invalid RIS in entry ${i + 1}: ${(error as Error).message.split('\n')[0]}`, at(), rules.bibliographyInvalid);
      return;
    }
    for (const raw of converted) {
      if (!raw || typeof raw !== 'object') continue;
      const entry = raw as Record<string, unknown>;
      if (entry.id === undefined || entry.id === '') {
        const first = Array.isArray(entry.author) ? (entry.author[0] as { family?: string; literal?: string } | undefined) : undefined;
        const year = (entry.issued as { 'date-parts'?: number[][] } | undefined)?.['date-parts']?.[0]?.[0];
        const base = `${(first?.family ?? first?.literal ?? 'ris').replace(/[^\p{L}\p{N}]+/gu, '')}${year ?? ''}` || `ris${i + 1}`;
        let id = base;
        for (let n = 0; used.has(id); n++) id = base + String.fromCharCode(97 + (n % 26)) + (n >= 26 ? String(n) : '');
        entry.id = id;
      }
      used.add(String(entry.id));
      const item = checkEntry(entry, { file, index: i + 1, at });
      if (item) entries.push({ item, at });
    }
  });
  return { entries };
}

function formatOf(filePath: string, text: string): 'csl-json' | 'csl-yaml' | 'bibtex' | 'ris' | undefined {
  const extension = path.extname(filePath).toLowerCase();
  if (extension === '.ris') return 'ris';
  if (extension === '.json') return 'csl-json';
  if (extension === '.yaml' || extension === '.yml') return 'csl-yaml';
  if (extension === '.bib' || extension === '.bibtex' || extension === '.biblatex') return 'bibtex';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[') || start.startsWith('{')) return 'csl-json';
  if (start.startsWith('@') || start.startsWith('%')) return 'bibtex';
  if (start.startsWith('---') || start.startsWith('references:')) return 'csl-yaml';
  if (/^TY {2}- /.test(start)) return 'ris';
  return undefined;
}

/**
 * Load bibliography files: CSL-JSON (`.json`), CSL YAML (`.yaml`, `.yml`)
 * and BibTeX/BibLaTeX (`.bib`); other extensions are recognised by how the
 * file starts. Never throws
 * for problems in the files: see the messages on `files`.
 */
export async function loadBibliography(paths: string[], options: { limits?: Limits; inline?: InlineSource } = {}): Promise<LoadedBibliography> {
  const limits = options.limits ?? defaultLimits;
  // Never blocks on a FIFO or a device, never reads past the size limit.
  const texts = paths.map((p) => {
    const read = readRegularFile(p, limits['input-size']);
    if (!read.ok) return { text: undefined, invalid: undefined, reason: read.why === 'large' ? `too large: ${overLimit('input-size', limits)}` : read.reason, large: read.why === 'large' };
    const decoded = decodeUtf8(read.data);
    return { text: decoded.text, invalid: decoded.invalid, reason: '', large: false };
  });
  let entryLimitReported = false;
  const items = new Map<string, CslItem>();
  const firstSeen = new Map<string, { file: VFile; at: () => Point }>();
  const files: VFile[] = [];
  paths.forEach((p, i) => {
    const file = new VFile({ path: p, cwd: process.cwd() });
    files.push(file);
    const read = texts[i];
    if (read.invalid) {
      const { offset, line, column } = read.invalid;
      report(file, invalidUtf8Reason('the bibliography file', read.invalid), { line, column, offset }, rules.encodingInvalid);
      return;
    }
    if (read.text === undefined) {
      report(file, `cannot read bibliography file: ${read.reason}`, undefined, read.large ? (limitRule('input-size')) : rules.fileUnreadable);
      return;
    }
    file.value = read.text;
    const text = read.text;
    const lines = lazy(() => positionIndex(text, { skipBom: true }));
    const format = formatOf(p, read.text);
    if (!format) {
      report(file, 'unknown bibliography format: use CSL-JSON (.json), CSL YAML (.yaml), BibTeX (.bib) or RIS (.ris)', undefined, rules.bibliographyInvalid);
      return;
    }
    const reader = format === 'csl-json' ? readCslJson : format === 'csl-yaml' ? readCslYaml : format === 'ris' ? readRis : readBibtex;
    const { entries } = reader(file, text, lines, limits);
    for (const { item: read, at } of entries) {
      if (items.size >= limits['bibliography-entries']) {
        if (!entryLimitReported) report(file, `too many bibliography entries: ${overLimit('bibliography-entries', limits)}`, at(), limitRule('bibliography-entries'));
        entryLimitReported = true;
        break;
      }
      // Control characters and lone surrogates reach no edition.
      const item = cleanStrings(read);
      const first = firstSeen.get(item.id);
      if (first) {
        const firstPoint = first.at();
        report(
          file,
          `duplicate id "${item.id}": first defined at ${displayPath(first.file.path, first.file.cwd)}:${firstPoint.line}:${firstPoint.column}`,
          at(),
          rules.bibliographyDuplicateId,
        );
        continue;
      }
      firstSeen.set(item.id, { file, at });
      items.set(item.id, item);
    }
  });
  if (options.inline) readInline(options.inline, items, firstSeen);
  return { items, files };
}

/** A warning about an entry read leniently (it still loads). */
function warnAt(file: VFile, index: number, raw: unknown, warning: LenientWarning, place: Point): void {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  fileWarn(file, `${describeEntry(index, id)}: field "${warning.field}": ${warning.reason}`, {
    place,
    ruleId: rules.bibliographyInvalid,
    source: 'load',
  });
}

/** The metadata's `references:` and the manuscript they are written in. */
export interface InlineSource {
  file: VFile;
  references: InlineReferences;
}

/**
 * Inline references join the files' entries. As in Pandoc, an inline entry
 * takes precedence over a file's entry with the same id; both places are
 * named in a warning. Two inline entries with one id are an error, as two
 * file entries are.
 */
function readInline(
  { file, references }: InlineSource,
  items: Map<string, CslItem>,
  firstSeen: Map<string, { file: VFile; at: () => Point }>,
): void {
  const inlineSeen = new Map<string, () => Point>();
  const point = (at: { line: number; column: number }): Point => ({ ...at, offset: undefined as unknown as number });
  references.entries.forEach((raw, i) => {
    const at = () => point(references.at(i));
    const item = checkEntry(pandocEntry(raw, (warning) => warnAt(file, i + 1, raw, warning, point(references.at(i, [warning.field])))), {
      file,
      index: i + 1,
      at,
      fieldAt: (keyPath) => point(references.at(i, keyPath)),
    });
    if (!item) return;
    const earlier = inlineSeen.get(item.id);
    if (earlier) {
      const first = earlier();
      report(file, `duplicate id "${item.id}" in \`references\`: first defined at line ${first.line}, column ${first.column}`, at(), rules.bibliographyDuplicateId);
      return;
    }
    inlineSeen.set(item.id, at);
    const inFile = firstSeen.get(item.id);
    if (inFile) {
      const there = inFile.at();
      fileWarn(
        file,
        `id "${item.id}" is both in \`references\` and at ${displayPath(inFile.file.path, inFile.file.cwd)}:${there.line}:${there.column}; the entry in \`references\` is used, as in Pandoc`,
        { place: at(), ruleId: rules.bibliographyDuplicateId, source: 'load' },
      );
    }
    items.set(item.id, item);
  });
}
