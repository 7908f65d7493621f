/** Smart quotes: each straight quote read from its neighbours over the whole text, as Pandoc's `smart` reads them. */
import { toString } from 'mdast-util-to-string';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/parse/index.js';
import { curlQuotes } from '../src/parse/typography.js';

const text = (markdown: string, lang = 'en-US') => toString(parse(new VFile({ path: 'paper.md', value: `${markdown}\n` }), { lang }));
const curl = (value: string) => curlQuotes(value, ['“', '‘'], ['”', '’']);

describe('smart quotes', () => {
  it('open after space or a mark and close after a word, double and single', () => {
    expect(text(`He said "yes" and 'no'.`)).toBe('He said “yes” and ‘no’.');
    expect(text(`He wrote: "see 'The Title' (1999)".`)).toBe('He wrote: “see ‘The Title’ (1999)”.');
    expect(text(`"Hello," she said, "it's 5 o'clock."`)).toBe('“Hello,” she said, “it’s 5 o’clock.”');
  });

  it('open both marks of a quotation that starts a quotation', () => {
    expect(text(`"'Quoted' words in a larger quote."`)).toBe('“‘Quoted’ words in a larger quote.”');
  });

  it('make apostrophes of quotes inside words and before a decade', () => {
    expect(text(`Rock 'n' roll and rock-'n'-roll, don't, l'homme, o'clock.`)).toBe('Rock ‘n’ roll and rock-‘n’-roll, don’t, l’homme, o’clock.');
    expect(text(`In the '80s and the '90s, the 1990's.`)).toBe('In the ’80s and the ’90s, the 1990’s.');
    // A longer word is no decade: `'70s-era` opens.
    expect(text(`The '70s-era "well-known" 'twas.`)).toBe('The ‘70s-era “well-known” ‘twas.');
  });

  it('are matched across emphasis, links and code', () => {
    expect(text('**"Bold"** and _\'italic\'_ and "*mixed* quote".')).toBe('“Bold” and ‘italic’ and “mixed quote”.');
    expect(text('The *"emphasised"* words and "[a link](https://example.org)".')).toBe('The “emphasised” words and “a link”.');
    expect(text('"Code `x`" and "`y`".')).toBe('“Code x” and “y”.');
  });

  it('close at the end of a sentence, also with no space after it', () => {
    expect(text(`"Stop!" he said. "Why?"`)).toBe('“Stop!” he said. “Why?”');
    expect(text(`He said "no."Then he left.`)).toBe('He said “no.”Then he left.');
    expect(text(`A quote at the end "`)).toBe('A quote at the end ”');
  });

  it('close after a word that keeps its last mark: an initialism, a hyphen, a short word and a slash', () => {
    expect(text(`The U.S." rule, a well-" and and/or" too.`)).toBe('The U.S.” rule, a well-” and and/or” too.');
  });

  it("read `'s` as an apostrophe at the start of a sentence, and as an opening quote inside one", () => {
    expect(text(`He left. 's Gravenhage is the Hague; the 's' key.`)).toBe('He left. ’s Gravenhage is the Hague; the ‘s’ key.');
  });

  it('leave two quote marks of one kind together as they are', () => {
    expect(text(`Two '' and "" stay.`)).toBe(`Two '' and "" stay.`);
  });

  it('are the marks of the language', () => {
    expect(text(`Er sagte "ja" und 'nein'.`, 'de-DE')).toBe('Er sagte „ja“ und ‚nein‘.');
  });

  it('keep the length of the text, and leave text without quotes as it is', () => {
    const value = ` "a" 'b' c'd "e`;
    expect(curl(value)).toBe(' “a” ‘b’ c’d “e');
    expect(curl(value)).toHaveLength(value.length);
    const plain = 'No quotes here.';
    expect(curl(plain)).toBe(plain);
  });
});
