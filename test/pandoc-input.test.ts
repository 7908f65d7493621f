/**
 * Manuscripts as Pandoc users write them: inline `references:`, YAML
 * metadata blocks below the text, CSL YAML read leniently, `nocite` as text,
 * and Pandoc's citation syntax. Expectations follow Pandoc's manual and its
 * documented behaviour (what `pandoc --citeproc` prints for the same input).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../src/index.js';
import { pandocEntry, markdownField } from '../src/load/csl-lenient.js';
import { load } from '../src/load/index.js';
import { findMetadataBlocks } from '../src/load/metadata-blocks.js';
import { parse } from '../src/parse/index.js';
import type { Cite } from '../src/parse/types.js';
import { rules } from '../src/rules.js';
import { elements } from './helpers/hast.js';

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'colophon-pandoc-input-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return path.join(dir, 'input.md');
}

/** The body text of a built document (no notes, no bibliography). */
async function built(input: string, style = 'chicago-author-date') {
  const model = await buildDocument({ input, style });
  // Paragraphs outside the bibliography, one after the other.
  const body = elements(model.body, (e) => e.tagName === 'p' && !(e.properties.className as string[] | undefined)?.includes('csl-entry'))
    .map((p) => toString(p))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const entries = model.bibliography ? toString(model.bibliography).replace(/\s+/g, ' ').trim() : '';
  return { model, body, entries };
}

const references = `references:
- id: doe2005
  type: book
  author: John Doe
  title: Migration *and* memory, 1990--2004
  issued: {year: 2005}
  publisher: Caspian Press
- id: roe2007
  author:
    family: Roe
    given: Rana
  title: Remittances
  issued:
  - year: 2007
    month: 6
  url: https://example.org/roe
- id: poe2009
  type: article-journal
  author: [{family: Poe, given: Ed}]
  title: Borders
  container-title: Journal of Borders
  issued: 2009
`;

describe('CSL YAML as Pandoc reads it', () => {
  it('reads map and list dates, string and single names, lowercase url, no type', () => {
    expect(pandocEntry({ id: 'a', issued: { year: 2005, month: 3 } })).toEqual({ id: 'a', type: 'document', issued: { 'date-parts': [[2005, 3]] } });
    expect(pandocEntry({ id: 'a', type: 'book', accessed: [{ year: '2010', month: '1', day: '2' }, { year: 2011 }] })).toMatchObject({
      accessed: { 'date-parts': [[2010, 1, 2], [2011]] },
    });
    expect(pandocEntry({ id: 'a', type: 'book', author: 'John Doe', editor: { family: 'Smith', given: 'Ann' } })).toMatchObject({
      author: [{ literal: 'John Doe' }],
      editor: [{ family: 'Smith', given: 'Ann' }],
    });
    expect(pandocEntry({ id: 'a', type: 'book', url: 'https://x.org/a_b', doi: '10.1/x--y' })).toEqual({
      id: 'a',
      type: 'book',
      URL: 'https://x.org/a_b',
      DOI: '10.1/x--y',
    });
    expect(pandocEntry({ id: 7, type: 'book', issued: 'circa 1900' })).toMatchObject({ id: '7', issued: { literal: 'circa 1900' } });
  });

  it('reads an unknown type as document, with a warning', () => {
    const warnings: string[] = [];
    expect(pandocEntry({ id: 'a', type: 'motion-picture' }, (w) => warnings.push(`${w.field}: ${w.reason}`))).toMatchObject({ type: 'document' });
    expect(warnings).toEqual(['type: "motion-picture" is not a CSL item type; the entry is read as "document"']);
  });

  it('reads Markdown in fields as citeproc markup', () => {
    expect(markdownField('A *fine* title -- with \\# and H~2~O')).toBe('A <i>fine</i> title \u2013 with # and H<sub>2</sub>O');
    expect(markdownField('**Bold** and [Small]{.smallcaps} and [iPhone]{.nocase}')).toBe(
      '<b>Bold</b> and <span style="font-variant:small-caps;">Small</span> and <span class="nocase">iPhone</span>',
    );
    expect(markdownField('snake_case_name stays, 2^10^')).toBe('snake_case_name stays, 2<sup>10</sup>');
    expect(markdownField('Wait... --- no')).toBe('Wait\u2026 \u2014 no');
  });
});

