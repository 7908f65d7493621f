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
import { VFile } from 'vfile';
import { buildDocument } from './document.js';
import { defaultLimits, limitRule, overLimit, pdfDeadline, type Limits } from './limits.js';
import { metadataDefaults } from './load/schema.js';
import type { PaperSize } from './load/schema.js';
import type { DocumentModel, PageStart } from './model/types.js';
import { fileError, fileMessage, isError } from './messages.js';
import { rules, type RuleId } from './rules.js';
import { endBrowser } from './output/deadline.js';
import { BuildEnvironmentError } from './output/errors.js';
import { assertNoInputOverwritten, distinctManuscripts, type BuildInput } from './output/guard.js';
import { lockOutput, type LockHolder } from './output/lock.js';
import { replaceManifest } from './output/manifest.js';
import { assetsFolder, documentInputs, documentTargets } from './output/plan.js';
import { createStaging, EnvironmentError, isWriteError, outputError, prepareOutputFolder, removeIfEmpty } from './staging.js';
import type { WriteFile } from './shared/fs.js';

export { EnvironmentError } from './staging.js';
import { cachesFor } from './cache/index.js';
import { timing } from './progress/timings.js';

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
  /** Called when another build is writing a manuscript's editions into the same folder and this one waits for it. */
  onWait?: (message: string) => void;
  /** Give up waiting for another build's editions after this many milliseconds. Default: 10 minutes. */
  lockTimeout?: number;
  /** Other folders images and files may come from (`--resource-path`). Default: only the manuscript's folder. */
  resourcePath?: string[];
  /** Only the manuscript's folder, whatever is asked (`--sandbox`). Default: false. */
  sandbox?: boolean;
  /** Limits over the defaults (`--limit NAME=N`). */
  limits?: Partial<Limits>;
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
  /** True when the environment, not the input, stopped the build (no browser for the print edition, or one that crashed): exit status 3. */
  environmentError: boolean;
}

/** Rule ids of failures that are the machine's, not the input's. */
const environmentRules = new Set<string>([rules.browserMissing, rules.outputUnwritable, rules.sourceDateInvalid]);

