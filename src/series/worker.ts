/**
 * One worker of a series build (`index.ts`): builds the manuscripts it is
 * sent, one at a time, with the series' shared browser.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Browser } from 'puppeteer-core';
import { build, isError } from '../build.js';
import { report } from '../cli/report.js';
import type { FromWorker, ToWorker, WorkerOptions } from './index.js';

const { options, browserWSEndpoint } = workerData as { options: WorkerOptions; browserWSEndpoint?: string };
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

// The shared browser, connected to on the first manuscript that needs it.
let browser: Promise<Browser | undefined> | undefined;
// Loaded with require, not import(): the bundled worker runs from a V8
// code cache in a vm script, where import() has no loader.
const connect = (): Promise<Browser | undefined> =>
  (browser ??= browserWSEndpoint
    ? Promise.resolve()
        .then(() => (createRequire(import.meta.url)('puppeteer-core') as typeof import('puppeteer-core')).default)
        .then((puppeteer) => puppeteer.connect({ browserWSEndpoint, defaultViewport: null }))
        .catch(() => undefined)
    : Promise.resolve(undefined));
const needsBrowser = !options.formats || options.formats.includes('pdf') || options.formats.includes('epub');

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    void (async () => {
      await (await browser)?.disconnect().catch(() => undefined);
      port.close();
    })();
    return;
  }
  void (async () => {
    let lines: string[] = [];
    let outputs: string[] = [];
    let ok = false;
    let environment = false;
    try {
      const result = await build({
        ...options,
        inputs: [message.input],
        browser: needsBrowser ? await connect() : undefined,
        onProgress: (event) => post({ type: 'progress', event }),
        onDocument(file, written) {
          lines = report(file, (m) => isError(m, options.lenient));
          outputs = written;
        },
      });
      ok = result.ok;
      environment = result.environmentError === true;
    } catch (error) {
      lines.push(`${message.input}  could not be built: ${error instanceof Error ? error.message : String(error)}`);
    }
    post({ type: 'done', input: message.input, lines, outputs, ok, environment });
  })();
});
post({ type: 'ready' });
