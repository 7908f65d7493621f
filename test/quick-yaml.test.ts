/**
 * The quick YAML reader (`src/load/quick-yaml.ts`) against the `yaml`
 * package it stands in for: over every manuscript of the repository, the
 * hostile cases, written-out scalars of every core-schema type and
 * thousands of generated and mutated front matters, it either leaves the
 * text to the package (undefined) or gives exactly the package's `toJS`
 * (types, key order, own keys), for a document the package reads without
 * error, and the same answer to whether it is a mapping. A build's front
 * matter, metadata blocks and messages (text, line, column) are those of
 * the package alone, and a plain front matter is read without the package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { VFile } from 'vfile';
import { isMap, parseDocument, stringify } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { quickYaml } from '../src/load/quick-yaml.js';
import { blankMetadataBlocks, findMetadataBlocks, readMetadataBlocks } from '../src/load/metadata-blocks.js';
import { load, readFrontMatter } from '../src/load/index.js';
import { frontMatterKeyNames } from '../src/load/schema.js';
import { cases as hostileCases } from './hostile/cases.js';
import { random } from '../scripts/generate-book.mjs';
import { bare } from './helpers/bare.js';

/** Calls into the yaml package made by Colophon's modules; whether `load` goes without the quick reader (the package alone). */
const state = vi.hoisted(() => ({ yamlCalls: [] as string[], quickOff: false }));

vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(actual)) {
    counted[name] =
      typeof value === 'function'
        ? new Proxy(value, {
            apply: (target, self, args) => (state.yamlCalls.push(name), Reflect.apply(target as (...a: unknown[]) => unknown, self, args)),
            construct: (target, args, newTarget) => (state.yamlCalls.push(name), Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget)),
          })
        : value;
  }
  return counted;
});

vi.mock('../src/load/quick-yaml.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/load/quick-yaml.js')>();
  return { ...actual, quickYaml: (text: string) => (state.quickOff ? undefined : actual.quickYaml(text)) };
});

const root = path.join(import.meta.dirname, '..');

const tally = { quick: 0, left: 0 };

/** The quick reader and the package agree on `text`; returns whether the quick reader answered. */
function agree(text: string): boolean {
  const quick = quickYaml(text);
  if (quick === undefined) {
    tally.left++;
    return false;
  }
  tally.quick++;
  const label = JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text);
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  expect(document.errors.map((e) => e.message), `the quick reader answers where the package reports errors: ${label}`).toEqual([]);
  expect(bare(quick.value), label).toEqual(bare(document.toJS()));
  const kind = isMap(document.contents) ? 'mapping' : document.contents === null ? 'empty' : 'other';
  expect(quick.kind, label).toBe(kind);
  return true;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md') && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every Markdown file of the repository (manuscripts, fixtures, the README, templates). */
const repositoryMarkdown = ['manuscript', 'test', 'templates', 'bibliography']
  .flatMap((dir) => markdownFiles(path.join(root, dir)))
  .concat(path.join(root, 'README.md'));

/** The hostile cases' manuscripts (their texts, placeholders filled). */
const hostileManuscripts = hostileCases.flatMap((c) =>
  Object.entries(c.files).flatMap(([name, file]) => {
    if (!name.endsWith('.md')) return [];
    const text = typeof file === 'string' ? file : 'repeat' in file ? `${file.before ?? ''}${file.repeat.repeat(Math.min(file.times, 20_000))}${file.after ?? ''}` : undefined;
    return text === undefined ? [] : [text.replace(/\{\{\w+\}\}/g, '/tmp/placeholder')];
  }),
);

