/**
 * The print edition: a DocumentModel in, an A4 PDF in the CARIM
 * explanatory-note layout out (`dist/NAME.pdf`), printed by Chromium.
 *
 * Steps: `printHtml` makes the print HTML (title block, text, notes,
 * templates from `templates/carim/`); a page of the build's browser loads
 * it from a private origin whose every request is answered here (the
 * print CSS, the Tinos fonts from `@fontsource/tinos`, images beside the
 * manuscript) or refused (anything else: no network, no other file);
 * the paginator (paginator/index.ts, which says why it is not Paged.js) cuts
 * it into page boxes with footnotes at their foot; Chromium prints a
 * tagged PDF with an outline; `setPdfInfo` writes the document
 * information. `paginate` stops before printing and only reports where
 * pages start, for the EPUB page list.
 *
 * The browser is the caller's: this module opens one page per call and
 * closes it, also on error or timeout.
 */
import { hasMath, mathCharacters, mathCss, mathFontFile, mathFontSubset } from '../shared/math-font.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import type { DocumentModel, PageStart } from '../model/types.js';
import { closePageWithin, deadline, killBrowser, stageNames, StageTimeoutError, withDeadline, type Stage } from '../output/deadline.js';
import { rules } from '../rules.js';
import { writeFileAtomic, type WriteFile } from '../shared/fs.js';
import { labelsFor } from '../shared/labels.js';
import { modelResources } from '../resources/index.js';
import { readFontFile, tinosFontFaceCss } from './fonts.js';
import { buildDate, setPdfInfo } from './metadata.js';
import { paginatorScript } from './bundle.js';
import type { InPageResult, PaginateConfig } from './paginator/types.js';
import { defaultTemplatesDir, printHtml } from './print-html.js';
import { pageBudget, reportLayout, timeBudget } from './layout-report.js';
import { printLabels } from './labels.js';
import { mediaTypeOf } from '../shared/media-types.js';
import { timing } from '../progress/timings.js';

export type { InPageResult, InPageWarning, PaginateConfig } from './paginator/types.js';
export { PrintLayoutError } from './layout-report.js';
export { printHtml } from './print-html.js';
export { setPdfInfo, buildDate } from './metadata.js';

/**
 * The print page's origin. `.invalid` never resolves (RFC 2606), and every
 * request is intercepted anyway: nothing under it reaches a network.
 */
export const printOrigin = 'http://colophon.invalid/';

/**
 * The print page's content security policy, sent with the page: no script
 * of the page's own runs (not an inline one, not an event handler, not a
 * `javascript:` URL, even from a manuscript built with `--unsafe-html`);
 * styles, fonts and images only from the build itself. The paginator is
 * evaluated through the DevTools protocol, which the policy does not
 * govern, and JavaScript is also switched off for the page.
 */
export const printContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'none'",
  `style-src ${new URL(printOrigin).origin} 'unsafe-inline'`,
  `font-src ${new URL(printOrigin).origin}`,
  `img-src ${new URL(printOrigin).origin} data:`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
].join('; ');

/** What happened to one request the print page made. */
export interface PrintRequest {
  url: string;
  /** `served` from the build's own files, or `refused`. */
  outcome: 'served' | 'refused';
}

/** Options shared by `renderPdf` and `paginate`. */
export interface PrintOptions {
  /** The build's browser (from `launchBrowser()`); never launched or closed here. */
  browser: Browser;
  /**
   * Give up after this many milliseconds of loading, paginating and
   * printing in all. Default: one minute, more for a long document. Each
   * stage has its own deadline as well (`src/output/deadline.ts`).
   */
  timeout?: number;
  /** Milliseconds for a stage of the print page's work, instead of its deadline grown with the document (`src/output/deadline.ts`). */
  deadlines?: Partial<Record<Stage, number>>;
  /** Folder of the CARIM templates and `print.css`. Default: the package's `templates/carim/`. */
  templatesDir?: string;
  /** Hyphenate the text for its language. Default: true. */
  hyphenate?: boolean;
  /** Widows, orphans and note breaking. Default: `defaultPaginateConfig`. */
  paginate?: Partial<PaginateConfig>;
  /** Told about every request the print page makes (for audits and tests). Default: none. */
  onRequest?: (request: PrintRequest) => void;
  /**
   * Leave the page open when done: for a caller about to end the browser
   * anyway (a build's last use of its own browser), which then need not wait
   * for the page to close. Default: false, the page is closed.
   */
  leavePageOpen?: boolean;
  /**
   * Told once, when the print page is loaded with its fonts (or could not
   * be): from then on the browser lays out the pages and needs nothing of
   * this process until it is done, so other work of the build can run.
   * Default: none.
   */
  onLoaded?: () => void;
  /** What the print page is given, made beforehand (`preparePrint`) with the same `templatesDir` and `hyphenate`. Default: made here. */
  prepared?: Promise<PreparedPrint>;
}

