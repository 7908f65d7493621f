/**
 * CSL YAML entries read as Pandoc reads them (inline `references:` and
 * `.yaml` bibliographies), before the CSL-JSON checks:
 *
 * - variable names in any case (`url`, `doi`) are CSL's (`URL`, `DOI`);
 * - a date may be a map (`issued: {year: 2005, month: 3}`), a list of maps
 *   (`- year: 2005`, a range), a number or an EDTF string; another string
 *   is kept as a literal date;
 * - a name may be a string (`author: John Doe`, a literal name), a single
 *   name map, or a list of either; a name part given as a list
 *   (`given: [Ann]`) is its items joined with spaces;
 * - a field with no value (`volume:`) is left out;
 * - no `type`, or one CSL does not define, is read as `document`;
 * - string fields are Markdown, as Pandoc reads metadata: emphasis, strong,
 *   `^sup^`, `~sub~`, `[x]{.smallcaps}`, `[x]{.nocase}`, backslash escapes,
 *   and `--`, `---`, `...` as dashes and an ellipsis.
 *
 * The result goes through the same field checks as CSL-JSON, so what is
 * still wrong is reported at its place.
 */
import { cslItemTypes } from './bibliography.js';

const nameVariables = new Set([
  'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author', 'contributor',
  'curator', 'director', 'editor', 'editorial-director', 'executive-producer', 'guest', 'host',
  'illustrator', 'interviewer', 'narrator', 'organizer', 'original-author', 'performer', 'producer',
  'recipient', 'reviewed-author', 'script-writer', 'series-creator', 'translator',
]);
const dateVariables = new Set(['accessed', 'available-date', 'event-date', 'issued', 'original-date', 'submitted', 'container']);
/** Variables whose text is an identifier, never Markdown. */
const verbatim = new Set(['id', 'type', 'URL', 'DOI', 'ISBN', 'ISSN', 'PMID', 'PMCID', 'citation-key', 'language', 'categories', 'shortTitle']);
/** CSL's own spelling of variables users often write in lower case. */
const canonical = new Map(['URL', 'DOI', 'ISBN', 'ISSN', 'PMID', 'PMCID'].map((name) => [name.toLowerCase(), name]));
let types: Set<string> | undefined;

export interface LenientWarning {
  field: string;
  reason: string;
}

/**
 * One entry as Pandoc reads it. Anything that is not a map is returned as
 * it is, for the checks to report. `warn` hears what was read differently
 * from how it was written and deserves a word (an unknown `type`).
 */
