/**
 * Loading bibliographies: CSL-JSON and BibTeX fixtures in
 * `test/fixtures/bibliography/` in, items and positioned messages out.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VFile } from 'vfile';
import { loadBibliography, normaliseItem } from '../src/load/bibliography.js';
import { rules } from '../src/rules.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bibliography');
const fixture = (name: string) => path.join(fixtures, name);

/** Load a bibliography file `name` holding `text`, written in a folder of its own that is removed after. */
async function loadText(name: string, text: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'colophon-bib-'));
  try {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return await loadBibliography([file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Messages as plain data, for readable assertions. */
function messages(files: VFile[]) {
  return files.flatMap((file) =>
    file.messages.map((m) => ({
      file: path.basename(file.path),
      line: m.line,
      column: m.column,
      reason: m.reason,
      ruleId: m.ruleId,
      source: m.source,
      fatal: m.fatal,
    })),
  );
}

describe('CSL-JSON', () => {
  it('loads a valid file without messages and keys items by id', async () => {
    const { items, files } = await loadBibliography([fixture('valid.json')]);
    expect(messages(files)).toEqual([]);
    expect([...items.keys()]).toEqual(['morehouse2011', 'safarov2012', '2009']);
    expect(items.get('morehouse2011')).toMatchObject({
      type: 'report',
      title: 'Irregular Migration in Europe',
      author: [
        { family: 'Morehouse', given: 'Christal' },
        { family: 'Blomfield', given: 'Michael' },
      ],
      issued: { 'date-parts': [[2011, 12]] },
    });
    expect(files).toHaveLength(1);
    expect(files[0].path).toBe(fixture('valid.json'));
  });

  it('normalises numbers, ids and dates for citeproc', async () => {
    const { items } = await loadBibliography([fixture('valid.json')]);
    const safarov = items.get('safarov2012')!;
    expect(safarov.volume).toBe('12');
    expect(safarov.issue).toBe('3');
    expect(safarov.page).toBe('45');
    // String date parts become numbers; an EDTF string becomes date-parts.
    expect(safarov.issued).toEqual({ 'date-parts': [[2012, 11, 8]] });
    expect(safarov.accessed).toEqual({ 'date-parts': [[2013, 1, 8]] });
    const yunusov = items.get('2009')!;
    expect(yunusov.id).toBe('2009');
    expect(yunusov.edition).toBe('2');
    // "" pads missing parts in Zotero exports; it is dropped, not turned into 0.
    expect(yunusov.issued).toEqual({ 'date-parts': [[2009]] });
    // Fields CSL does not define pass through.
    expect(yunusov.custom).toEqual({ kept: true });
  });

  it('normalises a date range given as EDTF', () => {
    expect(normaliseItem({ id: 'x', type: 'book', issued: '2009/2012-05' })).toMatchObject({
      issued: { 'date-parts': [[2009], [2012, 5]] },
    });
  });

  it('reports bad entries with file, line, column, index, id and field', async () => {
    const { items, files } = await loadBibliography([fixture('bad-entry.json')]);
    expect(messages(files)).toEqual([
      {
        file: 'bad-entry.json',
        line: 11,
        column: 58,
        reason: 'entry 2 (id "rafikoglu2012"): field "author" must be a list of CSL names',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
      {
        file: 'bad-entry.json',
        line: 19,
        column: 5,
        reason: 'entry 3 (id "safarov2012"): field "issued" must be a CSL date',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
      {
        file: 'bad-entry.json',
        line: 23,
        column: 5,
        reason: 'entry 4 (id "maksutov2010"): field "type" must be a CSL item type, not "journal-article"',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
      {
        file: 'bad-entry.json',
        line: 26,
        column: 3,
        reason: 'entry 5: field "id" is missing',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
    ]);
    // Entries with a bad field still load without it, so citing them adds
    // no second error; the entry without an id cannot.
    expect([...items.keys()]).toEqual(['morehouse2011', 'rafikoglu2012', 'safarov2012', 'maksutov2010']);
    expect(items.get('safarov2012')).not.toHaveProperty('issued');
    expect(items.get('rafikoglu2012')).not.toHaveProperty('author');
    expect(items.get('maksutov2010')?.type).toBe('document');
  });

  it('reports invalid JSON at its line and column', async () => {
    const { items, files } = await loadBibliography([fixture('invalid.json')]);
    expect(items.size).toBe(0);
    expect(messages(files)).toEqual([
      {
        file: 'invalid.json',
        line: 9,
        column: 5,
        reason: 'invalid JSON: expected "," or "}", found "\\""',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
    ]);
  });

  it('accepts a {"references": [...]} wrapper and rejects other top-level shapes', async () => {
    const wrapped = await loadBibliography([fixture('wrapped.json')]);
    expect(messages(wrapped.files)).toEqual([]);
    expect(wrapped.items.get('wrapped')?.title).toBe('In a wrapper');

    const { files } = await loadText('single.json', '\n  {"id": "a", "type": "book"}\n');
    expect(messages(files)).toMatchObject([{ line: 2, column: 3, reason: expect.stringMatching(/must be an array/) }]);
  });

  it('keeps fields whose names are also names of object properties', async () => {
    const { items, files } = await loadText('odd.json', '[{"id": "a", "type": "book", "constructor": 1, "toString": "x", "__proto__": {"polluted": true}}]');
    expect(messages(files)).toEqual([]);
    const item = items.get('a')!;
    expect(item.constructor).toBe(1);
    expect(item.toString).toBe('x');
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('counts columns after a byte-order mark and CRLF line ends', async () => {
    const { items, files } = await loadText('windows.json', '\uFEFF[\r\n  {"id": "a", "type": "book"},\r\n  {"id": "b", "type": "book", "issued": 2012}\r\n]\r\n');
    expect(items.size).toBe(2);
    expect(messages(files)).toMatchObject([{ line: 3, column: 31, reason: 'entry 2 (id "b"): field "issued" must be a CSL date' }]);
  });
});

describe('BibTeX', () => {
  it('loads entries with the right CSL fields', async () => {
    const { items, files } = await loadBibliography([fixture('sources.bib')]);
    expect(messages(files)).toEqual([]);
    expect([...items.keys()]).toEqual(['morehouse2011', 'safarov2012', 'yunusov2009']);
    expect(items.get('safarov2012')).toMatchObject({
      type: 'article-journal',
      title: 'Azerbaijan-EU talks will continue next year',
      'container-title': 'Echo',
      author: [
        { family: 'Safarov', given: 'B.' },
        { family: 'Neumann', given: 'John', 'non-dropping-particle': 'von' },
      ],
      volume: '12',
      issue: '3',
      page: '45-67',
      DOI: '10.1000/echo.2012.11',
      issued: { 'date-parts': [[2012, 11, 8]] },
      accessed: { 'date-parts': [[2013, 1, 8]] },
    });
    // @string macros expand; BibLaTeX's location is the publisher place.
    expect(items.get('morehouse2011')).toMatchObject({
      type: 'report',
      publisher: 'Migration Policy Institute',
      'publisher-place': 'Washington, DC',
      issued: { 'date-parts': [[2011, 12]] },
    });
    expect(items.get('yunusov2009')).toMatchObject({ type: 'book', publisher: 'Adiloglu', 'publisher-place': 'Baku' });
  });

  it('reads a file holding no entry, only text (a comment in BibTeX), as an empty bibliography, as Pandoc does', async () => {
    const { items, files } = await loadText('links.bib', '../../command/biblio.bib\n');
    expect(items.size).toBe(0);
    expect(messages(files)).toEqual([]);
  });

  it('reports each broken entry at its position and still loads the others', async () => {
    const { items, files } = await loadBibliography([fixture('broken.bib')]);
    expect([...items.keys()]).toEqual(['ok2000', 'later2001']);
    expect(messages(files)).toEqual([
      {
        file: 'broken.bib',
        line: 8,
        column: 11,
        reason: 'invalid BibTeX in entry "broken" (line 7): the brace that opens the value of "title" is never closed',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
      {
        file: 'broken.bib',
        line: 13,
        column: 15,
        reason: 'invalid BibTeX in entry "bad2" (line 12): expected "}", found "{"',
        ruleId: rules.bibliographyInvalid,
        source: 'load',
        fatal: true,
      },
    ]);
  });
});

describe('CSL YAML', () => {
  it('reads scalars as text, as Pandoc does, and places problems', async () => {
    const { items, files } = await loadBibliography([fixture('references.yaml')]);
    expect(items.get('yunusov2009')).toMatchObject({
      author: [{ family: 'Yunusov', given: 'Arif' }],
      issued: { 'date-parts': [[2009]] },
      edition: '2',
    });
    expect(items.get('safarov2012')).toMatchObject({
      issued: { 'date-parts': [[2012, 11, 8]] },
      accessed: { 'date-parts': [[2013, 1, 8]] },
    });
    // `author: B. Safarov` is one literal name, as Pandoc reads it.
    expect(items.get('broken2013')).toMatchObject({ author: [{ literal: 'B. Safarov' }] });
    expect(messages(files)).toEqual([]);
  });

  it('reports YAML syntax errors at their position', async () => {
    const { items, files } = await loadText('bad.yaml', 'references:\n- id: a\n  type: [book\n- id: b\n');
    expect(items.size).toBe(0);
    expect(messages(files)).toMatchObject([{ line: 4, reason: expect.stringMatching(/^invalid YAML: /), ruleId: rules.bibliographyInvalid }]);
  });
});

describe('several files', () => {
  it('merges them and names both places of a duplicate id', async () => {
    const { items, files } = await loadBibliography([fixture('first.json'), fixture('second.json')]);
    expect(files.map((f) => path.basename(f.path))).toEqual(['first.json', 'second.json']);
    expect([...items.keys()].sort()).toEqual(['only-first', 'only-second', 'shared']);
    // The first definition wins.
    expect(items.get('shared')?.title).toBe('From the first file');
    const firstPlace = path.relative(process.cwd(), fixture('first.json'));
    expect(messages(files)).toEqual([
      {
        file: 'second.json',
        line: 3,
        column: 3,
        reason: `duplicate id "shared": first defined at ${firstPlace}:2:3`,
        ruleId: rules.bibliographyDuplicateId,
        source: 'load',
        fatal: true,
      },
    ]);
  });

  it('finds duplicates across CSL-JSON and BibTeX', async () => {
    const { files } = await loadBibliography([fixture('valid.json'), fixture('sources.bib')]);
    const duplicates = messages(files).filter((m) => m.ruleId === rules.bibliographyDuplicateId);
    expect(duplicates.map((m) => [m.file, m.line, m.reason.replace(/ at .*(valid\.json)/, ' at $1')])).toEqual([
      ['sources.bib', 4, 'duplicate id "morehouse2011": first defined at valid.json:2:3'],
      ['sources.bib', 12, 'duplicate id "safarov2012": first defined at valid.json:14:3'],
    ]);
  });
});

describe('unreadable files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'colophon-bib-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file and loads the rest', async () => {
    const missing = path.join(dir, 'missing.json');
    const { items, files } = await loadBibliography([missing, fixture('wrapped.json')]);
    expect(files.map((f) => f.path)).toEqual([missing, fixture('wrapped.json')]);
    expect(messages(files)).toMatchObject([
      { file: 'missing.json', reason: 'cannot read bibliography file: no such file', ruleId: rules.fileUnreadable, fatal: true },
    ]);
    expect([...items.keys()]).toEqual(['wrapped']);
  });

  it('reports a file of unknown format', async () => {
    const notes = path.join(dir, 'notes.txt');
    await writeFile(notes, 'Just some notes.\n');
    const { files } = await loadBibliography([notes]);
    expect(messages(files)).toMatchObject([{ reason: expect.stringMatching(/unknown bibliography format/), ruleId: rules.bibliographyInvalid }]);
  });
});
