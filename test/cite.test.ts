/**
 * The `cite` stage through the whole pipeline: note numbering, positions
 * (ibid), style switching, the bibliography and its options, unknown keys.
 */
import type { Element } from 'hast';
import { toString } from 'hast-util-to-string';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildDocument, type DocumentModel } from '../src/index.js';
import { manuscript } from './helpers/manuscript.js';

const noteText = (model: DocumentModel) => model.notes.map((n) => toString({ type: 'root', children: n.children }));
const bodyText = (model: DocumentModel) => toString(model.body);
const entries = (model: DocumentModel) => {
  const found: Element[] = [];
  if (model.bibliography) visit(model.bibliography, 'element', (e) => void ((e.properties.className as string[] | undefined)?.includes('csl-entry') && found.push(e)));
  return found;
};

const text = `
# Readmission

First claim [@yunusov2009, 3]. An aside.[^aside] Second claim [@yunusov2009, 4].
Third claim [@yunusov2009, 4]. As @morehouse2011 [p. 5] argue, talks went on [see @safarov2012].

[^aside]: The author's own words, with a source inside [@guild2009, 195].
`;

describe('note styles', () => {
  it('turns body citations into notes numbered with the author’s notes, in reading order', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json', text), style: 'chicago-note-bibliography-with-ibid' });
    expect(model.file.messages.filter((m) => m.fatal)).toEqual([]);
    expect(model.style.class).toBe('note');
    expect(model.notes.map((n) => [n.number, n.kind])).toEqual([
      [1, 'citation'],
      [2, 'author'],
      [3, 'citation'],
      [4, 'citation'],
      [5, 'citation'],
      [6, 'citation'],
    ]);
    const notes = noteText(model);
    expect(notes[0]).toMatch(/^Yunusov, Migration Processes in Azerbaijan, 3\.$/);
    // The author's note stands between: the next citation of the same work is not "Ibid.".
    expect(notes[1]).toBe("The author’s own words, with a source inside (Guild, “Readmission Agreements,” 195).");
    expect(notes[2]).toMatch(/^Yunusov, Migration Processes in Azerbaijan, 4\.$/);
    expect(notes[3]).toBe('Ibid.');
    expect(notes[5]).toMatch(/^See Safarov/);
    // Calls follow the punctuation; a narrative citation keeps the author in the text.
    expect(bodyText(model)).toContain('First claim.1 An aside.2 Second claim.3');
    expect(bodyText(model)).toContain('As Morehouse and Blomfield5 argue');
    const calls: number[] = [];
    visit(model.body, 'element', (e) => void (e.properties.dataNoteCall !== undefined && calls.push(Number(e.properties.dataNoteCall))));
    expect(calls).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('notes-after-punctuation', () => {
  it('keeps note calls where written when false', async () => {
    const input = manuscript('title: T\nbibliography: refs.json\nnotes-after-punctuation: false', 'He said “no” [@yunusov2009]. Then [@guild2009], later.');
    const model = await buildDocument({ input, style: 'chicago-note-bibliography' });
    expect(toString(model.body.children[0])).toBe('He said “no”1. Then2, later.');
    const moved = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nlang: en-US', 'He said “no” [@yunusov2009]. Then [@guild2009], later.'), style: 'chicago-note-bibliography' });
    expect(toString(moved.body.children[0])).toBe('He said “no.”1 Then,2 later.');
  });
});

describe('switching to an author-date style', () => {
  it('keeps only the author’s footnotes and formats citations in the text', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json', text), style: 'apa' });
    expect(model.style.class).toBe('in-text');
    expect(model.notes.map((n) => [n.number, n.kind])).toEqual([[1, 'author']]);
    expect(noteText(model)[0]).toBe("The author’s own words, with a source inside (Guild, 2009, p. 195).");
    const body = bodyText(model);
    expect(body).toContain('First claim (Yunusov, 2009, p. 3). An aside.1 Second claim (Yunusov, 2009, p. 4).');
    expect(body).toContain('As Morehouse & Blomfield (2011, p. 5) argue, talks went on (see Safarov, 2012).');
    expect(entries(model).map((e) => toString(e).slice(0, 12))).toEqual(['Guild, E. (2', 'Morehouse, C', 'Safarov, B. ', 'Yunusov, A. ']);
  });
});

describe('the bibliography', () => {
  it('goes at the end under the locale’s heading, with ids and languages', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json', 'See [@safarov2012] and [@guild2009].'), style: 'apa' });
    const section = model.bibliography!;
    expect(section.properties).toMatchObject({ id: 'refs', role: 'doc-bibliography' });
    expect(model.body.children.at(-1)).toBe(section);
    expect(toString(section.children[0])).toBe('References');
    expect(entries(model).map((e) => [e.properties.id, e.properties.lang ?? null])).toEqual([
      ['ref-guild2009', null],
      ['ref-safarov2012', 'ru'],
    ]);
  });

  it('goes where the manuscript puts #refs, under reference-section-title', async () => {
    for (const marker of ['<div id="refs"></div>', '::: {#refs}\n:::']) {
      const model = await buildDocument({
        input: manuscript('title: T\nbibliography: refs.json\nreference-section-title: Works cited', `Text [@guild2009].\n\n${marker}\n\n## Appendix\n\nAfter.`),
        style: 'apa',
      });
      const index = model.body.children.indexOf(model.bibliography!);
      expect(index).toBe(1);
      expect(toString(model.bibliography!.children[0])).toBe('Works cited');
      expect(toHtml(model.body)).not.toContain(':::');
    }
  });

  it('lists nocite entries, all of them with @*', async () => {
    const some = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nnocite: "@guild2009"', 'Text [@safarov2012].'), style: 'apa' });
    expect(entries(some).map((e) => e.properties.id)).toEqual(['ref-guild2009', 'ref-safarov2012']);
    const all = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nnocite: ["@*"]', 'No citations.'), style: 'apa' });
    expect(entries(all)).toHaveLength(4);
  });

  it('is left out with suppress-bibliography', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nsuppress-bibliography: true', 'Text [@guild2009].'), style: 'apa' });
    expect(model.bibliography).toBeNull();
  });

  it('is linked from citations with link-citations', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nlink-citations: true', 'Text [@guild2009].'), style: 'apa' });
    expect(toHtml(model.body)).toContain('(<a href="#ref-guild2009" class="citation-link">Guild, 2009</a>)');
    const two = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json\nlink-citations: true', 'Text [@guild2009; @safarov2012, 4].'), style: 'chicago-note-bibliography' });
    expect(toHtml({ type: 'root', children: two.notes[0].children })).toMatch(/^<p><span[^>]*><a href="#ref-guild2009" class="citation-link">Guild, “Readmission Agreements”<\/a>; <a href="#ref-safarov2012" class="citation-link">Safarov, “Azerbaijan-EU talks will continue next year,” 4<\/a>\.<\/span><\/p>$/);
  });
});

