/**
 * The quick check of the front matter (`plainFrontMatter`) against the zod
 * schema it stands in for: over the repository's manuscripts and fixtures,
 * every key with valid, edge and invalid values, and thousands of random
 * front matters, the build's result and messages are those of zod alone.
 * The quick check answers only where zod accepts, with zod's very output
 * (values, types, key order), and it answers for every front matter of
 * plain data that zod accepts. A valid manuscript and bibliography load
 * without zod.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VFile } from 'vfile';
import { stringify } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { frontMatterSchema, plainFrontMatter, parseFrontMatter, frontMatterKeyNames, frontMatterKeys, isFrontMatterKey } from '../src/load/schema.js';
import { readFrontMatter } from '../src/load/index.js';
import { cases as hostileCases } from './hostile/cases.js';
import { random } from '../scripts/generate-book.mjs';
import { bare } from './helpers/bare.js';

/** How often zod was asked for; and whether `load` goes the zod way alone. */
const state = vi.hoisted(() => ({ zodCalls: 0, zodOnly: false }));

vi.mock('../src/load/zod.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/load/zod.js')>();
  return {
    zod: () => {
      state.zodCalls++;
      return actual.zod();
    },
  };
});

// `load` as it was before the quick check: zod decides everything.
vi.mock('../src/load/schema.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/load/schema.js')>();
  return {
    ...actual,
    parseFrontMatter: (raw: Record<string, unknown>) => (state.zodOnly ? actual.frontMatterSchema.safeParse(raw) : actual.parseFrontMatter(raw)),
  };
});

const root = path.join(import.meta.dirname, '..');

/** Whether a value holds an object that is neither a list, a plain object nor a bare date (what YAML never gives). */
function exotic(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Date) return Reflect.ownKeys(value).length > 0;
  if (Array.isArray(value)) return Array.from(value).some(exotic);
  if (Object.getPrototypeOf(value) !== Object.prototype) return true;
  return Object.values(value).some(exotic);
}

/** Whether a value holds a list with holes (what YAML never gives). */
function holey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return Object.keys(value).length !== value.length || value.some(holey);
  return Object.values(value).some(holey);
}

const tally = { quick: 0, zodAlone: 0 };

/** The quick check and zod agree on `raw`; returns whether the quick check answered. */
function agree(raw: Record<string, unknown>): boolean {
  const zodResult = frontMatterSchema.safeParse(raw);
  const quick = plainFrontMatter(raw);
  const label = () => {
    try {
      return JSON.stringify(raw, (_, v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v === undefined ? '<undefined>' : v)).slice(0, 400);
    } catch {
      return String(raw);
    }
  };
  if (quick !== undefined) {
    tally.quick++;
    expect(zodResult.success, `the quick check accepts what zod refuses: ${label()}`).toBe(true);
    if (zodResult.success) expect(bare(quick), label()).toEqual(bare(zodResult.data));
  } else {
    tally.zodAlone++;
    // Plain data that zod accepts is the quick check's to answer (else the build pays for zod).
    if (zodResult.success && !exotic(raw) && !holey(raw)) expect.fail(`the quick check leaves plainly valid front matter to zod: ${label()}`);
  }
  // What a build gets: the same result, and for a refused front matter the same issues, worded alike.
  const parsed = parseFrontMatter(raw);
  expect(parsed.success).toBe(zodResult.success);
  if (parsed.success && zodResult.success) expect(bare(parsed.data)).toEqual(bare(zodResult.data));
  if (!parsed.success && !zodResult.success) {
    expect(bare(parsed.error.issues)).toEqual(bare(zodResult.error.issues));
    expect(parsed.error.issues.length).toBeGreaterThan(0);
  }
  return quick !== undefined;
}

// ---------------------------------------------------------------------------
// Values

const bigString = 'x'.repeat(1_000_000);
const nullProto = (entries: Record<string, unknown>) => Object.assign(Object.create(null) as Record<string, unknown>, entries);
class Thing {
  name = 'Thing';
}
const sparse = (...values: unknown[]) => {
  const list: unknown[] = [];
  list.length = values.length + 1;
  values.forEach((v, i) => (list[i + 1] = v));
  return list;
};

