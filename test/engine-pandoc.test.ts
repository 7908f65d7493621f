/**
 * Where citeproc-js, left to itself, formats differently from Pandoc's
 * citeproc, and Colophon drives it to Pandoc's result. Every expectation
 * below is what `pandoc --citeproc` (2.17) prints for the same manuscript,
 * references and style; where pandoc is installed, the test also asks it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildDocument, type DocumentModel } from '../src/index.js';
import { manuscript } from './helpers/manuscript.js';
import { absorbPunctuationInQuotes } from '../src/cite/punctuation.js';
import { hasCommand } from './helpers/tools.js';

const styles = path.join(import.meta.dirname, '..', 'templates', 'csl', 'styles');
const havePandoc = hasCommand('pandoc');

const paragraphs = (model: DocumentModel) =>
  model.body.children.filter((node): node is Element => node.type === 'element' && node.tagName === 'p').map((p) => toString(p).replace(/\s+/g, ' ').trim());
const entries = (model: DocumentModel) => {
  const found: string[] = [];
  if (model.bibliography) {
    visit(model.bibliography, 'element', (e) => {
      if ((e.properties.className as string[] | undefined)?.includes('csl-entry')) found.push(toString(e).replace(/\s+/g, ' ').trim());
    });
  }
  return found;
};

/** Pandoc's rendering of the same manuscript, one paragraph per line (none when pandoc is missing). */
function pandocParagraphs(input: string, style: string): string[] | undefined {
  if (!havePandoc) return undefined;
  const plain = execFileSync('pandoc', [path.basename(input), '--citeproc', '--csl', style, '-t', 'plain', '--wrap=none'], { cwd: path.dirname(input), encoding: 'utf8' });
  return plain.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Build `input` with `style`: its paragraphs must be `expected`, and so must Pandoc's where pandoc is installed. */
async function expectParagraphs(input: string, style: string, expected: string[]): Promise<DocumentModel> {
  const model = await buildDocument({ input, style });
  expect(paragraphs(model)).toEqual(expected);
  const reference = pandocParagraphs(input, style);
  if (reference) expect(reference).toEqual(expected);
  return model;
}

const book = (id: string, family: string, year: number | undefined, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'book',
  title: `Book ${id}`,
  author: [{ family, given: 'Jo' }],
  ...(year ? { issued: { 'date-parts': [[year]] } } : {}),
  ...extra,
});

describe('cite groups of one author (collapse="year")', () => {
  const refs = [book('a1', 'Doe', 2005), book('a2', 'Doe', 2006), book('a3', 'Doe', 2007), book('b1', 'Roe', 2007), book('p1', 'Doe', undefined, { status: 'in press' })];
  const lines = [
    'One [@a1; @a2; @b1].',
    'Two [@a1, 33; @a2; @b1].',
    'Three [@a1; @a2, 12; @b1, 4].',
    'Four [@a1; @b1; @a2].',
    'Five [@a1; @a2; @a3, 5].',
    'Six [@a1; see @a2].',
    'Seven [@a2; @p1].',
  ];
  const input = manuscript('title: T\nbibliography: refs.json\nsuppress-bibliography: true', lines.join('\n\n'), { refs });

  it('Chicago author-date: ", " inside a group, "; " when the group has a locator, a prefixed cite apart', async () => {
    const style = path.join(styles, 'chicago-author-date.csl');
    await expectParagraphs(input, style, [
      'One (Doe 2005, 2006; Roe 2007).',
      'Two (Doe 2005, 33; 2006; Roe 2007).',
      'Three (Doe 2005; 2006, 12; Roe 2007, 4).',
      // Chicago does not sort citations: the author's later cite joins the first.
      'Four (Doe 2005, 2006; Roe 2007).',
      'Five (Doe 2005; 2006; 2007, 5).',
      'Six (Doe 2005; see Doe 2006).',
      'Seven (Doe 2006, in press).',
    ]);
  });

  it('APA (sorted citations, no after-collapse-delimiter): the same groups', async () => {
    const style = path.join(styles, 'apa.csl');
    await expectParagraphs(input, style, [
      'One (Doe, 2005, 2006; Roe, 2007).',
      'Two (Doe, 2005, p. 33; 2006; Roe, 2007).',
      'Three (Doe, 2005; 2006, p. 12; Roe, 2007, p. 4).',
      'Four (Doe, 2005, 2006; Roe, 2007).',
      'Five (Doe, 2005; 2006; 2007, p. 5).',
      'Six (Doe, 2005; see Doe, 2006).',
      'Seven (Doe, 2006, in press).',
    ]);
  });

  it('sorts each run of cites apart: a prefixed cite is not sorted in with those before it', async () => {
    const style = path.join(styles, 'apa.csl');
    const sorted = manuscript('title: T\nbibliography: refs.json\nsuppress-bibliography: true', 'One [@b1; @a1; see also @a2; @a3].\n\nTwo [@b1; @a1; see also @a3; @a2].', { refs });
    await expectParagraphs(sorted, style, [
      'One (Doe, 2005; Roe, 2007; see also Doe, 2006, 2007).',
      // Sorted, the second run starts with Doe 2006, which has no prefix: it joins Doe 2005.
      'Two (Doe, 2005, 2006; Roe, 2007; see also Doe, 2007).',
    ]);
  });

  it('brings an author’s cites together only within their run', async () => {
    const style = path.join(styles, 'chicago-author-date.csl');
    const more = [...refs, book('c1', 'Coe', 2001)];
    const runs = manuscript('title: T\nbibliography: refs.json\nsuppress-bibliography: true', 'A [@a1; @b1; see @c1; @a3].\n\nB [@a1; @b1; @a2; see @c1; @a3].\n\nC [@a1; @b1; @c1; @a3].', { refs: more });
    await expectParagraphs(runs, style, ['A (Doe 2005; Roe 2007; see Coe 2001; Doe 2007).', 'B (Doe 2005, 2006; Roe 2007; see Coe 2001; Doe 2007).', 'C (Doe 2005, 2007; Roe 2007; Coe 2001).']);
  });
});

