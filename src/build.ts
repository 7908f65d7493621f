/**
 * `build`: manuscripts in, editions in the output folder out.
 *
 * Each manuscript becomes a document model once; the edition writers lay it
 * out. One browser serves the whole build (the print edition, and the print
 * pagination the EPUB page list needs); it is launched while the first
 * manuscript is still being read, and always closed. A manuscript with an
 * error gets no edition at all, so `dist/` never holds a half-built one.
 */
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { VFile } from 'vfile';
import { buildDocument } from './document.js';
import type { PaperSize } from './load/schema.js';
import type { DocumentModel, PageStart } from './model/types.js';
import { fileError, fileMessage } from './messages.js';
import { rules, type RuleId } from './rules.js';
import { citationCacheFor } from './cache/index.js';

// Edition writers and the browser are loaded only when asked for: an HTML
// build never pays for Puppeteer, the zip library or the print templates.
const loadBrowser = () => import('./browser.js');
const loadHtml = () => import('./web/index.js');
const loadEpub = () => import('./epub/index.js');
const loadPdf = () => import('./pdf/index.js');

export const editionFormats = ['html', 'epub', 'pdf'] as const;
export type EditionFormat = (typeof editionFormats)[number];

export interface BuildOptions {
  /** Manuscript paths. */
  inputs: string[];
  /** Editions to write. Default: all three. */
  formats?: EditionFormat[];
  /** Output folder. Default: `dist`. */
  outDir?: string;
  /** Style id or `.csl` path for every manuscript (overrides front matter). */
  style?: string;
  /** Citation locale (overrides front matter). */
  locale?: string;
  /** Bibliography files (override front matter). */
  bibliography?: string[];
  /** Paper of the print edition for every manuscript (overrides front matter's `papersize`). */
  papersize?: PaperSize;
  /** Let raw HTML through unsanitised. Default: false. */
  unsafeHtml?: boolean;
  /** A contents list in the HTML and PDF (`--toc`). */
  toc?: boolean;
  /** Citation cache: a folder, true for the default one (`src/cache/`), false for none. Default: true. */
  cache?: boolean | string;
  /** Unknown citation keys are warnings, not errors. Default: false. */
  lenient?: boolean;
  /** Browser executable (else `PUPPETEER_EXECUTABLE_PATH`, Puppeteer's cache, the system's). */
  browserPath?: string;
  /** A browser someone else owns (a series build's shared one): used, never launched or closed here. */
  browser?: Browser;
  /** What the build is doing, for a progress line (`src/progress/`). */
  onProgress?: (event: ProgressEvent) => void;
  /** Called once per manuscript, as soon as its messages are final. */
  onDocument?: (file: VFile, outputs: string[]) => void;
}

export type { ProgressEvent } from './progress/events.js';
import type { ProgressEvent } from './progress/events.js';

export interface BuiltDocument {
  model: DocumentModel;
  /** Files written for this manuscript. */
  outputs: string[];
  /** False when an error stopped it. */
  ok: boolean;
}

export interface BuildResult {
  documents: BuiltDocument[];
  ok: boolean;
  /** True when the environment, not the input, stopped the build (no browser for the print edition): exit status 3. */
  environmentError: boolean;
}

/** Whether a message stops the build. */
export function isError(message: { fatal?: boolean | null; ruleId?: string | null }, lenient = false): boolean {
  if (lenient && message.ruleId === rules.citationUnknownKey) return false;
  return message.fatal === true;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const formats = options.formats ?? [...editionFormats];
  const outDir = path.resolve(options.outDir ?? 'dist');
  const needsBrowser = formats.includes('pdf') || formats.includes('epub');
  // Start the browser now: it is ready by the time the first model is.
  const browserReady: Promise<Browser | Error> | undefined = options.browser
    ? Promise.resolve(options.browser)
    : needsBrowser
    ? loadBrowser()
        .then(({ launchBrowser }) => launchBrowser({ executablePath: options.browserPath }))
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
    : undefined;
  // Closing takes a moment: after the last manuscript's browser work it
  // starts at once, while the ebook is still being zipped.
  let closing: Promise<void> | undefined;
  const closeBrowser = (): Promise<void> =>
    (closing ??= (async () => {
      const browser = await browserReady;
      if (browser && !(browser instanceof Error) && browser !== options.browser) await browser.close().catch(() => undefined);
    })());
  const cache = citationCacheFor(options.cache);
  const documents: BuiltDocument[] = [];
  let environmentError = false;
  try {
    for (const [index, input] of options.inputs.entries()) {
      const last = index === options.inputs.length - 1;
      const progress = options.onProgress;
      const name = path.basename(input, path.extname(input));
      progress?.({ kind: 'stage', name, stage: 'reading' });
      const model = await buildDocument({
        input,
        style: options.style,
        locale: options.locale,
        bibliography: options.bibliography,
        unsafeHtml: options.unsafeHtml,
        toc: options.toc,
        cache,
        onStage: progress && ((stage) => progress({ kind: 'stage', name, stage })),
      });
      if (options.papersize) model.metadata.papersize = options.papersize;
      const outputs: string[] = [];
      let ok = !model.file.messages.some((m) => isError(m, options.lenient));
      if (ok) {
        try {
          const written = await writeEditions(model, formats, outDir, browserReady, outputs, last ? closeBrowser : () => undefined, progress);
          ok = written === 'written';
          if (written === 'environment') environmentError = true;
        } catch (error) {
          ok = false;
          // A layout error has put its own located message on the file.
          if (!(error instanceof Error && 'reported' in error && error.reported === true)) {
            fileError(model.file, `could not write the editions: ${error instanceof Error ? error.message : String(error)}`, {
              ruleId: rules.outputUnwritable,
              source: 'build',
            });
          }
        }
      }
      if (options.lenient) {
        for (const message of model.file.messages) if (message.ruleId === rules.citationUnknownKey) message.fatal = false;
      }
      documents.push({ model, outputs, ok });
      options.onDocument?.(model.file, outputs);
    }
  } finally {
    await closeBrowser();
  }
  return { documents, ok: documents.every((d) => d.ok), environmentError };
}

