#!/usr/bin/env node
/**
 * The `colophon` command, started fast.
 *
 * Runs `build/colophon.cjs` (the CLI as one bundle, made by
 * `scripts/bundle.mjs`) with V8's code cache for the running Node, so the
 * functions a build needs are not compiled again. A missing or stale cache
 * (another Node, a rebuilt bundle) is not an error: the bundle is compiled
 * as usual and a fresh cache is written after a successful build, where the
 * folder is writable. Without a bundle, the compiled modules run.
 * `COLOPHON_NO_BUNDLE=1` runs the compiled modules anyway, and so does
 * `--debug` (a stack trace then names the functions as written).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');
const { isAscii } = require('node:buffer');

// COLOPHON_TIMINGS=1: the launcher's steps join the build's (src/progress/timings.ts).
const marks = process.env.COLOPHON_TIMINGS && process.env.COLOPHON_TIMINGS !== '0' ? (globalThis.__colophonLaunchMarks = []) : null;
const mark = (label) => marks && marks.push([label, performance.now()]);

const buildDir = path.join(__dirname, '..', 'build');
const bundle = path.join(buildDir, 'colophon.cjs');
const cacheFile = path.join(buildDir, `colophon-${process.version}-${process.arch}.v8cache`);

function unbundled() {
  return import(pathToFileURL(path.join(buildDir, 'src', 'cli', 'bin.js')).href);
}

/** The main bundle's text, or undefined to run the compiled modules. */
function readBundle() {
  // `--debug` prints the stack of an internal error: the compiled modules
  // have the names the code was written with, the bundle shortened ones.
  if (process.env.COLOPHON_NO_BUNDLE || process.argv.includes('--debug')) return undefined;
  try {
    const bytes = fs.readFileSync(bundle);
    // ASCII (the usual case) is read as Latin-1: the same text, without decoding UTF-8.
    return bytes.toString(isAscii && isAscii(bytes) ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `work` with V8's flags as Node started: V8 stamps a code cache with the
 * flags in force when it is made, and rejects it when they differ as it
 * is read, so the optimiser held back (below) must not change the stamp.
 */
function asStarted(work) {
  if (!globalThis.__colophonOptimiserHeld) return work();
  const v8 = require('node:v8');
  v8.setFlagsFromString('--opt');
  try {
    return work();
  } finally {
    v8.setFlagsFromString('--no-opt');
  }
}

/**
 * A bundle's text inside Node's module wrapper: scripts/bundle.mjs writes
 * the bundles wrapped already, which spares joining the wrapper to the
 * text and copying it whole before V8 reads it.
 */
const [wrapperHead, wrapperTail] = Module.wrap('\0').split('\0');
const inWrapper = (text) => (text.startsWith(wrapperHead) && text.endsWith(wrapperTail) ? text : Module.wrap(text));

/**
 * The stamp scripts/bundle.mjs puts at the start of a bundle: a hash of its
 * text. V8 checks a code cache against the length of the source only (and
 * its own version and flags), so a rebuilt bundle of the same length would
 * run the old bundle's functions from the old cache. A cache file starts
 * with the stamp of the text it was made from, and serves that text only;
 * a bundle without a stamp gets no cache.
 */
const stampPattern = /\/\*colophon-text:([0-9a-f]{16})\*\//y;
function textStamp(text) {
  stampPattern.lastIndex = text.startsWith(wrapperHead) ? wrapperHead.length : 0;
  const found = stampPattern.exec(text);
  return found ? found[1] : null;
}

/**
 * The bundle `file` (its `text`) compiled from its code cache `cacheFile`
 * when the cache was made from this very text, else afresh: the script,
 * whether it was compiled afresh, and `save()`, which writes a cache of
 * every function compiled so far (nothing for a text without a stamp, or
 * in a read-only install). Also used by the series worker
 * (src/series/index.ts).
 */
function compileCached(file, text, cacheFile) {
  const stamp = textStamp(text);
  let cachedData;
  try {
    const data = fs.readFileSync(cacheFile);
    if (stamp !== null && data.length > stamp.length && data.toString('latin1', 0, stamp.length) === stamp) cachedData = data.subarray(stamp.length);
  } catch {
    cachedData = undefined;
  }
  const script = asStarted(() => new vm.Script(inWrapper(text), { filename: file, cachedData }));
  const save = () => {
    if (stamp === null) return;
    try {
      const data = asStarted(() => script.createCachedData());
      const temporary = `${cacheFile}.${process.pid}.${require('node:worker_threads').threadId}.tmp`;
      fs.writeFileSync(temporary, Buffer.concat([Buffer.from(stamp, 'latin1'), data]));
      fs.renameSync(temporary, cacheFile);
    } catch {
      // A read-only install: the next run compiles again.
    }
  };
  return { script, fresh: cachedData === undefined || script.cachedDataRejected === true, save };
}

/**
 * A bundle of the command compiled with `compileCached`; a fresh cache is
 * written after a successful build or preview (or when asked).
 */
function compile(file, text, cacheFile, part = false) {
  const { script, fresh, save } = compileCached(file, text, cacheFile);
  if (process.env.COLOPHON_WRITE_CODE_CACHE === '1' || (fresh && (process.argv[2] === 'build' || process.argv[2] === 'preview'))) {
    process.once('beforeExit', () => {
      // A failed build ran less than a good one: it replaces no cache, and
      // writes only a missing one of a part (say, the checks that found
      // its errors, which a good build never loads).
      if (process.exitCode && process.exitCode !== 0 && !(part && fresh)) return;
      save();
    });
  }
  return { script, fresh };
}

/**
 * `require` that loads Node's own modules with V8's flags as Node started.
 * Node compiles its modules from a code cache of its own, which V8 rejects
 * under other flags (the optimiser held back, below), and then compiles
 * them afresh, about three times slower: node:crypto took 4 ms instead of
 * 1.2, node:fs/promises 2.4 instead of 0.7.
 */
function withBuiltinsAsStarted(nodeRequire) {
  const loaded = new Set();
  return Object.assign((id) => {
    if (!globalThis.__colophonOptimiserHeld || loaded.has(id) || !Module.isBuiltin(id)) return nodeRequire(id);
    loaded.add(id);
    return asStarted(() => nodeRequire(id));
  }, nodeRequire);
}

/** Run a compiled CommonJS bundle as a module of its own; its exports. */
function runBundle(script, file, require_) {
  const run = script.runInThisContext();
  const module_ = new Module(file, module);
  module_.filename = file;
  module_.paths = Module._nodeModulePaths(buildDir);
  run.call(module_.exports, module_.exports, require_, module_, file, buildDir);
  return module_.exports;
}

/**
 * What only some builds run is in parts, bundles of their own
 * (`build/colophon-<part>.cjs`, made by `scripts/bundle.mjs`), each with a
 * code cache of its own, loaded when first asked for: packages (Puppeteer
 * for the editions that need the browser, citeproc-js when the citation
 * cache has no answer, Temml and the font subsetter for formulas, zod for
 * input the quick checks cannot vouch for, the HTML parser for raw HTML)
 * and the package's own edition code (print, ebook, preview, series). A
 * build that needs none of them reads none of them. Which part holds which
 * package or module, the main bundle says when it starts
 * (`globalThis.__colophonParts`). Every module is in one bundle only: a
 * part takes the modules it shares from the main bundle
 * (`globalThis.__colophonModule`, which comes back here for another part's).
 *
 * Without its bundle, or with a damaged one, a part of packages only gives
 * way to node_modules, which does the same work. A linked part (one that
 * shares modules) cannot: the launcher checks at start that every linked
 * part is there at the size the main bundle knows, and runs the compiled
 * modules when one is not (`linkedPartsReady`).
 */
const partOf = (id) => {
  const parts = globalThis.__colophonParts;
  return parts && Object.hasOwn(parts, id) ? parts[id] : undefined;
};
/** The stamp and sizes of the linked parts, from the main bundle's first lines. */
function linkedParts(text) {
  const found = /^globalThis\.__colophonLinkedParts = (\{.*\});$/m.exec(text.slice(0, 4096));
  return found ? JSON.parse(found[1]) : { stamp: undefined, sizes: {} };
}
/** Whether every linked part is there, at its size. */
function linkedPartsReady(linked) {
  for (const [part, size] of Object.entries(linked.sizes)) {
    const stats = fs.statSync(path.join(buildDir, `colophon-${part}.cjs`), { throwIfNoEntry: false });
    if (!stats || stats.size !== size) return false;
  }
  return true;
}
let linked = { stamp: undefined, sizes: {} };
const partExports = new Map();
function partModule(part, id, nodeRequire) {
  if (!partExports.has(part)) partExports.set(part, loadPart(part));
  const exports_ = partExports.get(part);
  if (exports_ && exports_.has(id)) return exports_.load(id);
  // Checked at start: only a part changed since (same size, other bytes) gets here.
  if (Object.hasOwn(linked.sizes, part)) throw new Error(`build/colophon-${part}.cjs is damaged or belongs to another build; run \`npm run compile\` (or set COLOPHON_NO_BUNDLE=1)`);
  return nodeRequire(id);
}

/** A part's exports, or null when its bundle is missing, damaged, or of another build. */
function loadPart(part) {
  const file = path.join(buildDir, `colophon-${part}.cjs`);
  try {
    const text = fs.readFileSync(file, 'latin1');
    const { script } = compile(file, text, path.join(buildDir, `colophon-${part}-${process.version}-${process.arch}.v8cache`), true);
    const exports_ = runBundle(script, file, launcherRequire);
    return exports_ && exports_.stamp === linked.stamp && typeof exports_.has === 'function' ? exports_ : null;
  } catch {
    return null;
  }
}

/**
 * A build starts without V8's optimising compiler. A note of a few pages is
 * built in a few hundred milliseconds, before optimised code would pay for
 * its compilation, which runs on other threads and costs about a quarter
 * of the build's CPU time; the build turns it back on as soon as it knows
 * its input is long (src/shared/optimiser.ts). Node's own `--opt`, `--no-opt`
 * or `--turbofan` options, on the command line or in NODE_OPTIONS, win.
 */
function holdOptimiser() {
  if (process.argv[2] !== 'build' || process.env.COLOPHON_OPTIMISER === '1') return;
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS || ''}`;
  if (/--(?:no-)?(?:opt|turbofan)\b/.test(given)) return;
  try {
    require('node:v8').setFlagsFromString('--no-opt');
    globalThis.__colophonOptimiserHeld = true;
  } catch {
    // The build runs with the optimiser, as Node starts.
  }
}

/** The bundles' `require`: a package or module in a part comes from its part. */
let launcherRequire;

function main() {
  let source = readBundle();
  if (source !== undefined) {
    linked = linkedParts(source);
    // A linked part missing or changed: the compiled modules do the same work.
    if (!linkedPartsReady(linked)) source = undefined;
  }
  if (source === undefined) {
    holdOptimiser();
    unbundled();
    return;
  }
  mark('bundle read');
  const { script, fresh } = compile(bundle, source, cacheFile);
  mark(fresh ? 'bundle compiled (no code cache)' : 'bundle compiled (from the code cache)');
  holdOptimiser();
  const nodeRequire = withBuiltinsAsStarted(Module.createRequire(bundle));
  launcherRequire = Object.assign((id) => {
    const part = partOf(id);
    return part ? partModule(part, id, nodeRequire) : nodeRequire(id);
  }, nodeRequire);
  runBundle(script, bundle, launcherRequire);
}

// Required rather than run (by the series worker): its helpers only.
if (require.main === module) main();
else module.exports = { compileCached };
