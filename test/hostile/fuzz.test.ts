/**
 * Fuzzing: seeded random mutations of the default manuscript and of its
 * bibliography. The only allowed outcomes are a model (and, when it has no
 * error, a web page) or located messages with known rule ids; never an
 * exception, an internal error or a hang.
 *
 * Each case takes a window of the default manuscript (its front matter and
 * a few of its paragraphs, so that a case is quick) and a few entries of
 * its bibliography, and mutates both: characters and Markdown and YAML
 * tokens inserted, lines doubled, dropped and swapped, JSON values changed
 * in type or nested. Most cases run in-process through `buildDocument` and
 * the web page; a smaller set through the `colophon` command, whose exit
 * status must be 0, 1 or 2 with messages in the house form.
 *
 * COLOPHON_FUZZ_CASES sets the number of in-process cases (default 2,000),
 * COLOPHON_FUZZ_SEED the first seed (default 1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDocument } from '../../src/document.js';
import { renderHtmlPage } from '../../src/web/page.js';
import { rules } from '../../src/rules.js';
import { random as seededRandom } from '../../scripts/generate-book.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const manuscriptText = readFileSync(path.join(root, 'manuscript', 'readmission-azerbaijan.md'), 'utf8');
const bibliography = JSON.parse(readFileSync(path.join(root, 'bibliography', 'readmission-azerbaijan.json'), 'utf8')) as Array<Record<string, unknown>>;
const inProcessCases = Number(process.env.COLOPHON_FUZZ_CASES ?? 2000);
const cliCases = Math.max(12, Math.round(inProcessCases / 100));
const firstSeed = Number(process.env.COLOPHON_FUZZ_SEED ?? 1);
/** A case that takes longer than this is a hang (generous: the machine may be busy). */
const caseLimitMs = 20_000;