async function writeEditions(
  model: DocumentModel,
  formats: EditionFormat[],
  outDir: string,
  browserReady: Promise<Browser | Error> | undefined,
  outputs: string[],
  /** Called once this document needs the browser no more. */
  doneWithBrowser: () => void,
  progress?: (event: ProgressEvent) => void,
): Promise<'written' | 'environment'> {
  const stage = (what: ProgressEvent & { kind: 'stage' }) => progress?.(what);
  const wrote = (file: string) => progress?.({ kind: 'written', name: model.name, file });
  const target = (extension: string) => path.join(outDir, `${model.name}.${extension}`);
  const browserFor = async (purpose: string, ruleId: RuleId, fatal: boolean): Promise<Browser | null> => {
    const browser = await browserReady;
    if (browser && !(browser instanceof Error)) return browser;
    const [first, ...help] = (browser?.message ?? 'no browser').split('\n');
    // How to get a browser goes under the message, not inside it.
    fileMessage(model.file, `${purpose}: ${first}`, { ruleId, source: 'build', fatal, note: help.length > 0 ? help.join('\n') : undefined });
    return null;
  };
  // The print edition cannot be made without a browser: that is found out
  // before any edition is written, so the build leaves none behind.
  const printBrowser = formats.includes('pdf') ? await browserFor('print edition', rules.browserMissing, true) : null;
  if (formats.includes('pdf') && !printBrowser) return 'environment';

  // The web page is written while the browser prints; its failure is
  // held until the end, not left as an unhandled rejection.
  const htmlDone: Promise<Error | undefined> = formats.includes('html')
    ? loadHtml()
        .then(({ writeHtmlEdition }) => writeHtmlEdition(model, { outDir, pdf: formats.includes('pdf') }))
        .then(
          (written): undefined => {
            outputs.push(...written);
            wrote(written[0]);
          },
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        )
    : Promise.resolve(undefined);
  const finishHtml = async () => {
    const error = await htmlDone;
    if (error) throw error;
  };
  // The print and ebook code loads while the browser is still starting.
  if (formats.includes('pdf') || formats.includes('epub')) void loadPdf().catch(() => undefined);
  if (formats.includes('epub')) void loadEpub().catch(() => undefined);
  let pageStarts: PageStart[] | undefined;
  if (printBrowser) {
    const { renderPdf } = await loadPdf();
    stage({ kind: 'stage', name: model.name, stage: 'laying out pages' });
    const printed = await renderPdf(model, { browser: printBrowser, outFile: target('pdf') });
    outputs.push(target('pdf'));
    progress?.({ kind: 'pages', name: model.name, pages: printed.pages });
    wrote(target('pdf'));
    pageStarts = printed.pageStarts;
  }
  if (formats.includes('epub')) {
    if (!pageStarts) {
      const browser = await browserFor('EPUB page list left out', rules.pageListOmitted, false);
      if (browser) {
        stage({ kind: 'stage', name: model.name, stage: 'paginating the ebook page list' });
        pageStarts = await (await loadPdf()).paginate(model, { browser });
      }
    }
    doneWithBrowser();
    const { writeEpub } = await loadEpub();
    stage({ kind: 'stage', name: model.name, stage: 'writing the ebook' });
    await writeEpub(model, { outFile: target('epub'), pageStarts });
    outputs.push(target('epub'));
    wrote(target('epub'));
  }
  await finishHtml();
  return 'written';
}
