/**
 * Locators in a citation's suffix, as Pandoc reads them.
 *
 * The suffix is cut into tokens: runs of white space, single punctuation
 * marks (a colon stays inside its word, so `2:14` is one word), runs of
 * other characters, and one token for each formatted node (`**32**`), which
 * counts as its text. Then, after an optional comma and space:
 *
 * - **delimited**, `{…}`: an optional label (the longest run of tokens
 *   that is a label word), then anything up to the matching `}` (braces and
 *   square brackets balanced) is the locator, trimmed: `{p. a}`, `{[89]}`,
 *   `{no comma, no label}`. `{}` gives no locator. A `{` that is never
 *   closed is not a locator.
 * - **integrated**: a label followed by locator words, or no label (page)
 *   when the first word has a digit. A locator word is a run of page units
 *   (`33`, `33-44`, `IV`, `2A`), joined by full stops (`4.4.8`) and wrapped
 *   in balanced `()`, `[]` or `{}` (`7A(2)(a)(i)-(iv)`, `[17]`); words are
 *   separated by `,` or `;` and a space. Without a label every word needs a
 *   digit (`xi` is a suffix); after a label a roman numeral will do (`p. xi`).
 *   The first word that does not qualify, and everything after it, is the
 *   suffix.
 *
 * Anything else is a suffix as written. Labels are the terms of the
 * document's locale and the style's own `<locale>` (`S.` is a page in
 * German, OSCOLA's `s`/`ss` a section): book, chapter, column, figure,
 * folio, issue, line, note, opus, page, paragraph, part, section,
 * sub verbo, verse and volume, in every form, singular and plural.
 *
 * A range in a locator is set with an en dash, spaces around it dropped
 * (`{x - y}` → `x–y`, `(i)-(iv)` → `(i)–(iv)`), in each comma- or
 * `&`-separated part that has one dash; a part with two (`5-6-7`) is left
 * as written. Commas are followed by one space (`3,4` → `3, 4`).
 */
import type { CslTerm } from '../shared/csl-xml.js';

/** The CSL locator types a label can name (Pandoc's list). */
export const locatorTypes: ReadonlySet<string> = new Set([
  'book',
  'chapter',
  'column',
  'figure',
  'folio',
  'issue',
  'line',
  'note',
  'opus',
  'page',
  'paragraph',
  'part',
  'section',
  'sub-verbo',
  'verse',
  'volume',
]);

/** The en-US locale's label terms, for a parse made before any locale is known. */
const englishTerms: Record<string, string[]> = {
  book: ['book', 'books', 'bk.', 'bks.'],
  chapter: ['chapter', 'chapters', 'chap.', 'chaps.'],
  column: ['column', 'columns', 'col.', 'cols.'],
  figure: ['figure', 'figures', 'fig.', 'figs.'],
  folio: ['folio', 'folios', 'fol.', 'fols.'],
  issue: ['number', 'numbers', 'no.', 'nos.'],
  line: ['line', 'lines', 'l.', 'll.'],
  note: ['note', 'notes', 'n.', 'nn.'],
  opus: ['opus', 'opera', 'op.', 'opp.'],
  page: ['page', 'pages', 'p.', 'pp.'],
  paragraph: ['paragraph', 'paragraphs', 'para.', 'paras.', '¶', '¶¶'],
  part: ['part', 'parts', 'pt.', 'pts.'],
  section: ['section', 'sections', 'sec.', 'secs.', '§', '§§'],
  'sub-verbo': ['sub verbo', 'sub verbis', 's.v.', 's.vv.'],
  verse: ['verse', 'verses', 'v.', 'vv.'],
  volume: ['volume', 'volumes', 'vol.', 'vols.'],
};

/** Label words (lower case) → CSL locator types. */
export interface LabelTable {
  words: Readonly<Record<string, string>>;
}