/** Values of every kind, for every key. */
const anyValues: unknown[] = [
  undefined, null, true, false, 0, -0, 1, 3, 6, 7, 2013, 1.5, -1, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE, 1e-300,
  '', ' ', 'T', 'Text with ü, ñ and 中文', '123', '2013', 'true', 'null', '@a', 'a4', 'en-GB', bigString,
  new Date(Date.UTC(2013, 1, 15)), new Date(NaN), new Date(8.64e15), new Date(-8.64e15), new Date(Date.UTC(-50, 0, 1)),
  [], [''], ['a'], ['a', 'b'], [1], ['a', 1], [null], [['a']], [{}], [{ name: 'N' }], sparse('a'), new Array(3), new Array(10_000).fill('k'),
  {}, { name: 'N' }, { name: '' }, { name: 1 }, { name: 'N', extra: 1 }, { a: { b: { c: { d: {} } } } }, nullProto({ name: 'N' }),
  new Map([['name', 'N']]), new Set(['a']), new Uint8Array(2), new Thing(), new String('s'), Object.assign(new Date(0), { name: 'N' }),
];

/** Values that matter for one key. */
const keyValues: Record<string, unknown[]> = Object.assign(Object.create(null) as Record<string, unknown[]>, {
  title: ['Readmission Agreements', 'A', '  padded  ', '0', bigString],
  lang: ['en', 'en-GB', 'en-US', 'fr-FR', 'de', 'sr-Latn', 'zh-Hant-TW', 'en-GB-oxendict', 'EN-gb', 'und', 'x-private', 'i-klingon', 'qaa', 'root', 'english', 'en_GB', 'e', 'abcdefghi', 'en-', '-en', 'en--GB', 'xx', 'tlh', 'en-a-bbb', 'de-DE-u-co-phonebk'],
  date: ['2013', '2013-02-15', 'spring 2013', 2013, 20130215, -2013, 2013.5],
  bibliography: ['refs.json', ['a.json', 'b.bib'], ['../x.yaml'], ['a', ''], 'C:\\refs.json'],
  csl: ['carim-note', 'styles/house.csl', 'apa'],
  nocite: ['@a, @b', '[@*]', '@*', '[@a; @b]', 'a b', 'a, b; c', '@{b.c}', '@a.b, @c:d', 'mail@example.org', '@', ['@a', 'b'], ['[@*]'], ['@{x y}']],
  references: [[{ id: 'a', type: 'book' }], [1, null, 'x'], [[]], sparse({ id: 'b' })],
  keywords: ['a, b; c', 'a,,b', ',', ';', ' , ', 'one', ['a', 'b'], ['a, b']],
  'toc-depth': [1, 2, 3, 4, 5, 6, 0, 7, 3.5, '3', -1, 2 ** 53 + 2],
  papersize: ['a4', 'A4', 'letter', 'LETTER', 'Letter', 'a5', ' a4', 'a4 ', 'ＡＡ', 'İ', 'LETTEr'],
  author: [
    'Sergey Rumyantsev', { name: 'N', affiliation: 'A' }, { name: 'N', affiliation: ['A', 'B'] }, { name: 'N', affiliation: [] },
    { name: 'N', affiliations: ['A', { name: 'B' }, { name: 'C', id: 1 }] }, { name: 'N', affiliations: [{}] }, { name: 'N', affiliations: 'A' },
    { name: 'N', affiliations: [{ name: 3 }] }, { name: 'N', affiliation: 'A', affiliations: ['B'] }, { name: 'N', orcid: '0000-0002-1825-0097' },
    { name: 'N', orcid: 1 }, { name: 'N', email: 'n@example.org' }, { affiliation: 'A' }, { name: 'N', affiliation: undefined, orcid: undefined },
    ['A', { name: 'B', affiliation: 'C' }], ['A', ''], [['A']], ['A', null], [{ name: 'N', affiliations: [nullProto({ name: 'A' })] }],
    new Array(2_000).fill({ name: 'N', affiliation: ['A', 'B'] }),
  ],
  series: [
    { name: 'CARIM-East' }, { name: '' }, { name: 'S', type: 'T', number: 12 }, { name: 'S', number: '13/12' }, { name: 'S', number: 0 },
    { name: 'S', number: -0 }, { name: 'S', number: 1.5 }, { name: 'S', number: NaN }, { name: 'S', number: Infinity }, { name: 'S', number: '' },
    { name: 'S', banner: 'B', module: 'M' }, { name: 'S', extra: 1 }, { type: 'T' }, { name: 1 }, { name: 'S', number: null }, { name: 'S', number: true },
    { module: 'M', number: 3, name: 'S', type: 'T', banner: 'B' }, { name: 'S', banner: undefined }, { name: 'S', type: '' },
    { name: 'S', designation: 'D' }, { name: 'S', type: 'Explanatory Note', number: undefined }, 'CARIM', nullProto({ name: 'S' }),
  ],
});
keyValues.authors = keyValues.author;
keyValues.locale = keyValues.lang;
for (const key of ['subtitle', 'reference-section-title', 'publisher', 'rights', 'funding', 'abstract', 'identifier', 'toc-title']) keyValues[key] = ['Some text', 'urn:uuid:1', '© 2013'];
for (const key of ['link-citations', 'suppress-bibliography', 'notes-after-punctuation', 'toc', 'table-of-contents', 'number-sections']) keyValues[key] = ['true', 'yes', 1, 0];