const known = new Set<string>(Object.values(rules));
const work = mkdtempSync(path.join(tmpdir(), 'colophon-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));


const tokens = [
  '[@', ']', '[', '@', '@{', '}', '{', '-@', '[^1]', '[^1]: ', '[^x]', '^', '~', '*', '**', '_', '`', '```', '~~~', '>', '> ', '- ', '1. ', '#', '\n', '\n\n', '  \n',
  '|', '| a | b |\n|---|---|\n', '<', '>', '</div>', '<div>', '<img src="x.png">', '<img src="/etc/passwd">', '![x](../x.png)', '![x](%zz)', '![](', '](', ')', '\\', '&', '&amp;', '&#0;',
  '%', '%2e%2e/', 'file:///etc/passwd', 'http://127.0.0.1:9/x', '<script>', 'javascript:', '"', "'", ':', '---', '...', '\t', '\r', '\r\n', '\u0000', '\uFEFF', '\u202E', '\uD800', '\uFFFF', 'é',
  '😀', '\u0301', ' '.repeat(4), '::: {#refs}', ':::', '{.class}', '$', '$$', '=', '+', '<!--', '-->', '<?', ']]>', '@constructor', '@__proto__', '@{a b}', '[@a; @b]', '[see @x, p. 3]',
];
const yamlTokens = ['&a', '*a', '!!binary', '!!js/function', '? ', ': ', '- ', '[', ']', '{', '}', '|', '>', '"', "'", '#', '\n  ', '\n', 'null', '~', '.nan', '2013-02-30', '0x10', '1e999', '<<: *a'];

function mutateText(text: string, random: () => number, pool: string[], count: number): string {
  let out = text;
  for (let n = 0; n < count; n++) {
    const at = Math.floor(random() * (out.length + 1));
    const choice = random();
    if (choice < 0.45) out = out.slice(0, at) + pool[Math.floor(random() * pool.length)] + out.slice(at);
    else if (choice < 0.6) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (choice < 0.7) out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + out.slice(at);
    else {
      const lines = out.split('\n');
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      if (choice < 0.8) lines.splice(i, 0, lines[j]);
      else if (choice < 0.9) lines.splice(i, 1);
      else [lines[i], lines[j]] = [lines[j], lines[i]];
      out = lines.join('\n');
    }
  }
  return out;
}

const odd: unknown[] = [null, true, 0, -1, 1e308, '', 'x', [], {}, [[[[[]]]]], { 'date-parts': [['x']] }, [{ family: 1 }], '2013/', { literal: null }];

function mutateValue(value: unknown, random: () => number, depth = 0): unknown {
  if (random() < 0.08) return odd[Math.floor(random() * odd.length)];
  if (Array.isArray(value)) return value.map((v) => mutateValue(v, random, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (random() < 0.04) continue;
      out[random() < 0.03 ? `${key}x` : key] = mutateValue(v, random, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && random() < 0.1) return mutateText(value, random, tokens, 2);
  return value;
}

interface FuzzInput {
  manuscript: string;
  bibliography: string;
}

/** One case from its seed: a window of the manuscript and a few entries, mutated. */
function fuzzCase(seed: number): FuzzInput {
  // Seeded, so a failing case can be replayed from its seed.
  const random = seededRandom(seed);
  const end = manuscriptText.indexOf('\n---\n', 4) + 5;
  const frontMatter = manuscriptText.slice(0, end).replace('../bibliography/readmission-azerbaijan.json', 'refs.json');
  const paragraphs = manuscriptText.slice(end).split('\n\n');
  const from = Math.floor(random() * paragraphs.length);
  const window = paragraphs.slice(from, from + 1 + Math.floor(random() * 3));
  // Keep the footnote definitions the window calls, so that not every case is a footnote error.
  const calls = new Set([...window.join('\n').matchAll(/\[\^([^\]]+)\]/g)].map((m) => m[1]));
  const definitions = paragraphs.filter((p) => [...calls].some((c) => p.startsWith(`[^${c}]:`)));
  const body = [...window, ...definitions].join('\n\n');
  const fmMutations = random() < 0.3 ? 1 + Math.floor(random() * 4) : 0;
  const mutatedFrontMatter = fmMutations ? mutateText(frontMatter, random, yamlTokens, fmMutations) : frontMatter;
  const mutatedBody = mutateText(body, random, tokens, 1 + Math.floor(random() * 12));
  const cited = new Set([...body.matchAll(/@([\w:./-]+\w)/g)].map((m) => m[1]));
  let entries: unknown = bibliography.filter((entry) => cited.has(String(entry.id)) || random() < 0.05);
  if (random() < 0.5) entries = mutateValue(entries, random);
  let json = JSON.stringify(entries, null, random() < 0.5 ? 2 : undefined);
  if (random() < 0.15) json = mutateText(json, random, ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', '1e5', '\n'], 1 + Math.floor(random() * 3));
  return { manuscript: mutatedFrontMatter + mutatedBody + '\n', bibliography: json };
}

function writeCase(seed: number, input: FuzzInput): string {
  const dir = path.join(work, `case-${seed}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'refs.json'), input.bibliography);
  const file = path.join(dir, 'paper.md');
  writeFileSync(file, input.manuscript);
  return file;
}

describe('fuzzing the default manuscript and its bibliography', () => {
  it(`survives ${inProcessCases} mutated manuscripts in-process (seeds ${firstSeed}…${firstSeed + inProcessCases - 1})`, { timeout: 60 * 60_000 }, async () => {
    const outcomes = { built: 0, messages: 0 };
    for (let seed = firstSeed; seed < firstSeed + inProcessCases; seed++) {
      const file = writeCase(seed, fuzzCase(seed));
      const started = Date.now();
      let model;
      try {
        model = await buildDocument({ input: file });
        if (!model.file.messages.some((m) => m.fatal)) renderHtmlPage(model, {});
      } catch (error) {
        throw new Error(`seed ${seed}: an exception escaped: ${(error as Error)?.stack ?? String(error)}`);
      }
      const took = Date.now() - started;
      expect(took, `seed ${seed} took ${took} ms`).toBeLessThan(caseLimitMs);
      for (const message of model.file.messages) {
        const where = `seed ${seed}: ${message.reason}`;
        expect(known.has(message.ruleId ?? ''), `${where} has the unknown rule id ${message.ruleId}`).toBe(true);
        expect(message.ruleId, where).not.toBe(rules.internalError);
        if (message.place) {
          const point = 'start' in message.place ? message.place.start : message.place;
          expect(point.line >= 1 && point.column >= 1, where).toBe(true);
        }
      }
      if (model.file.messages.some((m) => m.fatal)) outcomes.messages++;
      else outcomes.built++;
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
    // Both outcomes occur: the mutations neither always break nor never touch the input.
    expect(outcomes.built).toBeGreaterThan(inProcessCases / 20);
    expect(outcomes.messages).toBeGreaterThan(inProcessCases / 20);
  });

  it(`survives ${cliCases} mutated manuscripts through the command`, { timeout: 30 * 60_000 }, () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run compile\` first`);
    const seen = new Set<number>();
    for (let seed = 1_000_000 + firstSeed; seed < 1_000_000 + firstSeed + cliCases; seed++) {
      const file = writeCase(seed, fuzzCase(seed));
      const dir = path.dirname(file);
      const result = spawnSync(process.execPath, [cli, 'build', 'paper.md', '--format', 'html', '--out', 'out'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: caseLimitMs * 3,
      });
      const report = `seed ${seed}: exit ${result.status}\n${result.stderr}`;
      expect([0, 1, 2], report).toContain(result.status);
      seen.add(result.status ?? -1);
      expect(result.stderr, report).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.stderr, report).not.toContain('internal-error');
      // Every line is a message in the house form, or a hint indented under one.
      for (const line of result.stderr.split('\n').filter(Boolean)) {
        if (line.startsWith('    ')) continue;
        expect(line, report).toMatch(/^(?:\S.*?(?::\d+:\d+)?|colophon:.*)  (?:warning: )?.+  [a-z][a-z0-9-]+$/);
      }
      // A failed build leaves no output folder behind (it made it, and takes it away again).
      if (result.status !== 0) expect(existsSync(path.join(dir, 'out')), report).toBe(false);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen.has(0) || seen.has(1)).toBe(true);
  });
});
