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
import { writeFileAtomic } from '../shared/fs.js';
import { labelsFor } from '../shared/labels.js';
import { readFontFile, tinosFontFaceCss } from './fonts.js';
import { buildDate, setPdfInfo } from './metadata.js';
import { paginatorScript } from './bundle.js';
import type { InPageResult, PaginateConfig } from './paginator/types.js';
import { defaultTemplatesDir, printHtml } from './print-html.js';
import { pageBudget, reportLayout, timeBudget } from './layout-report.js';
import { printLabels } from './labels.js';

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
  /** Give up after this many milliseconds of loading, paginating and printing. Default: one minute, more for a long document. */
  timeout?: number;
  /** Folder of the CARIM templates and `print.css`. Default: the package's `templates/carim/`. */
  templatesDir?: string;
  /** Folder whose files (images) the manuscript may use. Default: the manuscript's folder, or none. */
  assetsDir?: string | null;
  /** Hyphenate the text for its language. Default: true. */
  hyphenate?: boolean;
  /** Widows, orphans and note breaking. Default: `defaultPaginateConfig`. */
  paginate?: Partial<PaginateConfig>;
  /** Told about every request the print page makes (for audits and tests). Default: none. */
  onRequest?: (request: PrintRequest) => void;
}

export interface RenderPdfOptions extends PrintOptions {
  /** Where to write the PDF (atomically). */
  outFile: string;
  /** Creation and modification date in the PDF. Default: `SOURCE_DATE_EPOCH`, else now. */
  date?: Date;
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

/** Thrown when printing takes longer than `timeout`. */
export class PrintTimeoutError extends Error {
  constructor(ms: number) {
    super(`Printing the PDF took longer than ${ms} ms and was stopped.`);
    this.name = 'PrintTimeoutError';
  }
}

const contentTypes: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
};

/** The manuscript's folder, where its images are. */
function manuscriptDir(model: DocumentModel): string | null {
  const file = model.file.path;
  return file ? path.dirname(path.resolve(file)) : null;
}

/**
 * Answer the print page's requests: the document, its stylesheet, the
 * fonts and files inside `assetsDir`; refuse the rest.
 */
function requestHandler(html: string, templatesDir: string, assetsDir: string | null, onRequest?: (r: PrintRequest) => void, mathFont: Uint8Array | null = null) {
  const serve = async (url: URL): Promise<{ body: Uint8Array | string; type: string; headers?: Record<string, string> } | null> => {
    if (url.origin !== new URL(printOrigin).origin || url.search) return null;
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
    const type = contentTypes[path.extname(pathname).toLowerCase()];
    if (!assetsDir || !type) return null;
    const file = path.resolve(assetsDir, `.${pathname}`);
    // Only files inside the manuscript's folder, never above it.
    if (!file.startsWith(assetsDir + path.sep)) return null;
    try {
      return { body: await readFile(file), type };
    } catch {
      return null;
    }
  };
  return async (request: HTTPRequest) => {
    const url = request.url();
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

/**
 * Open the print page, lay it out and paginate it, then hand the page to
 * `then` (which prints it, or not). The page is closed in every case.
 */
async function withPaginatedPage<T>(
  model: DocumentModel,
  options: PrintOptions,
  then: (page: Page, result: InPageResult) => Promise<T>,
): Promise<T> {
  const timeout = options.timeout ?? timeBudget(model);
  const templatesDir = options.templatesDir ?? defaultTemplatesDir;
  const assetsDir = options.assetsDir === undefined ? manuscriptDir(model) : options.assetsDir;
  // The browser opens the page while the print HTML is being made.
  const opening = options.browser.newPage();
  let html: string;
  // Formulas are set in the math font, served as a subset of their characters.
  const mathFont = hasMath(model) ? await mathFontSubset(mathCharacters(model)) : null;
  try {
    html = await printHtml(model, {
      templatesDir,
      hyphenate: options.hyphenate,
      headCss: (await tinosFontFaceCss()) + (mathFont ? `\n${mathCss(`/fonts/${mathFontFile}`)}` : ''),
      stylesheetHref: '/print.css',
    });
  } catch (error) {
    await opening.then((p) => p.close()).catch(() => undefined);
    throw error;
  }
  const labels = await printLabels(templatesDir, model.metadata.lang);
  const config: PaginateConfig = { ...defaultPaginateConfig, ...labels, maxPages: pageBudget(model), ...options.paginate };

  const page = await opening;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      page.setDefaultTimeout(timeout);
      await page.setRequestInterception(true);
      page.on('request', requestHandler(html, templatesDir, assetsDir, options.onRequest, mathFont));
      // The manuscript's own scripts, if any got this far, never run here;
      // our functions still do, through the DevTools protocol.
      await page.setJavaScriptEnabled(false);
      await page.emulateMediaType('print');
      await page.goto(`${printOrigin}print.html`, { waitUntil: 'load', timeout });
      await loadFonts(page, config.continued);
      await page.evaluate(await paginatorScript());
      const result = (await page.evaluate(`colophonPaginate(${JSON.stringify(config)})`)) as InPageResult;
      reportLayout(model, result);
      return then(page, result);
    })();
    // After a timeout the page is closed under the work still running; its
    // rejection then has no one to hear it and must not crash the process.
    work.catch(() => undefined);
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PrintTimeoutError(timeout)), timeout);
    });
    return await Promise.race([work, expiry]);
  } finally {
    if (timer) clearTimeout(timer);
    await page.close().catch(() => undefined);
  }
}

function toPageStarts(result: InPageResult): PageStart[] {
  return result.starts.map((s) => ({ page: s.page, block: s.block, offset: s.offset }));
}

/** Paginate the print edition without printing: where each page starts. */
export async function paginate(model: DocumentModel, options: PrintOptions): Promise<PageStart[]> {
  return withPaginatedPage(model, options, async (_page, result) => toPageStarts(result));
}

/** Print the PDF edition of `model` to `options.outFile`. */
export async function renderPdf(model: DocumentModel, options: RenderPdfOptions): Promise<RenderPdfResult> {
  const timeout = options.timeout ?? timeBudget(model);
  const { pdf, result, print } = await withPaginatedPage(model, options, async (page, result) => {
    const started = performance.now();
    const bytes = await page.pdf({
      preferCSSPageSize: true,
      printBackground: true,
      tagged: true,
      outline: true,
      timeout,
    });
    return { pdf: bytes, result, print: performance.now() - started };
  });
  const finished = setPdfInfo(pdf, model, { date: options.date ?? buildDate(), headings: result.headings });
  await writeFileAtomic(options.outFile, finished);
  const paginated = result.pageTimes.reduce((a, b) => a + b, 0) + result.finishTime;
  return { pages: result.pages, pageStarts: toPageStarts(result), pageTimes: result.pageTimes, pageWork: result.pageWork, timings: { paginate: paginated, print } };
}