const unknownKeys = ['bogus', 'Title', 'TITLE', '', ' title', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'author ', 'tocDepth', 'linkCitations'];

// ---------------------------------------------------------------------------
// Random front matters

function randomPicks(seed: number) {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  return { next, int, pick };
}

const alphabet = ['a', 'B', 'z', '4', ' ', ',', ';', '@', '{', '}', '[', ']', '*', '-', '_', '.', ':', 'é', 'İ', '中', '\t'];
const subtags = ['en', 'EN', 'fr', 'de', 'GB', 'us', 'Latn', 'sr', 'x', 'i', 'klingon', '419', 'zh', 'Hant', 'qaa', 'toolongsubtag', '', 'u', 'co', 'phonebk'];

function generator(seed: number) {
  const r = randomPicks(seed);
  const text = () => Array.from({ length: r.int(12) }, () => r.pick(alphabet)).join('');
  const tag = () => Array.from({ length: 1 + r.int(3) }, () => r.pick(subtags)).join(r.next() < 0.9 ? '-' : '_');
  const scalar = (): unknown => {
    switch (r.int(8)) {
      case 0: return text();
      case 1: return tag();
      case 2: return r.pick([0, -0, 1, 2, 3, 6, 7, 12, 2013, 1.5, -4, NaN, Infinity]);
      case 3: return r.next() < 0.5;
      case 4: return r.pick([null, undefined]);
      case 5: return r.pick(['a4', 'A4', 'Letter', 'letter', 'legal']);
      case 6: return r.pick([new Date(Date.UTC(2000 + r.int(30), r.int(12), 1 + r.int(28))), new Date(NaN)]);
      default: return `@${text()}`;
    }
  };
  const objectOf = (keys: readonly string[], depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of keys) if (r.next() < 0.5) out[key] = value(depth + 1);
    if (r.next() < 0.15) out[text()] = value(depth + 1);
    return out;
  };
  const value = (depth = 0): unknown => {
    const roll = r.int(depth > 2 ? 6 : 10);
    if (roll < 5) return scalar();
    if (roll === 5) return text();
    if (roll === 6) return Array.from({ length: r.int(4) }, () => (r.next() < 0.6 ? text() : value(depth + 1)));
    if (roll === 7) {
      const person = objectOf(['name', 'affiliation', 'affiliations', 'orcid'], depth);
      if (r.next() < 0.7) person.name = text();
      if (r.next() < 0.3) person.affiliations = Array.from({ length: r.int(3) }, () => (r.next() < 0.5 ? text() : { name: r.next() < 0.8 ? text() : value(depth + 1) }));
      return person;
    }
    if (roll === 8) {
      const series = objectOf(['name', 'banner', 'type', 'number', 'module'], depth);
      if (r.next() < 0.7) series.name = text();
      return series;
    }
    return Array.from({ length: r.int(4) }, () => value(depth + 1));
  };
  /** A front matter of random keys (mostly known, now and then unknown), in random order. */
  const frontMatter = (): Record<string, unknown> => {
    const keys: string[] = [...frontMatterKeyNames].sort(() => r.next() - 0.5).slice(0, r.int(10));
    if (r.next() < 0.08) keys.push(r.pick(unknownKeys));
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const pool = keyValues[key];
      const roll = r.next();
      out[key] = pool && roll < 0.5 ? r.pick(pool.filter((v) => v !== bigString && !(Array.isArray(v) && v.length > 100))) : roll < 0.75 ? (r.next() < 0.5 ? text() : scalar()) : value();
      if (key === 'title' && r.next() < 0.5) out[key] = text();
      if ((key === 'author' || key === 'authors') && roll > 0.9) out[key] = Array.from({ length: r.int(4) }, () => (r.next() < 0.5 ? text() : value(1)));
    }
    return out;
  };
  return { frontMatter, next: r.next };
}

// ---------------------------------------------------------------------------
// Whole manuscripts, read as a build reads them

