#!/usr/bin/env node
/**
 * The print engine on generated books (scripts/generate-book.mjs) from 1×
 * (~5 pages) to 50× (~250 pages, ~1,150 notes, ~1,250 references):
 *
 * 1. the per-page curve: pagination time per page in each fifth of the
 *    book, for every scale (flat means linear cost: a page at the end of a
 *    long book costs what a page at its start costs);
 * 2. the whole three-edition build of each book through the CLI: wall
 *    time and peak memory of Node plus Chromium, shared pages counted once
 *    (the sum of the processes' PSS, sampled every 50 ms), against the
 *    goal for the 50× book: ≤ 20 s and ≤ 1.2 GB.
 *
 *   npm run bench -- --only print-engine [--scales 1,5,10,25,50] [--cli no]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { childrenCpuMs, option, root, SKIPPED } from '../bench-lib.mjs';
import { writeBook } from '../generate-book.mjs';

const scales = String(option('scales', '1,5,10,25,50')).split(',').map(Number);
/** `--cli no` measures the per-page curve only. */
const withCli = option('cli', 'yes') !== 'no';
const build = path.join(root, 'build', 'src');
if (!existsSync(path.join(build, 'cli', 'bin.js'))) {
  process.stdout.write('skipped: compile first (npm run compile)\n');
  process.exit(SKIPPED);
}
const { launchBrowser } = await import(pathToFileURL(path.join(build, 'browser.js')).href);
const { buildDocument } = await import(pathToFileURL(path.join(build, 'document.js')).href);
const { renderPdf } = await import(pathToFileURL(path.join(build, 'pdf', 'index.js')).href);

let browser;
try {
  browser = await launchBrowser();
} catch (error) {
  process.stdout.write(`skipped: no browser (${String(error.message).split('\n')[0]})\n`);
  process.exit(SKIPPED);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'colophon-print-bench-'));
const fifths = (times) => {
  const out = [];
  for (let f = 0; f < 5; f++) {
    const part = times.slice(Math.floor((f * times.length) / 5), Math.floor(((f + 1) * times.length) / 5));
    out.push(part.length ? part.reduce((a, b) => a + b, 0) / part.length : NaN);
  }
  return out;
};

/** PSS (kB) of a process and all its descendants. */
function treePss(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      // gone
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

function buildWithCli(file, out) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpuBefore = childrenCpuMs();
    const child = spawn(process.execPath, [path.join(build, 'cli', 'bin.js'), 'build', file, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peak = 0;
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setInterval(() => (peak = Math.max(peak, treePss(child.pid))), 50);
    child.on('close', (code) => {
      clearInterval(timer);
      const cpuAfter = childrenCpuMs();
      const cpu = cpuBefore === undefined || cpuAfter === undefined ? NaN : (cpuAfter - cpuBefore) / 1000;
      if (code === 0) resolve({ wall: (performance.now() - started) / 1000, cpu, peakMb: peak / 1024 });
      else reject(new Error(`build failed (${code}): ${stderr}`));
    });
  });
}

const rows = [];
const work = [];
try {
  process.stdout.write('per-page pagination time (ms), mean of each fifth of the book\n');
  process.stdout.write(`${'scale'.padStart(5)} ${'pages'.padStart(6)} ${'notes'.padStart(6)}  ${['1st', '2nd', '3rd', '4th', '5th'].map((s) => s.padStart(6)).join(' ')}  ${'paginate'.padStart(9)} ${'print'.padStart(7)}  separated\n`);
  for (const scale of scales) {
    const file = await writeBook(scale, dir);
    const model = await buildDocument({ input: file });
    const result = await renderPdf(model, { browser, outFile: path.join(dir, `book-${scale}.pdf`) });
    const separated = model.file.messages.filter((m) => m.ruleId === 'print-note-separated').length;
    const curve = fifths(result.pageTimes.slice(1));
    work.push({ scale, curve: fifths(result.pageWork.slice(1)) });
    process.stdout.write(
      `${String(scale).padStart(5)} ${String(result.pages).padStart(6)} ${String(model.notes.length).padStart(6)}  ${curve.map((t) => (Number.isNaN(t) ? '—' : t.toFixed(1)).padStart(6)).join(' ')}  ${(result.timings.paginate / 1000).toFixed(2).padStart(8)}s ${(result.timings.print / 1000).toFixed(2).padStart(6)}s  ${separated}\n`,
    );
    rows.push({ scale, file, pages: result.pages });
  }
} finally {
  await browser.close();
}

process.stdout.write('\nlayout rectangles read per page, mean of each fifth (the same work whatever the load)\n');
for (const { scale, curve } of work) process.stdout.write(`${String(scale).padStart(5)}  ${curve.map((t) => (Number.isNaN(t) ? '—' : t.toFixed(0)).padStart(7)).join(' ')}\n`);

if (withCli) process.stdout.write('\nwhole build, three editions (CLI)\n');
for (const { scale, file, pages } of withCli ? rows : []) {
  const { wall, cpu, peakMb } = await buildWithCli(file, path.join(dir, `out-${scale}`));
  const goal = scale === 50 ? `  goal ≤ 20 s, ≤ 1229 MB: ${wall <= 20 && peakMb <= 1229 ? 'met' : 'NOT met'}` : '';
  process.stdout.write(`${String(scale).padStart(5)}× ${String(pages).padStart(4)} pages  wall ${wall.toFixed(1).padStart(5)} s  cpu ${cpu.toFixed(1).padStart(5)} s  peak ${peakMb.toFixed(0).padStart(5)} MB${goal}\n`);
}
await rm(dir, { recursive: true, force: true });
process.stdout.write('(wall time measures the machine as much as the tool when other work shares it: compare cpu too)\n');
process.exit(0);
