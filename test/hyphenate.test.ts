/**
 * Hyphenation done early, in a worker thread, gives the print the words the
 * build would have hyphenated itself: the same library and patterns.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hyphenationReady, hyphenatorFor, prehyphenate } from '../src/pdf/hyphenate.js';

const require = createRequire(import.meta.url);
const text = 'Readmission agreements between Azerbaijan and the European Union regulate irregular migration; negotiations continued throughout.';

describe('prehyphenate', () => {
  it('hyphenates the words in a worker thread as the library does, word by word', async () => {
    prehyphenate('en-GB', `${text} Unusually wonderful.`);
    await hyphenationReady('en-GB');
    const hyphenate = hyphenatorFor('en-GB');
    expect(hyphenate).not.toBeNull();
    const library = require('hyphen/en-gb') as { hyphenateSync: (text: string, options: object) => string };
    const expected = text.replace(/[\p{L}\p{M}]{6,}/gu, (word) => library.hyphenateSync(word, { minWordLength: 6 }));
    expect(hyphenate!(text)).toBe(expected);
    expect(expected).toContain('\u00ad');
    // A word the worker never saw is hyphenated on the spot.
    expect(hyphenate!('extraordinarily')).toBe(library.hyphenateSync('extraordinarily', { minWordLength: 6 }));
  });

  it('does nothing for a language without patterns', async () => {
    prehyphenate('xq', text);
    await hyphenationReady('xq');
    expect(hyphenatorFor('xq')).toBeNull();
  });
});
