/**
 * Markdown parsed again only around an edit (src/parse/memory.ts, kept on
 * disk by src/cache/parses.ts): after any edit, the tree and the messages
 * are those of a parse of the whole text. Random edits of every manuscript
 * in the repository, edits at the boundaries that reach across a blank
 * line (lists, definition lists, footnotes, code, labels), damaged and
 * foreign memories, and the CLI's HTML with and without the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { deserialise, openParseStore, serialise } from '../src/cache/parses.js';
import { parse, type ParseMemory } from '../src/parse/index.js';
import { commonPrefix, commonSuffix, type Remembered } from '../src/parse/memory.js';
import { manuscript } from './helpers/manuscript.js';

const root = path.join(import.meta.dirname, '..');

/** A memory that goes through the file format at each step, as the store's does. */
function fileMemory(): ParseMemory & { last?: Remembered; kept: number } {
  let stored: { key: string; content: string } | undefined;
  const memory: ParseMemory & { last?: Remembered; kept: number } = {
    kept: 0,
    recall: (syntax) => (stored ? deserialise(syntax, stored.content) : undefined),
    keep: (syntax, remembered) => {
      stored = { key: syntax, content: serialise(syntax, remembered) };
      memory.last = remembered;
      memory.kept++;
    },
  };
  return memory;
}

function parsed(text: string, memory?: ParseMemory) {
  const file = new VFile({ path: '/manuscripts/input.md', value: text });
  const tree = parse(file, { memory });
  return { tree, messages: file.messages.map((m) => [m.reason, m.line, m.column, m.ruleId]) };
}

/** Parse `before` then `after` with one memory; `after`'s result must equal a whole parse. */
function expectSame(before: string, after: string) {
  const memory = fileMemory();
  parsed(before, memory);
  const first = memory.last;
  const again = parsed(after, memory);
  expect(isDeepStrictEqual(again, parsed(after)), `after:\n${after}`).toBe(true);
  const jsons = new Set(first?.blocks.map((b) => b.json));
  return {
    reused: memory.last?.blocks.filter((b) => jsons.has(b.json)).length ?? 0,
    // Blocks taken over and moved: a whole parse writes every block at its place.
    moved: memory.last?.blocks.filter((b) => b.baseFrom !== b.from).length ?? 0,
    memory,
  };
}

function manuscriptsInRepository(): string[] {
  return [path.join(root, 'test', 'fixtures'), path.join(root, 'manuscript')].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => path.join(dir, name)),
  );
}

// A deterministic random source, so that a failure can be replayed.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const pieces = ['x', ' ', '  ', '    ', '\t', '\n', '\n\n', '\r\n', '\r', '- ', '+ ', '1. ', '10) ', '> ', ': ', '\n: d\n', '# ', '---\n', '===\n', '* * *\n', '```\n', '    code\n', '<div>\n', '<pre>\n', '<!-- c -->\n', '|', '| a | b |\n|---|---|\n', '::: note\n', ':::\n', '{#id}', '$x$', '[^1]', '[^1]: note\n', '[^n]:\n    more\n', '[a]', '[a]: /u\n', '[x]: <y> "t"\n', '[@key]', 'Term\n: def\n', '~~', '\\', '&amp;', '`', '*', '_', 'http://example.org '];

function mutate(text: string, next: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let k = 0; k < edits; k++) {
    let at = Math.floor(next() * (result.length + 1));
    // Edits at the start of a line are the ones that change blocks.
    if (next() < 0.3) at = result.lastIndexOf('\n', at - 1) + 1;
    const kind = next();
    if (kind < 0.4) result = result.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + result.slice(at);
    else if (kind < 0.7) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 20));
    else result = `${result.slice(0, at)}word${result.slice(at + Math.floor(next() * 8))}`;
  }
  return result;
}

