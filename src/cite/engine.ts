/**
 * One citeproc-js engine per document.
 *
 * citation-js's `@csl` plugin hands out one shared engine per style and
 * locale and resets it on the next call, so two documents formatted at once
 * would corrupt each other; a document owns its `CSL.Engine` instead (the
 * same citeproc-js that citation-js uses inside).
 */
import { createRequire } from 'node:module';
import type { CslItem } from './types.js';
import { nameEditorTranslatorOnce, singularLabelForWordLists, type NameOutputGlobals, type NumberGlobals } from './names.js';
import { keepPunctuationOutsideTypedQuotes, markTypedQuotes, typedQuotesSource, type FlipFlopperEngine, type TypedQuoteGlobals } from './typed-quotes.js';
import { citeGroupsSource, clusterOrder, teachCiteGroups, type CiteprocGlobals, type OrderedEngine } from './cite-groups.js';
import { citeprocTree } from './trees.js';
import { asciiCollatesAsRoot, asciiCollationSource, compareAscii, withAsciiLocaleCompare } from './ascii-collation.js';

const require = createRequire(import.meta.url);
// citeproc ships CommonJS without type declarations; the few calls used here
// are typed by `CiteprocEngine` below. It is loaded on the first engine: a
// build whose citations all come from the cache never loads it.
interface Citeproc extends CiteprocGlobals {
  NameOutput: CiteprocGlobals['NameOutput'] & NameOutputGlobals['NameOutput'];
  debug: (message: string) => void;
  Engine: (new (sys: unknown, style: string | object, lang?: string, forceLang?: boolean) => CiteprocEngine) & NumberGlobals['Engine'];
  PROCESSOR_VERSION?: string;
  SKIP_WORDS: string[];
  Output: { Formats: { html: { text_escape: (text: string | undefined) => string } } } & TypedQuoteGlobals['Output'];
  getSortCompare: (this: { sys?: { collation?: string }; opt?: { sort_sep?: string } }, defaultLocale?: string) => (a: string, b: string) => number;
  toLocaleLowerCase: CaseChange;
  toLocaleUpperCase: CaseChange;
}
/** citeproc-js's case change: `this` is the engine, whose `tmp.lang_array` names the languages. */
type CaseChange = (this: { tmp?: { lang_array?: unknown } }, text: unknown) => string;
let loaded: Citeproc | undefined;

/** citeproc-js's version, from its package.json (in the bundle, the bundled one), without loading the engine. */
export function citeprocVersion(): string {
  return String((require('citeproc/package.json') as { version?: string }).version ?? 'unknown');
}

function citeproc(): Citeproc {
  if (!loaded) {
    loaded = require('citeproc') as Citeproc;
    // citeproc-js prints its own sanity notes ("Note index sequence is not
    // sane") on stdout; they are about its input order, which Colophon
    // decides, and mean nothing to an author.
    loaded.debug = () => {};
    loaded.SKIP_WORDS.splice(0, loaded.SKIP_WORDS.length, ...titleCaseStopWords);
    collateByLanguage(loaded);
    teachCiteGroups(loaded);
    keepSuperscriptLetters(loaded);
    nameEditorTranslatorOnce(loaded);
    singularLabelForWordLists(loaded);
    keepPunctuationOutsideTypedQuotes(loaded);
    changeCaseQuickly(loaded);
  }
  return loaded;
}

/**
 * Sorting follows the document's language, as in Pandoc: the collation of
 * `lang` as written (`es` sorts Onush before Oñate, `fr-FR-u-kb-true` sorts
 * accents backwards), with punctuation counted, so O’Neil sorts before
 * Oñate as it does in Pandoc (citeproc-js's own comparison ignores
 * punctuation and compares base letters only). An engine whose `sys` names
 * no collation keeps citeproc-js's comparison.
 */
