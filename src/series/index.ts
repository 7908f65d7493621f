/**
 * Series builds: many manuscripts at once, over the machine's cores.
 *
 * Each worker thread builds one manuscript at a time (all its editions),
 * taking the next from a shared queue when done, so long and short
 * manuscripts even out. The print and ebook editions share one browser: it
 * is launched here, once, and each worker connects to it over its DevTools
 * endpoint. A manuscript with errors, or a worker that dies, fails that
 * manuscript alone; the others are built.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Browser } from 'puppeteer-core';
import type { BuildOptions, ProgressEvent } from '../build.js';
import { editionFormats } from '../build.js';
import { distinctManuscripts } from '../output/guard.js';
import { endBrowser } from '../output/deadline.js';

export interface SeriesOptions extends Omit<BuildOptions, 'onDocument' | 'browser' | 'onProgress'> {
  /** Worker threads. Default: the number of cores. */
  jobs?: number;
  /** Once per manuscript, when it is done: its report lines (errors and warnings), the files written. */
  onReport?: (input: string, lines: string[], outputs: string[], ok: boolean) => void;
  onProgress?: (event: ProgressEvent) => void;
}

export interface SeriesResult {
  documents: Array<{ input: string; ok: boolean; outputs: string[] }>;
  ok: boolean;
  /** A manuscript failed for want of something in the environment (a browser). */
  environmentError: boolean;
}

/** The plain-data part of the options, as a worker receives it. */
export type WorkerOptions = Omit<SeriesOptions, 'onReport' | 'onProgress' | 'onWait' | 'inputs' | 'jobs'>;

export type ToWorker = { type: 'build'; input: string } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'wait'; message: string }
  | { type: 'done'; input: string; lines: string[]; outputs: string[]; ok: boolean; environment: boolean };

export const defaultJobs = (): number => Math.max(1, availableParallelism());

export async function buildSeries(options: SeriesOptions): Promise<SeriesResult> {
  const formats = options.formats ?? [...editionFormats];
  // The same guards as a single build, before any worker starts: each
  // manuscript once, no two with one name into one folder (exit 2); each
  // worker's build() then checks its own inputs, takes the name's lock and
  // stages its editions.
  const inputs = distinctManuscripts(options.inputs, path.resolve(options.outDir ?? 'dist'), (input) => path.basename(input, path.extname(input)));
  const queue = [...inputs];
  const total = queue.length;
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), total));
  const documents: SeriesResult['documents'] = [];
  let environmentError = false;
  const needsBrowser = formats.includes('pdf') || formats.includes('epub');
  let browser: Browser | undefined;
  let endpoint: string | undefined;
  if (needsBrowser) {
    // A browser that cannot start is reported by each manuscript's own build.
    const { launchBrowser, sharedEndpoint } = await import('../browser.js');
    browser = await launchBrowser({ executablePath: options.browserPath, shared: true }).catch(() => undefined);
    endpoint = browser && sharedEndpoint(browser);
  }
  // Functions do not cross to a worker: its waits for a lock come back as messages.
  const { onReport, onProgress, onWait, inputs: _inputs, jobs: _jobs, ...rest } = options;
  const workerOptions: WorkerOptions = { ...rest, formats };

  const finish = (input: string, lines: string[], outputs: string[], ok: boolean) => {
    documents.push({ input, ok, outputs });
    onReport?.(input, lines, outputs, ok);
    onProgress?.({ kind: 'done', name: path.basename(input, path.extname(input)), ok, done: documents.length, total });
  };

  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const { entry, eval: evaluate } = workerEntry();
      const worker = new Worker(entry, {
        eval: evaluate,
        workerData: { options: workerOptions, browserWSEndpoint: endpoint },
        stderr: false,
      });
      let current: string | undefined;
      const next = () => {
        current = queue.shift();
        worker.postMessage((current === undefined ? { type: 'stop' } : { type: 'build', input: current }) satisfies ToWorker);
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') next();
        else if (message.type === 'progress') onProgress?.(message.event);
        else if (message.type === 'wait') onWait?.(message.message);
        else if (message.type === 'done') {
          current = undefined;
          if (message.environment) environmentError = true;
          finish(message.input, message.lines, message.outputs, message.ok);
          next();
        }
      });
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        if (current !== undefined) {
          const reason = error instanceof Error ? error.message : `the worker stopped (exit ${String(error)})`;
          finish(current, [`${displayPath(current)}  could not be built: ${reason}`], [], false);
          current = undefined;
          // The rest goes on in a fresh worker.
          if (queue.length > 0) return void runWorker().then(resolve);
        }
        resolve();
      };
      worker.on('error', (error) => end(error));
      worker.on('exit', (code) => end(code === 0 ? undefined : code));
    });

  try {
    await Promise.all(Array.from({ length: jobs }, () => runWorker()));
  } finally {
    // All workers are done with it: ended at once, as a single build's is.
    if (browser) await endBrowser(browser);
  }
  // In the order given, whatever the order they finished in.
  documents.sort((a, b) => options.inputs.indexOf(a.input) - options.inputs.indexOf(b.input));
  return { documents, ok: documents.every((d) => d.ok), environmentError };
}

declare const __colophonBundle: string | undefined;

/**
 * The worker's code: the bundled one beside the CLI bundle, run from its own
 * V8 code cache as the CLI is (written when missing or stale, once the
 * worker has built), else the compiled module.
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (typeof __colophonBundle !== 'string') return { entry: new URL('./worker.js', import.meta.url), eval: false };
  const file = path.join(path.dirname(__colophonBundle), 'colophon-worker.cjs');
  const cacheFile = path.join(path.dirname(__colophonBundle), `colophon-worker-${process.version}-${process.arch}.v8cache`);
  // The launcher's own cache handling (bin/colophon.cjs, `compileCached`):
  // the worker's cache is written when the series stops, if it was stale.
  const launcher = path.join(path.dirname(__colophonBundle), '..', 'bin', 'colophon.cjs');
  const loader = `
const fs = require('node:fs'), Module = require('node:module'), { parentPort } = require('node:worker_threads');
const file = ${JSON.stringify(file)};
const { script, fresh, save } = require(${JSON.stringify(launcher)}).compileCached(file, fs.readFileSync(file, 'utf8'), ${JSON.stringify(cacheFile)});
if (fresh) parentPort.on('message', (message) => message.type === 'stop' && save());
const module_ = new Module(file, null);
module_.filename = file;
module_.paths = Module._nodeModulePaths(require('node:path').dirname(file));
script.runInThisContext().call(module_.exports, module_.exports, Module.createRequire(file), module_, file, require('node:path').dirname(file));
`;
  return { entry: loader, eval: true };
}

function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}
