/**
 * One manuscript through the stages `load` → `parse` → `cite` → `model`:
 * a path in, the `DocumentModel` out, every problem a message on
 * `model.file` (messages about a bibliography file name that file).
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { CitationCache } from './cache/citations.js';
import type { ParseStore } from './cache/parses.js';
import { citeTransform, locatorLabels } from './cite/index.js';
import { toDocumentModel } from './model/index.js';
import { loadBibliography } from './load/bibliography.js';
import { load } from './load/index.js';
import { metadataDefaults, type Metadata } from './load/schema.js';
import { loadLocale, resolveStyle, type CslStyle } from './load/styles.js';
import type { DocumentModel } from './model/types.js';
import { crossrefTransform, parse } from './parse/index.js';
import { rules } from './rules.js';
import { reportCiteFailure } from './cite/guard.js';
import { checkHastDepth, checkMarkdownText, checkMarkdownTree, checkNoteCount } from './guard.js';
import { resolveLimits, type Limits } from './limits.js';
import { checkMarkdownImages, confineResources, confineDataFile, resourcePolicy } from './resources/index.js';
import { fileError, fileWarn } from './messages.js';
import { timing } from './progress/timings.js';
import { optimiserForBibliography } from './shared/optimiser.js';

export interface DocumentOptions {
  /** Path of the manuscript (`.md`). */
  input: string;
  /** CSL style id or path of a `.csl` file; overrides the front matter's `csl`. Default: front matter, else `chicago-author-date` (as Pandoc). */
  style?: string;
  /** Citation locale, e.g. `en-GB`; overrides the front matter. Default: `locale`, then `lang`, then `en-US`. */
  locale?: string;
  /** Bibliography files; override the front matter's `bibliography`. */
  bibliography?: string[];
  /** Let raw HTML through unsanitised. Default: false. */
  unsafeHtml?: boolean;
  /** Other folders images and files may come from (`--resource-path`). Default: none, only the manuscript's folder. */
  resourcePath?: string[];
  /** Read files from the manuscript's folder only, whatever the manuscript or `resourcePath` ask (`--sandbox`). Default: false. */
  sandbox?: boolean;
  /** Limits over the defaults (`--limit NAME=N`). */
  limits?: Partial<Limits>;
  /** A contents list (`--toc`), whatever the front matter says. */
  toc?: boolean;
  /** Citation cache to answer from and fill (`src/cache/`); none: citeproc always runs. */
  cache?: CitationCache;
  /** Where the last parse of the manuscript is kept (`src/cache/parses.ts`); none: the whole text is parsed. */
  parses?: ParseStore;
  /** Told when each stage starts (for a progress line). */
  onStage?: (stage: 'parsing' | 'citations' | 'document model') => void;
}

/** The style used when neither the command line nor the front matter names one (Pandoc's default). */
export const defaultStyle = 'chicago-author-date';


