/** Pandoc's citation syntax, row by row of the table in the design, and what is not a citation. */
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { labelsFromTerms, parse, parseSuffix, type Cite } from '../src/parse/index.js';

function cites(markdown: string): { cites: Cite[]; file: VFile; tree: Root } {
  const file = new VFile({ path: 'paper.md', value: markdown });
  const tree = parse(file);
  const found: Cite[] = [];
  visit(tree, 'cite', (node: Cite) => {
    found.push(node);
  });
  return { cites: found, file, tree };
}

describe('citation syntax', () => {
  it('reads a cluster with one item', () => {
    const [cite] = cites('Text [@morehouse2011].').cites;
    expect(cite.mode).toBe('normal');
    expect(cite.items).toMatchObject([{ key: 'morehouse2011', prefix: '', suffix: '', suppressAuthor: false }]);
    expect(cite.items[0].locator).toBeUndefined();
  });

  it('reads a locator with its label', () => {
    const [cite] = cites('Text [@morehouse2011, pp. 4-5].').cites;
    expect(cite.items[0]).toMatchObject({ key: 'morehouse2011', locator: '4-5', label: 'page', suffix: '' });
  });

  it('reads several items with prefixes and a bare-number locator', () => {
    const [cite] = cites('Text [see @safarov2012; @rafikoglu2012, 3].').cites;
    expect(cite.items).toMatchObject([
      { key: 'safarov2012', prefix: 'see' },
      { key: 'rafikoglu2012', locator: '3', label: 'page' },
    ]);
  });

  it('reads an author-suppressed citation', () => {
    const [cite] = cites('As Yunusov shows [-@yunusov2009, 169].').cites;
    expect(cite.items[0]).toMatchObject({ key: 'yunusov2009', suppressAuthor: true, locator: '169' });
  });

  it('reads an in-text (narrative) citation with a locator', () => {
    const [cite] = cites('As @yunusov2009 [p. 138] shows.').cites;
    expect(cite.mode).toBe('author-in-text');
    expect(cite.items[0]).toMatchObject({ key: 'yunusov2009', locator: '138', label: 'page' });
    expect(cite.value).toBe('@yunusov2009 [p. 138]');
  });

  it('reads a bare narrative citation and stops the key before punctuation', () => {
    const { cites: found } = cites('Compare @doe99. And @smith:2004, too.');
    expect(found.map((c) => c.items[0].key)).toEqual(['doe99', 'smith:2004']);
  });

  it('reads citations inside an author’s footnote', () => {
    const { tree } = cites('Text.[^1]\n\n[^1]: See [@morehouse2011, 4].');
    const inside: string[] = [];
    visit(tree, 'footnoteDefinition', (definition) => {
      visit(definition, 'cite', (node: Cite) => {
        inside.push(node.items[0].key);
      });
    });
    expect(inside).toEqual(['morehouse2011']);
  });

  it('reads braced keys and locator labels of every kind', () => {
    const { cites: found } = cites('[@{odd key/1}, chap. 3] [@a, sec. 2] [@b, para. 4] [@c, vol. 2] [@d, {p. iv, 3}] [@e, 33, and passim]');
    expect(found.map((c) => [c.items[0].key, c.items[0].label, c.items[0].locator, c.items[0].suffix])).toEqual([
      ['odd key/1', 'chapter', '3', ''],
      ['a', 'section', '2', ''],
      ['b', 'paragraph', '4', ''],
      ['c', 'volume', '2', ''],
      ['d', 'page', 'iv, 3', ''],
      ['e', 'page', '33', ', and passim'],
    ]);
  });

  it('reads a cluster whose prefix and suffix are formatted, across nodes', () => {
    const { cites: found, tree } = cites('Text [*see* @a, p. 3, *passim*; **cf.** @b] and [`x` @c].');
    expect(found.map((c) => c.items.map((i) => [i.key, i.prefix, i.locator ?? null, i.suffix]))).toEqual([
      [
        ['a', '<i>see</i>', '3', ', <i>passim</i>'],
        ['b', '<b>cf.</b>', null, ''],
      ],
      [['c', 'x', null, '']],
    ]);
    expect(found[0].value).toBe('[see @a, p. 3, passim; cf. @b]');
    expect(found[0].items[1].place).toMatchObject({ line: 1, column: 41 });
    expect(tree.children[0]).toMatchObject({ type: 'paragraph' });
  });

  it('keeps the line and column of every key', () => {
    const { cites: found } = cites('Line one.\n\nSecond [see @a; @b] and\n> @c');
    expect(found.map((c) => c.items.map((i) => [i.key, i.place.line, i.place.column]))).toEqual([
      [
        ['a', 3, 13],
        ['b', 3, 17],
      ],
      [['c', 4, 3]],
    ]);
  });
});