export interface RenderPdfOptions extends PrintOptions {
  /** Where to write the PDF (atomically). */
  outFile: string;
  /** How the file is written. Default: `writeFileAtomic`. */
  write?: WriteFile;
  /** Creation and modification date in the PDF. Default: `SOURCE_DATE_EPOCH`, else now. */
  date?: Date;
  /** Told where the pages start as soon as they are laid out, while the browser prints (the ebook's page list is made meanwhile). */
  onPaginated?: (pageStarts: PageStart[]) => void;
}

export interface RenderPdfResult {
  /** Number of pages printed. */
  pages: number;
  /** Where each page starts in the model's text. */
  pageStarts: PageStart[];
  /** Milliseconds the paginator spent on each page. */
  pageTimes: number[];
  /** Layout rectangles the paginator read for each page. */
  pageWork: number[];
  /** Milliseconds spent paginating in all, and printing the PDF. */
  timings: { paginate: number; print: number };
}

/** The layout rules of the print edition. */
export const defaultPaginateConfig: PaginateConfig = {
  orphans: 2,
  widows: 2,
  noteLines: 2,
  minBodyLines: 4,
  continued: labelsFor('en').labels.continued,
  maxPages: 10_000,
};

/** Thrown when the print page's work takes longer than `timeout` (an environment problem, exit status 3). */
export class PrintTimeoutError extends StageTimeoutError {
  constructor(ms: number, stage: Stage) {
    super(stage, ms, rules.limitPdfSeconds);
    this.message =
      `the print edition took longer than ${ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`} and was stopped while ${stageNames[stage]}: ` +
      'more seconds of printing than the limit (raise it with --limit pdf-seconds=N)';
    this.name = 'PrintTimeoutError';
  }
}

/**
 * The manuscript's files the print page may load, by the path and query
 * the page will ask for: what `model.resources` holds, nothing else.
 */
function printAssets(model: DocumentModel): Map<string, Uint8Array> {
  const assets = new Map<string, Uint8Array>();
  for (const [reference, resource] of modelResources(model).files) {
    try {
      const url = new URL(reference, `${printOrigin}print.html`);
      if (url.origin === new URL(printOrigin).origin) assets.set(url.pathname + url.search, resource.data);
    } catch {
      // Not a URL the page could ask for.
    }
  }
  return assets;
}

/**
 * Answer the print page's requests: the document, its stylesheet, the
 * fonts and the files `model.resources` holds; refuse the rest.
 */
function requestHandler(html: string, templatesDir: string, assets: Map<string, Uint8Array>, onRequest?: (r: PrintRequest) => void, mathFont: Uint8Array | null = null) {
  const serve = async (url: URL): Promise<{ body: Uint8Array | string; type: string; headers?: Record<string, string> } | null> => {
    if (url.origin !== new URL(printOrigin).origin) return null;
    // Files of the manuscript: only those the resource resolver read.
    const asset = assets.get(url.pathname + url.search);
    if (asset) return { body: asset, type: mediaTypeOf(url.pathname) };
    if (url.search) return null;
    const pathname = decodeURIComponent(url.pathname);
    if (pathname === '/print.html') {
      return { body: html, type: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': printContentSecurityPolicy } };
    }
    if (pathname === '/print.css') return { body: await readFile(path.join(templatesDir, 'print.css')), type: 'text/css' };
    if (mathFont && pathname === `/fonts/${mathFontFile}`) return { body: mathFont, type: 'font/woff2' };
    if (pathname.startsWith('/fonts/')) {
      const font = await readFontFile(pathname.slice('/fonts/'.length));
      return font ? { body: font, type: 'font/woff2' } : null;
    }
    return null;
  };
  let navigated = false;
  return async (request: HTTPRequest) => {
    const url = request.url();
    if (request.isNavigationRequest()) {
      // The page is loaded once. Raw HTML that navigates it away (a meta
      // refresh, under --unsafe-html) would destroy it mid-print: a 204
      // answer leaves it where it is.
      if (navigated) {
        onRequest?.({ url, outcome: 'refused' });
        await request.respond({ status: 204, body: '' }).catch(() => undefined);
        return;
      }
      navigated = true;
    }
    if (url.startsWith('data:')) {
      // data: URLs never leave the page; Chromium does not route most of them here.
      await request.continue().catch(() => undefined);
      return;
    }
    let answer: { body: Uint8Array | string; type: string; headers?: Record<string, string> } | null = null;
    try {
      if (request.method() === 'GET') answer = await serve(new URL(url));
    } catch {
      answer = null;
    }
    onRequest?.({ url, outcome: answer ? 'served' : 'refused' });
    if (answer) {
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body);
      await request.respond({ status: 200, contentType: answer.type, headers: answer.headers, body }).catch(() => undefined);
    } else {
      await request.abort('blockedbyclient').catch(() => undefined);
    }
  };
}

/**
 * Run `fn(arg)` in the page. The function travels as source text; compiled
 * by esbuild (tsx, vitest) it may call a `__name` helper the page lacks, so
 * a harmless one is put beside it.
 */
async function inPage<T>(page: Page, fn: (arg: never) => unknown, arg?: unknown): Promise<T> {
  const call = `(() => { const __name = (f) => f; return (${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)}); })()`;
  return (await page.evaluate(call)) as T;
}

/** Load the fonts every face of the text needs before anything is measured. */
async function loadFonts(page: Page, extra: string): Promise<void> {
  await inPage(page, async (added: string) => {
    const head = document.getElementById('print-running-head') as HTMLTemplateElement | null;
    const text = (document.body.textContent ?? '') + (head?.content.textContent ?? '') + added + '0123456789';
    const chars = Array.from(new Set(text.replace(/\s+/g, ''))).join('');
    const faces = ['normal 400', 'italic 400', 'normal 700', 'italic 700'];
    await Promise.all(faces.map((face) => document.fonts.load(`${face} 16px Tinos`, chars || 'a')));
    // Formulas: the math font, with the characters they use.
    const math = Array.from(document.querySelectorAll('math'))
      .map((m) => m.textContent ?? '')
      .join('');
    if (math) await document.fonts.load("16px 'TeX Gyre Termes Math'", Array.from(new Set(math.replace(/\s+/g, ''))).join(''));
    await document.fonts.ready;
  }, extra);
}

/** The print HTML of a document, its page labels and its math font: all the browser is given. */
export interface PreparedPrint {
  html: string;
  labels: Awaited<ReturnType<typeof printLabels>>;
  mathFont: Uint8Array | null;
}

/**
 * Make what the print page is given (the hyphenated print HTML above all):
 * work of this process alone, which a build starts as soon as the model is
 * made, while the browser is still starting.
 */
export async function preparePrint(model: DocumentModel, options: Pick<PrintOptions, 'templatesDir' | 'hyphenate'> = {}): Promise<PreparedPrint> {
  const templatesDir = options.templatesDir ?? defaultTemplatesDir;
  // The paginator is read (or bundled) meanwhile; a failure is told where it is used.
  void paginatorScript().catch(() => undefined);
  // Formulas are set in the math font, served as a subset of their characters.
  const mathFont = hasMath(model) ? await mathFontSubset(mathCharacters(model)) : null;
  let html = await printHtml(model, {
    templatesDir,
    hyphenate: options.hyphenate,
    headCss: (await tinosFontFaceCss()) + (mathFont ? `\n${mathCss(`/fonts/${mathFontFile}`)}` : ''),
    stylesheetHref: '/print.css',
  });
  const labels = await printLabels(templatesDir, model.metadata.lang);
  timing('print HTML made (hyphenated)');
  // A meta refresh (raw HTML let through) would navigate the print page away.
  html = html.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*>/gi, '');
  return { html, labels, mathFont };
}

/** Browsers whose first tab has been taken. */
const firstTabTaken = new WeakSet<Browser>();

/**
 * A fresh page. For the last use of a browser this process launched (the
 * build ends it after, `leavePageOpen`), the tab it opened when it started:
 * it is there anyway, and opening another costs a round of target set-up.
 * Otherwise, and in a browser other threads share (`browser.process()` is
 * theirs), a new one, so the browser is left as it was found.
 */
async function openPage(browser: Browser, last: boolean): Promise<Page> {
  if (last && !firstTabTaken.has(browser) && browser.process()) {
    firstTabTaken.add(browser);
    const pages = await browser.pages();
    if (pages.length === 1 && pages[0].url() === 'about:blank') return pages[0];
  }
  return browser.newPage();
}

/**
 * Open the print page, lay it out and paginate it, then hand the page to
 * `then` (which prints it, or not). The page is closed in every case.
 */
async function withPaginatedPage<T>(
  model: DocumentModel,
  options: PrintOptions,
  then: (page: Page, result: InPageResult, finish: <R>(stage: Stage, work: Promise<R>) => Promise<R>) => Promise<T>,
): Promise<T> {
  const templatesDir = options.templatesDir ?? defaultTemplatesDir;
  const browser = options.browser;
  // The browser opens the page while the print HTML is being made. A browser
  // that cannot even open a page is stuck: it is killed.
  const opening = withDeadline('open-page', deadline('open-page'), openPage(browser, options.leavePageOpen === true), () => killBrowser(browser));
  let prepared: PreparedPrint;
  try {
    prepared = await (options.prepared ?? preparePrint(model, options));
  } catch (error) {
    options.onLoaded?.();
    await opening.then((p) => closePage(browser, p)).catch(() => undefined);
    throw error;
  }
  const { html, labels, mathFont } = prepared;
  const config: PaginateConfig = { ...defaultPaginateConfig, ...labels, maxPages: pageBudget(model), ...options.paginate };
  const bytes = Buffer.byteLength(html);
  // Each stage has its own deadline, grown with the document; `timeout`
  // bounds the whole of it too.
  const total = options.timeout ?? timeBudget(model);
  const started = Date.now();
  const stage = <R>(name: Stage, work: Promise<R>): Promise<R> => {
    const ms = options.deadlines?.[name] ?? deadline(name, bytes);
    const left = Math.max(1, total - (Date.now() - started));
    return left < ms
      ? withDeadline(name, left, work).catch((error: unknown) => {
          throw error instanceof StageTimeoutError ? new PrintTimeoutError(total, name) : error;
        })
      : withDeadline(name, ms, work);
  };

  let told = false;
  const loaded = () => {
    if (!told) options.onLoaded?.();
    told = true;
  };
  const page = await opening;
  timing('print page opened');
  try {
    page.setDefaultTimeout(deadline('load', bytes));
    page.on('request', requestHandler(html, templatesDir, printAssets(model), options.onRequest, mathFont));
    // The manuscript's own scripts, if any got this far, never run here;
    // our functions still do, through the DevTools protocol. The three
    // settings are independent: asked for together, one round trip.
    await stage('load', Promise.all([page.setRequestInterception(true), page.setJavaScriptEnabled(false), page.emulateMediaType('print')]));
    await stage('load', page.goto(`${printOrigin}print.html`, { waitUntil: 'load', timeout: 0 }));
    timing('print page loaded');
    await stage('fonts', loadFonts(page, config.continued));
    timing('print fonts loaded');
    // The paginator and its call go in one round trip, asked for before the
    // web page is written here (`loaded`): the browser lays out the pages
    // meanwhile, where a second round trip would wait for that work.
    const paginating = stage('pagination', page.evaluate(`${await paginatorScript()}\n;colophonPaginate(${JSON.stringify(config)})`));
    loaded();
    const result = (await paginating) as InPageResult;
    timing(`paginated (${result.pages} pages)`);
    reportLayout(model, result);
    return await then(page, result, stage);
  } finally {
    loaded();
    // Also after a stage missed its deadline: the page may be stuck; if it
    // does not close in time, the browser is killed.
    if (!options.leavePageOpen) await closePage(browser, page);
  }
}

/** Close a page within its deadline, or kill the browser (`src/output/deadline.ts`). */
const closePage = (browser: Browser, page: Page): Promise<void> => closePageWithin(browser, page);

function toPageStarts(result: InPageResult): PageStart[] {
  return result.starts.map((s) => ({ page: s.page, block: s.block, offset: s.offset }));
}

/** Paginate the print edition without printing: where each page starts. */
export async function paginate(model: DocumentModel, options: PrintOptions): Promise<PageStart[]> {
  return withPaginatedPage(model, options, async (_page, result) => toPageStarts(result));
}

/** Print the PDF edition of `model` to `options.outFile`. */
export async function renderPdf(model: DocumentModel, options: RenderPdfOptions): Promise<RenderPdfResult> {
  const { pdf, result, print } = await withPaginatedPage(model, options, async (page, result, stage) => {
    const started = performance.now();
    options.onPaginated?.(toPageStarts(result));
    const bytes = await stage(
      'print',
      page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        tagged: true,
        outline: true,
        timeout: 0,
        // The faces and characters the pages show were loaded before they
        // were laid out (`loadFonts`). Puppeteer's own wait for them is a
        // round trip before the print is asked for, which waits in turn for
        // this process, meanwhile writing the ebook: asked for at once, the
        // browser prints while the ebook is written.
        waitForFonts: false,
      }),
    );
    timing('PDF printed by the browser');
    return { pdf: bytes, result, print: performance.now() - started };
  });
  const finished = setPdfInfo(pdf, model, { date: options.date ?? buildDate(), headings: result.headings });
  await (options.write ?? writeFileAtomic)(options.outFile, finished);
  const paginated = result.pageTimes.reduce((a, b) => a + b, 0) + result.finishTime;
  return { pages: result.pages, pageStarts: toPageStarts(result), pageTimes: result.pageTimes, pageWork: result.pageWork, timings: { paginate: paginated, print } };
}
