/**
 * V8's optimising compiler is held back by the launcher in a build and
 * given back for long work (src/shared/optimiser.ts): many manuscripts,
 * more text than `longInput`, a bibliography of more than `longBibliography` entries. What the launcher does is seen from outside:
 * a short build runs with `--no-opt` in force, a long one without.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { longBibliography, longInput, optimiserFor, optimiserForBibliography } from '../src/shared/optimiser.js';

const dir = mkdtempSync(path.join(tmpdir(), 'colophon-optimiser-'));
const short = path.join(dir, 'short.md');
const long = path.join(dir, 'long.md');
writeFileSync(short, '# A note\n\nA paragraph.\n');
writeFileSync(long, 'A paragraph of a long book.\n\n'.repeat(Math.ceil(longInput / 28) + 1));

afterEach(() => {
  globalThis.__colophonOptimiserHeld = undefined;
});

describe('the optimiser', () => {
  it('stays held for one short manuscript and comes back for a long one or for many', async () => {
    globalThis.__colophonOptimiserHeld = true;
    expect(optimiserFor([short])).toBe(false);
    expect(globalThis.__colophonOptimiserHeld).toBe(true);
    expect(optimiserFor([long])).toBe(true);
    expect(globalThis.__colophonOptimiserHeld).toBe(false);
    globalThis.__colophonOptimiserHeld = true;
    expect(optimiserFor([short, short.replace('short', 'other')])).toBe(true);
    expect(globalThis.__colophonOptimiserHeld).toBe(false);
  });

  it('comes back for a bibliography of many entries', () => {
    globalThis.__colophonOptimiserHeld = true;
    expect(optimiserForBibliography(longBibliography)).toBe(false);
    expect(globalThis.__colophonOptimiserHeld).toBe(true);
    expect(optimiserForBibliography(longBibliography + 1)).toBe(true);
    expect(globalThis.__colophonOptimiserHeld).toBe(false);
  });

  it('is left alone when the launcher did not hold it', async () => {
    expect(optimiserFor([long])).toBe(false);
    expect(globalThis.__colophonOptimiserHeld).toBeUndefined();
  });

  it('is held by the launcher in a build, and options given to Node win', () => {
    // A probe: the launcher's own function, run as the launcher runs it.
    const launcher = path.join(import.meta.dirname, '..', 'bin', 'colophon.cjs');
    const source = readFileSync(launcher, 'utf8');
    const hold = source.slice(source.indexOf('function holdOptimiser()'), source.indexOf('\n}\n', source.indexOf('function holdOptimiser()')) + 2);
    const probe = `${hold}\nholdOptimiser();\nprocess.stdout.write(String(globalThis.__colophonOptimiserHeld === true));`;
    const file = path.join(dir, 'probe.cjs');
    writeFileSync(file, probe);
    const held = (args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) =>
      spawnSync(process.execPath, [...nodeArgs, file, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } }).stdout;
    expect(held(['build'])).toBe('true');
    expect(held(['preview'])).toBe('false');
    expect(held(['build'], { COLOPHON_OPTIMISER: '1' })).toBe('false');
    expect(held(['build'], {}, ['--turbofan'])).toBe('false');
  });

  // V8 stamps a code cache with the flags in force, and rejects it under
  // others: a cache made as Node started is read only where the flags are
  // as Node started. Node's own modules come from such a cache.
  const stampProbe = `
    const vm = require('node:vm');
    // One script per look, read under another name than it was made with:
    // V8 keeps the scripts it compiled, and would not look at the cache.
    const stamps = Array.from({ length: 8 }, (_, i) => {
      const code = 'globalThis.probed' + i + ' = (a, b) => a + b;';
      return { code, i, data: new vm.Script(code, { filename: 'made-' + i }).createCachedData() };
    });
    const readsStamp = () => {
      const { code, i, data } = stamps.shift();
      return new vm.Script(code, { filename: 'read-' + i, cachedData: data }).cachedDataRejected === false;
    };
  `;

  const launcherSource = () => readFileSync(path.join(import.meta.dirname, '..', 'bin', 'colophon.cjs'), 'utf8');
  const cut = (source: string, name: string) => source.slice(source.indexOf(`function ${name}(`), source.indexOf('\n}\n', source.indexOf(`function ${name}(`)) + 2);

  it('runs work with the flags Node started with while it is held (Node\'s modules are compiled from their cache)', () => {
    const probe = `${stampProbe}
      ${cut(launcherSource(), 'asStarted')}
      require('node:v8').setFlagsFromString('--no-opt');
      globalThis.__colophonOptimiserHeld = true;
      const inside = asStarted(() => readsStamp());
      process.stdout.write(JSON.stringify({ inside, after: readsStamp(), value: asStarted(() => 42) }));`;
    const file = path.join(dir, 'as-started.cjs');
    writeFileSync(file, probe);
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ inside: true, after: false, value: 42 });
  });

  it('has the launcher require Node\'s own modules with the flags Node started with, its bundle\'s modules as held', () => {
    const launcher = launcherSource();
    const probe = `${stampProbe}
      const Module = require('node:module');
      ${cut(launcher, 'asStarted')}
      ${cut(launcher, 'withBuiltinsAsStarted')}
      require('node:v8').setFlagsFromString('--no-opt');
      globalThis.__colophonOptimiserHeld = true;
      const seen = [];
      const fake = (id) => (seen.push([id, readsStamp()]), id);
      const required = withBuiltinsAsStarted(fake);
      required('node:os'); required('node:os'); required('hastscript'); required('zlib');
      process.stdout.write(JSON.stringify({ seen, after: readsStamp() }));`;
    const file = path.join(dir, 'launcher-require.cjs');
    writeFileSync(file, probe);
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      // The first require of a module of Node's as started; a second finds it loaded; a package's as held.
      seen: [['node:os', true], ['node:os', false], ['hastscript', false], ['zlib', true]],
      after: false,
    });
  });

  it.runIf(existsSync(path.join(import.meta.dirname, '..', 'build', 'colophon.cjs')))(
    'leaves the code cache valid: a second build reads it, and a third finds it unchanged',
    () => {
      const root = path.join(import.meta.dirname, '..');
      const pkg = mkdtempSync(path.join(tmpdir(), 'colophon-pkg-'));
      for (const name of ['node_modules', 'templates', 'package.json']) symlinkSync(path.join(root, name), path.join(pkg, name));
      mkdirSync(path.join(pkg, 'bin'));
      mkdirSync(path.join(pkg, 'build'));
      copyFileSync(path.join(root, 'bin', 'colophon.cjs'), path.join(pkg, 'bin', 'colophon.cjs'));
      // The main bundle and the parts it cannot do without (scripts/bundle.mjs).
      const { linked } = JSON.parse(readFileSync(path.join(root, 'build', 'colophon-bundles.json'), 'utf8')) as { linked: string[] };
      for (const name of ['colophon.cjs', ...linked.map((part) => `colophon-${part}.cjs`)]) copyFileSync(path.join(root, 'build', name), path.join(pkg, 'build', name));
      symlinkSync(path.join(root, 'build', 'src'), path.join(pkg, 'build', 'src'));
      const cache = path.join(pkg, 'build', `colophon-${process.version}-${process.arch}.v8cache`);
      const build = () => {
        const result = spawnSync(process.execPath, [path.join(pkg, 'bin', 'colophon.cjs'), 'build', short, '--format', 'html', '--out', path.join(dir, 'out'), '-q'], {
          encoding: 'utf8',
          env: { ...process.env, COLOPHON_TIMINGS: '1', COLOPHON_CACHE_DIR: path.join(dir, 'cache') },
        });
        expect(result.status, result.stderr).toBe(0);
        return result.stderr;
      };
      expect(build()).toContain('bundle compiled (no code cache)');
      expect(existsSync(cache)).toBe(true);
      const made = statSync(cache).mtimeMs;
      expect(build()).toContain('bundle compiled (from the code cache)');
      expect(build()).toContain('bundle compiled (from the code cache)');
      expect(statSync(cache).mtimeMs).toBe(made);
    },
    60_000,
  );
});
