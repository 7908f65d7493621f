/**
 * The order of a build's work, which is about speed, changes no byte: the
 * ebook written while the browser prints equals the ebook of an EPUB-only
 * build (which paginates for its page list alone), and Puppeteer run from
 * its own bundle (`build/colophon-browser.cjs`, with its code cache) prints
 * the same PDF as the compiled modules with Puppeteer from node_modules,
 * as does a package whose Puppeteer bundle is damaged (the print edition's
 * own code still from its part, `build/colophon-print.cjs`). The web page written
 * while the browser lays out pages is the same with and without an ebook,
 * and a build with V8's optimising compiler from the start writes the
 * same bytes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser.js';
import { manuscript } from './helpers/manuscript.js';
import { packageCopy } from './helpers/package-copy.js';
import { requireTool } from './helpers/tools.js';

const root = path.join(import.meta.dirname, '..');
const launcher = path.join(root, 'bin', 'colophon.cjs');
const compiled = path.join(root, 'build', 'src', 'cli', 'bin.js');
const haveBundles = existsSync(path.join(root, 'build', 'colophon.cjs')) && existsSync(path.join(root, 'build', 'colophon-browser.cjs'));
if (!haveBundles && process.env.CI === 'true') throw new Error('build/colophon.cjs or build/colophon-browser.cjs is missing: run `npm run compile`');
if (!haveBundles) console.warn('skipped: no bundles in build/ (run `npm run compile`)');
const hasBrowser = requireTool('Chromium', (await findBrowser().catch(() => null)) !== null, 'the start-up order tests are skipped');

const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} on readmission and migration, long enough to fill some lines of a page [@morehouse2011, p. ${i + 1}].`);

function run(entry: string, cwd: string, out: string, formats: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [entry, 'build', 'input.md', '--format', formats, '--out', out, '--no-cache', '-q'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', COLOPHON_TIMINGS: '', ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  const read = (ext: string) => (existsSync(path.join(cwd, out, `input.${ext}`)) ? readFileSync(path.join(cwd, out, `input.${ext}`)) : null);
  return { pdf: read('pdf'), epub: read('epub'), html: read('html'), files: readdirSync(path.join(cwd, out)).sort() };
}

describe.runIf(haveBundles && hasBrowser)('start-up order', () => {
  it('writes the same ebook during the print as without a print edition, and the same PDF from the bundles', () => {
    const input = manuscript('title: Order\nbibliography: refs.json\ncsl: chicago-note-bibliography', paragraphs.join('\n\n'));
    const dir = path.dirname(input);
    const all = run(launcher, dir, 'all', 'html,epub,pdf');
    expect(all.files).toEqual(['input.epub', 'input.html', 'input.pdf', 'input_files']);
    const epubOnly = run(launcher, dir, 'epub', 'epub');
    expect(epubOnly.files).toEqual(['input.epub']);
    expect(all.epub?.equals(epubOnly.epub as Buffer)).toBe(true);
    // The page list is there (the ebook knows where the print's pages start).
    const nav = strFromU8(unzipSync(new Uint8Array(all.epub as Buffer))['EPUB/nav.xhtml']);
    expect(nav).toMatch(/epub:type="page-list"[\s\S]*href="[a-z]+\.xhtml#page-2">2</);
    const plain = run(compiled, dir, 'plain', 'html,epub,pdf');
    expect(all.pdf?.equals(plain.pdf as Buffer)).toBe(true);
    expect(all.epub?.equals(plain.epub as Buffer)).toBe(true);
    expect(all.html?.toString()).toBe(plain.html?.toString());
    // The web page, written while the browser lays out pages, is that of a build without an ebook.
    const htmlPdf = run(launcher, dir, 'html-pdf', 'html,pdf');
    expect(htmlPdf.html?.toString()).toBe(all.html?.toString());
    // With V8's optimising compiler from the start (bin/colophon.cjs holds it back in short builds), the same bytes.
    const optimised = run(launcher, dir, 'optimised', 'html,epub,pdf', { COLOPHON_OPTIMISER: '1' });
    expect(optimised.pdf?.equals(all.pdf as Buffer)).toBe(true);
    expect(optimised.epub?.equals(all.epub as Buffer)).toBe(true);
    expect(optimised.html?.toString()).toBe(all.html?.toString());

    // A damaged Puppeteer bundle: Puppeteer from node_modules prints the same
    // (the print code, and the parts it shares modules with, from their bundles).
    const linked = (JSON.parse(readFileSync(path.join(root, 'build', 'colophon-bundles.json'), 'utf8')) as { linked: string[] }).linked;
    expect(linked).toContain('print');
    const pkg = packageCopy(['colophon.cjs', ...linked.map((part) => `colophon-${part}.cjs`)]);
    writeFileSync(path.join(pkg, 'build', 'colophon-browser.cjs'), 'this is not JavaScript {');
    const damaged = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'damaged', 'pdf');
    expect(damaged.pdf?.equals(plain.pdf as Buffer)).toBe(true);
    // The print part, from its own code cache (written by that build).
    expect(existsSync(path.join(pkg, 'build', `colophon-print-${process.version}-${process.arch}.v8cache`))).toBe(true);
  }, 180_000);
});

describe.runIf(hasBrowser)('the browser', () => {
  it('is on its way before the manuscript is read, parsed and cited, which hold the event loop', () => {
    const input = manuscript('title: Early\nbibliography: refs.json\ncsl: chicago-note-bibliography', paragraphs.slice(0, 10).join('\n\n'));
    for (const entry of haveBundles ? [launcher, compiled] : [compiled]) {
      const result = spawnSync(process.execPath, [entry, 'build', 'input.md', '--format', 'pdf', '--out', 'early', '--no-cache', '-q'], {
        cwd: path.dirname(input),
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, COLOPHON_TIMINGS: '1' },
      });
      expect(result.status, result.stderr).toBe(0);
      const steps = result.stderr.split('\n').flatMap((line) => /colophon timing\s+[\d.]+ ms\s+\(\+[\d.]+\)\s+(.*)/.exec(line)?.[1] ?? []);
      const at = (step: string) => steps.indexOf(step);
      expect(at('browser launching'), steps.join('; ')).toBeGreaterThan(-1);
      expect(at('browser launching'), steps.join('; ')).toBeLessThan(at('manuscript read (front matter)'));
    }
  }, 120_000);
});

describe.runIf(haveBundles)("a rebuild's start", () => {
  it("loads none of Node's modules that a cached web page build does not use", () => {
    // Node's modules cost about a millisecond each to set up; a cached
    // rebuild of a web page reads and writes files synchronously, so
    // `node:fs/promises` (and the readline and file-watching modules it
    // loads) must not be set up because some module imports it.
    const input = manuscript('title: Start\nbibliography: refs.json\ncsl: chicago-note-bibliography', paragraphs.slice(0, 5).join('\n\n'));
    const dir = path.dirname(input);
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, process.moduleLoadList.join('\\n')));\n");
    const build = (out: string) => {
      const result = spawnSync(process.execPath, ['-r', probe, launcher, 'build', 'input.md', '--format', 'html', '--out', out, '-q'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, COLOPHON_CACHE_DIR: path.join(dir, 'cache'), PROBE_OUT: path.join(dir, `${out}.modules`), COLOPHON_TIMINGS: '' },
      });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(path.join(dir, `${out}.modules`), 'utf8').split('\n');
    };
    build('first');
    const loaded = build('again');
    // The probe itself reads with node:fs, and the build did its work (the bundle ran, through node:vm).
    expect(loaded).toContain('NativeModule vm');
    for (const unused of ['fs/promises', 'internal/fs/promises', 'internal/readline/interface', 'worker_threads', 'child_process', 'net', 'http']) expect(loaded).not.toContain(`NativeModule ${unused}`);
    expect(readFileSync(path.join(dir, 'again', 'input.html'), 'utf8')).toContain('Paragraph 4 on readmission');
  });

  it('walks trees without naming a function after every node (scripts/bundle.mjs packageEdits)', () => {
    // unist-util-visit-parents names each node's visit function for stack traces; the bundle leaves that out.
    const source = readFileSync(path.join(root, 'node_modules', 'unist-util-visit-parents', 'lib', 'index.js'), 'utf8');
    expect(source).toContain("'node (' + color(");
    const bundled = readdirSync(path.join(root, 'build')).filter((name) => name.endsWith('.cjs'));
    expect(bundled).toContain('colophon.cjs');
    for (const name of bundled) expect(readFileSync(path.join(root, 'build', name), 'utf8')).not.toContain('"node ("');
  });
});