/** A table from label words (any case) to CSL locator types. */
export function labelTable(words: Record<string, string>): LabelTable {
  const lower: Record<string, string> = {};
  for (const [word, type] of Object.entries(words)) lower[word.toLowerCase()] = type;
  return { words: lower };
}

/** The en-US locale's labels: what the parse stage uses before the style's locale is known. */
export const englishLabels = labelTable(Object.fromEntries(Object.entries(englishTerms).flatMap(([type, words]) => words.map((word) => [word, type]))));

/**
 * Labels from CSL terms: the locale's terms and the style's own `<locale>`
 * terms, together (a style that sets `chapter` to `Ch.` still reads
 * `chap.`, as in Pandoc). Each form counts, singular and plural, as written.
 */
export function labelsFromTerms(...termLists: CslTerm[][]): LabelTable {
  const order = [...locatorTypes];
  const words: Record<string, string> = {};
  for (const terms of termLists) {
    for (const term of terms) {
      const type = term.name === 'sub verbo' ? 'sub-verbo' : term.name;
      if (!locatorTypes.has(type)) continue;
      for (const form of term.multiple === undefined ? [term.single] : [term.single, term.multiple]) {
        const word = form.trim();
        // A word two terms share (French `§`: paragraph and section) names
        // the one first in Pandoc's list.
        if (word !== '' && (words[word] === undefined || order.indexOf(type) < order.indexOf(words[word]))) words[word] = type;
      }
    }
  }
  return Object.keys(words).length > 0 ? labelTable(words) : englishLabels;
}

export interface ParsedSuffix {
  locator?: string;
  label?: string;
  suffix: string;
}

/** The text a formatted node's stand-in character reads as (see `parseSuffix`). */
export type NodeText = (char: string) => string | undefined;

type TokenKind = 'space' | 'punct' | 'word' | 'node';
interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token in the suffix as written. */
  start: number;
  end: number;
}

const punctuation = /[\p{P}]/u;
const whitespace = /\s/u;

function tokenize(raw: string, nodeText: NodeText): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    const char = raw[i];
    const node = nodeText(char);
    if (node !== undefined) {
      tokens.push({ kind: 'node', text: node, start: i, end: i + 1 });
      i++;
    } else if (whitespace.test(char)) {
      let end = i + 1;
      while (end < raw.length && whitespace.test(raw[end])) end++;
      tokens.push({ kind: 'space', text: ' ', start: i, end });
      i = end;
    } else if (char !== ':' && punctuation.test(char)) {
      tokens.push({ kind: 'punct', text: char, start: i, end: i + 1 });
      i++;
    } else {
      let end = i + 1;
      while (end < raw.length && nodeText(raw[end]) === undefined && !whitespace.test(raw[end]) && !(raw[end] !== ':' && punctuation.test(raw[end]))) end++;
      tokens.push({ kind: 'word', text: raw.slice(i, end), start: i, end });
      i = end;
    }
  }
  return tokens;
}

/** A roman numeral, in either case (`iv`, `XLII`, `mdcclxxvi`), read as Pandoc reads one. */
const roman = /^M*(?:CM)?D?(?:CD)?C*(?:XC)?L?(?:XL)?X*(?:IX)?V?(?:IV)?I*$/;
function isRoman(text: string): boolean {
  return text !== '' && roman.test(text.toUpperCase());
}

/** Tokens a label word can span (`sub verbo` is three). */
const longestLabel = 8;

const hasDigit = (text: string) => /[0-9]/.test(text);

/** A parsed piece of a locator: its text and whether it counts as a number (digits or a roman numeral). */
interface Piece {
  text: string;
  numeric: boolean;
  next: number;
}

class Reader {
  constructor(
    private readonly tokens: Token[],
    private readonly table: LabelTable,
  ) {}

  private is(at: number, kind: TokenKind, text?: string): boolean {
    const token = this.tokens[at];
    return token !== undefined && token.kind === kind && (text === undefined || token.text === text);
  }