function collateByLanguage(CSL: Citeproc): void {
  const citeprocSortCompare = CSL.getSortCompare;
  CSL.getSortCompare = function (defaultLocale) {
    const lang = this?.sys?.collation;
    if (!lang) return citeprocSortCompare.call(this, defaultLocale);
    const compare = collation(lang, defaultLocale ?? 'en-US');
    // citeproc-js joins the parts of a sort key (family, given …) with its
    // separator: compare part by part, so "Doe|John|" sorts before
    // "Doe|John,|Roe|Jenny|" whatever the separator's place in the collation.
    const separator = this?.opt?.sort_sep ?? '|';
    // A leading bracket or quotation mark does not count, as in citeproc-js,
    // nor a leading apostrophe-like letter of a transliteration (ʾ hamza,
    // ʿ ayn, ʻ ʼ), as in Pandoc: ʿUdhrī sorts among the U's, after Uch.
    // Hyphens do not count either, as in Pandoc (Villafuerte before Villa-Lobos).
    const strip = (text: string) => text.replace(/^[[\]'"‘’“”«»\u02BB-\u02BF]*/, '').replace(/[-\u2010\u2011]/g, '');
    return (a, b) => {
      const left = strip(a).split(separator);
      const right = strip(b).split(separator);
      for (let i = 0; i < Math.min(left.length, right.length); i++) {
        const order = scriptOrder(left[i], right[i]) || compare(left[i], right[i]);
        if (order !== 0) return order;
      }
      return left.length - right.length;
    };
  };
}

/**
 * Scripts in the order of the Unicode collation's root (digits, Latin,
 * Greek, Cyrillic, …, Han), whatever the language: Pandoc sorts a Latin
 * name before a Cyrillic one in a Russian document too, where ICU's Russian
 * collation (Node's) puts Cyrillic first. Within one script, the
 * language's collation decides. The patterns are made on the first name
 * that does not start in ASCII: a Unicode property is costly to compile,
 * and most names never need one.
 */
const numberRank = 1;
const latinRank = 2;
let scriptRanks: Array<[RegExp, number]> | undefined;
/** The patterns, each script's first; exported for the test that holds the ASCII reading to them. */
export const scriptPatterns = (): Array<[RegExp, number]> =>
  (scriptRanks ??= [
    [/\p{N}/u, numberRank],
    [/\p{Script=Latin}/u, latinRank],
    [/\p{Script=Greek}/u, 3],
    [/\p{Script=Cyrillic}/u, 4],
    [/\p{Script=Georgian}/u, 5],
    [/\p{Script=Armenian}/u, 6],
    [/\p{Script=Hebrew}/u, 7],
    [/\p{Script=Arabic}/u, 8],
    [/\p{Script=Devanagari}/u, 9],
    [/\p{Script=Thai}/u, 10],
    [/\p{Script=Hangul}/u, 11],
    [/\p{Script=Hiragana}|\p{Script=Katakana}/u, 12],
    [/\p{Script=Han}/u, 13],
  ]);

/** The rank of the script of a text's first letter or digit; 0 for none, or one not ranked. */
export function scriptRank(text: string): number {
  // In ASCII, letters are Latin, digits are numbers, and nothing else is either.
  let start = 0;
  for (; start < text.length; start++) {
    const code = text.charCodeAt(start);
    if (code >= 0x80) break;
    if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return latinRank;
    if (code >= 0x30 && code <= 0x39) return numberRank;
  }
  if (start === text.length) return 0;
  const first = /[\p{L}\p{N}]/u.exec(text.slice(start))?.[0];
  if (!first) return 0;
  for (const [pattern, rank] of scriptPatterns()) if (pattern.test(first)) return rank;
  return 0;
}

function scriptOrder(a: string, b: string): number {
  const left = scriptRank(a);
  const right = scriptRank(b);
  return left && right ? left - right : 0;
}

/**
 * citeproc-js changes case with `toLocaleLowerCase(languages)`, which reads
 * the list of language tags again at every call. Only a few languages
 * change the case of some letters their own way: Turkish, Azerbaijani and
 * Lithuanian in Unicode's special casing, and Greek in upper case. V8 asks
 * ICU only for those, by the first tag of the list, and for any other
 * gives what `toLowerCase()` gives. So a list whose first tag is of
 * another language takes the quick methods; anything else (no tags, one
 * of those four, a value that is not a list of strings) is left to
 * citeproc-js. A list V8 cannot read is left to citeproc-js's own
 * fall-back, which is the quick method too.
 */
function changeCaseQuickly(CSL: Citeproc): void {
  const ownCase = new Set(['tr', 'az', 'lt', 'el']);
  const quick = new Map<string, boolean>();
  const isQuick = (languages: unknown): boolean => {
    if (!Array.isArray(languages) || languages.length === 0 || !languages.every((tag) => typeof tag === 'string')) return false;
    const key = JSON.stringify(languages);
    let answer = quick.get(key);
    if (answer === undefined) {
      let first: string | undefined;
      try {
        first = Intl.getCanonicalLocales(languages as string[])[0];
      } catch {
        // An unreadable list: citeproc-js then changes case without a language.
        first = 'und';
      }
      answer = first !== undefined && !ownCase.has(first.split('-')[0]!);
      if (quick.size >= 64) quick.clear();
      quick.set(key, answer);
    }
    return answer;
  };
  const { toLocaleLowerCase: lower, toLocaleUpperCase: upper } = CSL;
  CSL.toLocaleLowerCase = function (text) {
    return typeof text === 'string' && isQuick(this?.tmp?.lang_array) ? text.toLowerCase() : lower.call(this, text);
  };
  CSL.toLocaleUpperCase = function (text) {
    return typeof text === 'string' && isQuick(this?.tmp?.lang_array) ? text.toUpperCase() : upper.call(this, text);
  };
}

/**
 * Superscript letters and digits stay the characters they are (`nᵒ 36`,
 * `1ᵉʳ`, `m²`), as in Pandoc: citeproc-js's HTML output turns each into a
 * `<sup>` around the plain letter (`n<sup>o</sup>`), which reads as "no 36"
 * wherever the markup is lost (a text extract, a screen reader's copy).
 * The escaping of `&`, `<`, `>` and of doubled spaces is citeproc-js's.
 */
function keepSuperscriptLetters(CSL: Citeproc): void {
  // Most text has nothing to escape: it is handed back as it is.
  const escaped = /[&<>]|\s\s/;
  CSL.Output.Formats.html.text_escape = (text) => {
    const plain = text ?? '';
    if (typeof plain === 'string' && !escaped.test(plain)) return plain;
    return plain.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;').replace(/\s\s/g, '\u00A0 ');
  };
}

/**
 * The comparison of a language's collation. French with `-u-kb-true`
 * compares accents from the end of the word (cote, côte, coté, côté), which
 * Node's Intl.Collator does not offer: base letters first, then accents read
 * backwards, then case.
 */
function collation(lang: string, fallback: string): (a: string, b: string) => number {
  // A collator is costly to make (the language's collation data is loaded) and pure: one per language for the process.
  const key = `${lang}\u0000${fallback}`;
  let compare = collations.get(key);
  if (!compare) collations.set(key, (compare = makeCollation(lang, fallback)));
  return compare;
}
const collations = new Map<string, (a: string, b: string) => number>();

function makeCollation(lang: string, fallback: string): (a: string, b: string) => number {
  // ASCII text in a language that sorts it as the root collation does is
  // compared here; the collator, whose data takes milliseconds to load, is
  // made on the first comparison that needs it.
  if (asciiCollatesAsRoot(lang)) {
    let icu: ((a: string, b: string) => number) | undefined;
    return (a, b) => compareAscii(a, b) ?? (icu ??= icuCollation(lang, fallback))(a, b);
  }
  return icuCollation(lang, fallback);
}

function icuCollation(lang: string, fallback: string): (a: string, b: string) => number {
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(lang, { numeric: true });
  } catch {
    collator = new Intl.Collator(fallback, { numeric: true });
  }
  if (!/-u(?:-[a-z0-9]{2,8})*-kb(?:-true)?(?:-|$)/i.test(lang)) return collator.compare;
  const locale = collator.resolvedOptions().locale;
  const base = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  const accent = new Intl.Collator(locale, { numeric: true, sensitivity: 'accent' });
  const reversed = (text: string) => [...text.normalize('NFC')].reverse().join('');
  return (a, b) => base.compare(a, b) || accent.compare(reversed(a), reversed(b)) || collator.compare(a, b);
}

/**
 * The words title case keeps lower case: CSL 1.0.2's list ("stop words" in
 * the specification), plus the name particles "de", "van" and "von" and the
 * word "about", which Pandoc keeps lower case too ("William de Montibus",
 * "the von Trapp Family"). citeproc-js ships a much longer list of
 * prepositions, so "Under" or "Next" would stay lower case where the
 * specification and Pandoc capitalise them.
 */
export const titleCaseStopWords = [
  'a', 'about', 'an', 'and', 'as', 'at', 'but', 'by', 'de', 'down', 'for', 'from', 'in', 'into', 'nor',
  'of', 'on', 'onto', 'or', 'over', 'so', 'the', 'till', 'to', 'up', 'van', 'via', 'von', 'with', 'yet',
];

export interface CitationItemInput {
  id: string;
  locator?: string;
  label?: string;
  prefix?: string;
  suffix?: string;
  'suppress-author'?: boolean;
  'author-only'?: boolean;
  /** A CSL position (0 first … 3 ibid-with-locator) for a rendering made apart from the tracked clusters. */
  position?: number;
}

export interface CitationInput {
  citationID: string;
  citationItems: CitationItemInput[];
  properties: { noteIndex: number };
}

export interface BibliographyParams {
  entry_ids: string[][];
  hangingindent?: number;
  'second-field-align'?: string | false;
  bibstart: string;
  bibend: string;
}

export interface CiteprocEngine {
  rebuildProcessorState(citations: CitationInput[], mode: string, uncited: string[]): Array<[string, number, string]>;
  makeCitationCluster(items: CitationItemInput[]): string;
  makeBibliography(): [BibliographyParams, string[]] | false;
  setOutputFormat(format: string): void;
  /** Registers the cited items, in order of first citation (batched processing). */
  updateItems(ids: string[]): void;
  updateUncitedItems(ids: string[]): void;
  /** One cluster after the clusters `pre` (citation id, note index); returns the clusters it re-rendered. */
  processCitationCluster(
    citation: CitationInput,
    pre: Array<[string, number]>,
    post: Array<[string, number]>,
    flag: number,
  ): [unknown, Array<[number, string, string]>];
  opt: { xclass: string; mode: string; development_extensions: Record<string, boolean> };
  bibliography?: { tokens: unknown[] };
}

export interface EngineOptions {
  styleXml: string;
  /** Locale the document is formatted in (`en-GB`). */
  lang: string;
  /** Locale XML by language tag; citeproc asks for `en-US` and the document's. */
  locales: Map<string, string>;
  items: Map<string, CslItem>;
  /** Wrap each cited item in a link to its bibliography entry. */
  linkCitations: boolean;
  /** BCP 47 tag whose collation sorts the bibliography (the document's `lang` as written). Default: `lang`. */
  collation?: string;
}

/**
 * citeproc-js keeps its registries in plain objects keyed by item id, so a
 * key such as `constructor` or `__proto__` (which Pandoc's syntax allows)
 * would find Object's own properties there. The engine only ever sees ids
 * with this prefix; `createEngine`'s wrapper adds and strips it.
 */
const idPrefix = 'colophon:';
const toEngineId = (id: string): string => idPrefix + id;
const fromEngineId = (id: string): string => (id.startsWith(idPrefix) ? id.slice(idPrefix.length) : id);

/** A fresh engine for one document. */
export function createEngine(options: EngineOptions): CiteprocEngine {
  const CSL = citeproc();
  // A bundled style or locale as citeproc-js reads it, made at install (src/cite/trees.ts).
  const read = (xml: string) => citeprocTree(xml, String(CSL.PROCESSOR_VERSION)) ?? xml;
  const sys: Record<string, unknown> = {
    collation: options.collation ?? options.lang,
    retrieveLocale: (lang: string) => {
      const xml = options.locales.get(lang) ?? options.locales.get(lang.split('-')[0]);
      return xml === undefined ? false : read(xml);
    },
    // `system_id` is what citeproc-js's citation wrapper keys its links on.
    retrieveItem: (engineId: string) => {
      const id = fromEngineId(String(engineId));
      const item = options.items.get(id);
      if (!item) return item;
      return options.linkCitations ? { ...item, id: engineId, system_id: id } : { ...item, id: engineId };
    },
  };
  if (options.linkCitations) {
    sys.wrapCitationEntry = (text: string, id: string) => `<a href="#ref-${encodeURIComponent(id)}" class="citation-link">${text}</a>`;
  }
  // forceLang: the document's locale wins over the style's default-locale,
  // as in Pandoc. The constructor's one question to the collation (which
  // separator its sort keys take) is answered without ICU where it can be.
  const engine = withAsciiLocaleCompare(() => new CSL.Engine(sys, read(options.styleXml), options.lang, true));
  markTypedQuotes(engine as unknown as FlipFlopperEngine);
  // citeproc-js calls `wrapCitationEntry` only with this switch on.
  if (options.linkCitations) engine.opt.development_extensions.apply_citation_wrapper = true;
  const order = clusterOrder<CitationItemInput>(engine as unknown as OrderedEngine);
  const items = (list: CitationItemInput[]) => order(list).map((item) => ({ ...item, id: toEngineId(item.id) }));
  return {
    get opt() {
      return engine.opt;
    },
    get bibliography() {
      return engine.bibliography;
    },
    setOutputFormat: (format) => engine.setOutputFormat(format),
    rebuildProcessorState: (citations, mode, uncited) =>
      engine.rebuildProcessorState(
        citations.map((citation) => ({ ...citation, citationItems: items(citation.citationItems) })),
        mode,
        uncited.map(toEngineId),
      ),
    makeCitationCluster: (list) => keepingDecorations(engine, list, () => engine.makeCitationCluster(items(list))),
    updateItems: (ids) => engine.updateItems(ids.map(toEngineId)),
    updateUncitedItems: (ids) => engine.updateUncitedItems(ids.map(toEngineId)),
    processCitationCluster: (citation, pre, post, flag) =>
      engine.processCitationCluster({ ...citation, citationItems: items(citation.citationItems) }, pre, post, flag),
    makeBibliography: () => {
      const made = engine.makeBibliography();
      if (!made) return made;
      const [params, entries] = made;
      return [{ ...params, entry_ids: params.entry_ids.map((ids) => ids.map((id) => fromEngineId(String(id)))) }, entries];
    },
  };
}

/**
 * citeproc-js drops all formatting from an author-only rendering, so a
 * title that stands in for a missing author loses its quotation marks or
 * italics ("Essays Presented …" for “Essays Presented …”). Pandoc keeps
 * them: while such a rendering is made, the engine's switch reads off,
 * except where it only compares cites (`just_looking`, for disambiguation),
 * and the layout's affixes are set aside.
 */
function keepingDecorations<T>(engine: unknown, list: CitationItemInput[], render: () => T): T {
  const { tmp, citation } = engine as { tmp?: Record<string, unknown>; citation?: { opt?: Record<string, unknown> } };
  const layout = citation?.opt;
  if (!tmp || !layout || !list.some((item) => item['author-only'])) return render();
  // The layout's own prefix and suffix (`(`, `)`, a note's full stop) are not the author's.
  const { layout_prefix: prefix, layout_suffix: suffix } = layout;
  layout.layout_prefix = '';
  layout.layout_suffix = '';
  let stored = tmp.suppress_decorations;
  Object.defineProperty(tmp, 'suppress_decorations', {
    configurable: true,
    get: () => (tmp.just_looking ? stored : false),
    set: (value) => {
      stored = value;
    },
  });
  try {
    return render();
  } finally {
    delete tmp.suppress_decorations;
    tmp.suppress_decorations = stored;
    layout.layout_prefix = prefix;
    layout.layout_suffix = suffix;
  }
}

/** The source of everything here that shapes citeproc-js's output (see `citeprocFingerprint` in `process.ts`). */
export function engineFingerprint(): string {
  return [
    titleCaseStopWords.join(' '),
    collateByLanguage,
    collation,
    makeCollation,
    icuCollation,
    asciiCollationSource(),
    scriptOrder,
    scriptRank,
    scriptPatterns,
    changeCaseQuickly,
    citeGroupsSource(),
    keepSuperscriptLetters,
    nameEditorTranslatorOnce,
    singularLabelForWordLists,
    typedQuotesSource(),
    createEngine,
    keepingDecorations,
  ]
    .map(String)
    .join('\n');
}

export { citationLayoutAffixes } from '../shared/csl-xml.js';

const styleClasses: Array<[RegExp, string]> = [
  [/<span style="font-variant:\s*small-caps;?">/g, '<span class="csl-small-caps">'],
  [/<span style="font-style:normal;">/g, '<span class="csl-normal-style">'],
  [/<span style="font-variant:normal;">/g, '<span class="csl-normal-variant">'],
  [/<span style="font-weight:normal;">/g, '<span class="csl-normal-weight">'],
  [/<span style="text-decoration:none;">/g, '<span class="csl-no-decoration">'],
  [/<span style="text-decoration:underline;">/g, '<span class="csl-underline">'],
  [/<span style="baseline">/g, '<span class="csl-baseline">'],
  [/<span style="white-space:nowrap">/g, '<span class="csl-nowrap">'],
];

/**
 * citeproc-js writes some formatting as inline `style` attributes, which the
 * HTML sanitiser (rightly) strips; classes survive it and the templates
 * style them.
 */
export function stylesToClasses(html: string): string {
  let out = html;
  for (const [pattern, replacement] of styleClasses) out = out.replace(pattern, replacement);
  return out;
}