describe('parse memory', () => {
  it('finds the common beginning and end of two texts as a character-by-character comparison does', () => {
    const next = random(7);
    for (let k = 0; k < 3000; k++) {
      const a = Array.from({ length: Math.floor(next() * 2000) }, () => 'ab\n'[Math.floor(next() * 3)]).join('');
      const at = Math.floor(next() * (a.length + 1));
      const kind = next();
      const b = kind < 0.3 ? `${a.slice(0, at)}${'x'.repeat(Math.floor(next() * 5))}${a.slice(at)}` : kind < 0.6 ? a.slice(0, at) + a.slice(at + Math.floor(next() * 50)) : kind < 0.8 ? a : `${a}a`;
      const most = Math.min(a.length, b.length);
      let prefix = 0;
      while (prefix < most && a[prefix] === b[prefix]) prefix++;
      let suffix = 0;
      while (suffix < most - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
      expect(commonPrefix(a, b)).toBe(prefix);
      expect(commonSuffix(a, b, most - prefix)).toBe(suffix);
    }
  });

  it('gives the tree and messages of a whole parse after random edits of every manuscript in the repository', () => {
    const next = random(20261201);
    let steps = 0;
    let blocks = 0;
    let reused = 0;
    const files = manuscriptsInRepository();
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const original = readFileSync(file, 'utf8');
      for (let run = 0; run < 15; run++) {
        const memory = fileMemory();
        let text = next() < 0.3 ? mutate(original, next) : original;
        parsed(text, memory);
        for (let step = 0; step < 3; step++) {
          const before = new Set(memory.last?.blocks.map((b) => b.json));
          text = mutate(text, next);
          const remembered = parsed(text, memory);
          const whole = parsed(text);
          if (!isDeepStrictEqual(remembered, whole)) {
            expect.soft(remembered, `${path.relative(root, file)}, run ${run}, step ${step}:\n${text}`).toEqual(whole);
          }
          steps++;
          blocks += memory.last?.blocks.length ?? 0;
          reused += memory.last?.blocks.filter((b) => before.has(b.json)).length ?? 0;
        }
      }
    }
    expect(steps).toBe(files.length * 45);
    // Not a test that passes by parsing everything: most blocks are taken over.
    expect(reused / blocks).toBeGreaterThan(0.3);
  });

  it('takes over the blocks around a one-word edit of the default manuscript', () => {
    const text = readFileSync(path.join(root, 'manuscript', 'readmission-azerbaijan.md'), 'utf8');
    const edited = text.replace(/\n\n([A-Z][a-z]+ )/, '\n\n$1xx ');
    const { reused, moved, memory } = expectSame(text, edited);
    expect(memory.last!.blocks.length).toBeGreaterThan(20);
    expect(reused).toBe(memory.last!.blocks.length - 1);
    expect(moved).toBe(memory.last!.blocks.length - 1);
  });

  it('parses again what a blank line does not close', () => {
    // A description makes the paragraph before it a term, across a blank line.
    expectSame('Intro.\n\nTerm\n\nLater text.\n\nEnd.\n', 'Intro.\n\nTerm\n\n: Later text.\n\nEnd.\n');
    // A list goes on after a blank line, and becomes loose.
    expectSame('- one\n\nText.\n\nEnd.\n', '- one\n\n- Text.\n\nEnd.\n');
    // Indented code goes on after a blank line.
    expectSame('    code\n\nText.\n\nEnd.\n', '    code\n\n    Text.\n\nEnd.\n');
    // So does a footnote's text.
    expectSame('Call.[^n]\n\n[^n]: Note.\n\nText.\n\nEnd.\n', 'Call.[^n]\n\n[^n]: Note.\n\n    Text.\n\nEnd.\n');
    // An HTML block of `<pre>` reaches past blank lines to its end tag.
    expectSame('Text.\n\nMore.\n\nFin.\n\n</pre>\n\nEnd.\n', 'Text.\n\n<pre>\n\nMore.\n\nFin.\n\n</pre>\n\nEnd.\n');
    // An unclosed fence swallows the rest.
    expectSame('A.\n\nB.\n\nC *c*.\n\nD [x].\n', 'A.\n\n```\nB.\n\nC *c*.\n\nD [x].\n');
    // A new indent before a block taken over.
    expectSame('A.\n\nB.\n\nC.\n', 'A.\n\n    B.\n\nC.\n');
    expectSame('A.\n\nB.\n\nC.\n', 'A.\n\nB.\n\n    C.\n');
    expectSame('A.\n\nB.\n\nC.\n', 'A.\n\nB.\n\n\tC.\n');
    // Line endings of other kinds.
    expectSame('A.\r\n\r\nB *b*.\r\n\r\nC.\r\n', 'A.\r\n\r\nB *b* b.\r\n\r\nC.\r\n');
    expectSame('A.\r\rB.\r\rC.\r', 'A.\r\rBb.\r\rC.\r');
  });

  it('reads every reference against the labels defined anywhere', () => {
    // A definition added, removed or changed after a reference that is taken over.
    const { moved } = expectSame('See [a] and [^n].\n\nText.\n\nEnd.\n', 'See [a] and [^n].\n\nText.\n\n[a]: /u\n\n[^n]: Note.\n\nEnd.\n');
    expect(moved).toBe(0);
    expectSame('See [a].\n\nText.\n\n[a]: /u\n\nEnd.\n', 'See [a].\n\nText.\n\nEnd.\n');
    expectSame('See [a].\n\nText.\n\n[a]: /u\n\nEnd.\n', 'See [a].\n\nText.\n\n[b]: /u\n\nEnd.\n');
    // Labels defined elsewhere hold in the edited blocks.
    const defined = '[a]: /u\n\n[^n]: Note.\n\n[weird *label*]: /w\n\nText.\n\nEnd [a] [^n].\n';
    const { moved: kept } = expectSame(defined, defined.replace('Text.', 'Text [a], [^n], [weird *label*] and [missing].'));
    expect(kept).toBe(1);
  });

  it('falls back to a whole parse on a memory that is damaged or of another syntax', () => {
    const before = 'A *a*.\n\nB.\n\nC [^n].\n\n[^n]: N.\n';
    const after = before.replace('B.', 'B b.');
    const memory = fileMemory();
    parsed(before, memory);
    const content = serialise('1', memory.last!);
    const damaged = [content.slice(0, -3), content.replace('"paragraph"', '"heading"').slice(0, -1), `x${content}`, content.replace('{"format":1', '{"format":9')];
    for (const text of damaged) {
      const broken: ParseMemory = { recall: (syntax) => deserialise(syntax, text), keep: () => undefined };
      expect(isDeepStrictEqual(parsed(after, broken), parsed(after))).toBe(true);
    }
    // A memory of another syntax is none.
    expect(deserialise('2', content)).toBeUndefined();
    // A table in the text now: another syntax, and the same tree as a whole parse.
    const table = `${after}\n| a |\n|---|\n`;
    expect(isDeepStrictEqual(parsed(table, memory), parsed(table))).toBe(true);
  });

  it('keeps a file per manuscript, for the same code only, and nothing for text UTF-8 cannot carry', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-parses-'));
    expect(openParseStore(dir, undefined)).toBeUndefined();
    const store = openParseStore(dir, 'stamp-a')!;
    const memory = store.memoryFor('/manuscripts/a.md');
    parsed('A.\n\nB.\n', memory);
    expect(readdirSync(store.dir)).toHaveLength(1);
    expect(memory.recall('0')).toBeDefined();
    // Another process of the same code reads it; code of another stamp does not.
    expect(openParseStore(dir, 'stamp-a')!.memoryFor('/manuscripts/a.md').recall('0')?.text).toBe('A.\n\nB.\n');
    expect(openParseStore(dir, 'stamp-b')!.memoryFor('/manuscripts/a.md').recall('0')).toBeUndefined();
    expect(openParseStore(dir, 'stamp-a')!.memoryFor('/manuscripts/b.md').recall('0')).toBeUndefined();
    // A lone surrogate: kept in memory, not on disk.
    const lone = openParseStore(mkdtempSync(path.join(tmpdir(), 'colophon-parses-')), 'stamp-a')!;
    parsed('A \ud800.\n\nB.\n', lone.memoryFor('/manuscripts/c.md'));
    expect(existsSync(lone.dir)).toBe(false);
  });
});

