/**
 * Collation without ICU for text in ASCII.
 *
 * Making the first collator of a process loads ICU's collation data: 6 to
 * 8 ms, more than a tenth of what citeproc-js spends formatting a short
 * paper. Most sort keys are ASCII (family names, years, titles), and in
 * most languages ASCII sorts as in the root collation: whitespace, then
 * punctuation and symbols, then digits, then letters, case only at the third
 * level (lower case first). `compareAscii` gives that order, numeric
 * collation included (a run of digits sorts by its value, leading zeros
 * ignored), exactly as `new Intl.Collator(lang, { numeric: true }).compare`
 * gives it for the languages `asciiCollatesAsRoot` accepts; any other text
 * goes to ICU.
 */

/**
 * The printable ASCII characters but the digits, in the root collation's
 * order (CLDR, as ICU has it); each letter's capital follows it at the third
 * level only. Digits sort between `$` and `a`. The other control characters
 * are ignorable (they count for nothing).
 */
export const asciiOrder = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";

const ignorable = -1;
const digit = -2;
/** By character code: the first-level weight, `ignorable` or `digit`. */
const primary = new Int16Array(128).fill(ignorable);
/** By character code: 1 for a capital letter (third level). */
const upper = new Uint8Array(128);
{
  let weight = 0;
  for (let i = 0; i < asciiOrder.length; i++) {
    const code = asciiOrder.charCodeAt(i);
    // A capital follows its letter: the same weight, and a third-level difference.
    if (code >= 0x41 && code <= 0x5a) {
      upper[code] = 1;
      primary[code] = primary[code + 0x20];
    } else {
      primary[code] = weight++;
    }
  }
  for (let code = 0x30; code <= 0x39; code++) primary[code] = digit;
}
/** A number's first-level weight: after `$`, before `a`. */
const numberWeight = primary[0x61] - 0.5;

/**
 * Languages whose collation orders ASCII text as the root collation does
 * (checked against ICU, with and without a region, in the tests). Danish,
 * Czech, Welsh, Hungarian, Lithuanian, Turkish and others tailor letters of
 * ASCII (aa, ch, dd, cs, y, ı), and Serbian may be written in Latin letters
 * that Serbian tailors: they are not here.
 */
const rootLike = new Set(
  'af am ar as be bg bn ca de el en eo es fa fi fr ga gl gu he hi hy id is it ja ka kk km kn ko ky lo mk ml mn mr ms my ne nl or pa pl ps pt ro ru si sl sv sw ta te uk ur vi zh zu'.split(' '),
);

/**
 * Does this BCP 47 tag name a language whose collation orders ASCII as the
 * root collation does? Only a language with a region at most: a script,
 * a variant or an extension (`-u-co-…`, `-u-kn-…`, `-u-ka-…`) may change
 * the order.
 */
export function asciiCollatesAsRoot(tag: string): boolean {
  const match = /^([a-z]{2,3})(?:-(?:[a-z]{2}|\d{3}))?$/i.exec(tag);
  return match !== null && rootLike.has(match[1].toLowerCase());
}

const ascii = /^[\0-\x7f]*$/;

/** Longest run of digits compared here; a longer one goes to ICU. */
const longestNumber = 64;

/** The first place at or after `from` whose character is not ignorable (the text's length at its end). */
function weighted(text: string, from: number): number {
  let at = from;
  while (at < text.length && primary[text.charCodeAt(at)] === ignorable) at++;
  return at;
}

/** The end of the run of digits that starts at `from`. */
function digitsEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length && primary[text.charCodeAt(at)] === digit) at++;
  return at;
}

/** The first place at or after `from` that is not a leading zero. */
function afterZeros(text: string, from: number): number {
  let at = from;
  while (at < text.length && text.charCodeAt(at) === 0x30) at++;
  return at;
}

/**
 * The root collation's comparison of `a` and `b` with numeric collation
 * (-1, 0 or 1), or undefined when either is not in ASCII or holds a run of
 * more than 64 digits.
 */
export function compareAscii(a: string, b: string): number | undefined {
  // A character beyond ASCII anywhere may join one before it (a combining
  // accent, a contraction): such text is ICU's.
  if (!ascii.test(a) || !ascii.test(b)) return undefined;
  // The first difference at the third level, which counts only when the
  // first level shows none.
  let third = 0;
  for (let i = weighted(a, 0), j = weighted(b, 0); ; i = weighted(a, i), j = weighted(b, j)) {
    if (i === a.length || j === b.length) return i === a.length && j === b.length ? third : i === a.length ? -1 : 1;
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (primary[ca] === digit && primary[cb] === digit) {
      // Two numbers: by their value, leading zeros ignored.
      i = afterZeros(a, i);
      j = afterZeros(b, j);
      const ea = digitsEnd(a, i);
      const eb = digitsEnd(b, j);
      if (ea - i > longestNumber || eb - j > longestNumber) return undefined;
      if (ea - i !== eb - j) return ea - i < eb - j ? -1 : 1;
      for (; i < ea; i++, j++) {
        const da = a.charCodeAt(i);
        const db = b.charCodeAt(j);
        if (da !== db) return da < db ? -1 : 1;
      }
      continue;
    }
    const pa = primary[ca] === digit ? numberWeight : primary[ca];
    const pb = primary[cb] === digit ? numberWeight : primary[cb];
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (third === 0 && upper[ca] !== upper[cb]) third = upper[ca] < upper[cb] ? -1 : 1;
    i++;
    j++;
  }
}

/**
 * Run `make` with `String.prototype.localeCompare` answering calls on ASCII
 * text in a root-like language (`asciiCollatesAsRoot`) with `compareAscii`,
 * and every other call as before; restored when `make` returns or throws.
 * citeproc-js's constructor asks once whether `dale|` sorts before `daleb`
 * in the sort language, to choose the separator of its sort keys: answered
 * here, the question loads no collation data.
 */
export function withAsciiLocaleCompare<T>(make: () => T): T {
  const original = String.prototype.localeCompare;
  String.prototype.localeCompare = function (this: string, that: string, locales?: string | string[], options?: Intl.CollatorOptions): number {
    if (typeof this === 'string' && typeof that === 'string' && options === undefined && typeof locales === 'string' && asciiCollatesAsRoot(locales)) {
      const order = compareAscii(this, that);
      if (order !== undefined) return order;
    }
    return original.call(this, that, locales, options);
  } as typeof original;
  try {
    return make();
  } finally {
    String.prototype.localeCompare = original;
  }
}

/** The source of this module's code, for the citation cache's key (`engineFingerprint`). */
export const asciiCollationSource = (): string =>
  [asciiOrder, [...rootLike].join(' '), longestNumber, weighted, digitsEnd, afterZeros, asciiCollatesAsRoot, compareAscii, withAsciiLocaleCompare].map(String).join('\n');