describe('metadata blocks', () => {
  it('finds blocks at the top and below the text, not in code or after a paragraph line', () => {
    const text = '---\ntitle: A\n---\n\nText\n\n```\n---\nx: 1\n---\n```\n\nPara\n---\nnot: meta\n---\n\n---\ncsl: apa\n...\n';
    const blocks = findMetadataBlocks(text);
    expect(blocks.map((b) => b.yaml)).toEqual(['title: A', 'csl: apa']);
    expect(blocks[1].yamlLine).toBe(19);
  });

  it('merges a block below the text (a later key wins) and does not print it', async () => {
    const input = write({
      'input.md': `---\ntitle: First\nlang: en-US\n---\n\nSee @doe2005.\n\n---\ntitle: Second\n${references}...\n\nAfter.\n`,
    });
    const { model, body, entries } = await built(input);
    expect(model.file.messages.filter((m) => m.fatal)).toEqual([]);
    expect(model.metadata.title).toBe('Second');
    expect(body).toBe('See John Doe (2005). After.');
    expect(body).not.toContain('references');
    expect(entries).toContain('John Doe. 2005. Migration and Memory, 1990–2004. Caspian Press.');
  });

  it('reports a YAML error in a later block at its line in the manuscript', async () => {
    const input = write({ 'input.md': '---\ntitle: T\n---\n\nText.\n\n---\ncsl: [apa\n---\n' });
    const { file } = await load(input);
    const error = file.messages.find((m) => m.fatal);
    expect(error?.ruleId).toBe(rules.yamlSyntax);
    expect(error?.line).toBe(8);
    expect(error?.reason).toMatch(/^metadata block: /);
  });
});

describe('inline references', () => {
  it('are cited, listed and merged with the bibliography files', async () => {
    const input = write({
      'input.md': `---\ntitle: T\nbibliography: more.json\nnocite: '[@extra]'\n${references}---\n\n[@doe2005, 10--12; @roe2007] and @poe2009 [3].\n`,
      'more.json': JSON.stringify([{ id: 'extra', type: 'book', title: 'Extra', author: [{ family: 'Extra', given: 'E.' }], issued: { 'date-parts': [[2001]] } }]),
    });
    const { model, body, entries } = await built(input);
    expect(model.file.messages.filter((m) => m.fatal)).toEqual([]);
    expect(body).toBe('(John Doe 2005, 10–12; Roe 2007) and Poe (2009, 3).');
    expect(entries).toContain('Extra, E. 2001. Extra.');
    expect(entries).toContain('Roe, Rana. 2007. “Remittances.” https://example.org/roe.');
    expect(entries).toContain('Poe, Ed. 2009. “Borders.” Journal of Borders.');
  });

  it('take precedence over a file entry with the same id; both places are named', async () => {
    const input = write({
      'input.md': `---\ntitle: T\nbibliography: more.json\n${references}---\n\n[@doe2005].\n`,
      'more.json': JSON.stringify([{ id: 'doe2005', type: 'book', title: 'Other', issued: { 'date-parts': [[1999]] } }]),
    });
    const { model, body } = await built(input);
    expect(body).toBe('(John Doe 2005).');
    const warning = model.file.messages.find((m) => m.ruleId === rules.bibliographyDuplicateId);
    expect(warning?.fatal).toBe(false);
    expect(warning?.line).toBe(5);
    expect(warning?.reason).toMatch(/^id "doe2005" is both in `references` and at .*more\.json:1:2; the entry in `references` is used/);
  });

  it('report a bad field at its line and column in the manuscript', async () => {
    const input = write({ 'input.md': '---\ntitle: T\nreferences:\n- id: a\n  type: book\n  issued: {literal: 1}\n  author: [{}]\n---\n\n[@a]\n' });
    const model = await buildDocument({ input });
    const errors = model.file.messages.filter((m) => m.fatal).map((m) => [m.line, m.column, m.ruleId]);
    expect(errors).toEqual([
      [6, 3, rules.bibliographyInvalid],
      [7, 12, rules.bibliographyInvalid],
    ]);
  });
});

