/**
 * Pandoc's `smart` extension: curly quotes and apostrophes, `--` (en dash),
 * `---` (em dash) and `...` (ellipsis), never inside code, math, URLs or
 * raw HTML. The quotes are read over the text of the whole document at
 * once (so they are matched across emphasis, links and code; see
 * `curlQuotes`); the quote marks are then those of the language of the text,
 * which a span or div with `lang` changes: “…” ‘…’ in English, „…“ ‚…‘ in
 * German, « … » in French, «…» „…“ in Russian.
 *
 * Dashes and dots are read left to right, as Pandoc reads them: `----` is
 * an em dash and a hyphen, `---------` three em dashes, `....` an ellipsis
 * and a full stop. An escaped character is itself (`\...` stays three
 * dots, `\"` a straight quote), and ends the run it stands in.
 */
import type { Nodes, Parent, Root, Text } from 'mdast';
import type { Attributes } from './attributes/from-markdown.js';

// Stand-ins chosen while the language is not yet known.
const openDouble = '\uE1F0';
const openSingle = '\uE1F1';
const closeDouble = '\uE1F2';
const closeSingle = '\uE1F3';

interface Marks {
  open: [string, string];
  close: [string, string];
}

const marks: Record<string, Marks> = {
  en: { open: ['“', '‘'], close: ['”', '’'] },
  de: { open: ['„', '‚'], close: ['“', '‘'] },
  fr: { open: ['«\u00a0', '“'], close: ['\u00a0»', '”'] },
  ru: { open: ['«', '„'], close: ['»', '“'] },
  uk: { open: ['«', '„'], close: ['»', '“'] },
  pl: { open: ['„', '«'], close: ['”', '»'] },
  cs: { open: ['„', '‚'], close: ['“', '‘'] },
  it: { open: ['«', '“'], close: ['»', '”'] },
  es: { open: ['«', '“'], close: ['»', '”'] },
  nl: { open: ['“', '‘'], close: ['”', '’'] },
  sv: { open: ['”', '’'], close: ['”', '’'] },
};

/** The quote marks of a language (BCP 47 tag); English ones for the rest. */
export function quoteMarks(lang: string): Marks {
  const tag = lang.toLowerCase();
  if (tag === 'de-ch' || tag === 'fr-ch') return { open: ['«', '‹'], close: ['»', '›'] };
  return marks[tag.split('-')[0]] ?? marks.en;
}

// Escaped punctuation, hidden from the reader until it is done.
const escapes: Record<string, string> = { '.': '\uE1F4', '-': '\uE1F5', '"': '\uE1F6', "'": '\uE1F7' };
const unescapes: Record<string, string> = Object.fromEntries(Object.entries(escapes).map(([char, mark]) => [mark, char]));

/**
 * Smart punctuation in the whole tree, with the quote marks of `lang` and
 * of each `lang` span or div. `source` (the manuscript the tree was parsed
 * from) tells which characters were escaped.
 *
 * One walk gathers the text: escaped characters hidden, an apostrophe
 * after an element set, and the text of every text node in reading order
 * for the quotes (code and autolinks as letters, a space at the start of
 * each paragraph, heading and table cell), so a pair is matched across
 * emphasis, links and code. The quotes of the whole text are decided at
 * once, then each node takes its dashes and dots and its language's marks.
 */