/** Plain scalars and near misses of every core-schema type. */
const scalars = [
  // null
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'nulL', 'None', '~~', 'null ~',
  // booleans
  'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'fAlse', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'ON',
  // integers
  '0', '-0', '+0', '1', '+3', '-4', '007', '0o17', '0o8', '0O17', '-0o17', '0x1F', '0x1f', '0X1F', '-0x1F', '0xG', '0x', '0o', '1_000', '1,000',
  '12345678901234567890', '9007199254740993', '0b101', '00', '08', '2013', '20130215',
  // floats
  '1.', '.5', '-.5', '+.5', '0.1', '1.50', '3.0', '1e3', '1E3', '1e-3', '1.5e+3', '.5e3', '1.e3', 'e3', '1e', '1e3.5', '.', '-.', '+', '-',
  '.inf', '.Inf', '.INF', '-.inf', '+.inf', '-.Inf', '.iNF', 'inf', 'Infinity', '.nan', '.NaN', '.NAN', '-.nan', 'NaN', 'nan', '1e400', '-1e400', '1e-400',
  // strings that look like something else
  '2013-02-15', '2013-02-15T10:00:00Z', '10:30', '1:2:3', 'a:b', 'http://example.org/a#b', 'a#b', 'a # b', 'a  #b', 'a,b', 'a, b', 'a,', 'a [b]', 'a]',
  'a}', 'a{b}', 'a=b', '<<', '=', 'a"b', "a'b", "it's", 'a --- b', 'a ... b', '-a', '--a', '-1-', '?a', ':a', 'a?', 'a!', 'a&b', 'a*b', 'a|b', 'a>b', 'a%b', 'a@b',
  'ü', 'é', 'Ñandú', '中文', 'Привет', '😀', 'a\u00A0b', 'a\u00A0', '\u00A0a', 'a\u3000', 'a\u2000b', 'a\u00ADb', 'a\u200Bb', '\u00A9 2013', 'a – b',
  // quoted
  '"a"', '"a b"', '""', "''", "'a'", "'it''s'", "''''", '"a # b"', '"a: b"', '"1"', '"true"', '"null"', "'~'", '"a\\"b"', '"a\\nb"', '"\\u00e9"',
  '"a" # c', '"a"#c', '"a" b', "'a' b", "'a", '"a', '"a\'b"', "'a\"b'", '" a "', "' a '",
  // indicators
  '&a x', '*a', '!t x', '!!str 1', '|', '>', '|-', '%a', '@a', '`a`', '[a]', '[a, b]', '{a: b}', '{}', '[]', '- a', '? a', ': a', '#a', ',a',
];

/** Keys and near misses. */
const keys = [
  'title', 'a', 'A', 'a b', 'a-b', 'a_b', 'a.b', 'a:b', 'a::b', 'a#b', '-a', '1', '-1', '0x10', '0o7', '1.5', '1e3', '.inf', '.nan', 'true', 'TRUE',
  'null', '~', '__proto__', 'toString', 'constructor', 'hasOwnProperty', '<<', '"a"', "'a'", '""', '"a b"', '"a: b"', "'it''s'", '"1"', '"__proto__"',
  'ключ', '中文', 'é', '😀', 'a [b]', 'a]', 'a}', 'a,b', 'a"b', "a'b", '?a', ':a', '&a a', '*a', '!a a', '[a]', '{a}', '%a', '@a', 'a ', 'x'.repeat(1100),
];

const commentTexts = ['', ' c', 'c: d', '# c', ' - e', " 'q", ' "q'];

