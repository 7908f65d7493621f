/**
 * `colophon preview`: the HTML edition of one manuscript on a local web
 * server, rebuilt and reloaded in the browser on every save, and its PDF
 * on request.
 *
 * - The server listens on 127.0.0.1 only, answers only requests that come
 *   from a loopback address and name it as their host (so a web page
 *   elsewhere cannot reach it through DNS rebinding), and serves only files
 *   inside the build folder and the manuscript's folder.
 * - One process stays warm: the modules are loaded and compiled once, the
 *   citation cache lives in memory as well as on disk, and one browser,
 *   launched on the first PDF request, prints every PDF after that.
 * - It watches the manuscript, its bibliography files, its CSL style (when
 *   it is a file) and the templates folder. A save rebuilds the HTML; the
 *   open pages reload through server-sent events. The few lines of script
 *   that listen for them are added to the page by the server and exist
 *   nowhere else.
 * - A build with errors replaces nothing: the last good version stays up,
 *   and the errors, with their file:line:column, show in the terminal and
 *   over the page.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { VFileMessage } from 'vfile-message';
import { requestTexts, type CitationCache } from '../cache/citations.js';
import { cachesFor } from '../cache/index.js';
import type { CiteprocRequest, CiteprocResult } from '../cite/process.js';
import { formatMessage } from '../cli/report.js';
import { buildDocument, type DocumentOptions } from '../document.js';
import { forgetStyleReads } from '../load/styles.js';
import type { DocumentModel } from '../model/types.js';
import { templatesDir } from '../shared/package.js';
import { mediaTypeOf } from '../shared/media-types.js';
import { looksLikePath } from '../shared/paths.js';
import { isError } from '../messages.js';
import { forgetTemplateReads } from '../shared/template.js';

/** What decides the document, as `colophon build` takes it (`--style`, `--toc`, `--resource-path`, `--sandbox`, `--limit` …). */
type DocumentChoices = Pick<DocumentOptions, 'input' | 'style' | 'locale' | 'bibliography' | 'unsafeHtml' | 'toc' | 'resourcePath' | 'sandbox' | 'limits'>;

export interface PreviewOptions extends DocumentChoices {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  lenient?: boolean;
  browserPath?: string;
  /** Citation cache folder, true for the default one (kept in memory too), false for none. Default: true. */
  cache?: boolean | string;
  /** Where the terminal lines go. Default: stderr. */
  log?: (line: string) => void;
}

export interface PreviewBuild {
  /** Counts successful builds. */
  generation: number;
  ok: boolean;
  /** The last build's messages, as `file:line:column  message  rule-id`. */
  problems: string[];
  /** Milliseconds the last build took, from the change to the page on disk. */
  ms: number;
}

export interface Preview {
  url: string;
  /** The manuscript's name (`NAME.html`, `NAME.pdf`). */
  readonly name: string;
  /** Rebuild now (what a save does). */
  rebuild(): Promise<PreviewBuild>;
  readonly state: PreviewBuild;
  close(): Promise<void>;
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const eventsPath = '/__colophon/events';

/** Start the preview of one manuscript. */
export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const input = path.resolve(options.input);
  const manuscriptDir = await realpath(path.dirname(input));
  const outDir = await realpath(await mkdtemp(path.join(tmpdir(), 'colophon-preview-')));
  const caches = cachesFor(options.cache);
  const cache = caches.citations && memoryFirst(caches.citations);
  const parses = caches.parses;
  const clients = new Set<ServerResponse>();
  let model: DocumentModel | undefined;
  let state: PreviewBuild = { generation: 0, ok: false, problems: [], ms: 0 };
  let watched = new Map<string, FSWatcher>();
  let pdf: { generation: number; file: Promise<string> } | undefined;
  let browser: Promise<Browser> | undefined;
  let closed = false;

