#!/usr/bin/env node
/**
 * Benchmark runner: runs every `scripts/bench/*.mjs` in name order, each in
 * its own Node process, and prints what they print plus a summary.
 *
 *   node scripts/bench.mjs [--runs N] [--only SUBSTRING] [other flags]
 *
 * (`npm run bench` compiles first: the benchmarks time the compiled
 * `build/`.) Every flag except `--only` is passed to each benchmark as is;
 * `--runs N` is the one they all understand (repetitions per measurement).
 *
 * A benchmark is a script that measures, prints its figures, and exits with
 *   0  measured;
 *   77 skipped: something it needs is missing (it prints what; 77 is the
 *      "skipped" status of Automake's test harness);
 *   anything else: failed.
 * The runner exits 1 when a benchmark failed, 0 otherwise (skips included).
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.join(here, 'bench');
const SKIPPED = 77;

/** Split the runner's own `--only` from the flags passed through. */
function parseArgs(argv) {
  const passThrough = [];
  let only;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') only = argv[++i];
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length);
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write('Usage: node scripts/bench.mjs [--runs N] [--only SUBSTRING] [flags passed to each benchmark]\n');
      process.exit(0);
    } else passThrough.push(arg);
  }
  return { only, passThrough };
}

function runScript(file, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file, ...args], { stdio: 'inherit' });
    child.on('error', (error) => resolve({ code: -1, error, seconds: (performance.now() - started) / 1000 }));
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, seconds: (performance.now() - started) / 1000 }));
  });
}

const { only, passThrough } = parseArgs(process.argv.slice(2));
const scripts = (await readdir(benchDir).catch(() => []))
  .filter((name) => name.endsWith('.mjs'))
  .filter((name) => !only || name.includes(only))
  .sort();

if (scripts.length === 0) {
  process.stderr.write(`no benchmarks${only ? ` matching "${only}"` : ''} in ${path.relative(process.cwd(), benchDir) || benchDir}\n`);
  process.exit(1);
}

const summary = [];
for (const name of scripts) {
  process.stdout.write(`\n=== ${name} ${'='.repeat(Math.max(3, 70 - name.length))}\n`);
  const result = await runScript(path.join(benchDir, name), passThrough);
  const status = result.code === 0 ? 'ok' : result.code === SKIPPED ? 'skipped' : `FAILED (${result.signal ?? `exit ${result.code}`})`;
  summary.push({ name, status, seconds: result.seconds });
}

process.stdout.write('\n=== summary ' + '='.repeat(62) + '\n');
for (const { name, status, seconds } of summary) {
  process.stdout.write(`${name.padEnd(40)} ${status.padEnd(20)} ${seconds.toFixed(1)} s\n`);
}
process.exit(summary.some((s) => s.status.startsWith('FAILED')) ? 1 : 0);