function generator(seed: number, keyPool?: readonly string[]) {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  const chance = (p: number) => next() < p;
  const space = () => ' '.repeat(chance(0.8) ? 1 : 1 + int(3));
  const comment = () => (chance(0.15) ? `${space()}#${pick(commentTexts)}` : '');
  const word = () => pick(['Ada', 'Readmission Agreements', 'CARIM-East', 'refs.json', 'en-GB', '© 2013 Sergey', 'a, b; c', 'x']);
  const plainScalar = () => (chance(0.6) ? pick(scalars) : word());
  const comma = () => pick([', ', ',', ' , ', ',  ']);
  const flow = () =>
    chance(0.5)
      ? `[${Array.from({ length: int(4) }, plainScalar).join(comma())}]`
      : `{${Array.from({ length: int(4) }, () => `${key()}${pick([': ', ':', ' : '])}${plainScalar()}`).join(comma())}}`;
  const scalar = () => (chance(0.1) ? flow() : plainScalar());
  const key = () => (keyPool && chance(0.8) ? pick(keyPool) : chance(0.6) ? pick(['title', 'author', 'name', 'series', 'keywords', 'lang', 'date', 'type', 'number', 'id', 'affiliation']) : pick(keys));
  const trailing = () => (chance(0.1) ? ' '.repeat(1 + int(3)) : '');

  /** Lines of a block node at `indent`; `depth` bounds the nesting. */
  const node = (indent: number, depth: number): string[] => (chance(0.5) ? mapping(indent, depth) : sequence(indent, depth));
  const pad = (n: number) => ' '.repeat(n);
  const step = () => (chance(0.7) ? 2 : pick([1, 3, 4, 5]));

  /** What follows `key:` or `-`: a scalar on the line, or lines of a nested block. */
  const value = (indent: number, depth: number, inMapping: boolean): { inline: string; below: string[] } => {
    const roll = next();
    if (roll < 0.6 || depth > 3) return { inline: `${space()}${scalar()}${comment()}`, below: [] };
    if (roll < 0.65) return { inline: comment(), below: [] };
    if (inMapping && roll < 0.75) return { inline: comment(), below: sequence(indent, depth + 1) };
    return { inline: comment(), below: node(indent + step(), depth + 1) };
  };
  const mapping = (indent: number, depth: number): string[] => {
    const lines: string[] = [];
    for (let i = 0, n = 1 + int(5); i < n; i++) {
      const { inline, below } = value(indent, depth, true);
      lines.push(`${pad(indent)}${key()}:${inline}${trailing()}`, ...below);
      if (chance(0.1)) lines.push(chance(0.5) ? '' : `${pad(int(6))}# ${word()}`);
    }
    return lines;
  };
  const sequence = (indent: number, depth: number): string[] => {
    const lines: string[] = [];
    for (let i = 0, n = 1 + int(4); i < n; i++) {
      const roll = next();
      if (roll < 0.2 && depth < 3) {
        // A compact block after the dash.
        const dash = `-${space()}`;
        const inner = node(indent + dash.length, depth + 1);
        lines.push(`${pad(indent)}${dash}${inner[0]?.slice(indent + dash.length) ?? ''}`, ...inner.slice(1));
      } else {
        const { inline, below } = value(indent, depth, false);
        lines.push(`${pad(indent)}-${inline}${trailing()}`, ...below);
      }
    }
    return lines;
  };

  const tricky = [':', ' ', ' ', '#', '-', "'", '"', '\t', '\r', '\n', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '?', '%', '@', '`', 'é', '\u00A0', '\u2028', '\uFEFF', '\0', '\x7F', '\x85', '\uD800', '1', '.', 'e', 'x'];
  /** Small edits of a text: characters, indentation, line breaks. */
  const mutate = (text: string): string => {
    let out = text;
    for (let i = 0, n = 1 + int(3); i < n; i++) {
      const at = int(out.length + 1);
      switch (int(7)) {
        case 0: out = out.slice(0, at) + pick(tricky) + out.slice(at); break;
        case 1: out = out.slice(0, at) + out.slice(at + 1); break;
        case 2: out = out.slice(0, at) + pick(tricky) + out.slice(at + 1); break;
        case 3: {
          const lines = out.split('\n');
          const line = int(lines.length);
          lines[line] = chance(0.5) ? ` ${lines[line]}` : lines[line].replace(/^ /, '');
          out = lines.join('\n');
          break;
        }
        case 4: out = out.replace(/\n/g, '\r\n'); break;
        case 5: {
          const lines = out.split('\n');
          const line = int(lines.length);
          lines.splice(line, 0, lines[int(lines.length)]);
          out = lines.join('\n');
          break;
        }
        default: out = out.slice(0, at) + pick([': ', ' #', '- ', ':', '\n', '\n  ', '  ', '\t']) + out.slice(at);
      }
    }
    return out;
  };
  const frontMatter = () => {
    const lines = chance(0.85) ? mapping(0, 0) : chance(0.5) ? sequence(0, 0) : [scalar()];
    if (chance(0.2)) lines.unshift(`# ${word()}`);
    let text = lines.join('\n');
    if (chance(0.1)) text = text.replace(/\n/g, '\r\n');
    if (chance(0.1)) text += '\n';
    return text;
  };
  return { frontMatter, mutate, chance, pick, int };
}

