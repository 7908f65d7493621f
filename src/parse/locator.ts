/**
 * Locators in a citation's suffix, as Pandoc reads them: `[@a, pp. 4-5]`
 * gives label `page` and locator `4-5`; a bare number (`[@a, 3]`) is a page;
 * `{…}` protects an arbitrary locator (`[@a, p. {iv, 3}]`).
 */
import type { CslTerm } from '../shared/csl-xml.js';

/**
 * Label words (lower case, as written) → CSL locator types: the CSL locale
 * terms (short and long, singular and plural), as Pandoc knows them. An
 * abbreviation the locale does not have (`ch.`) is not a label, as in Pandoc.
 */
const labelWords: Record<string, string> = {};
const labels: Record<string, string[]> = {
  act: ['act', 'acts'],
  appendix: ['app.', 'apps.', 'appendix', 'appendices'],
  'article-locator': ['art.', 'arts.', 'article', 'articles'],
  book: ['bk.', 'bks.', 'book', 'books'],
  canon: ['can.', 'canon', 'canons'],
  chapter: ['chap.', 'chaps.', 'chapter', 'chapters'],
  column: ['col.', 'cols.', 'column', 'columns'],
  elocation: ['loc.', 'locs.', 'location', 'locations'],
  equation: ['eq.', 'eqs.', 'equation', 'equations'],
  figure: ['fig.', 'figs.', 'figure', 'figures'],
  folio: ['fol.', 'fols.', 'folio', 'folios'],
  issue: ['iss.', 'issue', 'issues'],
  line: ['l.', 'll.', 'line', 'lines'],
  note: ['n.', 'nn.', 'note', 'notes'],
  opus: ['op.', 'opp.', 'opus', 'opera'],
  page: ['p.', 'pp.', 'page', 'pages'],
  paragraph: ['para.', 'paras.', '¶', '¶¶', 'paragraph', 'paragraphs'],
  part: ['pt.', 'pts.', 'part', 'parts'],
  rule: ['r.', 'rr.', 'rule', 'rules'],
  scene: ['sc.', 'scs.', 'scene', 'scenes'],
  section: ['sec.', 'secs.', '§', '§§', 'section', 'sections'],
  'sub-verbo': ['s.v.', 's.vv.', 'sub verbo', 'sub verbis'],
  table: ['tbl.', 'tbls.', 'table', 'tables'],
  timestamp: ['timestamp', 'timestamps'],
  'title-locator': ['tit.', 'tits.', 'title', 'titles'],
  verse: ['v.', 'vv.', 'verse', 'verses'],
  volume: ['vol.', 'vols.', 'volume', 'volumes'],
};
for (const [type, words] of Object.entries(labels)) for (const word of words) labelWords[word] = type;

/** The CSL locator types a label can name. */
export const locatorTypes: ReadonlySet<string> = new Set(Object.keys(labels));

/** Label words → locator types, with the pattern that finds them. */
export interface LabelTable {
  words: Readonly<Record<string, string>>;
  pattern: RegExp;
}

/** A table from label words (any case) to CSL locator types. */
export function labelTable(words: Record<string, string>): LabelTable {
  const lower: Record<string, string> = {};
  for (const [word, type] of Object.entries(words)) lower[word.toLowerCase()] = type;
  // Longest words first so `pp.` wins over `p.` and `sub verbo` over `s.v.`.
  const alternatives = Object.keys(lower)
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return { words: lower, pattern: new RegExp(String.raw`^(${alternatives})(?:\s+|(?<=\.)(?=\S))`, 'i') };
}

/** The en-US locale's labels: what the parse stage uses before the style's locale is known. */
export const englishLabels = labelTable(labelWords);

/**
 * Labels from CSL terms (the locale's terms, then the style's own
 * `<locale>` overrides), as Pandoc reads them: each term in its short and
 * long forms, singular and plural, with or without a final full stop (so
 * OSCOLA's `ch` also reads `ch.`).
 */
export function labelsFromTerms(...termLists: CslTerm[][]): LabelTable {
  const words: Record<string, string> = {};
  for (const terms of termLists) {
    for (const term of terms) {
      if (term.form !== 'long' && term.form !== 'short' && term.form !== 'symbol') continue;
      const type = term.name === 'title' ? 'title-locator' : term.name;
      if (!locatorTypes.has(type)) continue;
      for (const form of term.multiple === undefined ? [term.single] : [term.single, term.multiple]) {
        const word = form.trim();
        if (word === '' || /\d/.test(word)) continue;
        words[word] = type;
        if (word.endsWith('.')) words[word.slice(0, -1)] ??= type;
        else words[`${word}.`] ??= type;
      }
    }
  }
  return Object.keys(words).length > 0 ? labelTable(words) : englishLabels;
}

const piece = String.raw`(?:[^\s,;{}]*\d[^\s,;{}]*|[ivxlcdm]+\b|[IVXLCDM]+\b)`;
// Dashes written as escapes: String.raw keeps them as text, the RegExp reads them.
const join = String.raw`(?:\s*[,&]\s*|\s+and\s+|\s*[-\u2013\u2014]\s*)`;
const locatorValue = new RegExp(String.raw`^(?:\{([^}]*)\}|(${piece}(?:${join}${piece})*))`);

export interface ParsedSuffix {
  locator?: string;
  label?: string;
  suffix: string;
}

/** Split a citation suffix into locator, label and the rest. */
export function parseSuffix(raw: string, table: LabelTable = englishLabels): ParsedSuffix {
  let rest = raw.replace(/^\s*,?\s*/, '');
  if (rest === '') return { suffix: '' };
  let label: string | undefined;
  const labelMatch = table.pattern.exec(rest);
  if (labelMatch) {
    label = table.words[labelMatch[1].toLowerCase()];
    rest = rest.slice(labelMatch[0].length);
  }
  const valueMatch = locatorValue.exec(rest);
  // Without a label, a locator is a word with a digit in it (`33`, `IV.2A`,
  // `A1`), as in Pandoc; `[@a ss]` and `[@a xii]` are suffixes.
  if (!valueMatch || (!label && valueMatch[1] === undefined && !/^[^\s,;{}]*\d/.test(rest))) {
    // Not a locator: the whole text is a suffix (`[@a, and others]`).
    return { suffix: raw.trim() };
  }
  let value = valueMatch[1] ?? valueMatch[2];
  let consumed = valueMatch[0].length;
  // A trailing comma or full stop belongs to the sentence, not the locator.
  const trailing = /[.,]+$/.exec(value);
  if (trailing && valueMatch[1] === undefined) {
    value = value.slice(0, -trailing[0].length);
    consumed -= trailing[0].length;
  }
  return { locator: value, label: label ?? 'page', suffix: rest.slice(consumed).trim() };
}
