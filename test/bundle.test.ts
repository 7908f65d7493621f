/**
 * The fast cold CLI (`bin/colophon.cjs`): the bundle, run from its V8 code
 * cache, writes the same bytes as the compiled modules; a stale or broken
 * cache, a damaged Puppeteer bundle, a missing or damaged part, or no
 * bundle at all, is no error. What only some builds run is in parts, each
 * module in one bundle only, read (with a code cache of its own) only by
 * the builds that run it.
 */
import { spawn, spawnSync } from 'node:child_process';
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
/** Which modules each bundle holds, and the parts that share modules with others (scripts/bundle.mjs). */
const layout = (haveBundle ? JSON.parse(readFileSync(path.join(root, 'build', 'colophon-bundles.json'), 'utf8')) : { linked: [], bundles: {} }) as {
  linked: string[];
  bundles: Record<string, string[]>;
};
/** The main bundle and the parts it cannot do without (a missing one: the compiled modules run). */
const mainAndLinked = ['colophon.cjs', ...layout.linked.map((part) => `colophon-${part}.cjs`)];
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
    const pkg = packageCopy(mainAndLinked);
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

  it('never runs a rebuilt bundle of the same length from the old one\'s code cache', () => {
    // V8 checks a code cache against the source's length only: the
    // launcher keeps each cache for the stamp of the text it was made from.
    const pkg = packageCopy(mainAndLinked);
    const file = path.join(pkg, 'build', 'colophon.cjs');
    const input = manuscript('title: Rebuilt\nbibliography: refs.json', text);
    const steps = () => {
      const result = spawnSync(process.execPath, [path.join(pkg, 'bin', 'colophon.cjs'), 'build', input, '--format', 'html', '--out', path.join(path.dirname(input), 'out'), '--no-cache', '-q'], {
        encoding: 'utf8',
        env: { ...process.env, COLOPHON_TIMINGS: '1' },
      });
      expect(result.status, result.stderr).toBe(0);
      return result.stderr;
    };
    expect(steps()).toContain('bundle compiled (no code cache)');
    expect(steps()).toContain('bundle compiled (from the code cache)');
    // Another build of the bundle: one label changed, the same length, another stamp.
    const before = readFileSync(file, 'latin1');
    const after = before.replace('"web page written"', '"web page Written"').replace(/\/\*colophon-text:[0-9a-f]{16}\*\//, '/*colophon-text:0123456789abcdef*/');
    expect(after.length).toBe(before.length);
    expect(after).not.toBe(before);
    writeFileSync(file, after, 'latin1');
    const rebuilt = steps();
    expect(rebuilt).toContain('bundle compiled (no code cache)');
    expect(rebuilt).toContain('web page Written');
    expect(rebuilt).not.toContain('web page written');
    // Its own cache is written, and read by the next build.
    expect(steps()).toContain('bundle compiled (from the code cache)');
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
    const pkg = packageCopy(mainAndLinked);
    const partless = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, 'partless');
    expect(partless.html.equals(plain.html)).toBe(true);
    expect(partless.epub.equals(plain.epub)).toBe(true);
  });
});