describe('citation syntax as Pandoc reads it', () => {
  const cites = (text: string) => {
    const input = write({ 'input.md': text });
    const tree = parse(new VFile({ path: input, value: text }));
    const found: Cite[] = [];
    const walk = (node: { type: string; children?: unknown[] }) => {
      if (node.type === 'cite') found.push(node as unknown as Cite);
      for (const child of node.children ?? []) walk(child as never);
    };
    walk(tree as never);
    return found;
  };

  it('keeps `@a [-@b p. 30; see also @c]` one citation', () => {
    const [cite] = cites('@a [-@b p. 30; see also @c] says.');
    expect(cite.mode).toBe('author-in-text');
    expect(cite.items.map((i) => [i.key, i.prefix, i.locator, i.suppressAuthor])).toEqual([
      ['a', '', undefined, false],
      ['b', '', '30', true],
      ['c', 'see also', undefined, false],
    ]);
  });

  it('reads locators as Pandoc does', () => {
    const items = cites('[@a IV.2A] [@a ss] [@a {[89]}] [@a (i)--(iv)] [@a among others] [@a A1]').map((c) => c.items[0]);
    expect(items.map((i) => [i.locator, i.suffix])).toEqual([
      ['IV.2A', ''],
      [undefined, 'ss'],
      ['[89]', ''],
      [undefined, '(i)\u2013(iv)'],
      [undefined, 'among others'],
      ['A1', ''],
    ]);
  });

  it('sets quotes in a citation’s affixes and an apostrophe after a citation as in the text', async () => {
    const input = write({ 'input.md': `---\ntitle: T\n${references}---\n\n@doe2005's claim [@doe2005, s.v. "apple"; see 'the' @roe2007].\n` });
    const { body } = await built(input);
    // What `pandoc --citeproc` 2.17 prints.
    expect(body).toBe('John Doe (2005)\u2019s claim (John Doe 2005, s.v. \u201capple\u201d; see \u2018the\u2019 Roe 2007).');
  });

  it('keeps the quotation marks and italics of a title that stands in for a missing author', async () => {
    const anonymous = `references:
- id: anon
  type: article-journal
  title: Notes on *borders* and bridges
  issued: 2003
- id: anonbook
  type: book
  title: A history of ferries
  issued: 1999
`;
    const input = write({ 'input.md': `---\ntitle: T\n${anonymous}---\n\nAs @anon shows, and @anonbook [p. 4] too.\n` });
    const { model, body } = await built(input);
    // What `pandoc --citeproc` 2.17 prints.
    expect(body).toBe('As \u201cNotes on Borders and Bridges\u201d (2003) shows, and A History of Ferries (1999, 4) too.');
    const italic = elements(model.body, (e) => e.tagName === 'i' || e.tagName === 'em').map((e) => toString(e));
    expect(italic).toEqual(expect.arrayContaining(['Borders', 'A History of Ferries']));
  });

  it('prints the composite citation as Pandoc does', async () => {
    const input = write({ 'input.md': `---\ntitle: T\n${references}---\n\n@doe2005 [-@doe2005 p. 30; see also @poe2009] says.\n` });
    const { body } = await built(input);
    expect(body).toBe('John Doe (2005; 2005, 30; see also Poe 2009) says.');
  });
});

