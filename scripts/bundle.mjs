#!/usr/bin/env node
/**
 * Makes the fast cold CLI: `build/colophon.cjs`, one file with the CLI and
 * the libraries it loads, and, with `--warm-up`, a V8 code cache of it for
 * the running Node, written after a warm-up build of the default
 * manuscript (so the functions a build runs are compiled in it), and a
 * bundle of Puppeteer (`build/colophon-browser.cjs`) with a cache of its own.
 *
 *   node scripts/bundle.mjs [--warm-up]
 *
 * `bin/colophon.cjs` runs the bundle from its code cache, compiles it
 * afresh when the cache is missing or stale, and runs the compiled modules
 * (`build/src/cli/bin.js`) when there is no bundle.
 *
 * Inside the bundle each module keeps the `import.meta.url` of its compiled
 * file under `build/src/`, so the package's templates, fonts and package
 * data are found as before. Edition modules stay lazy: the bundle defines
 * them, and they run only when a build asks for them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const outFile = path.join(buildDir, 'colophon.cjs');
const warmUp = process.argv.includes('--warm-up');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // Installed without dev dependencies: the compiled modules serve.
  process.stderr.write('colophon: esbuild is not installed; the CLI runs unbundled\n');
  process.exit(0);
}

/** Sources whose `createRequire` line gives way to the bundle's own `require`. */
const lazyRequirers = [path.join('cite', 'engine.ts'), path.join('parse', 'math.ts'), path.join('shared', 'math-font.ts'), path.join('load', 'zod.ts')];

/**
 * Sources whose `import * as NAME from 'PACKAGE'` lines become a namespace
 * that requires the package on first use: the package is bundled, and set
 * up only when a build calls into it.
 */