export function typographyTransform(tree: Root, lang: string, source?: string): void {
  const texts: Text[] = [];
  const marksOf: Marks[] = [];
  const starts: number[] = [];
  // An autolink's text is its URL: hidden from the quote reader as if it were code, and no dashes.
  const urls = new Set<Text>();
  const parts: string[] = [];
  let length = 0;
  let quoted = false;
  const walk = (node: Nodes, current: Marks) => {
    const own = (node as { attributes?: Attributes }).attributes?.pairs.find(([key]) => key === 'lang')?.[1];
    const here = own ? quoteMarks(own) : current;
    // A citation's prefix and suffix are text too (`s.v. "apple"`): their
    // quotes are the text's, not the citation style's.
    if (node.type === 'cite') {
      for (const item of node.items) {
        item.prefix = smartQuotes(item.prefix, here);
        item.suffix = smartQuotes(item.suffix, here);
      }
    }
    if (node.type === 'inlineCode') {
      parts.push('A'.repeat(node.value.length));
      length += node.value.length;
      return;
    }
    if (!('children' in node)) return;
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      parts.push(' ');
      length++;
    }
    const children = (node as Parent).children as Nodes[];
    for (let index = 0; index < children.length; index++) {
      const child = children[index];
      if (child.type !== 'text') {
        walk(child, here);
        continue;
      }
      if (source !== undefined) hideEscapes(child, source);
      // A quote mark right after an element, before a letter, is an apostrophe, as in Pandoc.
      const before = children[index - 1];
      if (before && before.type !== 'text' && before.type !== 'break' && /^'\p{L}/u.test(child.value)) child.value = `\u2019${child.value.slice(1)}`;
      texts.push(child);
      marksOf.push(here);
      starts.push(length);
      if (node.type === 'link' && children.length === 1 && isUrlText(child.value, node.url)) {
        urls.add(child);
        parts.push('A'.repeat(child.value.length));
      } else {
        parts.push(child.value);
        if (!quoted && (child.value.includes('"') || child.value.includes("'"))) quoted = true;
      }
      length += child.value.length;
    }
  };
  walk(tree, quoteMarks(lang));
  const curled = quoted ? curlQuotes(parts.join(''), [openDouble, openSingle], [closeDouble, closeSingle]) : null;
  texts.forEach((text, index) => {
    let value = text.value;
    if (!urls.has(text)) {
      if (curled !== null) value = curled.slice(starts[index], starts[index] + value.length);
      value = dashesAndDots(value);
    }
    if (/[\uE1F4-\uE1F7]/.test(value)) value = value.replace(/[\uE1F4-\uE1F7]/g, (mark) => unescapes[mark]);
    if (/[\uE1F0-\uE1F3]/.test(value)) value = localise(value, marksOf[index]);
    if (value !== text.value) text.value = value;
  });
}

/** Is a link's text its URL (an autolink)? */
function isUrlText(value: string, url: string): boolean {
  return value === url || `mailto:${value}` === url || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value);
}

function localise(value: string, to: Marks): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === openDouble) out += to.open[0];
    else if (char === openSingle) out += to.open[1];
    else if (char === closeDouble) out += to.close[0];
    else if (char === closeSingle) {
      // Between letters (don't, l'homme) it is an apostrophe, in any language.
      const apostrophe = /\p{L}/u.test(value[i - 1] ?? '') && /\p{L}/u.test(value[i + 1] ?? '');
      out += apostrophe ? '’' : to.close[1];
    } else out += char;
  }
  return out;
}

/** `---` em dash, `--` en dash, `...` ellipsis, read left to right. */
export function dashesAndDots(value: string): string {
  if (!value.includes('--') && !value.includes('...')) return value;
  return value.replace(/---|--/g, (dash) => (dash === '---' ? '\u2014' : '\u2013')).replace(/\.\.\./g, '\u2026');
}

/**
 * Mark the characters of a text node that were escaped in the source
 * (`\.`, `\-`, `\"`, `\'`): each character of the value is found in the
 * source in order (what the parser removed, such as the backslashes, is
 * skipped), and one after an odd number of backslashes was escaped.
 */