describe('a comma or full stop after the end of a quoted sentence', () => {
  const style = path.join(import.meta.dirname, 'fixtures', 'engine', 'quoted-titles.csl');
  const refs = [
    { id: 't1', type: 'article-journal', title: 'Works!', author: [{ family: 'Doe', given: 'Jo' }], 'container-title': 'Journal', issued: { 'date-parts': [[2009]] } },
    { id: 't2', type: 'article-journal', title: 'The earliest stage.', author: [{ family: 'Roe', given: 'Jo' }], 'container-title': 'Annual Review', issued: { 'date-parts': [[2020]] } },
    { id: 't3', type: 'article-journal', title: 'Is it? Yes', author: [{ family: 'Coe', given: 'Jo' }], 'container-title': 'Annual Review', issued: { 'date-parts': [[2020]] } },
    { id: 't4', type: 'chapter', title: '<i>Why</i> not?', author: [{ family: 'Zoe', given: 'Jo' }], 'container-title': 'Book' },
    { id: 't5', type: 'chapter', title: "He said 'stop.'", author: [{ family: 'Xoe', given: 'Jo' }], 'container-title': 'Book' },
    { id: 't6', type: 'book', title: 'Plain', author: [{ family: 'Poe', given: 'Jo' }, { family: 'Loe', given: 'Jo' }, { family: 'Hoe', given: 'Jo' }, { family: 'Koe', given: 'Jo' }], 'container-title': 'Series' },
  ];

  it('is dropped inside the quotation marks in American English, as Pandoc does', async () => {
    const input = manuscript('title: T\nbibliography: refs.json\nlang: en-US', 'Text [@t1; @t2; @t3; @t4; @t5].', { refs });
    const model = await buildDocument({ input, style });
    // (The style does not sort: entries in order of citation.)
    expect(entries(model)).toEqual([
      'J. Doe, “Works!” Journal, 2009.',
      'J. Roe, “The earliest stage.” Annual Review, 2020.',
      'J. Coe, “Is it? Yes,” Annual Review, 2020.',
      'J. Zoe, “Why not?” Book.',
      'J. Xoe, “He said ‘stop.’” Book.',
    ]);
  });

  it('looks through closing tags on either side', () => {
    expect(absorbPunctuationInQuotes('“<i>Works!</i>,”</span> Journal')).toBe('“<i>Works!</i>”</span> Journal');
    expect(absorbPunctuationInQuotes('“Stage.,</i>”')).toBe('“Stage.</i>”');
    expect(absorbPunctuationInQuotes('Doe et al., “Title,” 2005')).toBe('Doe et al., “Title,” 2005');
    expect(absorbPunctuationInQuotes('“He said ‘stop.’,” Book')).toBe('“He said ‘stop.’” Book');
  });

  it('stays outside the quotation marks in British English, and “et al.,” is left alone', async () => {
    const input = manuscript('title: T\nbibliography: refs.json\nlang: en-GB', 'Text [@t1; @t2].', { refs });
    const model = await buildDocument({ input, style });
    expect(entries(model)).toEqual(['J. Doe, ‘Works!’, Journal, 2009.', 'J. Roe, ‘The earliest stage.’, Annual Review, 2020.']);
    const etAl = manuscript('title: T\nbibliography: refs.json\nlang: en-US', 'Text [@t6].', { refs });
    const us = await buildDocument({ input: etAl, style: path.join(styles, 'chicago-author-date.csl') });
    expect(paragraphs(us)[0]).toBe('Text (Poe et al., n.d.).');
  });
});