const lazyImporters = [path.join('shared', 'html-parser.ts'), path.join('load', 'json.ts')];
const namespaceImport = /^import \* as (\w+) from (['"])([^'"]+)\2;$/gm;

/** `import.meta.url` of a source file, as the compiled file under build/ has it. */
const metaUrlPlugin = {
  name: 'colophon-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const inPackageSource = args.path.startsWith(path.join(root, 'src') + path.sep);
      const loader = /\.ts$/.test(args.path) ? 'ts' : 'js';
      let code = source;
      // citeproc-js, Temml, the font subsetter and zod are loaded with
      // createRequire, when first needed: in the bundle, the bundle's own
      // require loads them (from a part of their own, or bundled in the
      // series worker), still only then.
      if (inPackageSource && lazyRequirers.some((file) => args.path.endsWith(file))) {
        code = code.replace(/const require = createRequire\(import\.meta\.url\);/, '');
      }
      if (inPackageSource && lazyImporters.some((file) => args.path.endsWith(file))) {
        code = code.replace(namespaceImport, (_all, name, _quote, id) => `const ${name} = new Proxy({}, { get: (_target, key) => require(${JSON.stringify(id)})[key] });`);
      }
      let relative;
      if (inPackageSource) relative = path.relative(root, args.path).replace(/\.ts$/, '.js');
      else relative = path.join('..', path.relative(root, args.path));
      // The bundle runs as a vm script from its code cache, where import()
      // has no loader: packages left outside the bundle are required.
      code = code.replace(/(?<!typeof\s*)\bimport\((['"])(esbuild|puppeteer-core|@puppeteer\/browsers)\1\)/g, 'Promise.resolve().then(() => require($1$2$1))');
      if (!code.includes('import.meta')) return { contents: code, loader };
      let contents = code.replace(/\bimport\.meta\.url\b/g, `__colophonUrl(${JSON.stringify(relative.split(path.sep).join('/'))})`);
      contents = contents.replace(/\bimport\.meta\.dirname\b/g, `__colophonDir(${JSON.stringify(path.dirname(relative).split(path.sep).join('/'))})`);
      return { contents, loader };
    });
  },
};

const banner = [
  '"use strict";',
  // The bundle lives in build/; compiled modules in build/src/.
  'const __colophonUrl = (file) => require("node:url").pathToFileURL(require("node:path").join(__dirname, file)).href;',
  'const __colophonDir = (dir) => require("node:path").join(__dirname, dir);',
  // Tells the code it runs bundled (the series build starts the bundled worker).
  'const __colophonBundle = __filename;',
].join('\n');

/**
 * The bundle in ASCII, which the launcher reads as Latin-1 (no UTF-8 to
 * decode). esbuild escapes strings and templates; what it leaves (regular
 * expression literals) takes `\\uXXXX` escapes, which mean the same there.
 * A raw template would change: one with a non-ASCII character stops the build.
 */
function asciiOnly(text) {
  const raw = /String\.raw`(?:[^`\\]|\\.)*`/gs;
  for (const match of text.matchAll(raw)) {
    if (/[^\x00-\x7f]/.test(match[0])) {
      process.stderr.write(`colophon: a String.raw template holds a non-ASCII character (write it as \\u escape): ${match[0].slice(0, 80)}\n`);
      process.exit(1);
    }
  }
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// What both bundles are built with.
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ESM builds first: some packages' CommonJS entry is a UMD wrapper that
  // requires its parts at run time (jsonc-parser), which a bundle cannot follow.
  mainFields: ['module', 'main'],
  banner: { js: banner },
  plugins: [metaUrlPlugin],
  logLevel: 'warning',
  // The font subsetter finds its WebAssembly file with require.resolve at
  // run time, from node_modules, which is what it should do in a bundle too.
  logOverride: { 'require-resolve-not-external': 'silent' },
  legalComments: 'none',
  // No comments and no indentation: a third of the size to read at each
  // start. (Local names are shortened in the CLI's own bundles only; see
  // `ownCode` below.)
  minifyWhitespace: true,
  // Non-ASCII characters escaped where they can be (not in String.raw):
  // the launcher reads an ASCII bundle as Latin-1, three times faster than
  // decoding UTF-8 and the same text.
  charset: 'ascii',
  metafile: true,
};

/**
 * Packages that only some builds run: each goes into a bundle of its own,
 * `build/colophon-<part>.cjs`, which the launcher loads with a code cache
 * of its own when the package is first required (bin/colophon.cjs), so a
 * build that needs none of them reads none of them. The main bundle says
 * which part holds which package (`globalThis.__colophonParts`).
 */
const parts = {
  browser: ['puppeteer-core', '@puppeteer/browsers'],
  citeproc: ['citeproc'],
  math: ['temml'],
  'math-font': ['subset-font'],
  checks: ['zod'],
};
const partPackages = Object.values(parts).flat();
// The launcher learns from the main bundle which part holds which package.
const partOf = Object.fromEntries(Object.entries(parts).flatMap(([part, packages]) => packages.map((id) => [id, part])));
/** The parts' packages, exactly (not their package.json), left to the launcher. */
const partsOutside = {
  name: 'colophon-parts',
  setup(build) {
    const escaped = partPackages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    const names = new RegExp(`^(?:${escaped.join('|')})$`);
    build.onResolve({ filter: names }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * The CLI's own bundles (the main one and the series worker) also have
 * their local names shortened: a third less source to read and 6 % less
 * code cache at each start (about 3 ms of a cached rebuild). Exported
 * names, property names and text stay; functions sent to the print page
 * as source text only use their own names. A stack trace names the
 * shortened functions, so `--debug` runs the compiled modules instead
 * (bin/colophon.cjs). The parts stay as their packages wrote them (some
 * send their functions to the browser as text).
 */
const ownCode = { minifyIdentifiers: true };

const result = await esbuild.build({
  ...common,
  ...ownCode,
  banner: { js: `${banner}\nglobalThis.__colophonParts = ${JSON.stringify(partOf)};` },
  plugins: [partsOutside, metaUrlPlugin],
  entryPoints: { 'colophon': path.join(root, 'src', 'cli', 'bin.ts') },
  outdir: path.join(buildDir, '.bundle-tmp'),
  outExtension: { '.js': '.cjs' },
  external: ['esbuild'],
});
if (result.errors.length > 0) process.exit(1);
// The series worker runs citeproc-js in every build: it keeps it, and
// Puppeteer stays outside (it finds its own files at run time).
const workerResult = await esbuild.build({
  ...common,
  ...ownCode,
  entryPoints: { 'colophon-worker': path.join(root, 'src', 'series', 'worker.ts') },
  outdir: path.join(buildDir, '.bundle-tmp'),
  outExtension: { '.js': '.cjs' },
  external: ['puppeteer-core', '@puppeteer/browsers', 'esbuild'],
});
if (workerResult.errors.length > 0) process.exit(1);
const partSizes = [];
for (const [part, packages] of Object.entries(parts)) {
  const name = `colophon-${part}.cjs`;
  const made = await esbuild.build({
    ...common,
    stdin: {
      contents: `module.exports = { ${packages.map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`).join(', ')} };`,
      resolveDir: root,
      sourcefile: name,
      loader: 'js',
    },
    outfile: path.join(buildDir, '.bundle-tmp', name),
  });
  if (made.errors.length > 0) process.exit(1);
  const partCode = asciiOnly(readFileSync(path.join(buildDir, '.bundle-tmp', name), 'utf8'));
  writeFileSync(path.join(buildDir, name), partCode);
  partSizes.push(`${part} ${(partCode.length / 1024 / 1024).toFixed(1)} MB`);
}
// The bundle starts with a shebang line from bin.ts: vm.Script takes none.
const code = asciiOnly(readFileSync(path.join(buildDir, '.bundle-tmp', 'colophon.cjs'), 'utf8').replace(/^#!.*\n/, ''));
writeFileSync(path.join(buildDir, '.bundle-tmp', 'colophon.cjs'), code);

renameSync(path.join(buildDir, '.bundle-tmp', 'colophon-worker.cjs'), path.join(buildDir, 'colophon-worker.cjs'));
renameSync(path.join(buildDir, '.bundle-tmp', 'colophon.cjs'), outFile);
rmSync(path.join(buildDir, '.bundle-tmp'), { recursive: true, force: true });
const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(`bundled ${inputs} modules into ${path.relative(process.cwd(), outFile)} (${(code.length / 1024 / 1024).toFixed(1)} MB)\n`);
process.stdout.write(`bundled the parts loaded on demand: ${partSizes.join(', ')}\n`);

// The print page's paginator, bundled now with the options a print would
// bundle it with at run time (src/pdf/bundle.ts), which then only reads it.
{
  const { paginatorBuildOptions } = await import(path.join(buildDir, 'src', 'pdf', 'bundle.js'));
  const entry = path.join(buildDir, 'src', 'pdf', 'paginator', 'index.js');
  const paginator = await esbuild.build({ ...paginatorBuildOptions(entry), write: false });
  if (paginator.errors.length > 0) process.exit(1);
  const temporary = path.join(buildDir, `.paginator.js.${process.pid}.tmp`);
  writeFileSync(temporary, paginator.outputFiles[0].text);
  renameSync(temporary, path.join(buildDir, 'paginator.js'));
  process.stdout.write(`bundled the print paginator into ${path.relative(process.cwd(), path.join(buildDir, 'paginator.js'))}\n`);
}

if (warmUp) {
  // The launcher writes the code caches when asked, after the build: all
  // three editions where a browser is found (so the print path is in them),
  // else the web page and the ebook.
  const manuscript = path.join(root, 'manuscript', 'readmission-azerbaijan.md');
  const out = mkdtempSync(path.join(tmpdir(), 'colophon-warm-up-'));
  const common = ['build', manuscript, '--out', out, '--no-cache', '-q'];
  const attempts = existsSync(manuscript)
    ? [common, [...common, '--format', 'html,epub', '--browser', path.join(out, 'no-browser')]]
    : [['--help']];
  let run;
  for (const args of attempts) {
    run = spawnSync(process.execPath, [path.join(root, 'bin', 'colophon.cjs'), ...args], {
      cwd: root,
      env: { ...process.env, COLOPHON_WRITE_CODE_CACHE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status === 0) break;
  }
  if (run.status === 0 && existsSync(manuscript)) {
    // A manuscript with errors in its front matter and its references: the
    // checks that word them are a part of their own (zod), which a good
    // build never loads; the failed build writes that part's cache alone.
    const faulty = path.join(out, 'faulty.md');
    writeFileSync(faulty, '---\ntitle: [1, 2]\ntoc: maybe\nreferences:\n  - id: x\n    type: not-a-type\n    issued: {date-parts: [[x]]}\n---\n\nText [@x].\n');
    spawnSync(process.execPath, [path.join(root, 'bin', 'colophon.cjs'), 'build', faulty, '--out', path.join(out, 'faulty'), '--format', 'html', '--no-cache', '-q'], {
      cwd: root,
      env: { ...process.env, COLOPHON_WRITE_CODE_CACHE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) process.stderr.write(`colophon: the warm-up build failed (the CLI still works, without a code cache):\n${run.stderr}\n`);
  else process.stdout.write(`wrote the V8 code cache for Node ${process.version}\n`);
}