  private isBracket(at: number): boolean {
    return this.is(at, 'punct') && '()[]{}'.includes(this.tokens[at].text);
  }

  /** A page unit: a roman numeral word, or a run of words, nodes and dashes. */
  private unit(at: number): Piece | null {
    const token = this.tokens[at];
    if (!token) return null;
    if (token.kind === 'word' && isRoman(token.text)) return { text: token.text, numeric: true, next: at + 1 };
    let text = '';
    let next = at;
    while (next < this.tokens.length) {
      const t = this.tokens[next];
      if (t.kind === 'space' || (t.kind === 'punct' && t.text !== '-' && t.text !== '\u2013')) break;
      text += t.text;
      next++;
    }
    return next === at ? null : { text, numeric: hasDigit(text), next };
  }

  /** Units joined by full stops: `4.4.8`, `IV.2A`, `.5`; a final full stop is left out. */
  private pageSequence(at: number): Piece | null {
    let first = this.unit(at);
    if (!first && this.is(at, 'punct', '.')) {
      const after = this.unit(at + 1);
      if (after) first = { text: `.${after.text}`, numeric: after.numeric, next: after.next };
    }
    if (!first) return null;
    let { text, numeric, next } = first;
    while (this.is(next, 'punct', '.')) {
      const after = this.unit(next + 1);
      if (!after) break;
      text += `.${after.text}`;
      numeric ||= after.numeric;
      next = after.next;
    }
    return { text, numeric, next };
  }

  /** Page sequences and bracketed ones, run together: `7A(2)(a)`, `[17]-[18]`, `{8}`. */
  private bracketedSequence(at: number): Piece | null {
    let text = '';
    let numeric = false;
    let next = at;
    for (;;) {
      const open = this.tokens[next];
      const close = open?.kind === 'punct' ? { '(': ')', '[': ']', '{': '}' }[open.text] : undefined;
      if (close) {
        const inner = this.isBracket(next + 1) ? null : this.pageSequence(next + 1);
        const after = inner ? inner.next : next + 1;
        if (!this.is(after, 'punct', close)) break;
        text += open.text + (inner?.text ?? '') + close;
        numeric ||= inner?.numeric ?? false;
        next = after + 1;
      } else if (!this.isBracket(next)) {
        const sequence = this.pageSequence(next);
        if (!sequence) break;
        text += sequence.text;
        numeric ||= sequence.numeric;
        next = sequence.next;
      } else {
        break;
      }
    }
    return next === at ? null : { text, numeric, next };
  }

  /** One locator word: (after the first, an optional `,` or `;`), an optional space, a bracketed sequence. */
  private word(at: number, first: boolean): Piece | null {
    let text = '';
    let next = at;
    if (!first && (this.is(next, 'punct', ',') || this.is(next, 'punct', ';'))) {
      text += this.tokens[next].text;
      next++;
    }
    if (this.is(next, 'space')) {
      text += ' ';
      next++;
    }
    const body = this.bracketedSequence(next);
    return body ? { text: text + body.text, numeric: body.numeric, next: body.next } : null;
  }

  private textOf(from: number, to: number): string {
    return this.tokens
      .slice(from, to)
      .map((t) => t.text)
      .join('');
  }

  private labelOf(from: number, to: number): string | undefined {
    return this.table.words[this.textOf(from, to).trim().toLowerCase()];
  }