describe('the quick YAML reader', () => {
  it('reads the default manuscript and the repository\'s plain front matters, as the yaml package does', () => {
    const blocks = repositoryMarkdown.flatMap((file) => findMetadataBlocks(readFileSync(file, 'utf8')).map((block) => ({ file, yaml: block.yaml })));
    expect(blocks.length).toBeGreaterThan(10);
    let answered = 0;
    for (const { yaml } of blocks) if (agree(yaml)) answered++;
    // The usual front matter is the quick reader's (else the build pays for the package).
    expect(answered).toBeGreaterThan(blocks.length / 2);
    const paper = readFileSync(path.join(root, 'manuscript', 'readmission-azerbaijan.md'), 'utf8');
    for (const block of findMetadataBlocks(paper)) expect(quickYaml(block.yaml)?.kind).toBe('mapping');
  });

  it('reads the hostile manuscripts\' front matters as the yaml package does, or leaves them to it', () => {
    expect(hostileManuscripts.length).toBeGreaterThan(10);
    for (const text of hostileManuscripts) {
      for (const block of findMetadataBlocks(text)) agree(block.yaml);
      // Their texts whole, as YAML, too.
      agree(text.slice(0, 20_000));
    }
  });

  it('types every scalar as the core schema does, as a value and as a key', () => {
    for (const scalar of scalars) {
      agree(`value: ${scalar}`);
      agree(`value: ${scalar} # comment`);
      agree(`- ${scalar}`);
      agree(`- ${scalar}  `);
      agree(scalar);
      agree(`${scalar}: value`);
      agree(`list:\n  - ${scalar}\n  - a: ${scalar}\n    b: 1`);
    }
    for (const key of keys) {
      agree(`${key}: 1`);
      agree(`title: T\n${key}: 1\n${key}: 2\nafter: 3`);
      agree(`- ${key}: 1\n  b: 2`);
    }
    // What must be answered, and what must be left to the package.
    const answers: [string, unknown][] = [
      ['a: ~\nb: null\nc: NULL\nd:\ne: Null', { a: null, b: null, c: null, d: null, e: null }],
      ['a: true\nb: False\nc: TRUE\nd: yes\ne: tRUE', { a: true, b: false, c: true, d: 'yes', e: 'tRUE' }],
      ['a: 0o17\nb: 0x1F\nc: -0\nd: +3\ne: 007\nf: 0o8', { a: 15, b: 31, c: -0, d: 3, e: 7, f: '0o8' }],
      ['a: .5\nb: 1e3\nc: .inf\nd: -.Inf\ne: .NaN\nf: 1.\ng: 1e', { a: 0.5, b: 1000, c: Infinity, d: -Infinity, e: NaN, f: 1, g: '1e' }],
      ['a: b #c\nd: e#f\ng: h  # i\nj: http://x.org/#k', { a: 'b', d: 'e#f', g: 'h', j: 'http://x.org/#k' }],
      ['1: a\ntrue: b\nnull: c\n0x10: d\n1e3: e\n.inf: f', { 1: 'a', true: 'b', '': 'c', 16: 'd', 1000: 'e', Infinity: 'f' }],
      ['a: 1\nb: 2\na: 3', { a: 3, b: 2 }],
      ["a: 'it''s'\nb: \"x # y\"\nc: 'true'", { a: "it's", b: 'x # y', c: 'true' }],
      ['series:\n  name: S\n  number: 12\nkeywords:\n- a\n- b\nafter: x', { series: { name: 'S', number: 12 }, keywords: ['a', 'b'], after: 'x' }],
      ['author:\n  - name: A\n    affiliation:\n      - U\n  -   name: B\n  -\n  - - x\n    - y', { author: [{ name: 'A', affiliation: ['U'] }, { name: 'B' }, null, ['x', 'y']] }],
      ['title: T\r\nlang: en\r\n', { title: 'T', lang: 'en' }],
      ["k: [a, 'b, c', \"d\", 3, ~, .5e1] # c\nl: []\nm: [ ]\nn: {}", { k: ['a', 'b, c', 'd', 3, null, 5], l: [], m: [], n: {} }],
      ['series: {name: CARIM-East, type: Explanatory Note, number: 13, 1: x, name: S}\n- [a]', undefined],
      ['series: {name: CARIM-East, type: Explanatory Note, number: 13, 1: x, name: S}', { series: { name: 'S', type: 'Explanatory Note', number: 13, 1: 'x' } }],
      ['- [a, b]\n- {c: d}', [['a', 'b'], { c: 'd' }]],
    ];
    for (const [text, value] of answers) {
      expect(quickYaml(text)?.value, text).toEqual(value);
      agree(text);
    }
    const proto = quickYaml('__proto__: x\ntitle: T')?.value as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'title']);
    const left = [
      'a: [[b]]', 'a: [b, {c: d}]', 'a: [b,]', 'a: [b,,c]', 'a: [b', 'a: [b: c]', 'a: {b}', 'a: {b:c}', 'a: [b] c', 'a: [b]#c', 'a: [b\n  ,c]', 'a: &x b\nc: *x', 'a: !!str 1', 'a: |\n  b', 'a: >\n  b', 'a: b\n  c', 'a: "b\\"c"', 'a: "b\n  c"', 'a:\tb', '\ta: b',
      '? a\n: b', '%YAML 1.2\n---\na: b', '--- a', 'a: b\n...', '<<: {a: b}', '  a: b', 'a:\n  b: c\n d: e', 'a: b: c', 'a: b:', '- a\nb: c', 'a: b\n- c',
      '\uFEFFa: b', 'a: b\u2028c', 'a: \0', 'a: b\rc: d', 'a: @b', 'a: `b`',
    ];
    for (const text of left) expect(quickYaml(text), text).toBeUndefined();
  });

  it('gives the yaml package\'s value or nothing for thousands of generated and mutated front matters', () => {
    const { frontMatter, mutate, chance } = generator(20131215);
    const before = { ...tally };
    let answered = 0;
    const count = 12_000;
    for (let i = 0; i < count; i++) {
      let text = frontMatter();
      if (chance(0.5)) text = mutate(text);
      if (agree(text)) answered++;
    }
    // Neither way is starved by the generator.
    expect(answered).toBeGreaterThan(count / 5);
    expect(tally.left - before.left).toBeGreaterThan(count / 5);
  });

  it('reads what the yaml package writes of random values as the package reads it', () => {
    const next = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const leaf = () => pick<unknown>([...scalars, ...keys, 1, -0, 1.5, 1e21, NaN, Infinity, true, null, '', ' a ', 'a\nb', 'a\tb']);
    const value = (depth: number): unknown => {
      const roll = next();
      if (roll < 0.5 || depth > 3) return leaf();
      if (roll < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [String(pick(keys)), value(depth + 1)]));
    };
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      const text = stringify(value(0));
      if (agree(text)) answered++;
    }
    expect(answered).toBeGreaterThan(300);
  });
});