describe('BibTeX as Pandoc converts it', () => {
  it('takes the language from langid, ignores a language list, sentence-cases English titles', async () => {
    const dir = path.dirname(write({ 'input.md': '' }));
    const bib = path.join(dir, 'refs.bib');
    writeFileSync(
      bib,
      [
        '@book{en, title = {The Epistle on the {Active} Intellect}, langid = {english}, langidopts = {variant=british}, year = 2001}',
        '@book{de, title = {Über das Wesen der Götter}, language = {langlatin and langgerman}, langid = {german}, year = 2002}',
        '@book{none, title = {Why Water Is Wet}, year = 2003}',
        '@book{list, title = {De Natura Deorum}, language = {langlatin and langgerman}, year = 2004}',
        '@book{de2, title = {Drei Abhandlungen über die Conjunction}, langid = {german}, year = 1869}',
        '@book{en2, title = {The Epistle on the {Active} Intellect}, language = {german}, langid = {english}, year = 2005}',
      ].join('\n'),
    );
    const { loadBibliography } = await import('../src/load/bibliography.js');
    const { items, files } = await loadBibliography([bib]);
    expect(files.flatMap((f) => f.messages)).toEqual([]);
    expect(items.get('en')).toMatchObject({ language: 'en-GB', title: 'The epistle on the Active intellect' });
    expect(items.get('de')).toMatchObject({ language: 'de-DE', title: 'Über das Wesen der Götter' });
    expect(items.get('none')).toMatchObject({ title: 'Why water is wet' });
    expect(items.get('list')?.language).toBeUndefined();
    // The langid decides, as in Pandoc: a German entry keeps its capitals
    // even without a `language` field, an English one is sentence-cased
    // whatever its `language` says.
    expect(items.get('de2')).toMatchObject({ language: 'de-DE', title: 'Drei Abhandlungen über die Conjunction' });
    expect(items.get('en2')).toMatchObject({ language: 'en-US', title: 'The epistle on the Active intellect' });
  });
});

describe('RIS', () => {
  it('reads entries as citation-js converts them, keys from ID or from author and year', async () => {
    const dir = path.dirname(write({ 'input.md': '' }));
    const ris = path.join(dir, 'refs.ris');
    writeFileSync(
      ris,
      [
        'TY  - JOUR', 'ID  - mammadova2010', 'AU  - Mammadova, Leyla', 'TI  - Remittances and the household',
        'T2  - Journal of Eurasian Studies', 'VL  - 3', 'SP  - 45', 'EP  - 67', 'PY  - 2010', 'ER  - ', '',
        'TY  - BOOK', 'AU  - Doe, John', 'TI  - Migration and memory', 'PB  - Caspian Press', 'PY  - 2005', 'ER  - ', '',
        'TY  - BOOK', 'AU  - Doe, John', 'TI  - Second book', 'PY  - 2005', 'ER  - ', '',
      ].join('\r\n'),
    );
    const { loadBibliography } = await import('../src/load/bibliography.js');
    const { items, files } = await loadBibliography([ris]);
    expect(files.flatMap((f) => f.messages)).toEqual([]);
    expect([...items.keys()]).toEqual(['mammadova2010', 'Doe2005', 'Doe2005a']);
    expect(items.get('mammadova2010')).toMatchObject({
      type: 'article-journal',
      author: [{ family: 'Mammadova', given: 'Leyla' }],
      'container-title': 'Journal of Eurasian Studies',
      page: '45-67',
      issued: { 'date-parts': [[2010]] },
    });
    expect(items.get('Doe2005')).toMatchObject({ type: 'book', publisher: 'Caspian Press', title: 'Migration and memory' });
  });

  it('reports a file without entries', async () => {
    const dir = path.dirname(write({ 'input.md': '' }));
    const ris = path.join(dir, 'empty.ris');
    writeFileSync(ris, 'not RIS at all\n');
    const { loadBibliography } = await import('../src/load/bibliography.js');
    const { files } = await loadBibliography([ris]);
    expect(files[0].messages.map((m) => [m.line, m.ruleId, m.fatal])).toEqual([[1, rules.bibliographyInvalid, true]]);
  });
});