const launcher = path.join(root, 'bin', 'colophon.cjs');
const haveBundle = existsSync(path.join(root, 'build', 'colophon.cjs'));
if (!haveBundle && process.env.CI === 'true') throw new Error('build/colophon.cjs is missing: run `npm run compile`');
if (!haveBundle) console.warn('skipped: no bundle in build/ (run `npm run compile`)');

describe.runIf(haveBundle)('parse memory in the CLI', () => {
  it('writes the same web page after edits as a build without the cache, and keeps nothing with --no-cache', () => {
    const input = manuscript(
      'title: Remembered\nbibliography: refs.json\ncsl: chicago-note-bibliography',
      Array.from({ length: 12 }, (_, i) => `Paragraph ${i} on readmission [@morehouse2011, p. ${i + 1}].${i % 3 === 0 ? `[^n${i}]` : ''}`).join('\n\n') +
        '\n\n' +
        Array.from({ length: 4 }, (_, i) => `[^n${i * 3}]: A note of paragraph ${i * 3}, after @guild2009.`).join('\n\n'),
    );
    const dir = path.dirname(input);
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'colophon-cache-'));
    const build = (out: string, ...flags: string[]) => {
      const result = spawnSync(process.execPath, [launcher, 'build', 'input.md', '--format', 'html', '--out', out, '-q', ...flags], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, COLOPHON_CACHE_DIR: cacheDir, SOURCE_DATE_EPOCH: '1700000000', COLOPHON_TIMINGS: '' },
      });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(path.join(dir, out, 'input.html'), 'utf8');
    };
    build('first');
    const parses = path.join(cacheDir, 'parses');
    expect(readdirSync(parses)).toHaveLength(1);
    const edits = [
      (t: string) => t.replace('Paragraph 4 on', 'Paragraph 4, edited, on'),
      (t: string) => t.replace('Paragraph 7 on readmission', '- Paragraph 7 on readmission'),
      (t: string) => t.replace('[^n9]: A note', '[^n9]: A longer note'),
      (t: string) => t.replace('Paragraph 10', '## Paragraph 10\n\nand more'),
    ];
    for (const [index, edit] of edits.entries()) {
      writeFileSync(input, edit(readFileSync(input, 'utf8')));
      const cached = build(`cached-${index}`);
      expect(cached).toBe(build(`bare-${index}`, '--no-cache'));
    }
    // A damaged memory is a whole parse.
    const [name] = readdirSync(parses);
    writeFileSync(path.join(parses, name!), readFileSync(path.join(parses, name!), 'utf8').slice(0, -40));
    writeFileSync(input, readFileSync(input, 'utf8').replace('Paragraph 2 on', 'Paragraph 2 again on'));
    expect(build('after-damage')).toBe(build('bare-damage', '--no-cache'));
    // --no-cache keeps nothing.
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'colophon-cache-'));
    const bare = spawnSync(process.execPath, [launcher, 'build', 'input.md', '--format', 'html', '--out', 'none', '-q', '--no-cache'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, COLOPHON_CACHE_DIR: elsewhere },
    });
    expect(bare.status, bare.stderr).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