// ---------------------------------------------------------------------------
// Whole manuscripts, read as a build reads them

/** A manuscript's front matter and metadata blocks read as `load` and the parse stage read them, with or without the quick reader. */
function readAs(text: string, quickOff: boolean) {
  state.quickOff = quickOff;
  try {
    const file = new VFile({ path: '/tmp/colophon-quick-yaml/paper.md', value: text });
    const metadata = readFrontMatter(file);
    const references = metadata?.references;
    const places = references?.entries.map((_, i) => [references.at(i), references.at(i, ['id']), references.at(i, ['author', 0, 'family']), references.at(i, ['bogus', 3])]);
    const shown = metadata && { ...metadata, references: references && { entries: references.entries, places } };
    return {
      metadata: bare(shown),
      messages: file.messages.map((m) => ({ reason: m.reason, line: m.line, column: m.column, ruleId: m.ruleId, fatal: m.fatal, source: m.source, note: m.note })),
      blocks: readMetadataBlocks(text).map((b) => [b.start, b.end, b.yamlLine]),
      blanked: blankMetadataBlocks(text),
    };
  } finally {
    state.quickOff = false;
  }
}

/** The quick reader changes nothing a build gets from `text`: metadata, messages with their places, the blocks blanked. */
function sameAsPackage(text: string) {
  const quick = readAs(text, false);
  expect(quick, JSON.stringify(text.slice(0, 600))).toEqual(readAs(text, true));
  return quick;
}

