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

  it.runIf(existsSync(path.join(import.meta.dirname, '..', 'build', 'colophon.cjs')))(
    'leaves the code cache valid: a second build reads it, and a third finds it unchanged',
    () => {
      const root = path.join(import.meta.dirname, '..');
      const pkg = mkdtempSync(path.join(tmpdir(), 'colophon-pkg-'));
      for (const name of ['node_modules', 'templates', 'package.json']) symlinkSync(path.join(root, name), path.join(pkg, name));
      mkdirSync(path.join(pkg, 'bin'));
      mkdirSync(path.join(pkg, 'build'));
      copyFileSync(path.join(root, 'bin', 'colophon.cjs'), path.join(pkg, 'bin', 'colophon.cjs'));
      copyFileSync(path.join(root, 'build', 'colophon.cjs'), path.join(pkg, 'build', 'colophon.cjs'));
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
