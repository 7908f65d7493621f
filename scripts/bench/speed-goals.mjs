#!/usr/bin/env node
/**
 * Benchmark: the speed goals, Colophon against `pandoc --citeproc`.
 *
 *   node scripts/bench/speed-goals.mjs [--runs N] [--notes N] [--only SECTION]
 *
 * Sections (all by default; `--only cold,cached,book,editions,preview,series,breakdown`):
 *   cold      cold first HTML build (a new process, no citation cache) vs Pandoc
 *   cached    cold cached rebuild: a new process after a text edit, the
 *             citation cache filled, vs Pandoc on the same edited file
 *             (where the environment sets NODE_EXTRA_CA_CERTS, which Node
 *             reads at every start, the cold and cached pairs are run again
 *             with it unset for both tools: shown, not judged)
 *   book      the same cached rebuild of a generated 250-page book
 *             (scripts/generate-book.mjs, scale 50: 1,150 notes), where
 *             the last parse kept beside the citation cache spares reading
 *             the whole Markdown again (not a goal; fewer pairs)
 *   editions  all three editions in one build (Pandoc: EPUB), cached and not
 *   preview   preview refresh: a save to the page's reload event (HTML), and
 *             a PDF asked for after a save, from the warm browser
 *   series    notes per minute for N copies of the manuscript (default 12),
 *             all three editions, with --jobs 1 and with the default jobs
 *   breakdown where the time goes: the steps of a cold HTML build, a cached
 *             rebuild and a three-edition build (COLOPHON_TIMINGS=1), each
 *             the median over the runs of its time since the process started
 *             and since the step before
 *
 * Colophon and Pandoc runs are paired and alternate which goes first, so a
 * change in machine load hits both alike; every line gives medians of wall
 * and CPU time (user + system of the child and its threads, to the
 * microsecond from `wait4` through python3 where it is, else from /proc in
 * 10 ms clock ticks; `COLOPHON_BENCH_TICKS=1` asks for /proc), and each ratio is
 * the ratio of medians. The commands are printed. The machine's load
 * average is printed before and after: on a shared machine, read CPU first.
 * Exit status: 0 measured; 77 a prerequisite is missing; 1 a run failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SKIPPED, line, median, option, pairedRuns, rel, root, timed } from '../bench-lib.mjs';

const runs = Math.max(1, Number(option('runs', 10)) || 10);
const notes = Math.max(2, Number(option('notes', 12)) || 12);
const only = new Set(String(option('only', 'cold,cached,book,editions,preview,series,breakdown')).split(','));
const launcher = path.join(root, 'bin', 'colophon.cjs');
const compiled = path.join(root, 'build', 'src', 'cli', 'bin.js');
const source = path.join(root, 'manuscript', 'readmission-azerbaijan.md');

const missing = [];
if (!existsSync(path.join(root, 'build', 'colophon.cjs'))) missing.push('the bundle build/colophon.cjs (run `npm run compile`)');
if (!existsSync(compiled)) missing.push(`${rel(compiled)} (run \`npm run compile\`)`);
const pandocOk = await new Promise((resolve) => {
  const child = spawn('pandoc', ['--version'], { stdio: 'ignore' });
  child.on('error', () => resolve(false));
  child.on('close', (code) => resolve(code === 0));
});
if (!pandocOk) missing.push('pandoc on the PATH');
if (missing.length > 0) {
  process.stdout.write(`skipped: missing\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
  process.exit(SKIPPED);
}

// A copy of the manuscript in a folder of its own, so edits touch nothing of the repository.
const work = mkdtempSync(path.join(os.tmpdir(), 'colophon-bench-speed-'));
const bib = path.join(work, 'refs.json');
copyFileSync(path.join(root, 'bibliography', 'readmission-azerbaijan.json'), bib);
const manuscript = path.join(work, 'paper.md');
const original = readFileSync(source, 'utf8').replace('../bibliography/readmission-azerbaijan.json', 'refs.json');
writeFileSync(manuscript, original);
const { resolveStyle } = await import(pathToFileURL(path.join(root, 'build', 'src', 'load', 'styles.js')).href);
const resolved = await resolveStyle('carim-note', { baseDir: work });
if (!resolved.ok) throw new Error(resolved.reason);
const csl = resolved.style.path;
const cacheDir = path.join(work, 'cache');
const env = { ...process.env, COLOPHON_CACHE_DIR: cacheDir };
const out = (name) => path.join(work, 'out', name);

let edits = 0;
/** A text-only edit: one word of the body changes, no citation. */
const textEdit = () => {
  edits++;
  writeFileSync(manuscript, original.replace('Azerbaijan', `Azerbaijan${edits % 2 ? '' : ' '}`).replace(/\n\n([A-Z][a-z]+ )/, `\n\n$1${'x'.repeat(edits % 7)} `));
};