/** A manuscript's front matter read as `load` reads it, with the quick check or with zod alone: metadata and messages laid bare. */
function readBoth(text: string, name = 'paper.md') {
  const read = (zodOnly: boolean) => {
    state.zodOnly = zodOnly;
    try {
      const file = new VFile({ path: path.join('/tmp/colophon-front-matter', name), value: text });
      const metadata = readFrontMatter(file);
      const references = metadata?.references;
      const shown = metadata && { ...metadata, references: references && { entries: references.entries, first: references.entries.length > 0 ? references.at(0, ['id']) : undefined } };
      return {
        refused: metadata === null,
        metadata: bare(shown),
        messages: file.messages.map((m) => ({ reason: m.reason, line: m.line, column: m.column, ruleId: m.ruleId, fatal: m.fatal, source: m.source, note: m.note })),
      };
    } finally {
      state.zodOnly = false;
    }
  };
  const quick = read(false);
  const zodAlone = read(true);
  expect(quick, text.slice(0, 400)).toEqual(zodAlone);
  return quick;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const repositoryManuscripts = [...markdownFiles(path.join(root, 'manuscript')), ...markdownFiles(path.join(root, 'test', 'fixtures'))];

/** The hostile cases' manuscripts (their texts, placeholders filled). */
const hostileManuscripts = hostileCases.flatMap((c) =>
  Object.entries(c.files).flatMap(([name, file]) => {
    if (!name.endsWith('.md')) return [];
    const text = typeof file === 'string' ? file : 'repeat' in file ? `${file.before ?? ''}${file.repeat.repeat(Math.min(file.times, 20_000))}${file.after ?? ''}` : undefined;
    return text === undefined ? [] : [{ name: `${c.name}: ${name}`, text: text.replace(/\{\{\w+\}\}/g, '/tmp/placeholder') }];
  }),
);

/** Front matters written out, for what YAML itself gives (numbers in other bases, `.inf`, tags, aliases, control characters). */
const yamlSnippets = [
  'title: T\ntoc-depth: 0x3', 'title: T\ntoc-depth: 0o3', 'title: T\ntoc-depth: +3', 'title: T\ntoc-depth: 3.0', 'title: T\ntoc-depth: 3e0',
  'title: .nan', 'title: .inf', 'date: .inf', 'date: -.inf', 'title: ~', 'title:', 'title: ""', "title: ''", 'title: !!str 123', 'title: 123',
  'title: T\ndate: 2013-02-15', 'title: T\ndate: 2013-02-15T10:00:00Z', 'title: !!timestamp 2013-02-15', 'title: T\ndate: !!timestamp 2013-02-15',
  'title: T\nkeywords: [a, b]', 'title: T\nkeywords: a, b', 'author: &a Ada\nauthors: *a\ntitle: T', 'title: &t T\nsubtitle: *t',
  'title: T\nseries: {name: S, number: 1e3}', 'title: T\nseries: {name: S, number: 013}', 'title: T\npapersize: A4', 'title: T\npapersize: Letter',
  'title: T\nlang: en_GB', 'title: T\nlang: EN-gb', 'title: "\\u0007bell"', 'title: "T\\u0000"', 'title: "\\ud800"', '"__proto__": {title: x}\ntitle: T',
  'title: T\nconstructor: 1', 'title: T\nTitle: U', 'title: T\ntitle: U', 'title: T\nheader-includes: x\nmainfont: Tinos', 'title: T\npapersize: a4\ngeometry: x',
  'title: T\nauthor:\n  - name: A\n    affiliations:\n      - name: U\n        country: X\n      - V', 'title: T\nauthor: {name: A, affiliation: [U, V], orcid: 0000}',
  'title: T\nreferences:\n  - id: a\n    type: book\n  - 3', 'title: T\nreferences: {id: a}', 'title: T\nnocite: [a, "@b"]', 'title: T\nnocite: |\n  @a\n  @b',
  '? [a, b]\n: c\ntitle: T', '1: one\ntitle: T', 'true: yes\ntitle: T', 'title: T\ntoc: yes', 'title: T\ntoc: True', 'title: T\ntoc: TRUE', 'title: T\ntoc: "true"',
  'title: T\nseries: CARIM-East', 'title: T\nseries: {}', 'title: T\nseries:\n  name: S\n  type: T\n  number: 13/12\n  module: M\n  banner: B',
  '- a\n- b', '"just a string"', '42', 'title: T\nlink-citations: true\nsuppress-bibliography: false\nnotes-after-punctuation: false',
];

describe('the quick front-matter check', () => {
  it('leaves zod unloaded for a valid manuscript and its bibliography, and loads it for an invalid one', async () => {
    // First in this file: nothing has asked for zod yet.
    const fresh = await import('../src/load/index.js');
    const { loadBibliography } = await import('../src/load/bibliography.js');
    expect(state.zodCalls).toBe(0);
    const { metadata, file } = await fresh.load(path.join(root, 'manuscript', 'readmission-azerbaijan.md'));
    expect(file.messages).toEqual([]);
    expect(metadata?.title).toMatch(/Readmission/);
    const bibliography = await loadBibliography(metadata!.bibliography);
    expect(bibliography.items.size).toBeGreaterThan(10);
    expect(bibliography.files.flatMap((f) => f.messages)).toEqual([]);
    expect(state.zodCalls).toBe(0);
    // The same way, a front matter zod must judge loads it, once.
    const bad = new VFile({ path: '/tmp/colophon-front-matter/bad.md', value: '---\ntitle: T\ntoc-depth: 9\n---\n\nText.\n' });
    expect(fresh.readFrontMatter(bad)).toBeNull();
    expect(bad.messages.map((m) => m.reason)).toEqual(['front matter: `toc-depth`: Too big: expected number to be <=6']);
    expect(state.zodCalls).toBe(1);
    // And a bibliography entry its quick test cannot vouch for.
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-front-matter-'));
    writeFileSync(path.join(dir, 'refs.json'), JSON.stringify([{ id: 'a', type: 'bogus', title: 'A' }]));
    const badRefs = await loadBibliography([path.join(dir, 'refs.json')]);
    expect(badRefs.files[0]?.messages.map((m) => m.reason)).toEqual(['entry 1 (id "a"): field "type" must be a CSL item type, not "bogus"']);
    expect(state.zodCalls).toBe(2);
  });

  it('knows the schema\'s keys, in its order', () => {
    expect([...frontMatterKeyNames]).toEqual(Object.keys(frontMatterKeys.shape));
    for (const key of frontMatterKeyNames) expect(isFrontMatterKey(key)).toBe(true);
    for (const key of unknownKeys) expect(isFrontMatterKey(key), key).toBe(false);
  });

  it("gives zod's result for every key with valid, edge and invalid values", () => {
    let answered = 0;
    for (const key of frontMatterKeyNames) {
      for (const value of [...(keyValues[key] ?? []), ...anyValues]) {
        for (const raw of [{ [key]: value }, { title: 'T', [key]: value }, { [key]: value, lang: 'fr', author: 'A' }]) if (agree(raw)) answered++;
      }
    }
    for (const key of unknownKeys) {
      expect(agree({ title: 'T', [key]: 1 })).toBe(false);
      expect(agree({ [key]: undefined })).toBe(false);
    }
    expect(agree(JSON.parse('{"title": "T", "__proto__": 1}'))).toBe(false);
    expect(agree({})).toBe(true);
    expect(agree({ title: undefined })).toBe(true);
    expect(agree(nullProto({ title: 'T' }))).toBe(false);
    // Both ways are exercised: thousands of answers, and the rest left to zod.
    expect(answered).toBeGreaterThan(1000);
    expect(tally.zodAlone).toBeGreaterThan(1000);
  });

  it("gives zod's result for random front matters", () => {
    const { frontMatter } = generator(20131215);
    let answered = 0;
    const count = 6000;
    for (let i = 0; i < count; i++) if (agree(frontMatter())) answered++;
    // Neither way is starved by the generator.
    expect(answered).toBeGreaterThan(count / 10);
    expect(count - answered).toBeGreaterThan(count / 10);
  });

  it('reads the repository\'s manuscripts and fixtures as zod does, and without zod', () => {
    expect(repositoryManuscripts.length).toBeGreaterThan(5);
    for (const file of repositoryManuscripts) {
      const text = readFileSync(file, 'utf8');
      const { messages } = readBoth(text, path.basename(file));
      expect(messages.filter((m) => m.fatal), file).toEqual([]);
    }
  });

  it('reads the hostile manuscripts, written-out YAML and random manuscripts as zod does, messages included', () => {
    expect(hostileManuscripts.length).toBeGreaterThan(10);
    for (const { text } of hostileManuscripts) readBoth(text);
    let refused = 0;
    for (const snippet of yamlSnippets) if (readBoth(`---\n${snippet}\n---\n\nText.\n`).refused) refused++;
    const { frontMatter } = generator(7);
    for (let i = 0; i < 1500; i++) {
      const raw = frontMatter();
      let yaml: string;
      try {
        yaml = stringify(raw);
      } catch {
        continue;
      }
      const { refused: no, messages } = readBoth(`---\n${yaml}---\n\nText.\n`);
      expect(no).toBe(messages.some((m) => m.fatal));
      if (no) {
        refused++;
        expect(messages.every((m) => typeof m.line === 'number' && typeof m.column === 'number' && m.ruleId)).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(100);
  });


});