describe('more of Pandoc’s reading', () => {
  it('reads ids as Markdown, pandoc-citeproc date ranges, seasons in list dates, empty fields, list name parts', () => {
    expect(pandocEntry({ id: 'timmory\\_\\_justice_1950', type: 'book', volume: null, issued: '1996_2004' })).toEqual({
      id: 'timmory__justice_1950',
      type: 'book',
      issued: '1996/2004',
    });
    expect(pandocEntry({ id: 'a', type: 'book', issued: { literal: '1996_2004' } })).toMatchObject({ issued: '1996/2004' });
    expect(pandocEntry({ id: 'a', type: 'book', issued: [{ season: 3, year: 1963 }], author: { family: 'Author', given: ['Ann', 'B.'] } })).toMatchObject({
      issued: { 'date-parts': [[1963, 23]] },
      author: [{ family: 'Author', given: 'Ann B.' }],
    });
    // Seasons become CSL's months 21–24, as Pandoc converts them, so each end of a range keeps its own.
    expect(pandocEntry({ id: 'a', type: 'book', issued: [{ season: 1, year: 1964 }, { season: 'winter', year: 1965 }] })).toMatchObject({
      issued: { 'date-parts': [[1964, 21], [1965, 24]] },
    });
    expect(pandocEntry({ id: 'a', type: 'book', issued: { year: 1966, month: 5, season: 2 } })).toMatchObject({ issued: { 'date-parts': [[1966, 5]], season: 2 } });
  });

  it('prints a season range as Pandoc does (Spring–Winter)', async () => {
    const refs = `references:
- {id: ys, type: webpage, author: [{literal: NN}], title: Range, issued: [{season: 1, year: 1964}, {season: 4, year: 1965}]}
- {id: same, type: webpage, author: [{literal: NN}], title: Same year, issued: [{season: 2, year: 1966}, {season: 4, year: 1966}]}
`;
    const input = write({ 'input.md': `---\ntitle: T\n${refs}---\n\n[@ys; @same]\n` });
    const model = await buildDocument({ input, style: 'apa' });
    const text = toString(model.bibliography!).replace(/\s+/g, ' ');
    expect(text).toContain('NN. (1964–1965, Spring–Winter). Range.');
    expect(text).toContain('NN. (1966, Summer–Winter). Same year.');
  });

  it('keeps a suffix written with a space first without a comma, and shows an unknown key as key?', async () => {
    const input = write({ 'input.md': `---\ntitle: T\n${references}---\n\n@poe2009 [ among others] and @poe2009 [among others] and [@nobody].\n` });
    const { body } = await built(input);
    expect(body).toBe('Poe (2009 among others) and Poe (2009, among others) and (nobody?).');
  });
});

describe('collation by the document language', () => {
  const people = `references:
- {id: a, type: book, author: [{family: "O'Neil", given: T.}], issued: 2010, title: A}
- {id: b, type: book, author: [{family: Oñate, given: J.}], issued: 1985, title: B}
- {id: c, type: book, author: [{family: Onush, given: F.}], issued: 2002, title: C}
- {id: d, type: book, author: [{family: Doe, given: John}], issued: 2005, title: D}
- {id: e, type: book, author: [{family: Doe, given: John}, {family: Roe, given: Jenny}], issued: 2007, title: E}
- {id: f, type: book, author: [{family: Villa-Lobos, given: H.}], issued: 2001, title: F}
- {id: g, type: book, author: [{family: Villafuerte, given: R.}], issued: 2001, title: G}
`;
  const order = async (lang: string) => {
    const input = write({ 'input.md': `---\ntitle: T\nlang: ${lang}\nnocite: '[@*]'\n${people}---\n\nText.\n` });
    const { model } = await built(input, 'apa');
    return elements(model.bibliography!, (e) => (e.properties.className as string[] | undefined)?.includes('csl-entry') ?? false).map((e) =>
      toString(e).split('(')[0].trim(),
    );
  };

  it('sorts as Pandoc does in English and in Spanish', async () => {
    expect(await order('en-US')).toEqual(['Doe, J.', 'Doe, J., & Roe, J.', 'O’Neil, T.', 'Oñate, J.', 'Onush, F.', 'Villafuerte, R.', 'Villa-Lobos, H.']);
    expect(await order('es')).toEqual(['Doe, J.', 'Doe, J., & Roe, J.', 'O’Neil, T.', 'Onush, F.', 'Oñate, J.', 'Villafuerte, R.', 'Villa-Lobos, H.']);
  });
});