describe('unknown keys', () => {
  it('are reported where they are and shown as Pandoc shows them (key?)', async () => {
    const model = await buildDocument({ input: manuscript('title: T\nbibliography: refs.json', 'Text [@guild2009; @nobody].'), style: 'apa' });
    const [message] = model.file.messages;
    expect([message.line, message.column, message.ruleId, message.fatal]).toEqual([6, 19, 'citation-unknown-key', true]);
    expect(bodyText(model)).toContain('Text (Guild, 2009; nobody?).');
  });
});

describe('locator labels', () => {
  it('are read with the words of the document’s locale, as in Pandoc', async () => {
    const input = manuscript('title: T\nlang: de-DE\nbibliography: refs.json', 'Text [@morehouse2011, S. 12] und [@yunusov2009, Kap. 3].');
    const model = await buildDocument({ input, style: 'chicago-author-date' });
    expect(toString(model.body.children[0])).toBe('Text (Morehouse und Blomfield 2011, 12) und (Yunusov 2009, Kap. 3).');
  });
});

describe('locales', () => {
  it('default to the style’s own default-locale when the manuscript names no language, as in Pandoc', async () => {
    const entry = async (front: string) =>
      toString(entries(await buildDocument({ input: manuscript(front, 'Text [@safarov2012].'), style: 'harvard-cite-them-right' }))[0]);
    expect(await entry('title: T\nbibliography: refs.json')).toBe('Safarov, B. (2012) ‘Azerbaijan-EU talks will continue next year’, Echo, 8 November.');
    expect(await entry('title: T\nlang: en-US\nbibliography: refs.json')).toBe('Safarov, B. (2012) “Azerbaijan-EU talks will continue next year,” Echo, 8 November.');
  });

  it('follow the front matter’s lang and the --locale option', async () => {
    const input = manuscript('title: T\nlang: de-DE\nbibliography: refs.json', 'Text [@morehouse2011].');
    expect(bodyText(await buildDocument({ input, style: 'apa' }))).toContain('Morehouse & Blomfield, 2011');
    const entry = (m: DocumentModel) => toString(entries(m)[0]);
    const german = await buildDocument({ input, style: 'chicago-author-date' });
    const english = await buildDocument({ input, style: 'chicago-author-date', locale: 'en-US' });
    expect(bodyText(german)).toContain('Morehouse und Blomfield 2011');
    expect(bodyText(english)).toContain('Morehouse and Blomfield 2011');
    expect(entry(german)).not.toEqual(entry(english));
  });
});
