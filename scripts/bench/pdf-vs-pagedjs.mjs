#!/usr/bin/env node
/**
 * Benchmark: the print edition (PDF) of one manuscript, Colophon's own
 * paginator against Paged.js (pagedjs-cli), and the whole three-edition build.
 *
 *   node scripts/bench/pdf-vs-pagedjs.mjs [--runs N] [--manuscript FILE.md]
 *
 * In: the compiled library and CLI (`npm run compile` first, or
 * `npm run bench`), a manuscript (default
 * `manuscript/readmission-azerbaijan.md`), a browser Colophon can find, and
 * `pagedjs-cli` (a dev dependency) for the comparison.
 * Out: medians of N runs (default 5) of
 *   1. `colophon build FILE --format pdf` as a process (model + browser + PDF);
 *   1b. Colophon's PDF stage alone as a process: the model read back from
 *      JSON, a browser launched, the PDF printed (the fair match for 2);
 *   2. `pagedjs-cli` as a process on the same print HTML, its notes as
 *      `float: footnote` (Paged.js's way), same CSS, fonts and browser;
 *   3. `renderPdf` alone, warm, in this process with one browser (what a
 *      build pays for the PDF once the model is made), and beside it the
 *      Paged.js polyfill paginating the same HTML in the same browser;
 *   4. `colophon build FILE` (HTML, EPUB and PDF) as a process;
 * the ratios (1b)/(2) and warm Colophon / warm Paged.js (goal: below 1),
 * and whether (4) is under 2 s (goal).
 * Runs of (1) and (2) alternate so that machine load hits both alike; each
 * line gives the CPU time of the processes too (Linux), which a busy
 * machine disturbs far less than wall time.
 * Exit status: 0 measured; 77 a prerequisite is missing; 1 a run failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SKIPPED, median, option, rel, root, timed, line as resultLine } from '../bench-lib.mjs';

const line = (label, samples) => resultLine(label, samples, { width: 44, digits: 0 });

const require = createRequire(path.join(root, 'package.json'));

const runs = Math.max(1, Number(option('runs', 5)) || 5);
const manuscript = path.resolve(root, option('manuscript', 'manuscript/readmission-azerbaijan.md'));
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const library = path.join(root, 'build', 'src', 'index.js');
const pdfModule = path.join(root, 'build', 'src', 'pdf', 'index.js');
const browserModule = path.join(root, 'build', 'src', 'browser.js');

// ---------------------------------------------------------------------------
// Timing helpers: wall time and the CPU time of finished children.


// ---------------------------------------------------------------------------
// Prerequisites.

const missing = [];
for (const [file, what] of [
  [cli, 'the compiled CLI'],
  [library, 'the compiled library'],
  [pdfModule, 'the compiled PDF stage'],
]) {
  if (!existsSync(file)) missing.push(`${what} ${rel(file)} (run \`npm run compile\`)`);
}
if (!existsSync(manuscript)) missing.push(`the manuscript ${rel(manuscript)}`);
let pagedjsCli;
try {
  // Its `exports` hide package.json and the CLI: go from the main module.
  pagedjsCli = path.join(path.dirname(require.resolve('pagedjs-cli')), 'cli.js');
} catch {
  missing.push('pagedjs-cli (PUPPETEER_SKIP_DOWNLOAD=1 npm install -D pagedjs-cli)');
}
let found = null;
if (existsSync(browserModule)) {
  const { findBrowser } = await import(pathToFileURL(browserModule).href);
  found = await findBrowser().catch(() => null);
  if (!found) missing.push('Chromium or Chrome (see scripts/setup-browser.mjs)');
}
if (missing.length) {
  process.stdout.write(`skipped: missing\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
  process.exit(SKIPPED);
}

const { buildDocument } = await import(pathToFileURL(library).href);
const { renderPdf, printHtml } = await import(pathToFileURL(pdfModule).href);
const { launchBrowser, browserArgs } = await import(pathToFileURL(browserModule).href);
const { fromHtml } = await import('hast-util-from-html');
const { toHtml } = await import('hast-util-to-html');
const { visit, SKIP } = await import('unist-util-visit');

// ---------------------------------------------------------------------------
// The same print HTML, in Paged.js's terms: the text visible in one flow,
// each note in place of its call as a `float: footnote` element, the page
// furniture as @page margin boxes, fonts from the package by file URL.

const fontDir = path.join(path.dirname(require.resolve('@fontsource/tinos/400.css')), 'files');
function pagedHtml(printed, model) {
  const tree = fromHtml(printed);
  const byId = new Map();
  visit(tree, 'element', (node) => {
    if (node.properties?.id) byId.set(String(node.properties.id), node);
  });
  const notes = new Map();
  const noteStore = byId.get('print-notes');
  for (const note of noteStore?.children ?? []) {
    if (note.type !== 'element') continue;
    const content = note.children.filter((c) => !(c.type === 'element' && (c.properties?.className ?? []).includes('note-number')));
    // Block content inside an inline float: set paragraphs as block spans.
    visit({ type: 'root', children: content }, 'element', (node) => {
      if (node.tagName === 'p') {
        node.tagName = 'span';
        node.properties = { ...node.properties, className: ['note-paragraph'] };
      }
    });
    notes.set(Number(note.properties.dataNote), content);
  }
  visit(tree, 'element', (node, index, parent) => {
    if (!parent || index === undefined) return;
    const classes = node.properties?.className ?? [];
    if (node.tagName === 'sup' && classes.includes('note-call')) {
      parent.children[index] = { type: 'element', tagName: 'span', properties: { className: ['footnote'] }, children: notes.get(Number(node.properties.dataCall)) ?? [] };
      return SKIP;
    }
    if (node.properties?.id === 'print-notes' || node.tagName === 'template') {
      parent.children.splice(index, 1);
      return [SKIP, index];
    }
    if (classes.includes('print-source')) node.properties.className = classes.filter((c) => c !== 'print-source');
  });
  const m = model.metadata;
  const quote = (s) => JSON.stringify(s ?? '');
  const css = `
    @page { size: A4; margin: 25mm;
      @top-left { content: ${quote(m.authors.map((a) => a.name).join(', '))}; font-size: 8.5pt; vertical-align: bottom; border-bottom: 0.4pt solid; }
      @top-right { content: ${quote(m.series?.designation)}; font-size: 8.5pt; vertical-align: bottom; border-bottom: 0.4pt solid; }
      @bottom-center { content: counter(page); font-size: 9pt; }
      @footnote { float: bottom; border-top: 0.5pt solid; padding-top: 6pt; }
    }
    @page :first { @top-left { content: none; border: 0; } @top-right { content: none; border: 0; } }
    .footnote { float: footnote; font-size: 9pt; line-height: 11pt; text-align: justify; }
    .footnote .note-paragraph { display: block; }
    ::footnote-call { content: counter(footnote); font-size: 7pt; vertical-align: super; line-height: 0; }
    ::footnote-marker { content: counter(footnote-marker) " "; font-size: 7pt; }
  `;
  let html = toHtml(tree)
    .replace(/url\(\/fonts\/([\w.-]+)\)/g, (_all, file) => `url(${pathToFileURL(path.join(fontDir, file)).href})`)
    .replace('</head>', `<style>${css}</style></head>`);
  return html;
}

// ---------------------------------------------------------------------------

const out = await mkdtemp(path.join(os.tmpdir(), 'colophon-bench-pdf-'));
const name = path.basename(manuscript, path.extname(manuscript));
const env = { ...process.env, PUPPETEER_EXECUTABLE_PATH: found.executablePath, PUPPETEER_SKIP_DOWNLOAD: '1' };

try {
  const model = await buildDocument({ input: manuscript });
  const { tinosFontFaceCss } = await import(pathToFileURL(path.join(root, 'build', 'src', 'pdf', 'fonts.js')).href);
  const printCss = await readFile(path.join(root, 'templates', 'carim', 'print.css'), 'utf8');
  const printed = await printHtml(model, { headCss: `${printCss}\n${await tinosFontFaceCss()}`, stylesheetHref: 'data:text/css,' });
  const pagedFile = path.join(out, `${name}.pagedjs.html`);
  await writeFile(pagedFile, pagedHtml(printed, model));
  await mkdir(path.join(out, 'pdf'), { recursive: true });

  process.stdout.write(
    [
      `manuscript   ${rel(manuscript)} (${model.notes.length} notes)`,
      `browser      ${found.executablePath}`,
      `runs         ${runs} (medians; pagedjs-cli and colophon alternate)`,
      '',
    ].join('\n'),
  );

  const colophonPdf = () => timed(process.execPath, [cli, 'build', manuscript, '--format', 'pdf', '--out', path.join(out, 'pdf'), '--quiet'], { cwd: root, env });
  const pagedArgs = [pagedjsCli, pagedFile, '-o', path.join(out, `${name}.pagedjs.pdf`), '--browserArgs', browserArgs.join(','), '--timeout', '120000'];
  const pagedjs = () => timed(process.execPath, pagedArgs, { cwd: root, env });
  // Colophon's PDF stage as a process starting from the same point as
  // pagedjs-cli (the document made, a browser to launch): the model,
  // plain data, is saved once and read back by a small script.
  const modelFile = path.join(out, `${name}.model.json`);
  await writeFile(modelFile, JSON.stringify({ ...model, file: { path: model.file.path } }));
  const stageScript = [
    `import { readFileSync } from 'node:fs';`,
    `import { VFile } from 'vfile';`,
    `const { launchBrowser } = await import(${JSON.stringify(pathToFileURL(browserModule).href)});`,
    `const { renderPdf } = await import(${JSON.stringify(pathToFileURL(pdfModule).href)});`,
    `const model = JSON.parse(readFileSync(process.argv[1], 'utf8'));`,
    `model.file = new VFile({ path: model.file.path });`,
    `const browser = await launchBrowser();`,
    `try { await renderPdf(model, { browser, outFile: process.argv[2] }); } finally { await browser.close(); }`,
  ].join('\n');
  const colophonStage = () =>
    timed(process.execPath, ['--input-type=module', '-e', stageScript, modelFile, path.join(out, 'stage.pdf')], { cwd: root, env });
  const allEditions = () => timed(process.execPath, [cli, 'build', manuscript, '--out', path.join(out, 'all'), '--quiet'], { cwd: root, env });

  // One untimed run of each, so files and the browser are in the page cache.
  await colophonPdf();
  await colophonStage();
  await pagedjs();

  const colophonSamples = [];
  const stageSamples = [];
  const pagedSamples = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2) {
      pagedSamples.push(await pagedjs());
      stageSamples.push(await colophonStage());
      colophonSamples.push(await colophonPdf());
    } else {
      colophonSamples.push(await colophonPdf());
      stageSamples.push(await colophonStage());
      pagedSamples.push(await pagedjs());
    }
  }

  // The PDF stage alone, warm, with one browser; and Paged.js in the same
  // browser on the same HTML (its polyfill, as pagedjs-cli uses it), so
  // that neither pays for starting a process or a browser.
  const warm = [];
  const pagedWarm = [];
  const polyfill = path.join(path.dirname(require.resolve('pagedjs')), '..', 'dist', 'paged.polyfill.js');
  const browser = await launchBrowser();
  const pagedRun = async () => {
    const page = await browser.newPage();
    try {
      const started = performance.now();
      await page.evaluateOnNewDocument('window.PagedConfig = { auto: false };');
      await page.goto(pathToFileURL(pagedFile).href, { waitUntil: 'load' });
      await page.addScriptTag({ path: polyfill });
      await page.evaluate('window.PagedPolyfill.preview()');
      await writeFile(path.join(out, 'paged-warm.pdf'), await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true }));
      return { wall: performance.now() - started };
    } finally {
      await page.close();
    }
  };
  try {
    await renderPdf(model, { browser, outFile: path.join(out, 'warm.pdf') });
    await pagedRun();
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await renderPdf(model, { browser, outFile: path.join(out, 'warm.pdf') });
      warm.push({ wall: performance.now() - started });
      pagedWarm.push(await pagedRun());
    }
  } finally {
    await browser.close();
  }

  const whole = [];
  for (let i = 0; i < runs; i++) whole.push(await allEditions());

  const pagesOf = (file) => {
    try {
      return /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1] ?? '?';
    } catch {
      return '?';
    }
  };
  const ratio = median(stageSamples.map((s) => s.wall)) / median(pagedSamples.map((s) => s.wall));
  const cpuRatio =
    stageSamples.every((s) => s.cpu !== undefined) && pagedSamples.every((s) => s.cpu !== undefined)
      ? median(stageSamples.map((s) => s.cpu)) / median(pagedSamples.map((s) => s.cpu))
      : undefined;
  const wholeMedian = median(whole.map((s) => s.wall));
  const warmRatio = median(warm.map((s) => s.wall)) / median(pagedWarm.map((s) => s.wall));
  process.stdout.write(
    [
      line('colophon build --format pdf (process)', colophonSamples),
      line('colophon PDF stage from the model (process)', stageSamples),
      line('pagedjs-cli, same HTML (process)', pagedSamples),
      line('renderPdf alone, warm browser', warm),
      line('Paged.js polyfill + page.pdf, warm browser', pagedWarm),
      line('colophon build, all three editions', whole),
      '',
      `pages        colophon ${pagesOf(path.join(out, 'pdf', `${name}.pdf`))}, pagedjs-cli ${pagesOf(path.join(out, `${name}.pagedjs.pdf`))}`,
      `ratio        colophon / pagedjs-cli = ${ratio.toFixed(2)} wall${cpuRatio === undefined ? '' : `, ${cpuRatio.toFixed(2)} cpu`} as processes from a made document; ${warmRatio.toFixed(2)} warm, same browser, same HTML (goal < 1)`,
      `three editions in ${(wholeMedian / 1000).toFixed(2)} s (goal < 2 s): ${wholeMedian < 2000 ? 'met' : 'not met'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  if (process.env.KEEP_BENCH_OUTPUT) process.stdout.write(`kept ${out}\n`);
  else await rm(out, { recursive: true, force: true });
}
