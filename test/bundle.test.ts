/**
 * The fast cold CLI (`bin/colophon.cjs`): the bundle, run from its V8 code
 * cache, writes the same bytes as the compiled modules; a stale or broken
 * cache, a damaged Puppeteer bundle, or no bundle at all, is no error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript } from './helpers/manuscript.js';
import { packageCopy } from './helpers/package-copy.js';
import { paginatorBuildOptions, prebuiltPaginator } from '../src/pdf/bundle.js';

const root = path.join(import.meta.dirname, '..');
const launcher = path.join(root, 'bin', 'colophon.cjs');
const bundle = path.join(root, 'build', 'colophon.cjs');
const compiled = path.join(root, 'build', 'src', 'cli', 'bin.js');
const haveBundle = existsSync(bundle);
if (!haveBundle && process.env.CI === 'true') throw new Error('build/colophon.cjs is missing: run `npm run compile`');
if (!haveBundle) console.warn('skipped: no build/colophon.cjs (run `npm run compile`)');

const text = 'Migration was debated [@morehouse2011, p. 4].\n\nAgain [@morehouse2011, p. 5].[^a]\n\n[^a]: As @yunusov2009 says.';

function run(entry: string, cwd: string, out: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [entry, 'build', 'input.md', '--format', 'html,epub', '--out', out, '--no-cache', '--browser', path.join(cwd, 'none')], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return { html: readFileSync(path.join(cwd, out, 'input.html')), epub: readFileSync(path.join(cwd, out, 'input.epub')), stdout: result.stdout };
}

describe.runIf(haveBundle)('the bundled CLI', () => {
  it('writes the same bytes as the compiled modules', () => {
    const input = manuscript('title: Bundled\nbibliography: refs.json\ncsl: chicago-note-bibliography', text);
    const dir = path.dirname(input);
    const plain = run(compiled, dir, 'plain');
    const fast = run(launcher, dir, 'fast');
    const again = run(launcher, dir, 'again');
    expect(fast.html.equals(plain.html)).toBe(true);
    expect(fast.epub.equals(plain.epub)).toBe(true);
    expect(again.html.equals(plain.html)).toBe(true);
    expect(fast.html.toString()).toContain('Irregular Migration in Europe');
    expect(fast.stdout).toMatch(/wrote plain|wrote fast/);
  });

  it('runs with a stale or broken code cache, and without a bundle', () => {
    // A copy of the package whose build/ holds the bundle and a broken cache.
    const pkg = packageCopy(['colophon.cjs']);
    const cacheFile = path.join(pkg, 'build', `colophon-${process.version}-${process.arch}.v8cache`);
    writeFileSync(cacheFile, 'not a code cache');
    // A damaged Puppeteer part and a damaged citeproc part: the packages come from node_modules instead.
    writeFileSync(path.join(pkg, 'build', 'colophon-browser.cjs'), 'this is not JavaScript {');
    writeFileSync(path.join(pkg, 'build', 'colophon-citeproc.cjs'), 'module.exports = {};');

    const input = manuscript('title: Stale\nbibliography: refs.json', text);
    const dir = path.dirname(input);
    const reference = run(compiled, dir, 'reference');
    const stale = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'stale');
    expect(stale.html.equals(reference.html)).toBe(true);
    // The broken cache was replaced by a real one after the build.
    expect(readFileSync(cacheFile).length).toBeGreaterThan(10_000);
    const warm = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'warm');
    expect(warm.html.equals(reference.html)).toBe(true);
    const unbundled = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'unbundled', { COLOPHON_NO_BUNDLE: '1' });
    expect(unbundled.html.equals(reference.html)).toBe(true);
    expect(readdirSync(path.join(dir, 'unbundled')).sort()).toEqual(['input.epub', 'input.html', 'input_files']);
  });

  it('runs the compiled modules under --debug, whose stack traces name the functions as written', () => {
    const input = manuscript('title: Debugged\nbibliography: refs.json', text);
    const dir = path.dirname(input);
    const steps = (args: string[]) => {
      const result = spawnSync(process.execPath, [launcher, 'build', 'input.md', '--format', 'html', '--out', 'debugged', '--no-cache', '-q', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, COLOPHON_TIMINGS: '1' },
      });
      expect(result.status, result.stderr).toBe(0);
      return result.stderr;
    };
    expect(steps([])).toContain('bundle compiled');
    const debugged = steps(['--debug']);
    expect(debugged).not.toContain('bundle');
    expect(debugged).toContain('web page written');
    // The bundle's own code has shortened local names; the compiled modules keep them.
    expect(readFileSync(bundle, 'latin1')).not.toContain('function buildHtmlPage(');
    expect(readFileSync(path.join(root, 'build', 'src', 'web', 'page.js'), 'utf8')).toContain('function buildHtmlPage(');
  });
});

describe.runIf(haveBundle)('the parts loaded on demand', () => {
  const part = (name: string) => readFileSync(path.join(root, 'build', `colophon-${name}.cjs`), 'latin1');

  it('leave citeproc-js, Temml, the font subsetter and zod out of the main bundle', () => {
    const main = readFileSync(bundle, 'latin1');
    for (const id of ['citeproc', 'temml', 'subset-font', 'zod']) expect(main).toContain(`require("${id}")`);
    // Their code is in their parts, and only there.
    // (Tested without printing a bundle: a failure says which.)
    const engine = /CSL\.Engine\s*=\s*function/;
    expect({ part: engine.test(part('citeproc')), main: engine.test(main) }).toEqual({ part: true, main: false });
    const temml = /renderToString\s*=\s*function/;
    expect({ part: temml.test(part('math')), main: temml.test(main) }).toEqual({ part: true, main: false });
    expect({ part: part('math-font').includes('harfbuzz-subset.wasm'), main: main.includes('harfbuzz-subset.wasm') }).toEqual({ part: true, main: false });
    const zod = /ZodString/;
    expect({ part: zod.test(part('checks')), main: zod.test(main) }).toEqual({ part: true, main: false });
  });

  it('give a document with formulas the same bytes as the compiled modules, and without their parts', () => {
    const input = manuscript('title: Formulas\nbibliography: refs.json', `${text}\n\nEnergy $E = mc^2$ and $\\alpha + \\beta$.\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$`);
    const dir = path.dirname(input);
    const plain = run(compiled, dir, 'plain');
    const fast = run(launcher, dir, 'fast');
    expect(fast.html.equals(plain.html)).toBe(true);
    expect(fast.epub.equals(plain.epub)).toBe(true);
    expect(fast.html.toString()).toContain('<math');
    expect(readdirSync(path.join(dir, 'fast', 'input_files'))).toContain('texgyretermes-math.woff2');

    // A package without its part comes from node_modules.
    const pkg = packageCopy(['colophon.cjs']);
    const partless = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'partless');
    expect(partless.html.equals(plain.html)).toBe(true);
    expect(partless.epub.equals(plain.epub)).toBe(true);
  });
});

describe.runIf(haveBundle)('a failed build', () => {
  it('words its problems as the compiled modules do, and writes only the missing cache of the part it loaded', () => {
    const pkg = packageCopy(['colophon.cjs', 'colophon-checks.cjs']);
    const cache = (name: string) => path.join(pkg, 'build', `colophon${name}-${process.version}-${process.arch}.v8cache`);

    const input = manuscript('title: [1, 2]\ntoc: maybe\nbibliography: refs.json', text);
    const dir = path.dirname(input);
    const build = (entry: string, out: string) =>
      spawnSync(process.execPath, [entry, 'build', 'input.md', '--format', 'html', '--out', out, '--no-cache'], { cwd: dir, encoding: 'utf8' });
    const plain = build(compiled, 'plain');
    const fast = build(path.join(pkg, 'bin', 'colophon.cjs'), 'fast');
    expect(plain.status).toBe(1);
    expect(fast.status).toBe(1);
    expect(fast.stderr).toBe(plain.stderr);
    expect(fast.stderr).toContain('input.md:2:1  front matter: `title`');
    // The checks part (zod) was loaded and its cache written; the main bundle's was not.
    expect(existsSync(cache('-checks'))).toBe(true);
    expect(existsSync(cache(''))).toBe(false);
  });
});

describe('the print paginator bundled at install', () => {
  const prebuilt = path.join(root, 'build', 'paginator.js');
  const compiledEntry = path.join(root, 'build', 'src', 'pdf', 'paginator', 'index.js');
  it.runIf(existsSync(compiledEntry))('is what esbuild makes of the compiled paginator, and is read instead of bundling it again', async () => {
    if (process.env.CI === 'true') expect(existsSync(prebuilt)).toBe(true);
    const { build } = await import('esbuild');
    const made = await build({ ...paginatorBuildOptions(compiledEntry), write: false });
    expect(readFileSync(prebuilt, 'utf8')).toBe(made.outputFiles[0]?.text);
    expect(prebuiltPaginator(compiledEntry)).toBe(made.outputFiles[0]?.text);
  });

  it('is left for esbuild when it is older than the paginator, missing, or the modules are the sources', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-paginator-'));
    const modules = path.join(dir, 'build', 'src', 'pdf', 'paginator');
    mkdirSync(modules, { recursive: true });
    const entry = path.join(modules, 'index.js');
    writeFileSync(entry, 'export {};');
    writeFileSync(path.join(modules, 'lines.js'), 'export {};');
    const file = path.join(dir, 'build', 'paginator.js');
    writeFileSync(file, 'var colophonPaginate;');
    const past = new Date(Date.now() - 60_000);
    utimesSync(entry, past, past);
    utimesSync(path.join(modules, 'lines.js'), past, past);
    expect(prebuiltPaginator(entry)).toBe('var colophonPaginate;');
    // A paginator module compiled after the bundle: the bundle is stale.
    utimesSync(path.join(modules, 'lines.js'), new Date(), new Date(Date.now() + 60_000));
    expect(prebuiltPaginator(entry)).toBeNull();
    rmSync(file);
    expect(prebuiltPaginator(entry)).toBeNull();
    // Run from the TypeScript sources (tsx, vitest): always bundled afresh.
    expect(prebuiltPaginator(path.join(root, 'src', 'pdf', 'paginator', 'index.ts'))).toBeNull();
  });
});
