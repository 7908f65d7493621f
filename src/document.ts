/**
 * One manuscript through the stages `load` → `parse` → `cite` → `model`:
 * a path in, the `DocumentModel` out, every problem a message on
 * `model.file` (messages about a bibliography file name that file).
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { CitationCache } from './cache/citations.js';
import { citeTransform, locatorLabels } from './cite/index.js';
import { toDocumentModel } from './model/index.js';
import { loadBibliography } from './load/bibliography.js';
import { load } from './load/index.js';
import { metadataDefaults, type Metadata } from './load/schema.js';
import { loadLocale, resolveStyle, type CslStyle } from './load/styles.js';
import type { DocumentModel } from './model/types.js';
import { crossrefTransform, parse } from './parse/index.js';
import { rules } from './rules.js';
import { fileError, fileWarn } from './messages.js';

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
  /** A contents list (`--toc`), whatever the front matter says. */
  toc?: boolean;
  /** Citation cache to answer from and fill (`src/cache/`); none: citeproc always runs. */
  cache?: CitationCache;
  /** Told when each stage starts (for a progress line). */
  onStage?: (stage: 'parsing' | 'citations' | 'document model') => void;
}

/** The style used when neither the command line nor the front matter names one (Pandoc's default). */
export const defaultStyle = 'chicago-author-date';


/** Build the document model of one manuscript. Problems are messages on `model.file`. */
export async function buildDocument(options: DocumentOptions): Promise<DocumentModel> {
  const { file, metadata: loaded } = await load(options.input, {
    style: options.style,
    locale: options.locale,
    bibliography: options.bibliography,
    toc: options.toc,
  });
  const metadata = loaded ?? metadataDefaults(path.basename(options.input, path.extname(options.input)));
  const name = path.basename(file.path, path.extname(file.path));

  const [bibliography, style] = await Promise.all([loadBibliography(metadata.bibliography, metadata.references ? { file, references: metadata.references } : undefined), chooseStyle(file, metadata)]);
  // Without a language from the manuscript or the command line, the style's
  // own default locale applies, as in Pandoc.
  const wanted = metadata.localeGiven === false && style.defaultLocale ? style.defaultLocale : metadata.locale;
  const locale = await loadLocale(wanted);
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

  const lang = locale.fallback ? locale.lang : wanted;
  options.onStage?.('parsing');
  const tree = parse(file, { lang: metadata.lang, labels: locatorLabels(locales.get(lang) ?? locale.xml, style.xml, lang) });
  crossrefTransform(tree, file, { lang: metadata.lang, bibliography: bibliography.items, numberSections: metadata.numberSections === true });
  options.onStage?.('citations');
  citeTransform(tree, file, {
    style,
    lang,
    collation: metadata.localeGiven === false ? undefined : metadata.lang,
    locales,
    items: bibliography.items,
    metadata,
    cache: options.cache,
  });
  options.onStage?.('document model');
  return toDocumentModel(tree, file, {
    name,
    metadata,
    style: { id: style.id, title: style.title, class: style.class, hasBibliography: style.hasBibliography },
    unsafeHtml: options.unsafeHtml,
  });
}

/** Resolve the style; an unknown one is reported and the default used so the rest can still be checked. */
async function chooseStyle(file: VFile, metadata: Metadata): Promise<CslStyle> {
  const wanted = metadata.csl ?? defaultStyle;
  const result = await resolveStyle(wanted, { baseDir: path.dirname(file.path) });
  if (result.ok) return result.style;
  const hint = result.suggestions.length > 0 ? `; did you mean ${result.suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
  fileError(file, `${result.reason}${hint} (\`colophon styles\` lists the bundled styles)`, {
    place: cslKeyPlace(file),
    ruleId: result.ruleId,
    source: 'load',
  });
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