function hideEscapes(node: Text, source: string): void {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  // A node cut from a longer one (around a citation) may start after its backslash.
  if (start === undefined || end === undefined || !/[.\-"']/.test(node.value) || !source.slice(Math.max(0, start - 1), end).includes('\\')) return;
  let at = start;
  let out = '';
  for (const char of node.value) {
    while (at < end && source[at] !== char) at++;
    let slashes = 0;
    while (at - slashes - 1 >= 0 && source[at - slashes - 1] === '\\') slashes++;
    out += slashes % 2 === 1 && escapes[char] ? escapes[char] : char;
    at += char.length;
  }
  node.value = out;
}

/**
 * Straight quotes in a short text (a citation's affix) made curly: one
 * after a space, an opening bracket or dash, or at the start, opens; any
 * other closes; `'` between letters is an apostrophe.
 */
export function smartQuotes(value: string, to: Marks): string {
  if (!value.includes('"') && !value.includes("'")) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char !== '"' && char !== "'") {
      out += char;
      continue;
    }
    const before = i === 0 ? '' : value[i - 1];
    const opens = before === '' || /[\s([{\u2014\u2013\u201c\u2018-]/u.test(before);
    if (char === '"') out += opens ? to.open[0] : to.close[0];
    else if (/[\p{L}\p{N}]/u.test(before) && /\p{L}/u.test(value[i + 1] ?? '')) out += '\u2019';
    else out += opens ? to.open[1] : /\p{L}/u.test(before) ? '\u2019' : to.close[1];
  }
  return out;
}

/**
 * Straight quotes made opening or closing, read from the neighbouring
 * characters of the whole text at once (so a pair is matched across
 * emphasis, links and code): the text is cut into words, white space and
 * marks, and each `"` or `'` standing alone is decided by the tokens on
 * either side of it.
 *
 * - Before a mark that no word follows: closing (`"word".`, `'...`).
 * - Before the other quote mark that a word follows: both open
 *   (`"'Quoted' words"`).
 * - Before a decade (`'80s`): closing (an apostrophe).
 * - After space or a mark, before a word: opening.
 * - After a word: closing.
 * - At the end, before space, or `'s`: closing; otherwise opening.
 *
 * Words are letters, marks and digits, joined by one inner character
 * (`don't`, `well-known`, `e.g`); a hyphen ending a word belongs to it; a
 * `/` after a short word joins it (`and/or`); `U.S.` keeps its full stops.
 * A quote inside a word (`don't`) closes, unless a mark comes before it
 * there (`rock-'n`). Two quote marks of one kind together (`''`) stay as
 * they are. A sentence ends at `.`, `!`, `?` or `…` with the closing marks
 * right after it; a quote opening one before `'s` closes.
 */

/** Character kinds. */
const NONE = 0;
const SPACE = 1;
const MARK = 2; // punctuation
const WORD = 3;
const SYMBOL = 4;

const wordPattern = /[\p{L}\p{M}\p{N}]/u;
const markPattern = /\p{P}/u;

function kind(text: string, i: number): number {
  if (i < 0 || i >= text.length) return NONE;
  const code = text.charCodeAt(i);
  if (code < 128) {
    if (code === 32 || (code >= 9 && code <= 13)) return SPACE;
    if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return WORD;
    // ! " ' ( ) , - . / : ; ? [ \ ] _ { }
    if (code === 33 || code === 34 || (code >= 39 && code <= 41) || (code >= 44 && code <= 47) || code === 58 || code === 59 || code === 63 || (code >= 91 && code <= 93) || code === 95 || code === 123 || code === 125) return MARK;
    return SYMBOL;
  }
  if (code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000) return SPACE;
  // Each half of a surrogate pair is a symbol.
  if (code >= 0xd800 && code <= 0xdfff) return SYMBOL;
  const char = text[i];
  if (wordPattern.test(char)) return WORD;
  // † ‡ ‰ ‱ ※ are symbols.
  if (markPattern.test(char) && code !== 0x2020 && code !== 0x2021 && code !== 0x2030 && code !== 0x2031 && code !== 0x203b) return MARK;
  return SYMBOL;
}

/** Does the character at `i` continue the token of the one before it? */
function continues(text: string, i: number): boolean {
  const a = kind(text, i - 1);
  const b = kind(text, i);
  if (a === NONE || a !== b) return false;
  if (a === WORD || a === SPACE) return true;
  const code = text.charCodeAt(i);
  return text[i] === text[i - 1] || (code >= 0xd800 && code <= 0xdfff);
}

/** End (exclusive) of the token starting at `i`. */
function tokenEnd(text: string, i: number): number {
  let end = i + 1;
  while (end < text.length && continues(text, end)) end++;
  return end;
}

/** Start of the token ending at `end` (exclusive). */
function tokenStart(text: string, end: number): number {
  let start = end - 1;
  while (start > 0 && continues(text, start)) start--;
  return start;
}

const innerChars = new Set(['&', "'", '-', '.', ':', '=', '?', '@', '\u00ad', '\u00b7', '\u2010', '\u2011', '\u2019', '\u2027']);

/** Is the token [start, end) one that joins two words (`'`, `-`, `.`, …)? */
function joins(text: string, start: number, end: number): boolean {
  const k = kind(text, start);
  if (k !== MARK && k !== SYMBOL) return false;
  if (text[start] === '_') return true;
  return end - start === 1 && innerChars.has(text[start]);
}

/** Does a word token start at `i` (a word character, or `&` right before one)? */
function wordAt(text: string, i: number): boolean {
  const k = kind(text, i);
  if (k === WORD) return true;
  return text[i] === '&' && text[i + 1] !== '&' && kind(text, i + 1) === WORD;
}

/** End of the word starting at `start`, with what joins it (`don't`, `well-`, `and/or`, `U.S.`). */
function wordEnd(text: string, start: number, slash = true): number {
  let end = text[start] === '&' && kind(text, start) !== WORD ? start + 1 : start;
  end = withHyphen(text, tokenEnd(text, end));
  for (;;) {
    let j = end;
    while (j < text.length && kind(text, j) !== WORD && joins(text, j, tokenEnd(text, j))) j = tokenEnd(text, j);
    if (j > end && kind(text, j) === WORD) {
      end = withHyphen(text, tokenEnd(text, j));
      continue;
    }
    break;
  }
  if (slash && text[end] === '/' && text[end + 1] !== '/' && end - start < 3) {
    if (!wordAt(text, end + 1)) return end + 1;
    const next = wordEnd(text, end + 1, false);
    if (next - (end + 1) < 3) return next;
  }
  if (text[end] === '.' && text[end + 1] !== '.' && initialism(text, start, end)) return end + 1;
  return end;
}

/** A hyphen ending a word (no word after it) belongs to it. */
function withHyphen(text: string, end: number): number {
  return text[end] === '-' && text[end + 1] !== '-' && !wordAt(text, end + 1) ? end + 1 : end;
}

/** Start of the word that ends at `end`. */
function wordStart(text: string, end: number): number {
  // A hyphen ending a word belongs to it.
  if (text[end - 1] === '-' && kind(text, end - 2) === WORD) end--;
  let start = tokenStart(text, end);
  for (;;) {
    if (text[start - 1] === '&' && text[start - 2] !== '&' && kind(text, start - 2) !== WORD) start--;
    let j = start;
    while (j > 0) {
      const s = tokenStart(text, j);
      if (kind(text, s) === WORD || !joins(text, s, j)) break;
      j = s;
    }
    if (j < start && kind(text, j - 1) === WORD) {
      start = tokenStart(text, j);
      continue;
    }
    return start;
  }
}

/**
 * Start of the word ending at `end`, with short words before it that a `/`
 * joined: they pair up from the left (`a/b` is one word; in `a/b/c`, `c`
 * stays apart, `a/b` being long enough).
 */
function slashWordStart(text: string, end: number): number {
  const words: Array<[number, number]> = [[wordStart(text, end), end]];
  for (let start = words[0][0]; text[start - 1] === '/' && text[start - 2] !== '/' && kind(text, start - 2) === WORD; start = words[0][0]) {
    words.unshift([wordStart(text, start - 1), start - 1]);
  }
  let current = words[0];
  for (let i = 1; i < words.length; i++) {
    const next = words[i];
    current = current[1] - current[0] < 3 && next[1] - next[0] < 3 ? [current[0], next[1]] : next;
  }
  return current[0];
}

/** Is the word [start, end) an initialism (`U.S`), so the full stop after it is its own? */
function initialism(text: string, start: number, end: number): boolean {
  const parts: string[] = [];
  for (let i = start; i < end; ) {
    const e = tokenEnd(text, i);
    parts.push(text.slice(i, e));
    i = e;
  }
  if (parts.length === 1 || parts.length % 2 === 0) return false;
  let digits = true;
  for (let p = parts.length - 1; p >= 0; p--) {
    if (p % 2 === 0) {
      if (parts[p].length > 1) return false;
      if (!/\p{N}/u.test(parts[p])) digits = false;
    } else if (parts[p] !== '.') {
      if (p < parts.length - 2) break;
      return false;
    }
  }
  return !digits;
}

/** Is the token ending at `end` a word (with what joins it)? */
function wordBefore(text: string, end: number): boolean {
  const k = kind(text, end - 1);
  if (k === WORD) return true;
  const char = text[end - 1];
  if (text[end - 2] === char) return false;
  if (char === '-') return kind(text, end - 2) === WORD;
  if (char === '/' && wordBefore(text, end - 1)) return end - 1 - slashWordStart(text, end - 1) < 3;
  if (char === '.' && kind(text, end - 2) === WORD) return initialism(text, wordStart(text, end - 1), end - 1);
  return false;
}

/**
 * A run of joining characters was walked over already: every token boundary
 * in [from, to] reaches the same end (a word, or not). Remembered per text,
 * so a long run (`'.'.'.…`) is walked once, not once for each quote in it.
 */
interface Walked {
  text: string;
  from: number;
  to: number;
  word: boolean;
}
let walkedBack: Walked | null = null;
let walkedForward: Walked | null = null;

/** Inside a word (`don't`, `rock-'n`): words on both sides, joined by single characters. */
function insideWord(text: string, at: number): boolean {
  return joinedBack(text, at) && joinedForward(text, at + 1);
}

/** Walking back from `at` over joining tokens, is a word reached? */
function joinedBack(text: string, at: number): boolean {
  let j = at;
  let word = false;
  for (;;) {
    const memo = walkedBack;
    if (memo && memo.text === text && j >= memo.from && j <= memo.to) {
      word = memo.word;
      j = memo.from;
      break;
    }
    if (j === 0) break;
    const s = tokenStart(text, j);
    if (kind(text, s) === WORD) {
      word = true;
      break;
    }
    if (!joins(text, s, j)) break;
    j = s;
  }
  walkedBack = { text, from: j, to: Math.max(at, walkedBack?.text === text && walkedBack.from === j ? walkedBack.to : at), word };
  return word;
}

/** Walking forward from `at` over joining tokens, is a word reached? */
function joinedForward(text: string, at: number): boolean {
  let j = at;
  let word = false;
  for (;;) {
    const memo = walkedForward;
    if (memo && memo.text === text && j >= memo.from && j <= memo.to) {
      word = memo.word;
      j = memo.to;
      break;
    }
    if (j >= text.length) break;
    if (kind(text, j) === WORD) {
      word = true;
      break;
    }
    const e = tokenEnd(text, j);
    if (!joins(text, j, e)) break;
    j = e;
  }
  walkedForward = { text, from: Math.min(at, walkedForward?.text === text && walkedForward.to === j ? walkedForward.from : at), to: j, word };
  return word;
}

// Sentences end at `.`, `!`, `?`, `…` or `‽`, with the closing marks right after them.
const terminalChars = new Set(['!', '.', '?', '\u2026', '\u203d']);
const affixChars = new Set(['!', '"', "'", ')', '.', '?', '\u0f3b', '\u0f3d', '\u169c', '\u2019', '\u201d', '\u2026', '\u203a', '\u203d', '\u2046', '\u207e', '\u208e', '\u2309', '\u230b', '\u232a', '\u2769', '\u276b', '\u276d', '\u276f', '\u2771', '\u2773', '\u2775', '\u27c6', '\u27e7', '\u27e9', '\u27eb', '\u27ed', '\u27ef', '\u2984', '\u2986', '\u2988', '\u298a', '\u298c', '\u298e', '\u2990', '\u2992', '\u2994', '\u2996', '\u2998', '\u29d9', '\u29db', '\u29fd', '\u2e03', '\u2e05', '\u2e0a', '\u2e0d', '\u2e1d', '\u2e21', '\u2e23', '\u2e25', '\u2e27', '\u2e29', '\u2e56', '\u2e58', '\u2e5a', '\u2e5c', '\u3009', '\u300b', '\u300d', '\u300f', '\u3011', '\u3015', '\u3017', '\u3019', '\u301b', '\u301e', '\u301f', '\ufd3e', '\ufe18', '\ufe36', '\ufe38', '\ufe3a', '\ufe3c', '\ufe3e', '\ufe40', '\ufe42', '\ufe44', '\ufe48', '\ufe5a', '\ufe5c', '\ufe5e', '\uff09', '\uff3d', '\uff5d', '\uff60', '\uff63', '\u00bb', ']', '}']);
const abbreviation = /^(?:[0-9]{1,3}|[a-z]|al|ca|cap|cca|cent|cf|cit|con|cp|cwt|ead|etc|ff|fl|ibid|id|nem|op|pro|seq|sic|stat|tem|viz)$/;

/** Is the mark token starting at `i` one that ends a sentence, standing on its own (not in `e.g`, `U.S.`)? */
function terminalAt(text: string, i: number): boolean {
  if (!terminalChars.has(text[i]) || kind(text, i) !== MARK && kind(text, i) !== SYMBOL) return false;
  // `?` and `.` between words join them.
  if ((text[i] === '?' || text[i] === '.') && tokenEnd(text, i) === i + 1 && insideWord(text, i)) return false;
  if (text[i] === '.' && tokenEnd(text, i) === i + 1 && wordBefore(text, i + 1)) return false;
  return true;
}

/** Is the token at `i` a closing mark that follows a sentence's end into it? */
function affixAt(text: string, i: number): boolean {
  return affixChars.has(text[i]) && (kind(text, i) === MARK || kind(text, i) === SYMBOL);
}

/**
 * Does a sentence end at `pos` (between two tokens)? After an ending mark
 * and the closing marks that follow it, unless what follows joins it: no
 * word before the next end, a lower-case word or a digit first, a comma or
 * semicolon first, or an abbreviation (`etc.`, `cf.`, `p.`) before the full stop.
 */
function sentenceEndsAt(text: string, pos: number, abbreviations = true): boolean {
  if (pos >= text.length || pos <= 0) return false;
  if (affixAt(text, pos)) return false;
  // Back over the closing marks to the last ending mark among them.
  let j = pos;
  let last = -1;
  while (j > 0) {
    const s = tokenStart(text, j);
    if (!affixAt(text, s)) break;
    if (last === -1 && terminalAt(text, s)) last = s;
    j = s;
  }
  if (last === -1) return false;
  // The first sentence, when it has no word, joins the next one.
  if (firstWithoutWord(text, last)) return false;
  // `etc.` and the like run on (only when the full stop ends the sentence).
  if (abbreviations && text[pos - 1] === '.' && tokenStart(text, pos) === pos - 1 && kind(text, pos - 2) === WORD) {
    const word = text.slice(wordStart(text, pos - 1), pos - 1).toLowerCase();
    if (abbreviation.test(word)) return false;
  }
  // What comes next, up to the next ending mark.
  let i = pos;
  let sawWord = false;
  let first = true;
  let firstNonSpace = true;
  while (i < text.length) {
    const k = kind(text, i);
    const end = k === WORD || wordAt(text, i) ? wordEnd(text, i) : tokenEnd(text, i);
    if (k === WORD || wordAt(text, i)) {
      if (first && /^\d/.test(text[i])) return false;
      if (!sawWord && firstNonSpace && /^\p{Ll}/u.test(text[i])) return false;
      sawWord = true;
      firstNonSpace = false;
    } else if (k !== SPACE) {
      if (firstNonSpace && (text[i] === ',' || text[i] === ';') && end === i + 1) return false;
      firstNonSpace = false;
      if (terminalAt(text, i)) break;
    }
    first = false;
    i = end;
  }
  return sawWord;
}

/** Is the sentence that ends with the mark at `end` the first of the text, and without a word? */
function firstWithoutWord(text: string, end: number): boolean {
  for (let i = end - 1; i >= 0; i--) {
    if (kind(text, i) === WORD) return false;
    if (terminalChars.has(text[i])) {
      const start = tokenStart(text, i + 1);
      if (terminalAt(text, start)) return false;
      i = start;
    }
  }
  return true;
}

/** A full stop between a mark and a word, with more of its sentence after it, joins the word (`'.9`). */
function stopBeforeWord(text: string, dot: number): boolean {
  return (
    text[dot] === '.' &&
    text[dot + 1] !== '.' &&
    text[dot - 1] !== '.' &&
    wordAt(text, dot + 1) &&
    !wordBefore(text, dot) &&
    terminalAt(text, dot) &&
    innerFullStop(text, dot)
  );
}

/** A full stop at `dot` right after a word, with more of its sentence after it, joins that word. */
function innerFullStop(text: string, dot: number): boolean {
  let pos = dot + 1;
  let more = false;
  while (pos < text.length && affixAt(text, pos)) {
    if (terminalAt(text, pos)) more = true;
    pos = tokenEnd(text, pos);
  }
  if (more) return true;
  // `word. .` keeps its full stop apart.
  if (pos === dot + 1 && kind(text, pos) === SPACE) {
    const after = tokenEnd(text, pos);
    if (text[after] === '.' && text[after + 1] !== '.') return false;
  }
  if (sentenceEndsAt(text, pos)) return false;
  for (let i = pos; i < text.length; i = tokenEnd(text, i)) if (wordAt(text, i) || terminalAt(text, i)) return true;
  return false;
}

const decade = /^\d\ds$/;

/**
 * Each lone straight quote of `text` as `open[0|1]` or `close[0|1]`
 * (double, single): the text with the quotes replaced, of the same length.
 */
export function curlQuotes(text: string, open: [string, string], close: [string, string]): string {
  let out: string[] | null = null;
  const set = (i: number, char: string) => {
    out ??= text.split('');
    out[i] = char;
  };
  for (let q = 0; q < text.length; q++) {
    const char = text[q];
    if (char !== '"' && char !== "'") continue;
    if (text[q - 1] === char || text[q + 1] === char) {
      while (text[q + 1] === char) q++;
      continue;
    }
    if (out && out[q] !== char) continue;
    const which = char === '"' ? 0 : 1;
    if (char === "'" && insideWord(text, q)) {
      const nextKind = kind(text, q + 1);
      const prevMark = kind(text, q - 1) !== WORD;
      const next = nextKind === WORD ? text.slice(q + 1, tokenEnd(text, q + 1)) : '';
      const opens = nextKind === WORD && prevMark && !decade.test(next) && next !== 's';
      set(q, opens ? open[which] : close[which]);
      continue;
    }
    let prevKind = q === 0 ? NONE : wordBefore(text, q) ? WORD : kind(text, q - 1);
    // The first token of a sentence has nothing before it.
    // (A space with a blank line in it also starts one.)
    if (prevKind === SPACE) {
      const space = tokenStart(text, q);
      if (space === 0 || text.slice(space, q).split(/\r\n|\r|\n/).length > 2 || sentenceEndsAt(text, space)) prevKind = NONE;
    } else if (prevKind === MARK && text[q - 1] === '.' && text[q - 2] !== '.' && wordBefore(text, q - 1) && innerFullStop(text, q - 1)) prevKind = WORD;
    let nextKind = wordAt(text, q + 1) ? WORD : kind(text, q + 1);
    let fullStopWord = false;
    // The last token of a sentence has nothing after it.
    if (sentenceEndsAt(text, q + 1)) nextKind = NONE;
    else if (stopBeforeWord(text, q + 1)) {
      nextKind = WORD;
      fullStopWord = true;
    }
    let decided: string | undefined;
    if (nextKind === MARK || nextKind === SYMBOL) {
      const nextEnd = tokenEnd(text, q + 1);
      const afterIsWord = (wordAt(text, nextEnd) || stopBeforeWord(text, nextEnd)) && !sentenceEndsAt(text, nextEnd);
      if (!afterIsWord) decided = close[which];
      else if (nextEnd === q + 2 && (text[q + 1] === '"' || text[q + 1] === "'")) {
        decided = open[which];
        set(q + 1, open[text[q + 1] === '"' ? 0 : 1]);
      }
    }
    if (decided === undefined) {
      let next = '';
      if (nextKind === WORD && !fullStopWord) {
        const end = wordEnd(text, q + 1);
        // A full stop inside a sentence joins the word before it (`'90s. and`),
        // and so does one ending the sentence after an abbreviation (`'s.`).
        const stop =
          text[end] === '.' &&
          text[end + 1] !== '.' &&
          terminalAt(text, end) &&
          (innerFullStop(text, end) ||
            ((end + 1 >= text.length || sentenceEndsAt(text, end + 1, false)) && abbreviation.test(text.slice(q + 1, end).toLowerCase())));
        next = text.slice(q + 1, stop ? end + 1 : end);
      }
      if (decade.test(next)) decided = close[which];
      else if (prevKind !== NONE && prevKind !== WORD && nextKind === WORD) decided = open[which];
      else if (prevKind === WORD) decided = close[which];
      else if (nextKind === NONE || nextKind === SPACE || (char === "'" && next === 's')) decided = close[which];
      else decided = open[which];
    }
    set(q, decided);
  }
  return out ? (out as string[]).join('') : text;
}