export function pandocEntry(raw: unknown, warn?: (warning: LenientWarning) => void): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const entry: Record<string, unknown> = {};
  for (const [written, value] of Object.entries(raw as Record<string, unknown>)) {
    // An empty field (`volume:` with nothing after it) is no field, as in Pandoc.
    if (written === '__proto__' || value === null || value === undefined) continue;
    const key = canonical.get(written) ?? written;
    // `URL` written twice (as `url` and `URL`): the CSL spelling wins.
    if (key !== written && Object.hasOwn(raw, key)) continue;
    entry[key] = readField(key, value);
  }
  if (entry.type === undefined || entry.type === null || entry.type === '') entry.type = 'document';
  else if (typeof entry.type === 'string' && !(types ??= new Set<string>(cslItemTypes)).has(entry.type)) {
    warn?.({ field: 'type', reason: `"${entry.type}" is not a CSL item type; the entry is read as "document"` });
    entry.type = 'document';
  }
  if (typeof entry.id === 'number') entry.id = String(entry.id);
  // The id is Markdown too: `timmory\_\_justice` is `timmory__justice`.
  else if (typeof entry.id === 'string') entry.id = entry.id.replace(/\\([!-/:-@[-`{-~])/g, '$1');
  return entry;
}

function readField(key: string, value: unknown): unknown {
  if (nameVariables.has(key)) return readNames(value);
  if (dateVariables.has(key)) return readDate(value);
  if (verbatim.has(key)) return typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string') return markdownField(value);
  return value;
}

function readNames(value: unknown): unknown {
  const one = (name: unknown): unknown => {
    if (typeof name === 'string' || typeof name === 'number') return { literal: markdownField(String(name)) };
    if (name && typeof name === 'object' && !Array.isArray(name)) {
      const out: Record<string, unknown> = {};
      for (const [part, text] of Object.entries(name as Record<string, unknown>)) {
        if (part === '__proto__' || text === null || text === undefined) continue;
        // `given: [Ann, Marie]`: Pandoc joins the list with spaces.
        const joined = Array.isArray(text) && text.every((x) => typeof x === 'string' || typeof x === 'number') ? text.join(' ') : text;
        out[part] = typeof joined === 'string' ? markdownField(joined) : joined;
      }
      return out;
    }
    return name;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value === null || value === undefined) return value;
  return [one(value)];
}

const edtf = /^-?\d{4}(?:-\d{2}(?:-\d{2})?)?$/;

const seasonNames: Record<string, number> = { spring: 1, summer: 2, autumn: 3, fall: 3, winter: 4 };

/**
 * A season (1–4 or its English name) as CSL's month 21–24, as Pandoc
 * converts it: each end of a range keeps its own ("Spring–Winter").
 */
function seasonMonth(season: unknown): number | undefined {
  const number = typeof season === 'string' ? (seasonNames[season.trim().toLowerCase()] ?? Number(season)) : Number(season);
  return Number.isInteger(number) && number >= 1 && number <= 4 ? 20 + number : undefined;
}

function datePartsOf(map: Record<string, unknown>): Array<number | string> | undefined {
  if (map.year === undefined) return undefined;
  const parts: Array<number | string> = [];
  for (const name of ['year', 'month', 'day']) {
    const part = map[name];
    if (part === undefined || part === null || part === '') break;
    const number = Number(part);
    if (!Number.isInteger(number)) return undefined;
    parts.push(number);
  }
  const season = map.season === undefined ? undefined : seasonMonth(map.season);
  if (parts.length === 1 && season !== undefined) parts.push(season);
  return parts;
}

/** The `season` a date keeps beside its parts: only one that did not become a month. */
function keptSeason(map: Record<string, unknown>, parts: Array<number | string> | undefined): unknown {
  if (map.season === undefined) return undefined;
  return parts && parts.length >= 2 && Number(parts[1]) > 20 ? undefined : map.season;
}

function readDate(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.split('/').every((part) => part === '' || edtf.test(part)) && text !== '/' && text !== '') return text;
    // `1996_2004`: the range syntax of pandoc-citeproc, which Pandoc still reads.
    if (/^-?\d{4}(?:-\d{2}){0,2}_-?\d{4}(?:-\d{2}){0,2}$/.test(text)) return text.replace('_', '/');
    return { literal: text };
  }
  if (Array.isArray(value)) {
    const ranges = value.map((part) =>
      part && typeof part === 'object' && !Array.isArray(part) ? datePartsOf(part as Record<string, unknown>) : undefined,
    );
    if (ranges.length > 0 && ranges.every((parts) => parts !== undefined)) {
      const date: Record<string, unknown> = { 'date-parts': ranges.slice(0, 2) };
      const first = value[0] as Record<string, unknown>;
      const season = keptSeason(first, ranges[0]);
      if (season !== undefined) date.season = season;
      if (first.circa !== undefined) date.circa = first.circa;
      return date;
    }
    return value;
  }
  if (value && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    // `literal: 1996_2004` is pandoc-citeproc's range syntax, which Pandoc still reads as a range.
    if (map['date-parts'] === undefined && /^-?\d{4}(?:-\d{2}){0,2}_-?\d{4}(?:-\d{2}){0,2}$/.test(String(map.literal ?? '').trim())) {
      return String(map.literal).trim().replace('_', '/');
    }
    if (map['date-parts'] !== undefined || map.literal !== undefined || map.raw !== undefined) return value;
    const parts = datePartsOf(map);
    if (parts) {
      const date: Record<string, unknown> = { 'date-parts': [parts] };
      const season = keptSeason(map, parts);
      if (season !== undefined) date.season = season;
      if (map.circa !== undefined) date.circa = map.circa;
      return date;
    }
  }
  return value;
}

// ---------------------------------------------------------------------------
// Markdown in fields, to citeproc's markup (<i>, <b>, <sup>, <sub>, small caps, nocase)

const maybeMarkdown = /[*_`\\[\]^~<>&]|--|\.\.\./;

/** A field's Markdown as the rich text citeproc-js reads. */
export function markdownField(text: string): string {
  if (!maybeMarkdown.test(text)) return text;
  return inline(text);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
}

function smart(text: string): string {
  return text.replace(/---/g, '\u2014').replace(/--/g, '\u2013').replace(/\.\.\./g, '\u2026');
}

/** Pandoc's inline Markdown, the part that appears in bibliography fields. */
function inline(text: string): string {
  let out = '';
  let plain = '';
  const flush = () => {
    out += escapeText(smart(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && /[\\`*_{}[\]()#+\-.!^~<>"'|$@&]/.test(text[i + 1])) {
      // An escaped character is itself, never markup (and never a dash).
      flush();
      out += escapeText(text[i + 1]);
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        flush();
        out += escapeText(text.slice(i + run.length, close).trim());
        i = close + run.length;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const run = text.startsWith(c + c, i) && !text.startsWith(c + c + c, i) ? c + c : c;
      const before = i > 0 ? text[i - 1] : ' ';
      // `_` inside a word is a letter (snake_case), as in Pandoc.
      const opens = !/\s/.test(text[i + run.length] ?? ' ') && (c === '*' || !/[\p{L}\p{N}]/u.test(before));
      if (opens) {
        const close = findClose(text, i + run.length, run);
        if (close !== -1) {
          flush();
          const tag = run.length === 2 ? 'b' : 'i';
          out += `<${tag}>${inline(text.slice(i + run.length, close))}</${tag}>`;
          i = close + run.length;
          continue;
        }
      }
    }
    if (c === '^' || c === '~') {
      const close = text.indexOf(c, i + 1);
      const inner = close === -1 ? '' : text.slice(i + 1, close);
      if (close > i + 1 && !/\s/.test(inner) && !(c === '~' && text[i + 1] === '~')) {
        flush();
        const tag = c === '^' ? 'sup' : 'sub';
        out += `<${tag}>${inline(inner)}</${tag}>`;
        i = close + 1;
        continue;
      }
    }
    if (c === '[') {
      const span = /^\[([^\]]*)\]\{\.(smallcaps|nocase)\}/.exec(text.slice(i));
      if (span) {
        flush();
        const inner = inline(span[1]);
        out += span[2] === 'smallcaps' ? `<span style="font-variant:small-caps;">${inner}</span>` : `<span class="nocase">${inner}</span>`;
        i += span[0].length;
        continue;
      }
      const link = /^\[([^\]]*)\]\([^)\s]*\)/.exec(text.slice(i));
      if (link) {
        flush();
        out += inline(link[1]);
        i += link[0].length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** The closing run of an emphasis opened before `from`, not preceded by a space. */
function findClose(text: string, from: number, run: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text.startsWith(run, j) && j > from && !/\s/.test(text[j - 1])) {
      // A single `*` must not be half of a `**`.
      if (run.length === 1 && text[j + 1] === run && text[j - 1] !== run) {
        const inner = findClose(text, j + 2, run + run);
        if (inner !== -1) {
          j = inner + 1;
          continue;
        }
      }
      if (run[0] === '_' && /[\p{L}\p{N}]/u.test(text[j + run.length] ?? ' ')) continue;
      return j;
    }
  }
  return -1;
}