/** Keys a front matter may hold: the schema's, Pandoc template variables (a warning), unknown ones (an error). */
const frontMatterPool = [...frontMatterKeyNames, 'pagetitle', 'mainfont', 'header-includes', 'bogus', 'Title', 'references', 'references', 'author', 'series'];

const referenceEntries = [
  '- id: a\n  type: book\n  title: T\n  author:\n    - family: Doe\n      given: J\n  issued:\n    date-parts:\n      - - 2005',
  '- id: b\n  type: bogus\n  title: 1\n- 3\n- id: c\n  bogus: x',
  '- id: d\n  type: article-journal\n  author:\n  - family: 7\n  container-title: J\n  issued: {year: 2005}',
  '-\n- id: e\n  type: book\n  title: ~',
];

describe('a build with the quick YAML reader', () => {
  it('reads a plain front matter without the yaml package, and asks the package only for a message\'s place or YAML it does not take', async () => {
    state.yamlCalls.length = 0;
    const { metadata, file } = await load(path.join(root, 'manuscript', 'readmission-azerbaijan.md'));
    expect(file.messages).toEqual([]);
    expect(metadata?.series?.name).toBe('CARIM-East');
    expect(metadata?.keywords).toContain('Azerbaijan');
    // A later block that is a list is text, decided without the package too.
    const listBelow = '---\ntitle: T\n---\n\nText.\n\n---\n- a\n- b\n---\n\nMore.\n';
    expect(readMetadataBlocks(listBelow).map((b) => b.yamlLine)).toEqual([2]);
    expect(state.yamlCalls).toEqual([]);

    // A Pandoc template variable is warned about at its place: found by the package, then.
    const warned = new VFile({ path: '/tmp/colophon-quick-yaml/warned.md', value: '---\ntitle: T\n# a comment\nmainfont: Tinos\n---\n\nText.\n' });
    expect(readFrontMatter(warned)?.title).toBe('T');
    expect(warned.messages.map((m) => [m.line, m.column, m.reason])).toEqual([[4, 1, "front matter: `mainfont` is a Pandoc template variable; Colophon's editions do not use it"]]);
    expect(state.yamlCalls).toContain('parseDocument');

    // YAML outside the quick part goes to the package at once.
    state.yamlCalls.length = 0;
    const flow = new VFile({ path: '/tmp/colophon-quick-yaml/flow.md', value: '---\ntitle: T\nkeywords: {a: b}\n---\n\nText.\n' });
    readFrontMatter(flow);
    expect(state.yamlCalls).toContain('parseDocument');
  });

  it('gives the repository\'s and the hostile manuscripts the metadata and messages of the package alone', () => {
    for (const file of repositoryMarkdown) sameAsPackage(readFileSync(file, 'utf8'));
    for (const text of hostileManuscripts) sameAsPackage(text);
  });

  it('gives generated manuscripts the metadata, messages and places of the package alone', () => {
    const { frontMatter, mutate, chance, pick, int } = generator(1700000000, frontMatterPool);
    let refused = 0;
    let warned = 0;
    let quick = 0;
    const count = 1500;
    for (let i = 0; i < count; i++) {
      let yaml = frontMatter();
      if (chance(0.3)) yaml += `\nreferences:\n${pick(referenceEntries)}`;
      if (chance(0.3)) yaml = mutate(yaml);
      if (quickYaml(yaml) !== undefined) quick++;
      let text = `---\n${yaml}\n---\n\nText [@a].\n`;
      if (chance(0.3)) {
        const below = chance(0.2) ? pick(['', '# only a comment', '- a\n- b', 'just text', 'lang: fr', 'a: [b']) : frontMatter();
        text += `\n${pick(['---', '---  '])}\n${chance(0.2) ? mutate(below) : below}\n${pick(['---', '...'])}\n\nMore.\n`;
      }
      if (int(10) === 0) text = text.replace(/\n/g, '\r\n');
      const { messages } = sameAsPackage(text);
      if (messages.some((m) => m.fatal)) refused++;
      else if (messages.length > 0) warned++;
    }
    // Every way is exercised: read quickly, refused, and warned about.
    expect(quick).toBeGreaterThan(count / 5);
    expect(refused).toBeGreaterThan(count / 10);
    expect(warned).toBeGreaterThan(count / 20);
  });
});