describe('quotation marks typed in a field', () => {
  it('keep the style’s punctuation outside, also inside quotation marks the style adds, as Pandoc prints it', async () => {
    const refs = [
      { id: 'a', type: 'book', title: 'Des Abhandlung: “Über die Möglichkeit”', author: [{ literal: 'Averroes' }], issued: { 'date-parts': [[1892]] }, language: 'de-DE' },
      { id: 'b', type: 'article-journal', title: 'Metafisica et “Physica”', author: [{ literal: 'Aristotele' }], 'container-title': 'Journal', issued: { 'date-parts': [[1893]] } },
    ];
    const input = manuscript('title: T\nbibliography: refs.json\nlang: en-US', '[@a; @b]', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    expect(entries(model)).toEqual(['Aristotele. 1893. “Metafisica Et ‘Physica’.” Journal.', 'Averroes. 1892. Des Abhandlung: “Über die Möglichkeit”.']);
  });
});

describe('superscript letters of the locale', () => {
  it('stay characters (nᵒ, 1ʳᵉ), not <sup> around a plain letter', async () => {
    const refs = [
      { id: 'bazin', type: 'article-journal', title: 'La cybernétique', author: [{ family: 'Bazin', given: 'André' }], 'container-title': 'Cahiers du cinéma', issue: 36, page: '22-27', issued: { 'date-parts': [[1954, 6]] } },
      { id: 'ed', type: 'book', title: 'Le livre', author: [{ family: 'Durand', given: 'Marie' }], edition: 1, issued: { 'date-parts': [[1990]] } },
    ];
    const input = manuscript('title: T\nbibliography: refs.json\nlang: fr-FR', 'Texte [@bazin; @ed].', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    expect(entries(model)).toEqual(['Bazin, André. 1954. « La cybernétique ». Cahiers du cinéma, nᵒ 36 (juin): 22‑27.', 'Durand, Marie. 1990. Le livre. 1ʳᵉ éd.']);
    let sups = 0;
    if (model.bibliography) visit(model.bibliography, 'element', (e) => void (e.tagName === 'sup' && sups++));
    expect(sups).toBe(0);
  });
});

describe('an editor who is also the translator', () => {
  it('is named once with the combined term, also when the names element lists a third variable', async () => {
    const style = path.join(import.meta.dirname, 'fixtures', 'engine', 'editor-translator.csl');
    const bland = [{ family: 'Bland', given: 'Kalman P.' }];
    const refs = [
      { id: 'same', type: 'book', title: 'The Epistle', author: [{ literal: 'Averroes' }], editor: bland, translator: bland },
      { id: 'apart', type: 'book', title: 'Another Epistle', author: [{ literal: 'Averroes' }], editor: bland, translator: [{ family: 'Hercz', given: 'J.' }] },
    ];
    const input = manuscript('title: T\nbibliography: refs.json', 'Text [@same; @apart].', { refs });
    const model = await buildDocument({ input, style });
    expect(entries(model)).toEqual(['The Epistle (K. P. Bland, Ed. & Trans.).', 'Another Epistle (J. Hercz, Tran., K. P. Bland, Ed.).']);
    const reference = havePandoc ? execFileSync('pandoc', [path.basename(input), '--citeproc', '--csl', style, '-t', 'plain'], { cwd: path.dirname(input), encoding: 'utf8' }) : undefined;
    if (reference) expect(reference.replace(/\s+/g, ' ')).toContain('The Epistle (K. P. Bland, Ed. & Trans.). Another Epistle (J. Hercz, Tran., K. P. Bland, Ed.).');
  });
});

describe('title case', () => {
  it('keeps the particles de, van, von and the word about lower case, as Pandoc does', async () => {
    const refs = [
      { id: 'a', type: 'book', title: 'William de Montibus and the von Trapp family about van Gogh', author: [{ family: 'Goering', given: 'Joseph' }], issued: { 'date-parts': [[1992]] } },
      { id: 'b', type: 'book', title: 'de la Cruz under the sun of Paris', author: [{ family: 'Roe', given: 'Jo' }], issued: { 'date-parts': [[1993]] } },
    ];
    const input = manuscript('title: T\nbibliography: refs.json', 'Text [@a; @b].', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    // The first word is capitalised whatever it is; "under" is not a stop word in CSL or Pandoc.
    expect(entries(model)).toEqual([
      'Goering, Joseph. 1992. William de Montibus and the von Trapp Family about van Gogh.',
      'Roe, Jo. 1993. De La Cruz Under the Sun of Paris.',
    ]);
  });
});

describe('transliterated names', () => {
  it('sort a leading ʾ, ʿ or apostrophe as nothing, and group names that differ only in a straight apostrophe', async () => {
    const person = (family: string) => [{ family, given: 'Jamīl', 'non-dropping-particle': 'al-' }];
    const refs = [
      { id: 'hamza', type: 'book', title: 'Hamza', author: person('ʾUdhrī'), issued: { 'date-parts': [[2000]] } },
      { id: 'ayn', type: 'book', title: 'Ayn', author: person('ʿUdhrī'), issued: { 'date-parts': [[2000]] } },
      { id: 'straight', type: 'book', title: 'Straight', author: person("'Udhrī"), issued: { 'date-parts': [[2000]] } },
      { id: 'uch', type: 'book', title: 'Uch', author: [{ family: 'Uch', given: 'Ann' }], issued: { 'date-parts': [[2000]] } },
      { id: 'curly', type: 'book', title: 'Curly', author: person('’Udhrī'), issued: { 'date-parts': [[2000]] } },
      { id: 'zzz', type: 'book', title: 'Zzz', author: [{ family: 'Zzz', given: 'Zoe' }], issued: { 'date-parts': [[2000]] } },
    ];
    const input = manuscript('title: T\nbibliography: refs.json', 'Foo [@hamza; @ayn; @straight; @uch; @curly; @zzz].', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    expect(paragraphs(model)[0]).toBe('Foo (al-ʾUdhrī 2000; al-ʿUdhrī 2000; al-’Udhrī 2000b, 2000a; Uch 2000; Zzz 2000).');
    // Equal names once the mark is set aside: the titles decide.
    expect(entries(model).map((entry) => entry.split('. 2000')[0] + ' ' + (entry.match(/2000\w?\. (\w+)/)?.[1] ?? ''))).toEqual([
      'Uch, Ann Uch',
      'ʿUdhrī, Jamīl al- Ayn',
      '’Udhrī, Jamīl al- Curly',
      'ʾUdhrī, Jamīl al- Hamza',
      '’Udhrī, Jamīl al- Straight',
      'Zzz, Zoe Zzz',
    ]);
  });
});

describe('locator labels', () => {
  it('stay singular for numbers joined by a word or "&", plural for ranges and lists, as in Pandoc', async () => {
    const refs = [{ id: 'a', type: 'article-journal', title: 'T', author: [{ family: 'Doe', given: 'J' }], issued: { 'date-parts': [[2006]] }, 'container-title': 'J' }];
    const input = manuscript('title: T\nbibliography: refs.json\nsuppress-bibliography: true', '[@a, pp. 6 and 7] [@a, nos. 6 and 7] [@a, nos. 6 & 7] [@a, chaps. 6, 7] [@a, pp. 6-7]', { refs });
    const model = await buildDocument({ input, style: 'apa' });
    expect(paragraphs(model)[0]).toBe('(Doe, 2006, p. 6 and 7) (Doe, 2006, no. 6 and 7) (Doe, 2006, no. 6 & 7) (Doe, 2006, Chapters 6, 7) (Doe, 2006, pp. 6–7)');
  });
});

describe('the citation cache key', () => {
  it('holds the source of every correction Colophon makes to citeproc-js, so changed code never meets an older answer', async () => {
    const { citeprocFingerprint } = await import('../src/cite/process.js');
    const fingerprint = citeprocFingerprint();
    for (const name of ['teachCiteGroups', 'clusterOrder', 'authorsTogether', 'keepSuperscriptLetters', 'nameEditorTranslatorOnce', 'singularLabelForWordLists', 'collateByLanguage', 'changeCaseQuickly', 'scriptRank', 'hideTyped', 'markTyped', 'compareAscii', 'asciiCollatesAsRoot', 'withAsciiLocaleCompare', 'icuCollation', 'absorbPunctuationInQuotes', 'runCiteproc']) {
      expect(fingerprint).toContain(name);
    }
    const { requestTexts } = await import('../src/cache/citations.js');
    const request = { styleXml: '<style/>', lang: 'en-US', locales: new Map(), items: new Map(), linkCitations: false, citations: [], nocite: [], authors: [], bibliography: true };
    expect(requestTexts(request)).toContain(fingerprint);
    expect(requestTexts(request)).toEqual(requestTexts({ ...request }));
  });
});

describe('numbers', () => {
  it('a decimal collection number counts as a number for is-numeric, as in Pandoc', async () => {
    const refs = [
      { id: 'a', type: 'book', title: 'Handbuch zur lateinischen Sprache', author: [{ family: 'Stotz', given: 'Peter' }], issued: { 'date-parts': [[1996]] }, 'collection-title': 'Handbuch der Altertumswissenschaft', 'collection-number': '2.5', publisher: 'Beck', language: 'de' },
      { id: 'b', type: 'book', title: 'Zweites Buch', author: [{ family: 'Stotz', given: 'Peter' }], issued: { 'date-parts': [[1997]] }, 'collection-title': 'Reihe', 'collection-number': 'Neue Folge', publisher: 'Beck', language: 'de' },
    ];
    const input = manuscript('title: T\nbibliography: refs.json', '[@a; @b]', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    expect(entries(model)).toEqual([
      'Stotz, Peter. 1996. Handbuch zur lateinischen Sprache. Handbuch der Altertumswissenschaft 2.5. Beck.',
      '———. 1997. Zweites Buch. Reihe, Neue Folge. Beck.',
    ]);
  });
});

describe('sorting names in several scripts', () => {
  it('puts Latin before Cyrillic in a Russian document too, and follows the language within a script', async () => {
    const refs = [
      { id: 'iv', type: 'book', title: 'Миграция', author: [{ family: 'Иванов', given: 'Сергей' }], issued: { 'date-parts': [[2011]] } },
      { id: 'ab', type: 'book', title: 'Азбука', author: [{ family: 'Абрамов', given: 'Олег' }], issued: { 'date-parts': [[2012]] } },
      { id: 'yo', type: 'book', title: 'Ёлка', author: [{ family: 'Ёлкин', given: 'Пётр' }], issued: { 'date-parts': [[2013]] } },
      { id: 'sm', type: 'book', title: 'Return', author: [{ family: 'Smith', given: 'John' }], issued: { 'date-parts': [[2019]] } },
      { id: 'ca', type: 'book', title: 'Borders', author: [{ family: 'Cassarino', given: 'Jean' }], issued: { 'date-parts': [[2010]] } },
    ];
    const input = manuscript('title: T\nbibliography: refs.json\nlang: ru-RU', '[@iv; @ab; @yo; @sm; @ca]', { refs });
    const model = await buildDocument({ input, style: path.join(styles, 'chicago-author-date.csl') });
    expect(entries(model).map((entry) => entry.split(',')[0])).toEqual(['Cassarino', 'Smith', 'Абрамов', 'Ёлкин', 'Иванов']);
    if (havePandoc) {
      const plain = execFileSync('pandoc', [path.basename(input), '--citeproc', '--csl', path.join(styles, 'chicago-author-date.csl'), '-t', 'plain'], { cwd: path.dirname(input), encoding: 'utf8' });
      const order = ['Cassarino', 'Smith', 'Абрамов', 'Ёлкин', 'Иванов'].map((name) => plain.lastIndexOf(`${name},`));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});

describe('the script of a name', () => {
  it('is read in ASCII without the Unicode tables, with the rank the tables give', async () => {
    const { scriptPatterns, scriptRank } = await import('../src/cite/engine.js');
    // The root collation's order of scripts, as the Unicode properties tell it (the module's own table).
    const table = scriptPatterns();
    expect(table.length).toBeGreaterThan(10);
    const byTables = (text: string) => {
      const first = /[\p{L}\p{N}]/u.exec(text)?.[0];
      return first ? (table.find(([pattern]) => pattern.test(first))?.[1] ?? 0) : 0;
    };
    const alphabet = [...' -.,\'"([_@`{~|09AZaz\u00a0\u00e9\u00aa\u00b2\u0416\u03b1\u05d0\u0661\u4e2d\u02bf\u00bd', '\u{1F600}', '\u{1D400}', '\uD800'];
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const texts = ['', 'Smith', '  9th', '[Anon.]', '\u00c9mile', '"\u0416', '--\u4e2d', '\u00aaa'];
    for (let i = 0; i < 2000; i++) texts.push(Array.from({ length: random(6) }, () => alphabet[random(alphabet.length)]).join(''));
    for (const text of texts) expect([text, scriptRank(text)]).toEqual([text, byTables(text)]);
  });
});

describe('case changes', () => {
  it('give what citeproc-js itself gives, in every language, on the quick path or not', async () => {
    const { createEngine } = await import('../src/cite/engine.js');
    const { createRequire } = await import('node:module');
    const csl = createRequire(import.meta.url)('citeproc') as Record<string, (this: unknown, text: unknown) => string>;
    // An engine sets the corrections up (once per process).
    createEngine({ styleXml: '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><info><title>T</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info><citation><layout><text variable="title"/></layout></citation></style>', lang: 'en-US', locales: new Map([['en-US', readFileSync(path.join(import.meta.dirname, '..', 'templates', 'csl', 'locales', 'locales-en-US.xml'), 'utf8')]]), items: new Map(), linkCitations: false });
    // citeproc-js's own case change: the list of tags, or none when the runtime cannot read it.
    const own = (text: string, languages: unknown, upper: boolean) => {
      try {
        return upper ? text.toLocaleUpperCase(languages as string[]) : text.toLocaleLowerCase(languages as string[]);
      } catch {
        return upper ? text.toUpperCase() : text.toLowerCase();
      }
    };
    const lists: unknown[] = [['en-GB'], ['en'], ['tr'], ['tr-TR'], ['TR'], ['tur'], ['az-Latn-AZ'], ['aze'], ['lt'], ['el'], ['ell'], ['de'], ['x-private'], ['i-klingon'], ['en', 'tr'], ['tr', 'en'], ['@@'], ['en', '@@'], ['tr\u0000en'], ['und']];
    const texts = ['Istanbul', 'iIıİ', 'ΌΣΟΣ σοφός', 'Įį̇ Ì', 'Straße', 'ǅ', ''];
    for (const languages of lists) {
      for (const text of texts) {
        for (const upper of [false, true]) {
          const changed = csl[upper ? 'toLocaleUpperCase' : 'toLocaleLowerCase']!.call({ tmp: { lang_array: languages } }, text);
          expect([languages, text, upper, changed]).toEqual([languages, text, upper, own(text, languages, upper)]);
        }
      }
    }
    // The quick path is taken where it can be: English changes case as toLowerCase does, Turkish does not.
    expect(csl.toLocaleLowerCase!.call({ tmp: { lang_array: ['tr'] } }, 'I')).toBe('ı');
    expect(csl.toLocaleUpperCase!.call({ tmp: { lang_array: ['tr'] } }, 'i')).toBe('İ');
    expect(csl.toLocaleLowerCase!.call({ tmp: { lang_array: ['en-GB'] } }, 'I')).toBe('i');
  });
});

describe('punctuation a style repeats', () => {
  const fixtures = path.join(import.meta.dirname, 'fixtures', 'engine');
  const refs = [book('a1', 'Doe', 2005), book('b1', 'Roe', 2007, { author: [{ family: 'Roe', given: 'Al' }, { family: 'Poe', given: 'Bo' }] })];

  it('prints once a comma that a group delimiter and a label prefix both give', async () => {
    const style = path.join(fixtures, 'repeated-comma.csl');
    const input = manuscript('title: T\nbibliography: refs.json', 'One [@a1, p. 12].\n\nTwo [@a1].\n\nThree [-@a1, p. 3].', { refs });
    await expectParagraphs(input, style, ['One (Doe, 2005, p. 12).', 'Two (Doe, 2005).', 'Three (2005, p. 3).']);
  });

  it('leaves out, after the author of a narrative citation, the delimiter the style meant for the year', async () => {
    const style = path.join(fixtures, 'author-suffix.csl');
    const input = manuscript('title: T\nbibliography: refs.json', 'One @a1 [p. 4] said.\n\nTwo @b1 said.', { refs });
    await expectParagraphs(input, style, ['One Doe [2005, p. 4] said.', 'Two Roe and Poe [2007] said.']);
  });
});