  /** `{label? …}`: the locator between balanced braces. */
  delimited(at: number): { label: string; locator: string; next: number } | null {
    if (!this.is(at, 'punct', '{')) return null;
    let start = at + 1;
    while (this.is(start, 'space')) start++;
    // The closing brace, with `{}` and `[]` balanced inside.
    const stack: string[] = [];
    let close = -1;
    for (let i = start; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind !== 'punct') continue;
      if (t.text === '{' || t.text === '[') stack.push(t.text === '{' ? '}' : ']');
      else if (t.text === '}' && stack.length === 0) {
        close = i;
        break;
      } else if ((t.text === '}' || t.text === ']') && stack[stack.length - 1] === t.text) stack.pop();
    }
    if (close === -1) return null;
    // The longest run of tokens that is a label word; none: a page.
    let label = 'page';
    let body = start;
    for (let end = start + 1; end <= Math.min(close, start + longestLabel); end++) {
      const found = this.labelOf(start, end);
      if (found) {
        label = found;
        body = end;
      }
    }
    return { label, locator: this.textOf(body, close).trim(), next: close + 1 };
  }

  /** `label words…` or `words…` (a page, when the first word has a digit). */
  integrated(at: number): { label: string; locator: string; next: number } | null {
    let label: string | undefined;
    let start = at;
    // The longest run of tokens that is a label word and is followed by a word with a number in it.
    for (let end = at + 1; end <= Math.min(this.tokens.length, at + longestLabel); end++) {
      const found = this.labelOf(at, end);
      if (!found) continue;
      const following = this.word(end, true);
      if (following?.numeric) {
        label = found;
        start = end;
      }
    }
    const explicit = label !== undefined;
    const qualifies = (piece: Piece | null): piece is Piece => piece !== null && (explicit ? piece.numeric : hasDigit(piece.text));
    const first = this.word(start, explicit);
    if (!qualifies(first)) return null;
    let locator = first.text;
    let next = first.next;
    for (;;) {
      const more = this.word(next, false);
      if (!qualifies(more)) break;
      locator += more.text;
      next = more.next;
    }
    return { label: label ?? 'page', locator: locator.trim(), next };
  }

  offset(at: number, raw: string): number {
    return this.tokens[at]?.start ?? raw.length;
  }
}

/**
 * Split a citation suffix into locator, label and the rest. `nodeText`
 * gives the text of the stand-in characters for formatted nodes in `raw`,
 * which the suffix keeps as they are.
 */
export function parseSuffix(raw: string, table: LabelTable = englishLabels, nodeText: NodeText = () => undefined): ParsedSuffix {
  const tokens = tokenize(raw, nodeText);
  const reader = new Reader(tokens, table);
  let at = 0;
  if (tokens[at]?.kind === 'punct' && tokens[at].text === ',') at++;
  if (tokens[at]?.kind === 'space') at++;
  const found = reader.delimited(at) ?? reader.integrated(at);
  if (!found) return { suffix: raw.trim() };
  // The rest is the suffix as written (`, and passim`, ` and 4`, `/4`), one space kept before it.
  const rest = raw.slice(reader.offset(found.next, raw)).replace(/^\s+/, ' ').trimEnd();
  const suffix = rest.trim() === '' ? '' : rest;
  // `{}`: nothing to locate, the braces only end the locator.
  if (found.locator === '') return { suffix: suffix.trim() };
  return { locator: enDashRanges(found.locator), label: found.label, suffix };
}

/**
 * Ranges set with an en dash, as Pandoc sets a locator: each part between
 * commas and ampersands that holds one hyphen or en dash becomes `a–b`,
 * without spaces around the dash; the parts are joined by `, ` and ` & `.
 * A range of plain numbers is left to the style (its page-range format
 * and the locale's range delimiter): `12--14` is `12-14`.
 */
export function enDashRanges(locator: string): string {
  if (!/[-\u2013,&]/.test(locator)) return locator;
  const parts = locator.split(/\s*([,&])\s*/);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return part === ',' ? ', ' : ' & ';
      const dashes = part.match(/[-\u2013]/g) ?? [];
      if (dashes.length !== 1) return part;
      const [from, to] = part.split(/\s*[-\u2013]\s*/);
      if (/^\d+$/.test(from) && /^\d+$/.test(to)) return `${from}-${to}`;
      return `${from}\u2013${to}`;
    })
    .join('');
}