describe.runIf(haveBundle)('the parts of the package\'s own code', () => {
  const bundleFiles = readdirSync(path.join(root, 'build')).filter((name) => /^colophon(-[\w-]+)?\.cjs$/.test(name) && name !== 'colophon-worker.cjs');
  const read = (name: string) => readFileSync(path.join(root, 'build', name), 'latin1');
  /** The bundles whose code holds `pattern` (tested without printing a bundle: a failure says which). */
  const holders = (pattern: RegExp) => bundleFiles.filter((name) => pattern.test(read(name))).sort();

  it('hold each module in one bundle only, and the editions, preview and series outside the main bundle', () => {
    const seen = new Map<string, string[]>();
    for (const [bundle, ids] of Object.entries(layout.bundles)) for (const id of ids) seen.set(id, [...(seen.get(id) ?? []), bundle]);
    const twice = [...seen].filter(([, bundles]) => bundles.length > 1);
    expect(twice).toEqual([]);
    expect(Object.keys(layout.bundles).sort()).toEqual(['main', ...bundleFiles.filter((name) => name !== 'colophon.cjs').map((name) => name.slice('colophon-'.length, -'.cjs'.length))].sort());
    const main = layout.bundles.main;
    expect(main).toContain('src/build.ts');
    expect(main).toContain('node_modules/vfile-message/lib/index.js');
    expect(main.filter((id) => /^src\/(epub|pdf|preview|series)\/|^src\/browser\.ts$|^node_modules\/(parse5|fflate|hast-util-to-xast|xast-util-to-xml|hast-util-raw|hast-util-from-html)\//.test(id))).toEqual([]);
    expect(layout.bundles.epub).toContain('src/epub/index.ts');
    expect(layout.bundles.print).toContain('src/pdf/index.ts');
    expect(layout.bundles.html).toContain('node_modules/parse5/dist/index.js');
    // Read in the code itself (local names are shortened; exported names and text stay): one class of
    // messages, one list of work before exit, one timings store; each edition's code in its part.
    expect(holders(/ruleId:\{configurable:true,enumerable:true,writable:true\}/)).toEqual(['colophon.cjs']);
    expect(holders(/\bVFileMessage:\(\)=>/)).toEqual(['colophon.cjs']);
    expect(holders(/\bfinishBeforeExit:\(\)=>/)).toEqual(['colophon.cjs']);
    expect(holders(/\btiming:\(\)=>/)).toEqual(['colophon.cjs']);
    expect(holders(/\bwriteEpub:\(\)=>/)).toEqual(['colophon-epub.cjs']);
    expect(holders(/\brenderPdf:\(\)=>/)).toEqual(['colophon-print.cjs']);
    expect(holders(/\blaunchBrowser:\(\)=>/)).toEqual(['colophon-print.cjs']);
    expect(holders(/\brunPreview:\(\)=>/)).toEqual(['colophon-preview.cjs']);
    expect(holders(/\bbuildSeries:\(\)=>/)).toEqual(['colophon-series.cjs']);
    expect(holders(/control-character-in-input-stream/)).toEqual(['colophon-html.cjs']);
  });

  it('take every module they share from a bundle that gives it', () => {
    const main = read('colophon.cjs');
    // The main bundle's registry (its keys) and the parts' modules (the launcher's map).
    const defined = main.indexOf('globalThis.__colophonModule=');
    const registry = main.slice(main.lastIndexOf('{modules:{', defined), defined);
    const given = new Set([...registry.matchAll(/"([^"]+)":\(\)=>/g)].map((match) => match[1]));
    const partOf = JSON.parse(/^globalThis\.__colophonParts = (\{.*\});$/m.exec(main)?.[1] ?? '{}') as Record<string, string>;
    expect(given).toContain('node_modules/vfile-message/index.js');
    expect(given).toContain('src/messages.ts');
    for (const name of bundleFiles) {
      const taken = [...read(name).matchAll(/globalThis\.__colophon(?:Module|Import)\("([^"]+)"\)/g)].map((match) => match[1]);
      for (const id of taken) {
        const from = given.has(id) ? 'main' : partOf[id];
        expect({ id, in: name, from: from ?? null }).toEqual({ id, in: name, from: expect.any(String) });
        expect(layout.bundles[from as string]).toContain(id);
      }
    }
    // The linked parts take from the main bundle; the main bundle takes only the parts' modules it imports.
    expect(/__colophonModule\("src\/messages\.ts"\)/.test(read('colophon-epub.cjs'))).toBe(true);
    const mainTakes = [...main.matchAll(/globalThis\.__colophon(?:Module|Import)\("([^"]+)"\)/g)].map((match) => match[1]).sort();
    expect(mainTakes).toEqual(expect.arrayContaining(['src/epub/index.ts', 'src/pdf/index.ts', 'src/preview/cli.ts', 'src/series/index.ts']));
    expect(mainTakes.filter((id) => given.has(id) || partOf[id] === undefined)).toEqual([]);
  });

  it('are read only by the builds that run them, each from a code cache of its own', () => {
    const pkg = packageCopy(bundleFiles);
    const cache = (part: string) => path.join(pkg, 'build', `colophon${part ? `-${part}` : ''}-${process.version}-${process.arch}.v8cache`);
    const cached = () => bundleFiles.map((name) => name.slice('colophon'.length, -'.cjs'.length).replace(/^-/, '')).filter((part) => existsSync(cache(part))).sort();
    const input = manuscript('title: Parts\nbibliography: refs.json\ncsl: chicago-note-bibliography', text);
    const dir = path.dirname(input);
    const plain = run(compiled, dir, 'plain');
    const build = (out: string, formats: string) =>
      spawnSync(process.execPath, [path.join(pkg, 'bin', 'colophon.cjs'), 'build', 'input.md', '--format', formats, '--out', out, '--no-cache', '--browser', path.join(dir, 'none')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
      });
    // The web page: the main bundle and citeproc-js, none of the editions' parts.
    const web = build('web', 'html');
    expect(web.status, web.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'web', 'input.html')).equals(plain.html)).toBe(true);
    expect(cached()).toEqual(['', 'citeproc']);
    // The ebook (which lays out pages for its page list): its part and the print's, each with its cache.
    writeFileSync(cache(''), 'a stale cache');
    const both = build('both', 'html,epub');
    expect(both.status, both.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'both', 'input.epub')).equals(plain.epub)).toBe(true);
    expect(cached()).toEqual(expect.arrayContaining(['', 'citeproc', 'epub', 'print']));
    expect(cached()).not.toContain('preview');
    expect(cached()).not.toContain('series');
    expect(readFileSync(cache('')).length).toBeGreaterThan(10_000);
    // A broken cache of a part is replaced after the next build, which writes the same bytes.
    writeFileSync(cache('epub'), 'not a code cache');
    const again = build('again', 'html,epub');
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'again', 'input.epub')).equals(plain.epub)).toBe(true);
    expect(readFileSync(cache('epub')).length).toBeGreaterThan(10_000);
  });

  it('serve a preview from its part, with the web page the build writes, and write its cache when it stops', async () => {
    const pkg = packageCopy(bundleFiles);
    const input = manuscript('title: Previewed\nbibliography: refs.json\ncsl: chicago-note-bibliography', text);
    const dir = path.dirname(input);
    const child = spawn(process.execPath, [path.join(pkg, 'bin', 'colophon.cjs'), 'preview', 'input.md', '--no-cache', '-q'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = / at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (found) resolve(found[1]);
      });
      child.once('exit', (code) => reject(new Error(`preview ended (${code}): ${stderr}`)));
      setTimeout(() => reject(new Error(`no address in time: ${stderr}`)), 60_000);
    });
    const page = await (await fetch(url)).text();
    expect(page).toContain('Irregular Migration in Europe');
    expect(page).toContain('Previewed');
    const ended = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await ended, stderr).toBe(0);
    expect(existsSync(path.join(pkg, 'build', `colophon-preview-${process.version}-${process.arch}.v8cache`))).toBe(true);
  }, 90_000);

  it('missing or damaged, leave the work to the compiled modules, which write the same bytes', () => {
    const input = manuscript('title: Partless\nbibliography: refs.json\ncsl: chicago-note-bibliography', `${text}\n\n<span class="raw">Raw HTML</span> and $x^2$.`);
    const dir = path.dirname(input);
    const plain = run(compiled, dir, 'plain');
    expect(plain.html.toString()).toContain('<span class="raw">Raw HTML</span>');
    const whole = packageCopy(bundleFiles);
    const fast = run(path.join(whole, 'bin', 'colophon.cjs'), dir, 'fast');
    expect(fast.html.equals(plain.html)).toBe(true);
    expect(fast.epub.equals(plain.epub)).toBe(true);
    expect(readdirSync(path.join(whole, 'build')).filter((name) => name.endsWith('.v8cache'))).toContain(`colophon-html-${process.version}-${process.arch}.v8cache`);
    for (const part of layout.linked) {
      const pkg = packageCopy(bundleFiles.filter((name) => name !== `colophon-${part}.cjs`));
      if (part === 'epub') writeFileSync(path.join(pkg, 'build', `colophon-${part}.cjs`), 'module.exports = {};');
      const without = run(path.join(pkg, 'bin', 'colophon.cjs'), dir, `without-${part}`);
      expect({ part, html: without.html.equals(plain.html), epub: without.epub.equals(plain.epub) }).toEqual({ part, html: true, epub: true });
      // The compiled modules ran: no bundle was compiled, so no code cache was written.
      expect(readdirSync(path.join(pkg, 'build')).filter((name) => name.endsWith('.v8cache'))).toEqual([]);
    }
  });
});

describe.runIf(haveBundle)('a failed build', () => {
  it('words its problems as the compiled modules do, and writes only the missing cache of the part it loaded', () => {
    const pkg = packageCopy([...mainAndLinked, 'colophon-checks.cjs']);
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