const colophon = (args) => timed(process.execPath, [launcher, ...args], { cwd: work, env });
const pandoc = (args) => timed('pandoc', args, { cwd: work });
const pandocHtml = ['--citeproc', '-s', 'paper.md', '--bibliography', bib, '--csl', csl, '-o', out('pandoc.html')];
const pandocEpub = ['--citeproc', 'paper.md', '--bibliography', bib, '--csl', csl, '-o', out('pandoc.epub')];
const htmlColdArgs = ['build', 'paper.md', '--format', 'html', '--out', out('cold'), '-q', '--no-cache'];
const htmlCachedArgs = ['build', 'paper.md', '--format', 'html', '--out', out('cached'), '-q'];
mkdirSync(path.join(work, 'out'), { recursive: true });

const say = (text = '') => process.stdout.write(`${text}\n`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const results = [];
const ratio = (a, b, key) => median(a.map((s) => s[key])) / median(b.map((s) => s[key]));

/** Paired runs, alternating which tool goes first. */
async function paired(label, ours, theirs, { before, pairs = runs } = {}) {
  const [a, b] = await pairedRuns(ours, theirs, { runs: pairs, before });
  say(line(`${label}: colophon`, a));
  say(line(`${label}: pandoc`, b));
  const wall = ratio(a, b, 'wall');
  const cpu = a[0].cpu === undefined ? undefined : ratio(a, b, 'cpu');
  say(`${label}: ratio colophon/pandoc  wall ${wall.toFixed(2)}×${cpu === undefined ? '' : `   cpu ${cpu.toFixed(2)}×`}`);
  results.push({ label, wall, cpu, colophon: median(a.map((s) => s.wall)), colophonCpu: median(a.map((s) => s.cpu ?? NaN)) });
  return { a, b };
}

say(`manuscript   ${rel(source)} (copied to ${work})`);
say(`style        ${rel(csl)}`);
say(`node         ${process.version}, ${os.cpus().length} cores`);
say(`runs         ${runs} paired (after one warm-up pair)`);
say(`load average ${load()} (before)`);
say();

// What every Node process pays before any of Colophon runs: the floor
// under each ratio below. NODE_EXTRA_CA_CERTS, where it is set, makes Node
// read and parse that certificate bundle at start, before any script.
{
  const bare = [];
  const withoutCerts = [];
  const { NODE_EXTRA_CA_CERTS: certs, ...noCerts } = process.env;
  for (let i = 0; i < runs; i++) {
    bare.push(await timed(process.execPath, ['-e', '0'], { cwd: work }));
    if (certs) withoutCerts.push(await timed(process.execPath, ['-e', '0'], { cwd: work, env: noCerts }));
  }
  say('## Node\'s own start (no Colophon code)');
  say(`$ node -e 0`);
  say(line('node -e 0', bare));
  if (certs) say(line('node -e 0, without NODE_EXTRA_CA_CERTS', withoutCerts));
  if (certs) say(`  (NODE_EXTRA_CA_CERTS=${certs} is set here: Node reads it at every start; the runs below keep it, as a user's would)`);
  say();
}

try {
  if (only.has('cold')) {
    say('## cold first build, HTML (no citation cache; a new process each run)');
    const args = htmlColdArgs;
    say(`$ node ${rel(launcher)} ${args.join(' ')}`);
    say(`$ pandoc ${pandocHtml.join(' ')}`);
    await paired('cold HTML', () => colophon(args), () => pandoc(pandocHtml));
    const plain = [];
    for (let i = 0; i < Math.max(3, runs >> 1); i++) plain.push(await timed(process.execPath, [compiled, ...args], { cwd: work, env }));
    say(line('cold HTML, unbundled (build/src/cli/bin.js)', plain));
    say();
  }

  if (only.has('cached')) {
    say('## cold cached rebuild after a text edit, HTML (a new process; citations from the cache)');
    const args = htmlCachedArgs;
    say(`$ node ${rel(launcher)} ${args.join(' ')}     (after a one-word edit of paper.md)`);
    say(`$ pandoc ${pandocHtml.join(' ')}`);
    await colophon(args);
    await paired('cached HTML rebuild', () => colophon(args), () => pandoc(pandocHtml), { before: textEdit });
    say();
  }

  // Where the environment sets NODE_EXTRA_CA_CERTS, Node reads that bundle at
  // every start (33 ms here), before any of Colophon runs. The same two
  // builds, with it unset for both tools, show the ratios on a machine that
  // does not set it. Shown beside the goals, which are judged as above.
  if (process.env.NODE_EXTRA_CA_CERTS && (only.has('cold') || only.has('cached'))) {
    const { NODE_EXTRA_CA_CERTS: _certs, ...noCerts } = env;
    const bare = (args) => timed(process.execPath, [launcher, ...args], { cwd: work, env: noCerts });
    const pandocBare = (args) => timed('pandoc', args, { cwd: work, env: noCerts });
    say('## the same builds without NODE_EXTRA_CA_CERTS (for both tools; not a goal)');
    if (only.has('cold')) {
      const args = htmlColdArgs;
      say(`$ env -u NODE_EXTRA_CA_CERTS node ${rel(launcher)} ${args.join(' ')}`);
      await paired('cold HTML, no NODE_EXTRA_CA_CERTS', () => bare(args), () => pandocBare(pandocHtml));
    }
    if (only.has('cached')) {
      const args = htmlCachedArgs;
      say(`$ env -u NODE_EXTRA_CA_CERTS node ${rel(launcher)} ${args.join(' ')}     (after a one-word edit of paper.md)`);
      await paired('cached HTML rebuild, no NODE_EXTRA_CA_CERTS', () => bare(args), () => pandocBare(pandocHtml), { before: textEdit });
    }
    say();
  }

  if (only.has('book')) {
    say('## cold cached rebuild of a 250-page book after a text edit, HTML (a new process; citations and the last parse from the cache)');
    const dir = path.join(work, 'book');
    const { writeBook } = await import(pathToFileURL(path.join(root, 'scripts', 'generate-book.mjs')).href);
    const file = await writeBook(50, dir);
    const name = path.basename(file);
    const text = readFileSync(file, 'utf8');
    let bookEdits = 0;
    const bookEdit = () => {
      bookEdits++;
      writeFileSync(file, text.replace(/\n\n([A-Z][a-z]+ )/, `\n\n$1${'x'.repeat(bookEdits % 7)} `));
    };
    const args = ['build', name, '--format', 'html', '--out', path.join(dir, 'out'), '-q'];
    const pandocArgs = ['--citeproc', '-s', name, '--bibliography', name.replace(/\.md$/, '.json'), '--csl', csl, '-o', path.join(dir, 'pandoc.html')];
    say(`$ (cd ${rel(dir)} && node ${rel(launcher)} ${args.join(' ')})     (after a one-word edit of ${name})`);
    say(`$ (cd ${rel(dir)} && pandoc ${pandocArgs.join(' ')})`);
    await timed(process.execPath, [launcher, ...args], { cwd: dir, env });
    await paired(
      'book cached HTML rebuild',
      () => timed(process.execPath, [launcher, ...args], { cwd: dir, env }),
      () => timed('pandoc', pandocArgs, { cwd: dir }),
      { before: bookEdit, pairs: Math.max(3, runs >> 1) },
    );
    say();
  }

  if (only.has('editions')) {
    say('## all three editions (Pandoc: EPUB only)');
    const cachedArgs = ['build', 'paper.md', '--out', out('all'), '-q'];
    const coldArgs = [...cachedArgs, '--no-cache'];
    say(`$ node ${rel(launcher)} ${coldArgs.join(' ')}`);
    say(`$ pandoc ${pandocEpub.join(' ')}`);
    await paired('three editions, no cache', () => colophon(coldArgs), () => pandoc(pandocEpub));
    say(`$ node ${rel(launcher)} ${cachedArgs.join(' ')}     (after a one-word edit)`);
    await colophon(cachedArgs);
    await paired('three editions, cached', () => colophon(cachedArgs), () => pandoc(pandocEpub), { before: textEdit });
    say();
  }

  if (only.has('preview')) {
    say('## preview refresh (one warm process; a save → the reload event; a PDF asked for after a save)');
    const { startPreview } = await import(pathToFileURL(path.join(root, 'build', 'src', 'preview', 'server.js')).href);
    const http = await import('node:http');
    const preview = await startPreview({ input: manuscript, log: () => undefined, cache: cacheDir });
    say(`$ colophon preview ${rel(manuscript)}   (in this process, at ${preview.url})`);
    const events = [];
    let waiting;
    const req = http.request(new URL('/__colophon/events', preview.url), (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data) {
            events.push({ at: performance.now(), state: JSON.parse(data) });
            waiting?.();
          }
        }
      });
    });
    req.end();
    const nextEvent = (count) =>
      new Promise((resolve) => {
        const check = () => (events.length >= count ? resolve(events[count - 1]) : (waiting = check));
        check();
      });
    await nextEvent(1);
    const html = [];
    for (let i = 0; i < runs + 1; i++) {
      const count = events.length + 1;
      const cpu = process.cpuUsage();
      const started = performance.now();
      textEdit();
      const event = await nextEvent(count);
      const used = process.cpuUsage(cpu);
      if (i > 0) html.push({ wall: event.at - started, cpu: (used.user + used.system) / 1000 });
      await new Promise((r) => setTimeout(r, 60));
    }
    say(line('preview HTML refresh (save → reload event)', html));
    say(`  (of which the debounce of a save: 25 ms; build as the server timed it: median ${median(events.slice(-runs).map((e) => e.state.ms))} ms)`);
    const fetchPdf = () =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        http.get(new URL(`/${preview.name}.pdf`, preview.url), (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`PDF: ${res.statusCode}`))));
        }).on('error', reject);
      });
    await fetchPdf();
    const pdf = [];
    for (let i = 0; i < Math.max(3, runs >> 1); i++) {
      const count = events.length + 1;
      const started = performance.now();
      textEdit();
      await nextEvent(count);
      await fetchPdf();
      pdf.push({ wall: performance.now() - started });
    }
    say(line('preview PDF refresh (save → PDF received)', pdf));
    results.push({ label: 'preview HTML', colophon: median(html.map((s) => s.wall)) }, { label: 'preview PDF', colophon: median(pdf.map((s) => s.wall)) });
    req.destroy();
    await preview.close();
    say();
  }

  if (only.has('series')) {
    say(`## series throughput: ${notes} notes, all three editions`);
    const dir = path.join(work, 'series');
    mkdirSync(dir, { recursive: true });
    // The bibliography sits beside the notes: a manuscript may only name files in its own folder.
    copyFileSync(bib, path.join(dir, 'refs.json'));
    const names = [];
    for (let i = 0; i < notes; i++) {
      const name = `note-${String(i + 1).padStart(3, '0')}.md`;
      writeFileSync(path.join(dir, name), original.replace(/^title: .*$/m, `title: Note ${i + 1}`));
      names.push(name);
    }
    for (const jobs of [1, os.availableParallelism()]) {
      const args = ['build', ...names, '--out', path.join(dir, `out-${jobs}`), '-q', '--jobs', String(jobs)];
      say(`$ (cd ${rel(dir)} && node ${rel(launcher)} build note-*.md --out out-${jobs} -q --jobs ${jobs})`);
      const samples = [];
      for (let i = 0; i < Math.max(1, runs >> 2); i++) {
        rmSync(cacheDir, { recursive: true, force: true });
        samples.push(await timed(process.execPath, [launcher, ...args], { cwd: dir, env }));
      }
      const wall = median(samples.map((s) => s.wall));
      say(line(`series --jobs ${jobs}`, samples));
      say(`series --jobs ${jobs}: ${((notes * 60_000) / wall).toFixed(0)} notes/minute (wall), ${((notes * 60_000) / median(samples.map((s) => s.cpu))).toFixed(0)} notes per CPU-minute`);
    }
    say();
  }
  if (only.has('breakdown')) {
    say('## where the time goes (COLOPHON_TIMINGS=1; medians: ms since the process started, and since the step before)');
    const steps = (args, before) => {
      const runsOf = [];
      for (let i = 0; i < runs; i++) {
        before?.();
        const run = spawnSync(process.execPath, [launcher, ...args], { cwd: work, env: { ...env, COLOPHON_TIMINGS: '1' }, encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`colophon ${args.join(' ')} exited ${run.status}\n${run.stderr}`);
        runsOf.push(
          run.stderr
            .split('\n')
            .map((text) => /^colophon timing\s+([\d.]+) ms  \(\+([\d.]+)\)  (.*)$/.exec(text))
            .filter(Boolean)
            .map((m) => ({ label: m[3], at: Number(m[1]), delta: Number(m[2]) })),
        );
      }
      // Steps by label, in the order of the first run (a step some runs lack is left out).
      for (const { label } of runsOf[0]) {
        const found = runsOf.map((r) => r.find((step) => step.label === label)).filter(Boolean);
        if (found.length < runsOf.length) continue;
        say(`  ${median(found.map((f) => f.at)).toFixed(0).padStart(6)} ms  (+${median(found.map((f) => f.delta)).toFixed(0).padStart(4)})  ${label}`);
      }
    };
    const cold = ['build', 'paper.md', '--format', 'html', '--out', out('steps-cold'), '-q', '--no-cache'];
    say(`$ COLOPHON_TIMINGS=1 node ${rel(launcher)} ${cold.join(' ')}`);
    steps(cold);
    const cached = ['build', 'paper.md', '--format', 'html', '--out', out('steps-cached'), '-q'];
    say(`$ COLOPHON_TIMINGS=1 node ${rel(launcher)} ${cached.join(' ')}     (after a one-word edit; citations from the cache)`);
    spawnSync(process.execPath, [launcher, ...cached], { cwd: work, env });
    steps(cached, textEdit);
    const all = ['build', 'paper.md', '--out', out('steps-all'), '-q', '--no-cache'];
    say(`$ COLOPHON_TIMINGS=1 node ${rel(launcher)} ${all.join(' ')}`);
    steps(all);
    say();
  }
} finally {
  say(`load average ${load()} (after)`);
  rmSync(work, { recursive: true, force: true });
}

say('## goals');
const goal = (label, value, limit, unit) => say(`${label.padEnd(46)} ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit}) ${value <= limit ? 'met' : 'NOT met'}`);
for (const r of results) {
  if (r.label === 'cold HTML') {
    goal('cold HTML, wall ratio', r.wall, 2.0, '×');
    if (r.cpu !== undefined) goal('cold HTML, CPU ratio', r.cpu, 2.0, '×');
  }
  if (r.label === 'cached HTML rebuild') {
    goal('cached rebuild after a text edit, wall ratio', r.wall, 1.0, '×');
    if (r.cpu !== undefined) goal('cached rebuild after a text edit, CPU ratio', r.cpu, 1.0, '×');
  }
  if (r.label.startsWith('three editions')) goal(`${r.label}, wall`, r.colophon / 1000, 1.2, ' s');
  if (r.label === 'preview HTML') goal('preview HTML refresh', r.colophon, 200, ' ms');
  if (r.label === 'preview PDF') goal('preview PDF refresh', r.colophon / 1000, 1.0, ' s');
}
