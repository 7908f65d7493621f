/**
 * The citation cache: a text-only edit is answered from disk without
 * running citeproc-js; an edit of a citation, an item or the style always
 * shows; the output is byte-identical with and without the cache. Also the
 * batched processing of long documents, against one whole rebuild.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCitationCache, type CitationCache } from '../src/cache/index.js';
import { runCiteproc, type CiteprocRequest } from '../src/cite/process.js';
import { hashedText, referenceHash } from '../src/cache/quick-hash.js';
import { buildDocument } from '../src/document.js';
import { toHtml } from 'hast-util-to-html';
import { manuscript, references } from './helpers/manuscript.js';

const require = createRequire(import.meta.url);
const CSL = require('citeproc') as { Engine: { prototype: Record<string, (...args: unknown[]) => unknown> } };
const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

const front = 'title: Cached\nlang: en-GB\nbibliography: refs.json\ncsl: chicago-note-bibliography-with-ibid';
const text = [
  'Readmission was debated [@morehouse2011, p. 4].',
  'The figures differ [see @yunusov2009; @guild2009, 193].',
  'Again the same source [@yunusov2009, 12].',
  'Once more [@yunusov2009, 13].',
  'A remark.[^a]',
  '',
  '[^a]: As @safarov2012 reports, talks went on.',
].join('\n');

const tempCache = () => openCitationCache(mkdtempSync(path.join(tmpdir(), 'colophon-cache-')));
const notesOf = async (input: string, cache?: CitationCache, style?: string) => {
  const model = await buildDocument({ input, cache, style });
  return { model, html: toHtml(model.body), notes: model.notes.map((note) => toHtml(note.children)) };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('citation cache', () => {
  it('answers a text-only edit from disk, without citeproc', async () => {
    const input = manuscript(front, text);
    const cache = tempCache();
    const first = await notesOf(input, cache);
    expect(cache.stats).toEqual({ hits: 0, misses: 1 });
    expect(readdirSync(cache.dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    writeFileSync(input, readFileSync(input, 'utf8').replace('Readmission was debated', 'Readmission was hotly debated'));
    const rebuild = vi.spyOn(CSL.Engine.prototype, 'rebuildProcessorState');
    const bibliography = vi.spyOn(CSL.Engine.prototype, 'makeBibliography');
    const second = await notesOf(input, cache);
    expect(rebuild).not.toHaveBeenCalled();
    expect(bibliography).not.toHaveBeenCalled();
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
    expect(second.html).toContain('Readmission was hotly debated');
    expect(second.notes).toEqual(first.notes);
    expect(toHtml(second.model.bibliography!)).toBe(toHtml(first.model.bibliography!));
  });

  it('never serves a stale note after an edit of a citation, an item or the style', async () => {
    const input = manuscript(front, text);
    const refsFile = path.join(path.dirname(input), 'refs.json');
    const cache = tempCache();
    const before = await notesOf(input, cache);
    expect(before.notes[0]).toContain('Irregular Migration in Europe');
    expect(before.notes[0]).toMatch(/, 4\./);

    // A locator changes.
    writeFileSync(input, readFileSync(input, 'utf8').replace('[@morehouse2011, p. 4]', '[@morehouse2011, p. 47]'));
    const rebuild = vi.spyOn(CSL.Engine.prototype, 'rebuildProcessorState');
    const locator = await notesOf(input, cache);
    expect(rebuild).toHaveBeenCalledTimes(1);
    expect(locator.notes[0]).toMatch(/, 47\./);
    const fresh = await notesOf(input);
    expect(locator.notes).toEqual(fresh.notes);

    // An item's title changes in the bibliography.
    const changed = references.map((r) => (r.id === 'morehouse2011' ? { ...r, title: 'Irregular Migration in the Union' } : r));
    writeFileSync(refsFile, JSON.stringify(changed));
    const item = await notesOf(input, cache);
    expect(item.notes[0]).toContain('Irregular Migration in the Union');
    expect(toHtml(item.model.bibliography!)).toContain('Irregular Migration in the Union');
    expect(toHtml(item.model.bibliography!)).not.toContain('Irregular Migration in Europe');

    // The style changes: a copy of the style file, edited.
    const styleFile = path.join(path.dirname(input), 'mine.csl');
    const chicago = (await import('../src/load/styles.js')).resolveStyle;
    const resolved = await chicago('chicago-note-bibliography-with-ibid', { baseDir: path.dirname(input) });
    if (!resolved.ok) throw new Error(resolved.reason);
    writeFileSync(styleFile, resolved.style.xml);
    const styled = await notesOf(input, cache, styleFile);
    expect(styled.notes).toEqual(item.notes);
    (await import('../src/load/styles.js')).forgetStyleReads();
    writeFileSync(styleFile, resolved.style.xml.replace('</info>', '</info>\n  <locale><terms><term name="ibid">idem</term></terms></locale>'));
    const edited = await notesOf(input, cache, styleFile);
    const uncached = await notesOf(input, undefined, styleFile);
    expect(edited.notes).toEqual(uncached.notes);
    expect(edited.notes.join('\n')).toMatch(/Idem/);
    expect(item.notes.join('\n')).toMatch(/Ibid/);
  });

  it('writes byte-identical editions with and without the cache', () => {
    const input = manuscript(front, text);
    const dir = path.dirname(input);
    const env = { ...process.env, COLOPHON_CACHE_DIR: path.join(dir, 'cache') };
    const run = (out: string, ...flags: string[]) => {
      const result = spawnSync(process.execPath, [bin, 'build', 'input.md', '--format', 'html', '--out', out, '-q', ...flags], { cwd: dir, encoding: 'utf8', env });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return readFileSync(path.join(dir, out, 'input.html'));
    };
    const none = run('none', '--no-cache');
    expect(() => readdirSync(path.join(dir, 'cache'))).toThrow();
    const filled = run('filled');
    const served = run('served');
    expect(readdirSync(path.join(dir, 'cache', 'citations'))).toHaveLength(1);
    expect(filled.equals(none)).toBe(true);
    expect(served.equals(none)).toBe(true);
  });
});

describe('citation cache entries', () => {
  it('serve only the request they hold: two requests of one name get their own answers, never the other\'s', async () => {
    const input = manuscript(front, text);
    // Every request gets the same file name, as if the hash had collided.
    const cache = openCitationCache(mkdtempSync(path.join(tmpdir(), 'colophon-cache-')), { nameOf: () => 'same' });
    const first = await notesOf(input, cache);
    expect(cache.stats).toEqual({ hits: 0, misses: 1 });
    expect(readdirSync(cache.dir)).toEqual(['same.json']);
    const stored = JSON.parse(readFileSync(path.join(cache.dir, 'same.json'), 'utf8')) as { format: number; request: string[]; result: { clusters: unknown[] } };
    expect(stored.request.some((part) => part.includes('<style'))).toBe(true);
    expect(stored.result.clusters.length).toBeGreaterThan(0);

    writeFileSync(input, readFileSync(input, 'utf8').replace('[@morehouse2011, p. 4]', '[@morehouse2011, p. 47]'));
    const rebuild = vi.spyOn(CSL.Engine.prototype, 'rebuildProcessorState');
    const second = await notesOf(input, cache);
    // The stored entry answers another request: a miss, and citeproc-js runs.
    expect(cache.stats).toEqual({ hits: 0, misses: 2 });
    expect(rebuild).toHaveBeenCalledTimes(1);
    expect(second.notes[0]).toMatch(/, 47\./);
    expect(second.notes).toEqual((await notesOf(input)).notes);
    expect(second.notes).not.toEqual(first.notes);

    // The same request again is a hit.
    const third = await notesOf(input, cache);
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
    expect(third.notes).toEqual(second.notes);
  });

  it('are not served when damaged or cut short', async () => {
    const input = manuscript(front, text);
    const cache = openCitationCache(mkdtempSync(path.join(tmpdir(), 'colophon-cache-')), { nameOf: () => 'entry' });
    const first = await notesOf(input, cache);
    const entry = path.join(cache.dir, 'entry.json');
    const whole = readFileSync(entry, 'utf8');
    for (const damaged of [whole.slice(0, -1), whole.replace('"result":', '"result" :'), whole.replace('<style', '<styl3'), `${whole} `]) {
      writeFileSync(entry, damaged);
      const again = await notesOf(input, cache);
      expect(again.notes).toEqual(first.notes);
    }
    expect(cache.stats.hits).toBe(0);
    expect(cache.stats.misses).toBe(5);
  });
});

describe('the quick hash that names an entry', () => {
  it('is the same in WebAssembly and in JavaScript, over UTF-8, for texts of every length', () => {
    const texts = ['', 'a', 'abcdefgh', 'abcdefghi', 'é中😀'.repeat(50), 'x'.repeat(70_000 * 3 + 5), readFileSync(path.join(import.meta.dirname, '..', 'templates', 'csl', 'carim-note.csl'), 'utf8')];
    const names = new Set<string>();
    for (const text of texts) {
      const wasm = hashedText(text);
      expect(wasm.hash).toMatch(/^[0-9a-f]{16}$/);
      expect(wasm.bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
      const padded = Buffer.alloc(wasm.bytes.length + 8);
      wasm.bytes.copy(padded);
      expect(wasm.hash).toBe(referenceHash(padded, wasm.bytes.length).toString(16).padStart(16, '0'));
      expect(hashedText(text, { wasm: false }).hash).toBe(wasm.hash);
      names.add(wasm.hash);
    }
    expect(names.size).toBe(texts.length);
    expect(hashedText('a\u0000').hash).not.toBe(hashedText('a').hash);
  });
});

describe('batched citation processing', () => {
  /** A long manuscript with ibid runs, locators, several items a cluster, narrative citations and notes. */
  function longText(count: number): string {
    const keys = references.map((r) => r.id);
    let seed = 11;
    const pick = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % k);
    const lines: string[] = [];
    const notes: string[] = [];
    let previous = keys[0];
    for (let i = 0; i < count; i++) {
      const a = pick(3) === 0 ? previous : keys[pick(keys.length)];
      const b = keys[pick(keys.length)];
      previous = a;
      const forms = [`[@${a}]`, `[@${a}, p. ${pick(5) + 1}]`, `[see @${a}; @${b}, 12]`, `@${a} [p. ${pick(9) + 1}]`, `[-@${a}, 3]`];
      if (pick(6) === 0) {
        lines.push(`Noted ${i}.[^n${i}]`);
        notes.push(`[^n${i}]: Citing @${a} and [@${b}, p. 2].`);
      } else lines.push(`Sentence ${i} ${forms[pick(forms.length)]}.`);
    }
    return `${lines.join(' ')}\n\n${notes.join('\n\n')}`;
  }

  for (const style of ['chicago-note-bibliography-with-ibid', 'carim-note', 'chicago-author-date', 'vancouver']) {
    it(`gives what one rebuild gives (${style})`, async () => {
      const input = manuscript(`title: Long\nbibliography: refs.json\ncsl: ${style}`, longText(100));
      let request: CiteprocRequest | undefined;
      const capture: CitationCache = { dir: '', stats: { hits: 0, misses: 0 }, get: (r) => void (request = r), set: () => undefined };
      await buildDocument({ input, cache: capture });
      expect(request!.citations.length).toBeGreaterThan(90);
      const whole = runCiteproc(structuredClone(request!), { threshold: Infinity });
      for (const batch of [1, 7, 40]) expect(runCiteproc(structuredClone(request!), { threshold: 0, batch })).toEqual(whole);
      // The positions really vary: ibid and later forms both occur in note styles.
      const all = whole.clusters.map(([, html]) => html).join('\n');
      if (style.includes('ibid')) expect(all).toMatch(/Ibid/);
      expect(new Set(whole.clusters.map(([, html]) => html)).size).toBeGreaterThan(style.includes('note') ? 10 : 1);
    });
  }
});