describe('what is not a citation', () => {
  it('leaves e-mail addresses alone', () => {
    expect(cites('Write to name@example.org or [name@example.org].').cites).toEqual([]);
  });

  it('leaves escaped at-signs and brackets without keys alone', () => {
    expect(cites('Not \\@this, nor [see above], nor [the @ sign].').cites).toEqual([]);
  });

  it('leaves code and links alone', () => {
    expect(cites('`[@code]` and [@link](https://example.org)').cites).toEqual([]);
  });
});

describe('footnote checks', () => {
  it('reports an undefined footnote reference with its place', () => {
    const { file } = cites('Text.[^missing]\n');
    expect(file.messages.map((m) => [m.line, m.column, m.ruleId, m.fatal])).toEqual([[1, 6, 'footnote-undefined', true]]);
  });

  it('warns about an unused footnote definition', () => {
    const { file } = cites('Text.\n\n[^unused]: Never called.\n');
    expect(file.messages.map((m) => [m.line, m.ruleId, m.fatal])).toEqual([[3, 'footnote-unused', false]]);
  });
});

describe('locators', () => {
  it('splits label, locator and suffix as Pandoc does', () => {
    expect(parseSuffix(', pp. 33-35, 38-39 and passim')).toEqual({ locator: '33-35, 38-39', label: 'page', suffix: ' and passim' });
    expect(parseSuffix(', chapter 3')).toEqual({ locator: '3', label: 'chapter', suffix: '' });
    expect(parseSuffix(', and elsewhere')).toEqual({ suffix: ', and elsewhere' });
    expect(parseSuffix(', xiv')).toEqual({ suffix: ', xiv' });
    expect(parseSuffix(', p. xiv')).toEqual({ locator: 'xiv', label: 'page', suffix: '' });
  });

  // Each row checked against `pandoc --citeproc` 2.17.
  const rows: Array<[string, string | undefined, string | undefined, string]> = [
    // A word with a digit is a page; a roman numeral needs a label.
    [' 33ff', '33ff', 'page', ''],
    [', p.3, and more', '3', 'page', ', and more'],
    [', p.a and more', undefined, undefined, ', p.a and more'],
    [' xi', undefined, undefined, 'xi'],
    [', p. VI, VII, VIII-IX, all three', 'VI, VII, VIII\u2013IX', 'page', ', all three'],
    // Words are joined by full stops and wrapped in balanced brackets.
    [', 12.3.4, and x', '12.3.4', 'page', ', and x'],
    [', 5B.1c.ii(2.3), more', '5B.1c.ii(2.3)', 'page', ', more'],
    [', 9(b)[2]7, more', '9(b)[2]7', 'page', ', more'],
    [', [44], more', '[44]', 'page', ', more'],
    [', [10-20], more', '[10\u201320]', 'page', ', more'],
    [', 2(c)(ii)-(v)', '2(c)(ii)\u2013(v)', 'page', ''],
    // An unclosed bracket ends nothing: all of it is a suffix.
    [', (21 and on', undefined, undefined, ', (21 and on'],
    [', s (b) and on', undefined, undefined, ', s (b) and on'],
    // A word after a space must have a number in it: `- 35` is a suffix.
    [', pp. 33 - 35', '33', 'page', ' - 35'],
    [', pp. 3 and 4', '3', 'page', ' and 4'],
    [', vol. 3, p. 4', '3', 'volume', ', p. 4'],
    [', p. 3/4', '3', 'page', '/4'],
    [', 3,4', '3, 4', 'page', ''],
    // Braces: an optional label inside, anything else up to the closing brace.
    [', {p. a}', 'a', 'page', ''],
    [' { chap. 9 } and on', '9', 'chapter', ' and on'],
    [', {q-r, 7}', 'q\u2013r, 7', 'page', ''],
    [', {x - y}', 'x\u2013y', 'page', ''],
    [', {7-8-9}', '7-8-9', 'page', ''],
    [', {one, two and three}', 'one, two and three', 'page', ''],
    [', {9{1}[2]}', '9{1}[2]', 'page', ''],
    [' {} 12-14 as a suffix', undefined, undefined, '12-14 as a suffix'],
    [', {, p. 4}', ', p. 4', 'page', ''],
    [' {p. open{x}', undefined, undefined, '{p. open{x}'],
    [', p. {iv, 3}', undefined, undefined, ', p. {iv, 3}'],
  ];
  it.each(rows)('reads %j', (raw, locator, label, suffix) => {
    const parsed = parseSuffix(raw.replace(/\\u2013/g, '\u2013'));
    expect(parsed).toEqual({ ...(locator === undefined ? {} : { locator: locator.replace(/\\u2013/g, '\u2013'), label }), suffix });
  });

  it('implies a comma before a narrative citation’s suffix, unless a space or a locator comes first', () => {
    const found = cites('@a [pp. 3 and 5], @b [among others], @c [ among] and @d [p. 4, passim].').cites;
    expect(found.map((c) => [c.items[0].locator ?? null, c.items[0].suffix])).toEqual([
      ['3', ' and 5'],
      [null, ', among others'],
      [null, ' among'],
      ['4', ', passim'],
    ]);
  });

  it('reads a formatted locator as its text', () => {
    const [cite] = cites('Text [*see* @a p. **32**, *passim*].').cites;
    expect(cite.items[0]).toMatchObject({ prefix: '<i>see</i>', locator: '32', label: 'page', suffix: ', <i>passim</i>' });
  });

  it('closes a bracket at the first `]`, braces or not, and splits items at every `;`', () => {
    const found = cites('A [@a {]}] B [@{x]y} 4] C [@a {x; y}]').cites;
    expect(found.map((c) => [c.mode, c.value, c.items[0].key])).toEqual([
      ['normal', '[@a {]', 'a'],
      ['normal', '[@{x]y} 4]', 'x]y'],
      ['author-in-text', '@a', 'a'],
    ]);
  });

  it('reads labels from the locale and the style together', () => {
    const table = labelsFromTerms(
      [{ name: 'section', form: 'short', single: 'sec.', multiple: 'secs.' }, { name: 'issue', form: 'short', single: 'no.', multiple: 'nos.' }],
      [{ name: 'section', form: 'short', single: 's', multiple: 'ss' }],
    );
    expect(parseSuffix(', ss 4(1)', table)).toEqual({ locator: '4(1)', label: 'section', suffix: '' });
    expect(parseSuffix(', sec. 4', table)).toEqual({ locator: '4', label: 'section', suffix: '' });
    // A word two terms share names the first in Pandoc's list (French `§` is a paragraph).
    const french = labelsFromTerms([
      { name: 'paragraph', form: 'symbol', single: '§', multiple: '§' },
      { name: 'section', form: 'symbol', single: '§', multiple: '§' },
    ]);
    expect(parseSuffix(', § 3', french)).toEqual({ locator: '3', label: 'paragraph', suffix: '' });
    expect(parseSuffix(', p. 12\u201314')).toEqual({ locator: '12-14', label: 'page', suffix: '' });
    // Terms as written: `no` without its full stop is no label.
    expect(parseSuffix(', {no one, no two}', table)).toEqual({ locator: 'no one, no two', label: 'page', suffix: '' });
  });
});

describe('subscript and superscript', () => {
  it('reads Pandoc’s ~sub~ and ^sup^, leaves lone marks and strikethrough alone', async () => {
    const { toHtml } = await import('hast-util-to-html');
    const { toHast } = await import('mdast-util-to-hast');
    const { tree } = cites('H~2~O and 2^10^, a ~ b ^ c, ~~gone~~ and `x~1~`.');
    expect(toHtml(toHast(tree))).toBe('<p>H<sub>2</sub>O and 2<sup>10</sup>, a ~ b ^ c, <del>gone</del> and <code>x~1~</code>.</p>');
  });
});