describe('superscript citations of in-text styles', () => {
  it('go after the punctuation only when notes-after-punctuation is written', async () => {
    // A numeric style with superscript citations, as AMA and Nature have.
    const sup = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Superscript</title><id>superscript</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation collapse="citation-number"><sort><key variable="citation-number"/></sort>
    <layout vertical-align="sup" delimiter=","><text variable="citation-number"/></layout></citation>
  <bibliography><layout><text variable="citation-number" suffix=". "/><text variable="title"/></layout></bibliography>
</style>`;
    const files = (extra: string) => write({ 'input.md': `---\ntitle: T\ncsl: sup.csl\n${extra}${references}---\n\nRecent works [@doe2005; @poe2009], and others.\n`, 'sup.csl': sup });
    const withKey = files('notes-after-punctuation: true\n');
    const moved = await built(withKey, path.join(path.dirname(withKey), 'sup.csl'));
    expect(moved.body).toBe('Recent works,1,2 and others.');
    const without = files('');
    const kept = await built(without, path.join(path.dirname(without), 'sup.csl'));
    expect(kept.body).toBe('Recent works1,2, and others.');
  });
});

describe('citations in notes, as Pandoc sets them', () => {
  // A note style whose first citation names the author in full, later ones
  // by surname (as Chicago's full-note style does); each expectation is
  // what `pandoc --citeproc` 2.17 prints for the same manuscript.
  const style = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0" default-locale="en-US">
  <info><title>Minimal note</title><id>minimal-note</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout suffix="." delimiter="; ">
      <choose>
        <if position="first">
          <group delimiter=" / "><names variable="author"><name/></names><text variable="title"/><text variable="locator"/></group>
        </if>
        <else-if position="ibid">
          <names variable="author"><name form="short"/></names>
        </else-if>
        <else>
          <group delimiter=" / "><names variable="author"><name form="short"/></names><text variable="title"/><text variable="locator"/></group>
        </else>
      </choose>
    </layout>
  </citation>
</style>`;
  const refs = `references:
- id: doe2005
  type: book
  author: [{family: Doe, given: John}]
  title: Migration and memory
  issued: 2005
- id: roe2007
  type: book
  author: [{family: Roe, given: Rana}]
  title: Remittances
  issued: 2007
`;
  const manuscript = [
    'As @doe2005 says, and @nobody too.',
    'Later @doe2005 [p. 4] says more.',
    'One.^[[see @roe2007, 12].]',
    'Two.^[[@roe2007] and then some.]',
    'Three.^[Inside the text [@doe2005].]',
    'Four.^[@roe2007 [@doe2005].]',
    'Five.^[So @roe2007 [p. 4] says.]',
    'Six.^[See @roe2007 says.]',
    'Seven.^[@roe2007 [@doe2005].]',
  ].join('\n\n');
  let result: Promise<{ body: string; notes: string[] }> | undefined;
  const book = () =>
    (result ??= (async () => {
      const input = write({ 'input.md': `---\ntitle: T\nsuppress-bibliography: true\n${refs}---\n\n${manuscript}\n`, 'note.csl': style });
      const { model, body } = await built(input, path.join(path.dirname(input), 'note.csl'));
      return { body, notes: model.notes.map((n) => toString({ type: 'root', children: n.children } as never).replace(/\s+/g, ' ').trim()) };
    })());

  it('names the author in full the first time, by surname after; an unknown key leaves only the call', async () => {
    const { body, notes } = await book();
    expect(body).toMatch(/^As John Doe1 says, and2 too\. Later Doe3 says more\./);
    expect(notes.slice(0, 3)).toEqual(['Migration and memory.', 'Nobody?', 'Migration and memory / 4.']);
  });

  it('reads a citation that opens a note as the note’s own, one inside its text in parentheses', async () => {
    const { notes } = await book();
    expect(notes.slice(3, 6)).toEqual(['see Rana Roe / Remittances / 12.', 'Roe / Remittances. and then some.', 'Inside the text (Doe / Migration and memory).']);
  });

  it('joins the author of a narrative citation in a note to the rest with a comma', async () => {
    const { notes } = await book();
    expect(notes.slice(6)).toEqual([
      'Roe, Remittances; Doe / Migration and memory.',
      'So Roe, Remittances / 4 says.',
      'See Roe, Remittances says.',
      // Repeated at once: the reference without its author prints nothing.
      'Roe, Doe / Migration and memory.',
    ]);
  });
});

describe('a Russian manuscript with a note style', () => {
  it('names the authors of a narrative citation in a note and keeps “там же” in lower case, as Pandoc does', async () => {
    const front = `title: T
lang: ru-RU
suppress-bibliography: true
references:
- id: sj
  type: book
  author: [{family: Smith, given: Adam}, {family: Jones, given: Bob}]
  title: Migration
  issued: 2001
- id: ivanov
  type: book
  author: [{family: Иванов, given: Иван}]
  title: Миграция
  issued: 2005
`;
    const text = [
      'Первый текст [@sj, 10].',
      'Второй текст.[^1]',
      'Третий [@ivanov]. Четвёртый [@ivanov, 5].[^2] Пятый.[^3] Шестой.[^4] Седьмой.[^5]',
      '[^1]: Об этом писали многие, и @sj.',
      '[^2]: См. также @ivanov [с. 7] и [@sj].',
      '[^3]: Текст [@sj].',
      '[^4]: [@sj, 6] писал.',
      '[^5]: Об этом писали и @sj [с. 6].',
    ].join('\n\n');
    const input = write({ 'input.md': `---\n${front}---\n\n${text}\n` });
    const { model } = await built(input, 'chicago-note-bibliography-with-ibid');
    // What `pandoc --citeproc` 2.17 prints for the same manuscript and style.
    expect(model.notes.map((n) => toString({ type: 'root', children: n.children } as never).replace(/\s+/g, ' ').trim())).toEqual([
      'Smith и Jones, Migration, 10.',
      'Об этом писали многие, и Smith и Jones, Migration.',
      'Иванов, Миграция.',
      'Там же, 5.',
      'См. также Иванов, там же, 7 и (Smith и Jones, Migration).',
      'Текст (Smith и Jones, Migration).',
      'там же, 6. писал.',
      'Об этом писали и Smith и Jones, там же.',
    ]);
  });
});

describe('locators printed as Pandoc prints them', () => {
  it('puts the label in the plural for any range or list, and prints short words in a locator as written', async () => {
    const style = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
  <info><title>Locator test</title><id>locator-test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" "><text variable="title"/><label variable="locator" form="short"/><text variable="locator" prefix="[" suffix="]"/></group>
    </layout>
  </citation>
</style>`;
    const text =
      'A [@k, sec. 4(a)-(c)]. B [@k, {sec. iv and vi}]. C [@k, {no one, no two}]. D [@k, {chap. 3, sec. 2}]. E [@k, sec. 4]. F [@k, pp. xi, xiv]. G [@k, {p. x y}]. H [@k, chap. 3 and 4]. I [@k, {one, no two, no three}]. J [@k, {a, ch. 3}].';
    const input = write({ 'input.md': `---\ntitle: T\nsuppress-bibliography: true\nreferences:\n- id: k\n  title: Title\n  type: book\n---\n\n${text}\n`, 'locators.csl': style });
    const { body } = await built(input, path.join(path.dirname(input), 'locators.csl'));
    // What `pandoc --citeproc` 2.17 prints.
    expect(body).toBe(
      'A (Title secs. [4(a)\u2013(c)]). B (Title secs. [iv and vi]). C (Title pp. [no one, no two]). D (Title chaps. [3, sec. 2]). E (Title sec. [4]). F (Title pp. [xi, xiv]). G (Title pp. [x y]). H (Title chap. [3] and 4). I (Title pp. [one, no two, no three]). J (Title pp. [a, ch. 3]).',
    );
  });
});