  const send = (event: string, data: unknown) => {
    for (const client of clients) client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  // One build at a time; a save during a build asks for one more after it.
  let running: Promise<PreviewBuild> | undefined;
  let again = false;
  const rebuild = async (): Promise<PreviewBuild> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await buildOnce();
      } while (again && !closed);
      running = undefined;
      return state;
    })();
    return running;
  };

  const buildOnce = async () => {
    const started = performance.now();
    forgetStyleReads();
    forgetTemplateReads();
    let next: DocumentModel | undefined;
    let problems: string[] = [];
    let ok = false;
    try {
      next = await buildDocument({
        input,
        style: options.style,
        locale: options.locale,
        bibliography: options.bibliography,
        unsafeHtml: options.unsafeHtml,
        toc: options.toc,
        resourcePath: options.resourcePath,
        sandbox: options.sandbox,
        limits: options.limits,
        cache,
        parses,
      });
      const stops = (m: VFileMessage) => isError(m, options.lenient);
      problems = sorted(next.file.messages).map((m) => formatMessage(m, next!.file.path, stops(m)));
      ok = !next.file.messages.some(stops);
      if (ok) {
        const { writeHtmlEdition } = await import('../web/index.js');
        await writeHtmlEdition(next, { outDir, pdf: true });
      }
    } catch (error) {
      problems = [`${displayName(input)}  ${error instanceof Error ? error.message : String(error)}`];
      ok = false;
    }
    const ms = Math.round(performance.now() - started);
    if (ok && next) {
      model = next;
      state = { generation: state.generation + 1, ok, problems, ms };
    } else {
      state = { ...state, ok: false, problems, ms };
    }
    for (const line of problems) log(line);
    log(ok ? `rebuilt in ${ms} ms` : `build failed in ${ms} ms; the last good version stays up`);
    send('state', state);
    if (next) rewatch(next);
  };

  // Watch folders, not files: editors save by writing a new file and
  // renaming it over the old one.
  const rewatch = (current: DocumentModel) => {
    const files = new Set<string>([input]);
    for (const bib of current.metadata.bibliography ?? []) files.add(path.resolve(path.dirname(input), bib));
    for (const bib of options.bibliography ?? []) files.add(path.resolve(bib));
    const style = options.style ?? current.metadata.csl;
    if (style && looksLikePath(style)) files.add(path.resolve(options.style ? process.cwd() : path.dirname(input), style));
    const wanted = new Map<string, Set<string> | 'all'>();
    for (const file of files) {
      const dir = path.dirname(file);
      const names = wanted.get(dir);
      if (names !== 'all') wanted.set(dir, new Set([...(names ?? []), path.basename(file)]));
    }
    wanted.set(templatesDir(), 'all');
    const next = new Map<string, FSWatcher>();
    for (const [dir, names] of wanted) {
      const key = `${dir}\u0000${names === 'all' ? '*' : [...names].sort().join('\u0000')}`;
      const existing = watched.get(key);
      if (existing) {
        next.set(key, existing);
        continue;
      }
      try {
        const watcher = watch(dir, { recursive: names === 'all' }, (_event, name) => {
          if (names !== 'all' && name && !names.has(path.basename(String(name)))) return;
          schedule();
        });
        watcher.on('error', () => undefined);
        next.set(key, watcher);
      } catch {
        // A folder that is gone: the next build reports the missing file.
      }
    }
    for (const [key, watcher] of watched) if (!next.has(key)) watcher.close();
    watched = next;
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    // A save is often several writes in a row.
    timer = setTimeout(() => void rebuild(), 25);
  };

  const pdfFile = (): Promise<string> => {
    if (pdf && pdf.generation === state.generation) return pdf.file;
    const current = model;
    if (!current) return Promise.reject(new Error('no good build yet'));
    const generation = state.generation;
    const file = (async () => {
      const started = performance.now();
      browser ??= import('../browser.js').then(({ launchBrowser }) => launchBrowser({ executablePath: options.browserPath }));
      const warm = await browser;
      const { renderPdf } = await import('../pdf/index.js');
      const target = path.join(outDir, `${current.name}.${generation}.pdf`);
      await renderPdf(current, { browser: warm, outFile: target });
      log(`printed the PDF in ${Math.round(performance.now() - started)} ms`);
      return target;
    })();
    file.catch(() => {
      if (pdf?.file === file) pdf = undefined;
    });
    pdf = { generation, file };
    return file;
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  // Refuse any connection that is not from this machine.
  server.on('connection', (socket) => {
    if (!loopback.has(socket.remoteAddress ?? '')) socket.destroy();
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const port = (server.address() as AddressInfo).port;
    const host = request.headers.host ?? '';
    if (!loopback.has(request.socket.remoteAddress ?? '') || !(host === `127.0.0.1:${port}` || host === `localhost:${port}`)) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', `http://${host}`).pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (pathname.includes('\0')) {
      response.writeHead(400).end();
      return;
    }
    if (pathname === eventsPath) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`event: state\ndata: ${JSON.stringify(state)}\n\n`);
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    const name = model?.name ?? path.basename(input, path.extname(input));
    if (pathname === '/' || pathname === `/${name}.html`) {
      if (!model) {
        response.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(`<!doctype html><meta charset="utf-8"><title>Colophon preview</title><body>${liveScript(state)}`);
        return;
      }
      const html = await readFile(path.join(outDir, `${name}.html`), 'utf8');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(withLiveScript(html, state));
      return;
    }
    if (pathname === `/${name}.pdf`) {
      const file = await pdfFile();
      await sendFile(response, file, request.method === 'HEAD');
      return;
    }
    // Files of the build first, then of the manuscript's folder; nothing else.
    for (const base of [outDir, manuscriptDir]) {
      const file = await inside(base, pathname);
      if (file) {
        await sendFile(response, file, request.method === 'HEAD');
        return;
      }
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  await rebuild();

  return {
    url,
    get name() {
      return model?.name ?? path.basename(input, path.extname(input));
    },
    rebuild,
    get state() {
      return state;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watched.values()) watcher.close();
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      if (running) await running.catch(() => undefined);
      if (pdf) await pdf.file.catch(() => undefined);
      if (browser) await (await browser.catch(() => undefined))?.close().catch(() => undefined);
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** The real path of `pathname` under `base`, if it is a file there (symbolic links may not lead out). */
async function inside(base: string, pathname: string): Promise<string | undefined> {
  const candidate = path.resolve(base, '.' + path.posix.normalize('/' + pathname));
  const relative = path.relative(base, candidate);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  try {
    const real = await realpath(candidate);
    const realRelative = path.relative(base, real);
    if (realRelative.startsWith('..') || path.isAbsolute(realRelative)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}


async function sendFile(response: ServerResponse, file: string, head: boolean): Promise<void> {
  const data = await readFile(file);
  response.writeHead(200, {
    'content-type': mediaTypeOf(file),
    'content-length': data.length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(head ? undefined : data);
}

/**
 * The preview's only script: it listens for builds, reloads the page after
 * a good one, and shows the errors of a bad one over the last good page.
 */
function liveScript(state: PreviewBuild): string {
  const code = `(() => {
  const shown = ${state.generation};
  const events = new EventSource(${JSON.stringify(eventsPath)});
  let box;
  events.addEventListener('state', (event) => {
    const state = JSON.parse(event.data);
    if (state.ok && state.generation !== shown) return location.reload();
    if (!box) {
      box = document.createElement('pre');
      box.id = 'colophon-preview-problems';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;margin:0;max-height:40vh;overflow:auto;padding:0.75em 1em;background:#fff3f3;color:#700;border-top:2px solid #c00;font:13px/1.4 monospace;white-space:pre-wrap;z-index:2147483647';
      document.body.append(box);
    }
    box.hidden = state.ok || state.problems.length === 0;
    box.textContent = state.ok ? '' : 'Build failed; this is the last good version.\\n\\n' + state.problems.join('\\n');
  });
})();`;
  return `<script id="colophon-preview">${code.replace(/<\//g, '<\\/')}</script>`;
}

function withLiveScript(html: string, state: PreviewBuild): string {
  const script = liveScript(state);
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + script : html.slice(0, at) + script + html.slice(at);
}

function sorted(messages: VFileMessage[]): VFileMessage[] {
  return [...messages].sort((a, b) => {
    if ((a.file || '') !== (b.file || '')) return (a.file || '') < (b.file || '') ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  });
}

function displayName(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** The disk cache with a memory in front: a warm process asks the disk only once. */
function memoryFirst(disk: CitationCache | undefined): CitationCache {
  const memory = new Map<string, CiteprocResult>();
  const stats = { hits: 0, misses: 0 };
  const keys = new WeakMap<CiteprocRequest, string>();
  return {
    dir: disk?.dir ?? '',
    stats,
    get(request) {
      // The request's texts themselves: the key is the request, so no two share one.
      const key = JSON.stringify(requestTexts(request));
      keys.set(request, key);
      const hit = memory.get(key) ?? disk?.get(request);
      if (hit) {
        stats.hits++;
        if (!memory.has(key)) remember(key, hit);
        return structuredClone(hit);
      }
      stats.misses++;
      return undefined;
    },
    set(request, result) {
      const key = keys.get(request);
      if (key) remember(key, result);
      disk?.set(request, result);
    },
  };
  function remember(key: string, result: CiteprocResult) {
    memory.delete(key);
    memory.set(key, structuredClone(result));
    // The last few versions are enough to step back and forth.
    while (memory.size > 8) memory.delete(memory.keys().next().value as string);
  }
}
