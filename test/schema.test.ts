/**
 * The zod schema is the one source of the front-matter keys: every key has
 * a description, and the README's front-matter table lists exactly them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontMatterKeys, frontMatterSchema, metadataDefaults } from '../src/load/schema.js';

const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The keys named in the first column of the README's front-matter table. */
function readmeKeys(): string[] {
  const section = readme.split(/^## Front matter\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((line) => /^\| `/.test(line));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
}

describe('front-matter schema', () => {
  it('describes every key', () => {
    for (const [key, schema] of Object.entries(frontMatterKeys.shape)) {
      expect(schema.description, key).toMatch(/\w{3,}/);
    }
  });

  it('matches the README table, key for key', () => {
    expect(readmeKeys().sort()).toEqual(Object.keys(frontMatterKeys.shape).sort());
  });

  it('normalises as it validates', () => {
    const parsed = frontMatterSchema.parse({
      title: 'T',
      author: ['A. Author', { name: 'B. Author', orcid: '0000-0002-1825-0097' }],
      keywords: 'one, two; three',
      nocite: '@a, @{b.c}',
      series: { name: 'CARIM-East', type: 'Explanatory Note', number: 12 },
      date: new Date(Date.UTC(2013, 1, 15)),
      locale: 'fr-FR',
    });
    expect(parsed.authors).toEqual([{ name: 'A. Author' }, { name: 'B. Author', orcid: '0000-0002-1825-0097' }]);
    expect(parsed.keywords).toEqual(['one', 'two', 'three']);
    expect(parsed.nocite).toEqual(['a', 'b.c']);
    expect(parsed.series).toMatchObject({ number: '12', designation: 'CARIM-East Explanatory Note 12' });
    expect(parsed.date).toBe('2013-02-15');
    expect(parsed.lang).toBe('fr-FR');
    expect(parsed.localeGiven).toBe(true);
  });

  it('gives the same defaults to a manuscript without front matter and to metadata made in code', () => {
    const { localeGiven, title, ...fromSchema } = frontMatterSchema.parse({});
    expect(localeGiven).toBe(false);
    expect(title).toBeUndefined();
    expect(metadataDefaults('x')).toEqual({ ...fromSchema, title: 'x' });
    expect(metadataDefaults('x')).toMatchObject({ lang: 'en-US', locale: 'en-US', linkCitations: false, notesAfterPunctuation: true, keywords: [] });
  });
});
