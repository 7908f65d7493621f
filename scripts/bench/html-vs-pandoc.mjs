#!/usr/bin/env node
/**
 * Benchmark: the HTML edition of one manuscript, Colophon against Pandoc.
 *
 *   node scripts/bench/html-vs-pandoc.mjs [--runs N] [--warmup N] [--manuscript FILE.md]
 *
 * In: the compiled CLI (`build/src/cli/bin.js`, so run `npm run compile`
 * first or use `npm run bench`), a manuscript (default
 * `manuscript/readmission-azerbaijan.md`) with its bibliography, the style it
 * names (resolved as Colophon resolves it, so both tools format with the same
 * `.csl` file) and `pandoc` (2.11 or later, for `--citeproc`) on the PATH.
 * Out: medians of N runs (default 10) of
 *   1. `colophon build FILE --format html --out TMP` as a process;
 *   2. `pandoc --citeproc -s FILE --bibliography … --csl … -o TMP/…` as a
 *      process, from the manuscript's folder;
 *   3. a process that imports only the library and the HTML writer (no CLI,
 *      no print or ebook modules) and builds the same edition: what the CLI
 *      would cost if it loaded only the modules an HTML build needs;
 *   4. the same Colophon build in this process, warm (modules loaded and
 *      compiled, files in the page cache): `buildDocument` alone, and with
 *      the HTML edition written;
 * the ratio Colophon / Pandoc of (1) and (2), whose goal is ≤ 1.0, and the
 * bare start-up of each tool, since start-up is most of a small build.
 *
 * The two tools run interleaved (alternating which goes first) so that a
 * change in machine load hits both alike. Each line also gives the median
 * CPU time (user + system; from wait4 or /proc, see bench-lib.mjs), which a busy machine
 * disturbs far less than wall time. Exit status: 0 measured; 77 a
 * prerequisite is missing (printed); 1 a run failed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SKIPPED, line, median, option, pairedRuns, rel, root, timed } from '../bench-lib.mjs';


function positiveInteger(name, fallback) {
  const value = Number(option(name, fallback));
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a whole number, got ${option(name, fallback)}\n`);
    process.exit(2);
  }
  return value;
}

const runs = Math.max(1, positiveInteger('runs', 10));
const warmup = positiveInteger('warmup', 1);
const manuscript = path.resolve(root, option('manuscript', 'manuscript/readmission-azerbaijan.md'));
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const library = path.join(root, 'build', 'src', 'index.js');
const stylesModule = path.join(root, 'build', 'src', 'load', 'styles.js');
const htmlEditionModule = path.join(root, 'build', 'src', 'html', 'edition.js');



// ---------------------------------------------------------------------------
// Prerequisites: say everything that is missing at once, then skip.

const missing = [];
if (!existsSync(cli)) missing.push(`the compiled CLI ${rel(cli)} (run \`npm run compile\`)`);
if (!existsSync(library)) missing.push(`the compiled library ${rel(library)} (run \`npm run compile\`)`);
if (!existsSync(manuscript)) missing.push(`the manuscript ${rel(manuscript)}`);
const pandocVersion = await new Promise((resolve) => {
  const child = spawn('pandoc', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.on('error', () => resolve(undefined));
  child.on('close', (code) => resolve(code === 0 ? out.split('\n')[0] : undefined));
});
if (!pandocVersion) missing.push('pandoc on the PATH (Debian: `apt-get install pandoc`)');

// The bibliography and style, read from the front matter as Colophon reads them.
let bibliography = [];
let stylePath;
if (existsSync(manuscript)) {
  const { parse } = await import('yaml');
  const text = await readFile(manuscript, 'utf8');
  const header = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  const meta = header ? (parse(header[1]) ?? {}) : {};
  const dir = path.dirname(manuscript);
  bibliography = (Array.isArray(meta.bibliography) ? meta.bibliography : meta.bibliography ? [meta.bibliography] : []).map((p) =>
    path.resolve(dir, p),
  );
  for (const file of bibliography) if (!existsSync(file)) missing.push(`the bibliography ${rel(file)}`);
  const csl = typeof meta.csl === 'string' ? meta.csl : 'carim-note';
  if (existsSync(stylesModule)) {
    const { resolveStyle } = await import(pathToFileURL(stylesModule).href);
    const result = await resolveStyle(csl, { baseDir: dir });
    if (result.ok) stylePath = result.style.path;
    else missing.push(`the style "${csl}": ${result.reason}`);
  } else {
    stylePath = path.join(root, 'templates', 'csl', 'carim-note.csl');
  }
  if (stylePath && !existsSync(stylePath)) missing.push(`the style file ${rel(stylePath)}`);
}

if (missing.length > 0) {
  process.stdout.write(`skipped: missing\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
  process.exit(SKIPPED);
}

// ---------------------------------------------------------------------------

const out = await mkdtemp(path.join(os.tmpdir(), 'colophon-bench-html-'));
const name = path.basename(manuscript, path.extname(manuscript));
const colophonArgs = [cli, 'build', manuscript, '--format', 'html', '--out', path.join(out, 'colophon'), '--quiet'];
const pandocArgs = [
  '--citeproc',
  '-s',
  path.basename(manuscript),
  ...bibliography.flatMap((file) => ['--bibliography', file]),
  '--csl',
  stylePath,
  '-o',
  path.join(out, 'pandoc', `${name}.html`),
];

const colophon = () => timed(process.execPath, colophonArgs, { cwd: root });
// From the manuscript's folder, so relative paths in the front matter resolve for Pandoc as for Colophon.
const pandoc = () => timed('pandoc', pandocArgs, { cwd: path.dirname(manuscript) });

try {
  process.stdout.write(
    [
      `manuscript   ${rel(manuscript)}`,
      `bibliography ${bibliography.map(rel).join(', ') || '(none)'}`,
      `style        ${rel(stylePath)}`,
      `pandoc       ${pandocVersion}`,
      `node         ${process.version}`,
      `runs         ${runs} (after ${warmup} warm-up)`,
      '',
    ].join('\n'),
  );
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(out, 'pandoc'), { recursive: true });

  const [colophonMs, pandocMs] = await pairedRuns(colophon, pandoc, { runs, warmup });

  // The HTML path alone in a fresh process: the library and the HTML writer.
  const leanMs = [];
  if (existsSync(htmlEditionModule)) {
    const script = [
      `const { buildDocument } = await import(${JSON.stringify(pathToFileURL(library).href)});`,
      `const { writeHtmlEdition } = await import(${JSON.stringify(pathToFileURL(htmlEditionModule).href)});`,
      `const model = await buildDocument({ input: ${JSON.stringify(manuscript)} });`,
      `if (model.file.messages.some((m) => m.fatal)) process.exit(1);`,
      `await writeHtmlEdition(model, { outDir: ${JSON.stringify(path.join(out, 'lean'))} });`,
    ].join('\n');
    for (let i = 0; i < runs; i++) leanMs.push(await timed(process.execPath, ['--input-type=module', '-e', script], { cwd: root }));
  }

  // What start-up alone costs each tool.
  const nodeStart = [];
  const pandocStart = [];
  for (let i = 0; i < runs; i++) {
    nodeStart.push(await timed(process.execPath, ['-e', '0']));
    pandocStart.push(await timed('pandoc', ['--citeproc', '-s', '-f', 'markdown', '-t', 'html', '--metadata', 'title=x', '/dev/null']));
  }

  // In this process, warm.
  const { buildDocument } = await import(pathToFileURL(library).href);
  const writeHtmlEdition = existsSync(htmlEditionModule)
    ? (await import(pathToFileURL(htmlEditionModule).href)).writeHtmlEdition
    : undefined;
  const modelMs = [];
  const editionMs = [];
  for (let i = 0; i < warmup + 2; i++) {
    const model = await buildDocument({ input: manuscript });
    if (writeHtmlEdition) await writeHtmlEdition(model, { outDir: path.join(out, 'in-process') });
  }
  const cpuMs = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuStarted = cpuMs();
    const model = await buildDocument({ input: manuscript });
    modelMs.push({ wall: performance.now() - started, cpu: cpuMs() - cpuStarted });
    if (writeHtmlEdition) {
      await writeHtmlEdition(model, { outDir: path.join(out, 'in-process') });
      editionMs.push({ wall: performance.now() - started, cpu: cpuMs() - cpuStarted });
    }
    const errors = model.file.messages.filter((m) => m.fatal);
    if (errors.length > 0) throw new Error(`the manuscript has errors:\n${errors.map(String).join('\n')}`);
  }

  // A check that both produced what is being compared.
  const colophonHtml = await readFile(path.join(out, 'colophon', `${name}.html`), 'utf8');
  const pandocHtml = await readFile(path.join(out, 'pandoc', `${name}.html`), 'utf8');
  const colophonNotes = (colophonHtml.match(/role="doc-endnote"|<li[^>]+id="fn-?\d+"/g) ?? []).length;
  const pandocNotes = (pandocHtml.match(/<li id="fn\d+"/g) ?? []).length;
  const colophonFiles = await readdir(path.join(out, 'colophon'));

  const ratio = median(colophonMs.map((s) => s.wall)) / median(pandocMs.map((s) => s.wall));
  const cpuKnown = colophonMs.every((s) => s.cpu !== undefined) && pandocMs.every((s) => s.cpu !== undefined);
  const cpuRatio = cpuKnown ? median(colophonMs.map((s) => s.cpu)) / median(pandocMs.map((s) => s.cpu)) : undefined;
  process.stdout.write(
    [
      line('colophon build --format html (process)', colophonMs),
      line('pandoc --citeproc -s (process)', pandocMs),
      ...(leanMs.length > 0 ? [line('library + HTML writer only (process)', leanMs)] : []),
      line('node -e 0 (start-up only)', nodeStart),
      line('pandoc --citeproc on empty input', pandocStart),
      line('buildDocument, in process, warm', modelMs),
      ...(editionMs.length > 0 ? [line('buildDocument + HTML edition, in process, warm', editionMs)] : []),
      '',
      `ratio colophon / pandoc (process medians): ${ratio.toFixed(2)}   goal ≤ 1.00   ${ratio <= 1 ? 'met' : 'not met'}`,
      ...(cpuRatio === undefined ? [] : [`ratio colophon / pandoc (CPU-time medians): ${cpuRatio.toFixed(2)}`]),
      `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`,
      `output: colophon ${colophonFiles.join(', ')} (${colophonHtml.length} chars, ${colophonNotes} notes); pandoc ${name}.html (${pandocHtml.length} chars, ${pandocNotes} notes)`,
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await rm(out, { recursive: true, force: true });
}
