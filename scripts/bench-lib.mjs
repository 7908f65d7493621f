/**
 * What the benchmarks in `scripts/bench/` share: command-line options, the
 * package root, and timing of child processes by wall time and by CPU time
 * (on a busy two-core machine, wall time measures the machine; CPU time
 * still measures the tool).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exit status of a benchmark whose prerequisites are missing. */
export const SKIPPED = 77;

/** The package root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A path as short as it can be said from the cwd. */
export const rel = (p) => path.relative(process.cwd(), p) || '.';

/** `--name value` or `--name=value` from the command line, else `fallback`. */
export function option(name, fallback) {
  const argv = process.argv.slice(2);
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const arg = argv[index];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, ms) of this process's finished children, from
 * /proc/self/stat (Linux), or undefined elsewhere.
 */
export function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5), cutime and cstime; `fields` starts at field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command and reports, on file descriptor 3, its wall time and the
 * CPU time `wait4` gives for it (microseconds, where /proc counts in clock
 * ticks of 10 ms, which is a tenth of a short build). The wall time is
 * taken around the command's own fork and wait, not Python's start.
 */
const waitScript = [
  'import os, sys, time, json',
  'start = time.perf_counter()',
  'pid = os.fork()',
  'if pid == 0:',
  '    os.close(3)',
  '    try:',
  '        os.execvp(sys.argv[1], sys.argv[1:])',
  '    finally:',
  '        os._exit(127)',
  '_, status, usage = os.wait4(pid, 0)',
  'wall = time.perf_counter() - start',
  "os.write(3, json.dumps({'wall': wall * 1000, 'cpu': (usage.ru_utime + usage.ru_stime) * 1000, 'code': os.waitstatus_to_exitcode(status)}).encode())",
].join('\n');

let python;
/** Whether `python3` can time commands here (3.9 or later, for waitstatus_to_exitcode). */
function havePython() {
  if (python === undefined) {
    try {
      python = execFileSync('python3', ['-c', 'import os; print(hasattr(os, "wait4") and hasattr(os, "waitstatus_to_exitcode"))'], { encoding: 'utf8' }).trim() === 'True';
    } catch {
      python = false;
    }
  }
  return python;
}

/**
 * Run a command; resolve with its wall and CPU time in ms, reject with its
 * stderr on failure. The CPU time is the command's own user and system time
 * (all its threads and children), to the microsecond through `python3`'s
 * `wait4` where there is one, else from /proc in clock ticks.
 */
export function timed(command, args, options = {}) {
  if (process.env.COLOPHON_BENCH_TICKS !== '1' && havePython()) return timedByWait4(command, args, options);
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      const cpuAfter = childrenCpuMs();
      const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      if (code === 0) resolve({ wall, cpu });
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${code}\n${stderr.trim().slice(-2000)}`));
    });
  });
}

function timedByWait4(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', waitScript, command, ...args], { ...options, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let report = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdio[3].on('data', (chunk) => {
      report += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      let result;
      try {
        result = JSON.parse(report);
      } catch {
        reject(new Error(`${path.basename(command)} ${args.join(' ')} could not be timed\n${stderr.trim().slice(-2000)}`));
        return;
      }
      if (result.code === 0) resolve({ wall: result.wall, cpu: result.cpu });
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${result.code}\n${stderr.trim().slice(-2000)}`));
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One result line: wall-time median, min, max, and the CPU-time median when known. */
export function line(label, samples, { width = 46, digits = 1 } = {}) {
  const fmt = (ms) => `${ms.toFixed(digits).padStart(digits > 0 ? 7 : 6)} ms`;
  const walls = samples.map((s) => s.wall).sort((a, b) => a - b);
  const cpus = samples.map((s) => s.cpu).filter((c) => c !== undefined);
  const cpu = cpus.length === samples.length ? `   cpu ${fmt(median(cpus))}` : '';
  return `${label.padEnd(width)} median ${fmt(median(walls))}   min ${fmt(walls[0])}   max ${fmt(walls[walls.length - 1])}${cpu}`;
}

/**
 * Paired runs of two commands, alternating which goes first so that neither
 * gets the warmer machine: `runs` samples of each, after `warmup` unmeasured
 * pairs; `before` runs ahead of every pair.
 */
export async function pairedRuns(ours, theirs, { runs, warmup = 1, before } = {}) {
  for (let i = 0; i < warmup; i++) {
    await ours();
    await theirs();
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    if (i % 2 === 0) {
      a.push(await ours());
      b.push(await theirs());
    } else {
      b.push(await theirs());
      a.push(await ours());
    }
  }
  return [a, b];
}
