/**
 * Collation without ICU for ASCII text (src/cite/ascii-collation.ts): the
 * same order as ICU's, language by language, and an engine that sorts a
 * bibliography of ASCII names without making a collator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asciiCollatesAsRoot, asciiOrder, compareAscii, withAsciiLocaleCompare } from '../src/cite/ascii-collation.js';
import { createEngine } from '../src/cite/engine.js';
import type { CslItem } from '../src/cite/types.js';
import { random } from '../scripts/generate-book.mjs';

const csl = path.join(import.meta.dirname, '..', 'templates', 'csl');

const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const controls = '\u0000\u0001\u0007\t\n\u000b\f\r\u001b\u001f\u007f';
const alphabets = [printable, printable + controls, 'aAbBzZ 0123456789', '0001239', 'abcABC-_ .,', 'aAeEiIoOuU'];

/** Strings of ASCII: names, runs of digits with leading zeros, control characters, every punctuation mark. */
function asciiStrings(count: number, seed: number): string[] {
  const next = random(seed);
  const out: string[] = ['', ' ', '0', '00', '007', '7', 'a', 'A', 'a7', 'A07', 'a07b', 'a7c', 'Doe', 'doe', 'de Gaulle', 'De Gaulle', "O'Neil", 'ab', 'a b', 'a-b', 'a_b'];
  while (out.length < count) {
    const alphabet = alphabets[Math.floor(next() * alphabets.length)];
    const length = Math.floor(next() * 9);
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    out.push(text);
  }
  return out;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('the ASCII comparison', () => {
  const icu = new Intl.Collator('und', { numeric: true });

  it('orders the printable characters as the root collation does', () => {
    const chars = [...printable].filter((c) => !/\d/.test(c));
    expect([...chars].sort((a, b) => compareAscii(a, b)!).join('')).toBe([...chars].sort(icu.compare).join(''));
    expect(asciiOrder.replace(/[\t\n\v\f\r]/g, '')).toBe([...chars].sort(icu.compare).join(''));
    // Whitespace first, letters last, a number between `$` and `a`.
    expect(compareAscii('\t', ' ')).toBe(icu.compare('\t', ' '));
    expect(compareAscii('$', '9')).toBe(-1);
    expect(compareAscii('9', 'a')).toBe(-1);
  });

  it('gives what ICU gives, pair by pair, for 40,000 pairs of ASCII strings', () => {
    const strings = asciiStrings(2000, 1);
    const wrong: string[] = [];
    for (let i = 0; i < strings.length; i++) {
      for (let k = 0; k < 20; k++) {
        const a = strings[i];
        const b = strings[(i * 31 + k * 977 + 7) % strings.length];
        const mine = compareAscii(a, b);
        if (mine !== sign(icu.compare(a, b))) wrong.push(`${JSON.stringify(a)} ${JSON.stringify(b)}: ${mine} against ${icu.compare(a, b)}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('sorts as ICU sorts', () => {
    const strings = asciiStrings(3000, 2);
    expect([...strings].sort((a, b) => compareAscii(a, b)!)).toEqual([...strings].sort(icu.compare));
  });

  it('compares numbers by value, leading zeros ignored', () => {
    for (const [a, b] of [['7', '007'], ['0', '00'], ['a7b', 'a07b'], ['9', '10'], ['p. 99', 'p. 100'], ['2010a', '2010b'], ['1e', '1E']]) {
      expect(compareAscii(a, b), `${a} ${b}`).toBe(sign(icu.compare(a, b)));
    }
    expect(compareAscii('7', '007')).toBe(0);
    expect(compareAscii('9', '10')).toBe(-1);
  });

  it('leaves to ICU what is not ASCII, or a number too long', () => {
    expect(compareAscii('Oñate', 'Onush')).toBeUndefined();
    expect(compareAscii('Doe', 'Doe’s')).toBeUndefined();
    expect(compareAscii('a', 'b\u00a0')).toBeUndefined();
    expect(compareAscii('1'.repeat(65), '2')).toBeUndefined();
    expect(compareAscii('1'.repeat(64), '2')).toBe(1);
  });
});

describe('the languages compared without ICU', () => {
  const regions = ['', '-US', '-GB', '-AT', '-CA', '-BR', '-419', '-CH', '-TW', '-IN', '-BE', '-ME', '-BA'];
  const strings = asciiStrings(600, 3);

  it.each(['af', 'ar', 'bg', 'ca', 'de', 'el', 'en', 'es', 'fa', 'fi', 'fr', 'he', 'hi', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ro', 'ru', 'sl', 'sv', 'uk', 'vi', 'zh'])(
    '%s, with and without a region, as ICU sorts it',
    (language) => {
      for (const region of regions) {
        const tag = language + region;
        expect(asciiCollatesAsRoot(tag), tag).toBe(true);
        const icu = new Intl.Collator(tag, { numeric: true });
        expect([...strings].sort((a, b) => compareAscii(a, b)!), tag).toEqual([...strings].sort(icu.compare));
      }
    },
  );

  it('are every language of the list, checked against ICU', () => {
    // The whole list, region-less, on digraphs that tailorings change (aa, ch, ll, cs, dz, ij, ly, ny, y).
    const digraphs = ['aa', 'ab', 'az', 'ca', 'ch', 'ci', 'cz', 'd', 'dz', 'dzs', 'e', 'h', 'i', 'ij', 'iz', 'j', 'l', 'll', 'ly', 'lz', 'n', 'ny', 'nz', 'o', 's', 'sz', 'u', 'v', 'w', 'x', 'y', 'z', 'zs', 'th', 'tz'];
    const words = digraphs.flatMap((d) => [d, `${d}a`, d.toUpperCase(), `a${d}`]);
    const tags = 'af am ar as be bg bn ca de el en eo es fa fi fr ga gl gu he hi hy id is it ja ka kk km kn ko ky lo mk ml mn mr ms my ne nl or pa pl ps pt ro ru si sl sv sw ta te uk ur vi zh zu'.split(' ');
    for (const tag of tags) {
      expect(asciiCollatesAsRoot(tag), tag).toBe(true);
      const icu = new Intl.Collator(tag, { numeric: true });
      expect([...words].sort((a, b) => compareAscii(a, b)!), tag).toEqual([...words].sort(icu.compare));
      expect([...strings].sort((a, b) => compareAscii(a, b)!), tag).toEqual([...strings].sort(icu.compare));
    }
  });

  it('leave out the languages that tailor ASCII letters, and any script, variant or extension', () => {
    // Danish aa, Czech ch, Welsh dd, Hungarian cs, Lithuanian y, Turkish ı, Serbian in Latin letters.
    for (const tag of ['da', 'nb', 'cs', 'sk', 'cy', 'hu', 'lt', 'tr', 'az', 'hr', 'sr', 'sr-Latn', 'et', 'haw', 'en-US-POSIX', 'en-u-kn-false', 'fr-u-kb-true', 'de-u-co-phonebk', 'en-u-ka-shifted', 'zh-Hant', 'x-private', '', 'english']) {
      expect(asciiCollatesAsRoot(tag), tag).toBe(false);
    }
    // Each language left out does sort ASCII otherwise: checked, so the list is not merely cautious.
    for (const [tag, a, b] of [['da', 'aa', 'z'], ['cs', 'ch', 'h'], ['cy', 'dd', 'de'], ['lt', 'y', 'j'], ['tr', 'i', 'I']]) {
      expect(new Intl.Collator(tag, { numeric: true }).compare(a, b), `${tag}: ${a} ${b}`).not.toBe(sign(new Intl.Collator('und', { numeric: true }).compare(a, b)));
    }
  });
});

describe('localeCompare while an engine is made', () => {
  it('answers ASCII in a root-like language from the table, and everything else as before; restored afterwards', () => {
    const original = String.prototype.localeCompare;
    const seen = withAsciiLocaleCompare(() => [
      'dale|'.localeCompare('daleb', 'en-US'),
      'dale|'.localeCompare('daleb', 'da'),
      'Oñate'.localeCompare('Onush', 'es'),
      'a'.localeCompare('B'),
      'a'.localeCompare('B', 'en', { sensitivity: 'base' }),
      String.prototype.localeCompare === original,
    ]);
    expect(seen).toEqual([
      original.call('dale|', 'daleb', 'en-US'),
      original.call('dale|', 'daleb', 'da'),
      original.call('Oñate', 'Onush', 'es'),
      original.call('a', 'B'),
      original.call('a', 'B', 'en', { sensitivity: 'base' }),
      false,
    ]);
    expect(String.prototype.localeCompare).toBe(original);
    expect(() =>
      withAsciiLocaleCompare(() => {
        throw new Error('made no engine');
      }),
    ).toThrow('made no engine');
    expect(String.prototype.localeCompare).toBe(original);
  });

  it('lets an engine sort a bibliography of ASCII names with no collator made, and the same way as with one', async () => {
    const styleXml = readFileSync(path.join(csl, 'carim-note.csl'), 'utf8');
    const locales = new Map([['en-US', readFileSync(path.join(csl, 'locales', 'locales-en-US.xml'), 'utf8')]]);
    // No apostrophe: citeproc-js prints it curly, which is ICU's to compare.
    const names = ['Zeller', 'van Dam', 'Abbott', 'abbott', 'Abbot', 'Mc Donald', 'McDonald', 'Doe', 'Doe-Smith', 'Doe Smith', '3M', 'A10', 'A9', 'Obrien'];
    const items = new Map<string, CslItem>(
      names.map((family, i) => [`k${i}`, { id: `k${i}`, type: 'book', title: `Book ${i}`, author: [{ family, given: 'Ann' }], issued: { 'date-parts': [[2000 + (i % 3)]] } } as CslItem]),
    );
    const order = (collation: string) => {
      const engine = createEngine({ styleXml, lang: 'en-US', collation, locales, items, linkCitations: false });
      engine.updateItems([...items.keys()]);
      const made = engine.makeBibliography();
      if (!made) throw new Error('no bibliography');
      return made[0].entry_ids.map((ids) => ids[0]);
    };
    // Collators made meanwhile are counted.
    const Collator = Intl.Collator;
    let made = 0;
    const counting = function (...args: ConstructorParameters<typeof Intl.Collator>) {
      made++;

      return new Collator(...args);
    };
    counting.supportedLocalesOf = Collator.supportedLocalesOf;
    Intl.Collator = counting as unknown as typeof Intl.Collator;
    let viaTable: string[];
    let viaIcu: string[];
    try {
      viaTable = order('en-US');
      expect(made).toBe(0);
      // The same items, sorted by ICU: the same language, named with an extension.
      viaIcu = order('en-US-u-co-standard');
      expect(made).toBeGreaterThan(0);
    } finally {
      Intl.Collator = Collator;
    }
    expect(viaTable).toEqual(viaIcu);
    expect(viaTable.length).toBe(names.length);
  });
});