/** Build the document model of one manuscript. Problems are messages on `model.file`. */
export async function buildDocument(options: DocumentOptions): Promise<DocumentModel> {
  const limits = resolveLimits(options.limits);
  const policy = resourcePolicy(options.input, { resourcePath: options.resourcePath, sandbox: options.sandbox, limits });
  const { file, metadata: loaded } = await load(options.input, {
    style: options.style,
    locale: options.locale,
    bibliography: options.bibliography,
    limits,
    toc: options.toc,
  });
  timing('manuscript read (front matter)');
  const metadata = loaded ?? metadataDefaults(path.basename(options.input, path.extname(options.input)));
  const name = path.basename(file.path, path.extname(file.path));
  // Files the front matter names are confined like images (the command
  // line's are the user's own choice).
  if (!options.bibliography) {
    metadata.bibliography = metadata.bibliography.filter((bib) => confineDataFile(file, bib, 'bibliography', policy));
  }
  if (!options.style && metadata.csl && path.isAbsolute(metadata.csl) && !confineDataFile(file, metadata.csl, 'csl', policy)) {
    metadata.csl = undefined;
  }

  const [bibliography, style] = await Promise.all([
    loadBibliography(metadata.bibliography, { limits, inline: metadata.references ? { file, references: metadata.references } : undefined }),
    chooseStyle(file, metadata),
  ]);
  timing('bibliography and style read');
  optimiserForBibliography(bibliography.items.size);
  // Without a language from the manuscript or the command line, the style's
  // own default locale applies, as in Pandoc.
  const wanted = metadata.localeGiven === false && style.defaultLocale ? style.defaultLocale : metadata.locale;
  const locale = await loadLocale(wanted);
  timing('locale read');
  for (const bibFile of bibliography.files) adopt(file, bibFile.messages);
  if (locale.fallback) {
    fileWarn(file, `no CSL locale for \`${wanted}\`; citations are formatted in ${locale.lang}`, {
      ruleId: rules.localeFallback,
      source: 'cite',
    });
  }
  const locales = new Map<string, string>([[locale.lang, locale.xml]]);
  if (locale.lang !== wanted) locales.set(wanted, locale.xml);
  if (!locales.has('en-US')) locales.set('en-US', (await loadLocale('en-US')).xml);

  // Too deep or too big for the stages below: stop here, with the messages so far.
  const stop = (): DocumentModel => ({
    name,
    metadata,
    body: { type: 'root', children: [] },
    notes: [],
    bibliography: null,
    style: { id: style.id, title: style.title, class: style.class, hasBibliography: style.hasBibliography },
    file,
  });
  if (!checkMarkdownText(file, String(file.value ?? ''), limits)) return stop();
  const lang = locale.fallback ? locale.lang : wanted;
  options.onStage?.('parsing');
  const tree = parse(file, {
    lang: metadata.lang,
    labels: locatorLabels(locales.get(lang) ?? locale.xml, style.xml, lang),
    memory: options.parses?.memoryFor(options.input),
  });
  timing('Markdown parsed (with typography)');
  const before = file.messages.length;
  if (!checkMarkdownTree(file, tree, limits) || !checkNoteCount(file, tree, limits, style.class === 'note')) return stop();
  crossrefTransform(tree, file, { lang: metadata.lang, bibliography: bibliography.items, numberSections: metadata.numberSections === true });
  options.onStage?.('citations');
  const citeOptions = {
    style,
    lang,
    collation: metadata.localeGiven === false ? undefined : metadata.lang,
    locales,
    items: bibliography.items,
    metadata,
    cache: options.cache,
  };
  try {
    citeTransform(tree, file, citeOptions);
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw error;
    reportCiteFailure(tree, file, citeOptions, error);
    return stop();
  }
  // Without its front matter the manuscript's bibliography is unknown: every
  // citation being "not in the bibliography" would only bury the real error.
  if (loaded === null && file.messages.some((m) => m.fatal)) {
    file.messages = [...file.messages.slice(0, before), ...file.messages.slice(before).filter((m) => m.ruleId !== rules.citationUnknownKey)];
  }
  timing('citations formatted');
  options.onStage?.('document model');
  checkMarkdownImages(tree, file, policy);
  const model = toDocumentModel(tree, file, {
    name,
    metadata,
    style: { id: style.id, title: style.title, class: style.class, hasBibliography: style.hasBibliography },
    unsafeHtml: options.unsafeHtml,
  });
  if (!checkHastDepth(file, model.body, limits)) return stop();
  model.resources = confineResources([model.body, ...model.notes.map((note) => ({ type: 'root' as const, children: note.children }))], file, policy);
  model.limits = limits;
  timing('document model made');
  return model;
}

/** Resolve the style; an unknown one is reported and the default used so the rest can still be checked. */
async function chooseStyle(file: VFile, metadata: Metadata): Promise<CslStyle> {
  const wanted = metadata.csl ?? defaultStyle;
  const result = await resolveStyle(wanted, { baseDir: path.dirname(file.path) });
  if (result.ok) return result.style;
  const hint = result.suggestions.length > 0 ? `; did you mean ${result.suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
  const message = fileError(file, result.at ? result.reason : `${result.reason}${hint} (\`colophon styles\` lists the bundled styles)`, {
    place: result.at ? { line: result.at.line, column: result.at.column } : cslKeyPlace(file),
    ruleId: result.ruleId,
    source: 'load',
  });
  // A fault inside the style file is reported at its line there.
  if (result.at) message.file = result.at.file;
  const fallback = await resolveStyle(defaultStyle, { baseDir: path.dirname(file.path) });
  if (!fallback.ok) throw new Error(`the bundled default style ${defaultStyle} is missing: ${fallback.reason}`);
  return fallback.style;
}

/** Where `csl:` is in the front matter, if the style came from there. */
function cslKeyPlace(file: VFile): { line: number; column: number } | undefined {
  const lines = String(file.value).split('\n');
  const end = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  const index = lines.findIndex((line, i) => i > 0 && i < end && /^csl\s*:/.test(line));
  return index >= 0 ? { line: index + 1, column: 1 } : undefined;
}

/** Move messages about another file (a bibliography) onto the manuscript's list; each keeps its own `file`. */
function adopt(file: VFile, messages: VFileMessage[]): void {
  for (const message of messages) file.messages.push(message);
}