/** `SOURCE_DATE_EPOCH`, checked: unset, or a whole number of seconds a date can hold. */
export function checkSourceDateEpoch(value = process.env.SOURCE_DATE_EPOCH): void {
  if (value === undefined || value === '') return;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || Number.isNaN(new Date(seconds * 1000).getTime())) {
    throw new EnvironmentError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 (got ${JSON.stringify(value.slice(0, 40))})`,
      rules.sourceDateInvalid,
    );
  }
}

/** Browser failures: Puppeteer's errors and Chromium going away. */
function isBrowserFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    ['TargetCloseError', 'ProtocolError', 'ConnectionClosedError'].includes(error.name) ||
    /Target closed|Session closed|Protocol error|Navigating frame was detached|browser has disconnected|Connection closed|net::ERR_/i.test(error.message)
  );
}

/** A model for a manuscript whose stages stopped on an exception. */
function failedModel(input: string): DocumentModel {
  const name = path.basename(input, path.extname(input));
  return {
    name,
    metadata: metadataDefaults(name),
    body: { type: 'root', children: [] },
    notes: [],
    bibliography: null,
    style: { id: '', title: '', class: 'in-text', hasBibliography: false },
    file: new VFile({ path: path.resolve(input), cwd: process.cwd() }),
  };
}

/**
 * An exception from a stage as a message on the manuscript: a stack that
 * ran out is the nesting limit; anything else is Colophon's own fault.
 */
export function exceptionMessage(file: VFile, error: unknown, limits: Limits, stage: string): void {
  const overflow = error instanceof RangeError && /call stack/i.test(error.message);
  const reason = overflow
    ? `the text is nested too deep (the stack ran out while ${stage}): ${overLimit('nesting', limits)}`
    : `internal error while ${stage}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (this is a bug in Colophon: please report it with the input; --debug shows the stack)`;
  const message = fileError(file, reason, { ruleId: overflow ? limitRule('nesting') : rules.internalError, source: 'build' });
  message.cause = error;
}

export { isError } from './messages.js';

export async function build(options: BuildOptions): Promise<BuildResult> {
  const formats = options.formats ?? [...editionFormats];
  const outDir = path.resolve(options.outDir ?? 'dist');
  // No edition may be written over a file the build reads (checked again
  // per manuscript, once its bibliography, style and images are known),
  // before anything at all is written, the output folder included.
  const nameOf = (input: string) => path.basename(input, path.extname(input));
  const inputs = distinctManuscripts(options.inputs, outDir, nameOf);
  const known: BuildInput[] = [
    ...inputs.map((input) => ({ path: input, kind: 'manuscript' })),
    ...(options.bibliography ?? []).map((file) => ({ path: file, kind: 'bibliography' })),
    ...(options.style && /[\\/]|\.csl$/i.test(options.style) ? [{ path: options.style, kind: 'style' }] : []),
  ];
  assertNoInputOverwritten(
    inputs.flatMap((input) => [...formats, 'lock'].map((ext) => path.join(outDir, `${nameOf(input)}.${ext}`))),
    known,
  );
  const limits: Limits = { ...defaultLimits, ...options.limits };
  // The machine first: one line and exit status 3, before any work.
  checkSourceDateEpoch();
  const createdOutDir = await prepareOutputFolder(outDir);
  let wroteAny = false;
  const needsBrowser = formats.includes('pdf') || formats.includes('epub');
  // Start the browser now: it is ready by the time the first model is.
  let launched = (): void => undefined;
  const launching = new Promise<void>((resolve) => (launched = resolve));
  const browserReady: Promise<Browser | Error> | undefined = options.browser
    ? Promise.resolve(options.browser)
    : needsBrowser
    ? loadBrowser()
        .then(({ launchBrowser }) => {
          timing('browser code loaded');
          return launchBrowser({ executablePath: options.browserPath, onLaunch: launched });
        })
        .then((browser) => {
          timing('browser started');
          return browser;
        })
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
    : undefined;
  // Reading the manuscript, parsing it and formatting its citations hold the
  // event loop for up to hundreds of milliseconds, and finding the browser
  // and making its profile folder each wait for a turn of it: the build goes
  // on once the browser's process is on its way (or its start has failed).
  if (browserReady && !options.browser) await Promise.race([launching, browserReady]);
  // Closing takes a moment: after the last manuscript's browser work it
  // starts at once, while the ebook is still being zipped.
  let closing: Promise<void> | undefined;
  const closeBrowser = (): Promise<void> =>
    (closing ??= (async () => {
      const browser = await browserReady;
      if (browser && !(browser instanceof Error) && browser !== options.browser) await endBrowser(browser);
    })());
  const { citations: cache, parses } = cachesFor(options.cache);
  const documents: BuiltDocument[] = [];
  let environmentError = false;
  try {
    for (const [index, input] of inputs.entries()) {
      const last = index === inputs.length - 1;
      const progress = options.onProgress;
      const name = path.basename(input, path.extname(input));
      progress?.({ kind: 'stage', name, stage: 'reading' });
      let model: DocumentModel;
      try {
        model = await buildDocument({
          input,
          style: options.style,
          locale: options.locale,
          bibliography: options.bibliography,
          unsafeHtml: options.unsafeHtml,
          toc: options.toc,
          cache,
          parses,
          onStage: progress && ((stage) => progress({ kind: 'stage', name, stage })),
          resourcePath: options.resourcePath,
          sandbox: options.sandbox,
          limits,
        });
      } catch (error) {
        model = failedModel(input);
        exceptionMessage(model.file, error, limits, 'reading the manuscript');
      }
      let outputs: string[] = [];
      if (options.papersize) model.metadata.papersize = options.papersize;
      let ok = !model.file.messages.some((m) => isError(m, options.lenient));
      if (ok) {
        known.push(...documentInputs(model));
        assertNoInputOverwritten(documentTargets(model, formats, outDir), known);
        // One build at a time writes a name's editions into a folder: the
        // lock is held from before the editions are staged (the image copies'
        // names depend on what is in the folder) until they are in place.
        const lock = await lockOutput(outDir, model.name, {
          timeout: options.lockTimeout,
          onWait: (holder, file) => options.onWait?.(waitingMessage(holder, file)),
        });
        try {
          // Every edition into a staging folder; moved into place only when all succeeded.
          const staging = await createStaging(outDir, model.name);
          const staged: string[] = [];
          try {
            // The last manuscript's print page is left open: the browser is ended right after.
            const leavePageOpen = last && !options.browser;
            const written = await writeEditions(model, formats, staging.dir, outDir, staging.write, browserReady, staged, last ? closeBrowser : () => undefined, limits, progress, leavePageOpen);
            ok = written === 'written';
            if (written === 'environment') environmentError = true;
          } catch (error) {
            // The machine failed the build, not the manuscript: exit status 3.
            if (error instanceof EnvironmentError) {
              await staging.discard();
              throw error;
            }
            // One of the browser's own timeouts: the same outcome as our deadlines.
            if (error instanceof Error && (error.name === 'TimeoutError' || /timed out/i.test(error.message))) {
              await staging.discard();
              throw new BuildEnvironmentError(`the browser did not answer in time: ${error.message.split('\n')[0]}`, rules.browserTimeout);
            }
            ok = false;
            // A layout error has put its own located message on the file.
            if (!(error instanceof Error && 'reported' in error && error.reported === true)) editionFailure(model, error, outDir, limits);
          }
          if (ok) {
            try {
              outputs = await staging.commit(orderForCommit(staged, model.name));
              timing('editions moved into place');
              wroteAny = true;
              // The assets folder is merged into: files the previous build
              // listed and this one did not write go, nothing else does.
              if (formats.includes('html')) {
                const assets = path.join(outDir, assetsFolder(model.name));
                await replaceManifest(assets, outputs.filter((file) => file.startsWith(assets + path.sep)));
              }
            } catch (error) {
              if (isWriteError(error)) throw outputError(outDir, error);
              throw error;
            }
          } else {
            await staging.discard();
          }
        } finally {
          await lock.release();
        }
        if (!ok && model.file.messages.some((m) => m.fatal && environmentRules.has(m.ruleId ?? ''))) environmentError = true;
      }
      if (options.lenient) {
        for (const message of model.file.messages) if (message.ruleId === rules.citationUnknownKey) message.fatal = false;
      }
      documents.push({ model, outputs, ok });
      options.onDocument?.(model.file, outputs);
    }
  } finally {
    await closeBrowser();
    timing('build done');
    if (createdOutDir && !wroteAny) await removeIfEmpty(outDir);
  }
  return { documents, ok: documents.every((d) => d.ok), environmentError };
}

function waitingMessage(holder: LockHolder | null, file: string): string {
  const who = holder ? `another build (pid ${holder.pid})` : 'another build';
  return `waiting for ${who} to finish writing ${path.relative(process.cwd(), file.replace(/\.lock$/, '.*')) || file}`;
}

/** Assets first, then the PDF and the EPUB, the page last: a page never appears before what it links to. */
function orderForCommit(staged: string[], name: string): string[] {
  const rank = (file: string) => {
    const base = path.basename(file);
    if (base === `${name}.html`) return 3;
    if (base === `${name}.epub` || base === `${name}.pdf`) return 2;
    return 1;
  };
  return [...staged].sort((a, b) => rank(a) - rank(b));
}

/** Why the editions could not be written, as a message on the manuscript. */
function editionFailure(model: DocumentModel, error: unknown, outDir: string, limits: Limits): void {
  const file = model.file;
  // Our deadline, or one of the browser's own (a long document's pagination in one call).
  if (isBrowserFailure(error)) {
    const reason = (error as Error).message.split('\n')[0];
    fileError(file, `the browser failed while printing: ${reason}`, { ruleId: rules.browserMissing, source: 'pdf' }).cause = error;
    return;
  }
  if (isWriteError(error)) {
    fileError(file, outputError(outDir, error).message, { ruleId: rules.outputUnwritable, source: 'build' }).cause = error;
    return;
  }
  exceptionMessage(file, error, limits, 'writing the editions');
}

async function writeEditions(
  model: DocumentModel,
  formats: EditionFormat[],
  outDir: string,
  /** Where the staged editions end up. */
  finalDir: string,
  /** How each file is written into `outDir`. */
  write: WriteFile,
  browserReady: Promise<Browser | Error> | undefined,
  outputs: string[],
  /** Called once this document needs the browser no more. */
  doneWithBrowser: () => void,
  limits: Limits,
  progress?: (event: ProgressEvent) => void,
  /** This is the build's last use of its own browser, which is ended after it. */
  leavePageOpen = false,
): Promise<'written' | 'environment'> {
  const stage = (what: ProgressEvent & { kind: 'stage' }) => progress?.(what);
  const wrote = (file: string) => progress?.({ kind: 'written', name: model.name, file });
  // The print engine's time budget grows with the document; `pdf-seconds` sets its base.
  const deadline = formats.includes('pdf') || formats.includes('epub')
    ? pdfDeadline(limits, (await import('./pdf/layout-report.js')).timeBudget(model) - 60_000)
    : 0;
  const target = (extension: string) => path.join(outDir, `${model.name}.${extension}`);
  const browserFor = async (purpose: string, ruleId: RuleId, fatal: boolean): Promise<Browser | null> => {
    const browser = await browserReady;
    if (browser && !(browser instanceof Error)) return browser;
    // A browser that was found but does not start: one line, exit status 3.
    // (Told by name: browser.ts, and Puppeteer with it, loads only when needed.)
    if (fatal && browser?.name === 'BrowserStartError') throw new BuildEnvironmentError(browser.message, rules.browserMissing);
    const [first, ...help] = (browser?.message ?? 'no browser').split('\n');
    // How to get a browser goes under the message, not inside it.
    fileMessage(model.file, `${purpose}: ${first}`, { ruleId, source: 'build', fatal, note: help.length > 0 ? help.join('\n') : undefined });
    return null;
  };
  // The print HTML (hyphenated) is made while the browser is still starting;
  // a failure is told where it is used, never left unhandled. An ebook alone
  // needs it only for its page list, once a browser is there to lay it out.
  const prepared = formats.includes('pdf') ? loadPdf().then(({ preparePrint }) => preparePrint(model)) : undefined;
  prepared?.catch(() => undefined);
  // The print edition cannot be made without a browser: that is found out
  // before any edition is written, so the build leaves none behind.
  const printBrowser = formats.includes('pdf') ? await browserFor('print edition', rules.browserMissing, true) : null;
  if (formats.includes('pdf') && !printBrowser) return 'environment';

  // The web page is written while the browser lays out and prints, once
  // the print page is loaded (until then the browser waits for this
  // process: the print HTML, its files); its failure is held until the end, not left as an unhandled
  // rejection.
  let htmlDone: Promise<Error | undefined> | undefined;
  const writeWebPage = (): Promise<Error | undefined> =>
    (htmlDone ??= formats.includes('html')
    ? loadHtml()
        .then(({ writeHtmlEdition }) => writeHtmlEdition(model, { outDir, finalDir, write, pdf: formats.includes('pdf') }))
        .then(
          (written): undefined => {
            timing('web page written');
            outputs.push(...written);
            wrote(written[0]);
          },
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        )
    : Promise.resolve(undefined));
  const printsFirst = formats.includes('pdf') || formats.includes('epub');
  if (!printsFirst) void writeWebPage();
  const finishHtml = async () => {
    const error = await writeWebPage();
    if (error) throw error;
  };
  // The print and ebook code loads while the browser is still starting.
  if (formats.includes('pdf') || formats.includes('epub')) void loadPdf().catch(() => undefined);
  if (formats.includes('epub')) void loadEpub().catch(() => undefined);
  // The ebook is written once the pages are laid out: with a print edition,
  // while the browser prints it (Node would only wait for it otherwise).
  let ebook: Promise<void> | undefined;
  const writeEbook = (pageStarts: PageStart[] | undefined): Promise<void> =>
    (ebook ??= (async () => {
      const { writeEpub } = await loadEpub();
      stage({ kind: 'stage', name: model.name, stage: 'writing the ebook' });
      await writeEpub(model, { outFile: target('epub'), pageStarts, write });
      timing('ebook written');
    })());
  if (printBrowser) {
    const { renderPdf } = await loadPdf();
    for (const [url, place] of model.resources?.remote ?? []) {
      fileMessage(model.file, `remote file ${url} is not fetched; the print edition goes without it`, { place, ruleId: rules.resourceRemote, source: 'pdf' });
    }
    stage({ kind: 'stage', name: model.name, stage: 'laying out pages' });
    // A failed ebook is told after the print edition is done with, never left unhandled.
    const onPaginated = formats.includes('epub') ? (starts: PageStart[]) => void writeEbook(starts).catch(() => undefined) : undefined;
    let printed;
    try {
      printed = await renderPdf(model, { browser: printBrowser, outFile: target('pdf'), write, timeout: deadline, onPaginated, leavePageOpen, onLoaded: () => void writeWebPage(), prepared });
    } finally {
      // Nothing is discarded while the ebook is still being written.
      await ebook?.catch(() => undefined);
    }
    timing('print edition written');
    outputs.push(target('pdf'));
    progress?.({ kind: 'pages', name: model.name, pages: printed.pages });
    wrote(target('pdf'));
    if (formats.includes('epub')) {
      doneWithBrowser();
      await writeEbook(printed.pageStarts);
    }
  } else if (formats.includes('epub')) {
    let pageStarts: PageStart[] | undefined;
    const browser = await browserFor('EPUB page list left out', rules.pageListOmitted, false);
    if (browser) {
      stage({ kind: 'stage', name: model.name, stage: 'paginating the ebook page list' });
      pageStarts = await (await loadPdf()).paginate(model, { browser, timeout: deadline, leavePageOpen, onLoaded: () => void writeWebPage(), prepared });
    } else {
      void writeWebPage();
    }
    doneWithBrowser();
    await writeEbook(pageStarts);
  }
  if (formats.includes('epub')) {
    outputs.push(target('epub'));
    wrote(target('epub'));
  }
  await finishHtml();
  return 'written';
}
