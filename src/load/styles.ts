/**
 * The CSL style and locale registry.
 *
 * In: a style id (`apa`), a path to a `.csl` file, or a locale tag
 * (`en-GB`, `ru`). Out: the style's or locale's XML with what the pipeline
 * needs to know about it (class, title, whether it has a bibliography, its
 * default locale), read once per process.
 *
 * Bundled styles live in the package's `templates/csl/` (the house style
 * `carim-note.csl`) and `templates/csl/styles/` (styles from the CSL
 * project); a style's id is its file name without `.csl`. Bundled locales
 * are `templates/csl/locales/locales-xx-XX.xml`. The folder is found from
 * this module's own location, not the cwd, so `colophon` works from any
 * folder and from `build/` as well as from the TypeScript sources.
 *
 * Failures are results, not exceptions: the caller (the `load` stage) turns
 * `{ ok: false }` into a message on the manuscript with `ruleId`.
 */
import { readdirSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rules } from '../rules.js';
import { defaultLimits } from '../limits.js';
import { readRegularFile } from '../resources/read.js';
import { checkStyleXml } from './style-check.js';
import { allStyleFiles, findStyleOutsideBundle, styleSources, userStylesDir, type StyleSourceName } from './style-sources.js';
import { packageRoot, templatesDir } from '../shared/package.js';
import { looksLikePath } from '../shared/paths.js';
import { styleFacts } from '../shared/csl-xml.js';

export interface CslStyle {
  /** Bundled id, or the file name without `.csl` for a style given by path. */
  id: string;
  /** `<title>` from the style's `<info>`. */
  title: string;
  /** CSL class: `note` styles move body citations into footnotes. */
  class: 'note' | 'in-text';
  /** Whether the style (or its parent) defines a `<bibliography>`. */
  hasBibliography: boolean;
  /** XML of an independent style: for a dependent style, its parent's XML. */
  xml: string;
  /** Absolute path of the style file (the dependent one, if it is dependent). */
  path: string;
  /** The style's `default-locale` (a dependent style's own wins over its parent's). */
  defaultLocale?: string;
}

export type StyleResult =
  | { ok: true; style: CslStyle }
  | {
      ok: false;
      /** What went wrong, in a sentence for the user. */
      reason: string;
      /** Close bundled ids, best first; empty when none is close. */
      suggestions: string[];
      /** `style-unknown` when nothing was found, `style-invalid` when the file is no usable CSL style. */
      ruleId: typeof rules.styleUnknown | typeof rules.styleInvalid;
      /** Where in the style file the problem is, when it is in the file. */
      at?: { file: string; line: number; column: number };
    };

export interface ResolveStyleOptions {
  /** Folder a relative style path is resolved against first (the manuscript's folder); then the cwd. */
  baseDir: string;
  /** Folder of bundled styles. Default: the package's `templates/csl`. */
  templatesDir?: string;
}

export interface LoadedLocale {
  /** The tag of the locale actually loaded, e.g. `en-US`. */
  lang: string;
  /** The locale file's XML. */
  xml: string;
  /** True when the requested locale is not bundled and another was loaded instead: warn. */
  fallback: boolean;
}

export interface LocaleOptions {
  /** Folder of bundled locales' parent. Default: the package's `templates/csl`. */
  templatesDir?: string;
}

// ---------------------------------------------------------------------------
// Where the templates are

/** The folder of bundled styles and locales: `<package>/templates/csl`. */
export function cslTemplatesDir(): string {
  return templatesDir('csl');
}

export { packageRoot };

// ---------------------------------------------------------------------------
// Cached reads: a build asks for the same style and locale more than once
// (the CLI, the cite stage, every edition), and reads each file once.

const fileCache = new Map<string, Promise<string>>();

function readCached(file: string): Promise<string> {
  let pending = fileCache.get(file);
  if (!pending) {
    // Never blocks on a FIFO or a device, never reads past the size limit.
    pending = Promise.resolve().then(() => {
      const read = readRegularFile(file, defaultLimits['input-size']);
      if (!read.ok) throw Object.assign(new Error(read.reason), { code: read.why === 'missing' ? 'ENOENT' : 'EUNUSABLE' });
      return read.data.toString('utf8');
    });
    fileCache.set(file, pending);
    // A failed read is not remembered: the file may appear later.
    pending.catch(() => fileCache.delete(file));
  }
  return pending;
}

const listingCache = new Map<string, Promise<Map<string, string>>>();

/** Forget every style and locale read so far (a long-running preview, after a file changed). */
export function forgetStyleReads(): void {
  fileCache.clear();
  listingCache.clear();
}

/**
 * Files of the folders (in order: the first folder's file wins) whose names
 * `pattern` matches, by the pattern's first group; read once per folder set.
 */
function listFiles(dirs: string[], pattern: RegExp): Promise<Map<string, string>> {
  const key = `${pattern.source}\0${dirs.join('\0')}`;
  let pending = listingCache.get(key);
  if (!pending) {
    pending = (async () => {
      const found = new Map<string, string>();
      for (const dir of dirs) {
        // A folder of a few dozen names is listed at once: a trip through the
        // thread pool costs more than the listing, in a process just started.
        let names: string[];
        try {
          names = readdirSync(dir);
        } catch {
          names = [];
        }
        for (const name of names.sort()) {
          const match = pattern.exec(name);
          if (match?.[1] && !found.has(match[1])) found.set(match[1], path.join(dir, name));
        }
      }
      return found;
    })();
    listingCache.set(key, pending);
  }
  return pending;
}

/** Bundled styles: id → absolute path. The top folder wins over `styles/`. */
function bundledStyles(templatesDir: string): Promise<Map<string, string>> {
  return listFiles([templatesDir, path.join(templatesDir, 'styles')], /^(.+)\.csl$/);
}

// ---------------------------------------------------------------------------
// Suggestions for an unknown id

/** Edit distance counting a swap of two neighbouring letters as one edit (`aap` → `apa`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * Bundled ids close to `query`, best first: ids containing it (or contained
 * in it), ids whose initials spell it (`mla`), then ids whose whole or
 * whose beginning is within a few edits of it.
 */
export function suggestStyles(query: string, ids: Iterable<string>, limit = 5): string[] {
  const wanted = query.toLowerCase().replace(/\.csl$/, '').replace(/[\s_]+/g, '-');
  if (wanted === '') return [];
  const scored: Array<{ id: string; score: number }> = [];
  for (const id of ids) {
    const initials = id
      .split('-')
      .map((word) => word[0])
      .join('');
    let score: number | undefined;
    if (id.includes(wanted) || wanted.includes(id)) score = Math.abs(id.length - wanted.length) / 100;
    else if (initials === wanted) score = 0.5;
    else {
      // A near miss of the whole id (`vancover`), or of its beginning
      // (`chicago-notes` for chicago-note-bibliography…).
      const allowed = Math.max(1, Math.ceil(wanted.length / 4));
      const whole = editDistance(wanted, id);
      const start = id.length > wanted.length ? editDistance(wanted, id.slice(0, wanted.length)) : Number.POSITIVE_INFINITY;
      if (whole <= allowed) score = 1 + whole;
      // Stricter for a beginning: related ids share long beginnings (`chicago-`).
      else if (start <= Math.max(1, Math.floor(wanted.length / 5))) score = 1.5 + start;
    }
    if (score !== undefined) scored.push({ id, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((entry) => entry.id);
}

// ---------------------------------------------------------------------------
// Styles

const zoteroStyleUrl = /^https?:\/\/(?:www\.)?zotero\.org\/styles\/([^/?#]+)\/?$/;

async function fileExists(file: string): Promise<boolean> {
  try {
    await readCached(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Find a style by bundled id or by path and read it.
 *
 * A value that ends with `.csl` or contains a path separator is a file,
 * resolved against `baseDir`, then the cwd; a bare `NAME.csl` that is no
 * file is also tried as the bundled id `NAME` (as Pandoc looks in its data
 * folder). A dependent style is resolved to its independent parent, bundled
 * or beside it.
 */
export async function resolveStyle(idOrPath: string, options: ResolveStyleOptions): Promise<StyleResult> {
  const templatesDir = options.templatesDir ?? cslTemplatesDir();
  const bundled = await bundledStyles(templatesDir);
  const requested = idOrPath.trim();
  const fromUrl = zoteroStyleUrl.exec(requested)?.[1];
  if (fromUrl) return resolveStyle(fromUrl, options);

  if (looksLikePath(requested)) {
    const expanded = requested.startsWith('~/') ? path.join(os.homedir(), requested.slice(2)) : requested;
    const candidates = path.isAbsolute(expanded)
      ? [expanded]
      : [...new Set([path.resolve(options.baseDir, expanded), path.resolve(expanded)])];
    for (const candidate of candidates) {
      if (await fileExists(candidate)) return styleFromFile(candidate, path.basename(candidate).replace(/\.csl$/i, ''), bundled, templatesDir);
    }
    const bareId = /^[^\\/]+\.csl$/i.test(requested) ? requested.slice(0, -'.csl'.length) : undefined;
    const bundledPath = bareId === undefined ? undefined : (bundled.get(bareId) ?? findStyleOutsideBundle(bareId, templatesDir)?.file);
    if (bundledPath) return styleFromFile(bundledPath, bareId!, bundled, templatesDir);
    return {
      ok: false,
      reason: `style file "${requested}" not found (looked in ${candidates.map((c) => path.dirname(c)).join(' and ')})`,
      suggestions: suggestStyles(path.basename(requested), bundled.keys()),
      ruleId: rules.styleUnknown,
    };
  }

  const bundledPath = bundled.get(requested);
  if (bundledPath) return styleFromFile(bundledPath, requested, bundled, templatesDir);
  // Then the user's folder and the system's CSL packages.
  const outside = findStyleOutsideBundle(requested, templatesDir);
  if (outside) return styleFromFile(outside.file, requested, bundled, templatesDir);
  const everywhere = await allStyleFiles(templatesDir);
  const looked = styleSources(templatesDir)
    .filter((source) => source.name !== 'bundled')
    .map((source) => source.dirs[0]);
  return {
    ok: false,
    reason: `unknown style "${requested}": no style has this id among the bundled ones, in ${looked.join(' or ')} (give a path to use a .csl file)`,
    suggestions: suggestStyles(requested, everywhere.map((style) => style.id)),
    ruleId: rules.styleUnknown,
  };
}

async function styleFromFile(file: string, id: string, bundled: Map<string, string>, templatesDir: string): Promise<StyleResult> {
  const invalid = (why: string): StyleResult => ({
    ok: false,
    reason: `"${file}" is not a usable CSL style: ${why}`,
    suggestions: [],
    ruleId: rules.styleInvalid,
  });
  const xml = await readCached(file);
  // The XML and the structure citeproc relies on, checked before it sees them.
  const problem = checkStyleXml(xml);
  if (problem) return { ...invalid(problem.reason), at: { file, line: problem.line, column: problem.column } } as StyleResult;
  const facts = styleFacts(xml);
  if ('invalid' in facts) return invalid(facts.invalid);
  if (facts.version !== undefined && !/^1\./.test(facts.version)) {
    return invalid(`it is CSL ${facts.version}; citeproc needs CSL 1.0`);
  }

  if (facts.parent !== undefined) {
    // A dependent style holds only metadata: format with its parent's XML.
    const beside = path.join(path.dirname(file), `${facts.parent}.csl`);
    // The parent: bundled, beside the dependent style, in the user's or the system's folders.
    const parentPath =
      bundled.get(facts.parent) ?? ((await fileExists(beside)) ? beside : findStyleOutsideBundle(facts.parent, templatesDir)?.file);
    if (!parentPath || parentPath === file) {
      return {
        ok: false,
        reason: `style "${id}" depends on "${facts.parent}", which is not found: put ${facts.parent}.csl beside it or in ${userStylesDir()}, or give its path`,
        suggestions: [],
        ruleId: rules.styleUnknown,
      };
    }
    const parentXml = await readCached(parentPath);
    const parentProblem = checkStyleXml(parentXml);
    if (parentProblem) return { ...invalid(`its parent: ${parentProblem.reason}`), at: { file: parentPath, line: parentProblem.line, column: parentProblem.column } } as StyleResult;
    const parentFacts = styleFacts(parentXml);
    if ('invalid' in parentFacts) return invalid(`its parent ${parentPath}: ${parentFacts.invalid}`);
    if (parentFacts.parent !== undefined) return invalid(`its parent "${facts.parent}" is itself a dependent style`);
    if (!parentFacts.class || !parentFacts.hasCitation) return invalid(`its parent "${facts.parent}" has no class or no <citation>`);
    return {
      ok: true,
      style: {
        id,
        title: facts.title || parentFacts.title || id,
        class: parentFacts.class,
        hasBibliography: parentFacts.hasBibliography,
        xml: parentXml,
        path: file,
        defaultLocale: facts.defaultLocale ?? parentFacts.defaultLocale,
      },
    };
  }

  if (!facts.class) return invalid('its <style> element needs class="note" or class="in-text"');
  if (!facts.hasCitation) return invalid('it has no <citation> element');
  return {
    ok: true,
    style: {
      id,
      title: facts.title || id,
      class: facts.class,
      hasBibliography: facts.hasBibliography,
      xml,
      path: file,
      defaultLocale: facts.defaultLocale,
    },
  };
}

/** Every style of every source (bundled, user, system) that resolves, sorted by id, with where it is from. */
export async function listAllStyles(
  options: { templatesDir?: string } = {},
): Promise<Array<Pick<CslStyle, 'id' | 'title' | 'class' | 'path'> & { source: StyleSourceName; parent?: string }>> {
  const templatesDir = options.templatesDir ?? cslTemplatesDir();
  const files = await allStyleFiles(templatesDir);
  const listed: Array<Pick<CslStyle, 'id' | 'title' | 'class' | 'path'> & { source: StyleSourceName; parent?: string }> = [];
  const classes = new Map<string, 'note' | 'in-text' | undefined>();
  const facts = new Map<string, Exclude<ReturnType<typeof styleFacts>, { invalid: string }>>();
  for (const style of files) {
    const xml = await fsp.readFile(style.file, 'utf8').catch(() => '');
    // The listing needs the root element and <info> only: thousands of
    // system styles are read up to the end of their <info>.
    const end = xml.indexOf('</info>');
    const read = styleFacts(end === -1 ? xml : `${xml.slice(0, end + '</info>'.length)}</style>`);
    if ('invalid' in read) continue;
    facts.set(style.id, read);
    classes.set(style.id, read.class);
  }
  for (const style of files) {
    const read = facts.get(style.id);
    if (!read) continue;
    const styleClass = read.parent !== undefined ? classes.get(read.parent) : read.class;
    if (!styleClass) continue;
    listed.push({ id: style.id, title: read.title || style.id, class: styleClass, path: style.file, source: style.source, parent: read.parent });
  }
  return listed.sort((a, b) => a.id.localeCompare(b.id));
}

/** Every bundled style that resolves, sorted by id. */
export async function listStyles(options: { templatesDir?: string } = {}): Promise<Array<Pick<CslStyle, 'id' | 'title' | 'class'>>> {
  const templatesDir = options.templatesDir ?? cslTemplatesDir();
  const bundled = await bundledStyles(templatesDir);
  const listed: Array<Pick<CslStyle, 'id' | 'title' | 'class'>> = [];
  for (const id of [...bundled.keys()].sort()) {
    const result = await resolveStyle(id, { baseDir: templatesDir, templatesDir });
    if (result.ok) listed.push({ id, title: result.style.title, class: result.style.class });
  }
  return listed;
}

// ---------------------------------------------------------------------------
// Locales

/**
 * CSL's primary dialect of each language (the CSL locales repository's
 * `locales.json`): what a bare language tag means, and where a regional
 * variant that is not bundled falls back to.
 */
const primaryDialects: Record<string, string> = {
  af: 'af-ZA', ar: 'ar', bg: 'bg-BG', ca: 'ca-AD', cs: 'cs-CZ', cy: 'cy-GB', da: 'da-DK', de: 'de-DE',
  el: 'el-GR', en: 'en-US', es: 'es-ES', et: 'et-EE', eu: 'eu', fa: 'fa-IR', fi: 'fi-FI', fr: 'fr-FR',
  he: 'he-IL', hi: 'hi-IN', hr: 'hr-HR', hu: 'hu-HU', id: 'id-ID', is: 'is-IS', it: 'it-IT', ja: 'ja-JP',
  km: 'km-KH', ko: 'ko-KR', la: 'la', lt: 'lt-LT', lv: 'lv-LV', mn: 'mn-MN', nb: 'nb-NO', nl: 'nl-NL',
  nn: 'nn-NO', pl: 'pl-PL', pt: 'pt-PT', ro: 'ro-RO', ru: 'ru-RU', sk: 'sk-SK', sl: 'sl-SI', sr: 'sr-RS',
  sv: 'sv-SE', th: 'th-TH', tr: 'tr-TR', uk: 'uk-UA', vi: 'vi-VN', zh: 'zh-CN',
};

/** Bundled locales: tag → absolute path, from `locales/` and the top folder. */
function bundledLocaleFiles(templatesDir: string): Promise<Map<string, string>> {
  return listFiles([path.join(templatesDir, 'locales'), templatesDir], /^locales-(.+)\.xml$/);
}

/** The tags of the bundled locales, sorted. */
export async function bundledLocales(options: LocaleOptions = {}): Promise<string[]> {
  return [...(await bundledLocaleFiles(options.templatesDir ?? cslTemplatesDir())).keys()].sort();
}

/** `en_gb`, `EN-gb` → `en-GB`; script and other subtags are dropped. */
function canonicalTag(lang: string): { language: string; tag: string } {
  const subtags = lang.trim().replace(/_/g, '-').split('-').filter(Boolean);
  const language = (subtags[0] ?? '').toLowerCase();
  const region = subtags.slice(1).find((part) => /^[a-z]{2}$|^\d{3}$/i.test(part));
  return { language, tag: region ? `${language}-${region.toUpperCase()}` : language };
}

/**
 * Load a bundled locale. `en-GB` loads `locales-en-GB.xml`; a bare language
 * (`en`, `fr`) loads CSL's primary dialect of it (`en-US`, `fr-FR`). A
 * locale that is not bundled falls back, as citeproc does, to the primary
 * dialect of its language and then to `en-US`, with `fallback: true`.
 */
export async function loadLocale(lang: string, options: LocaleOptions = {}): Promise<LoadedLocale> {
  const files = await bundledLocaleFiles(options.templatesDir ?? cslTemplatesDir());
  const { language, tag } = canonicalTag(lang);
  const primary = primaryDialects[language];
  const bare = tag === language;
  const tries: Array<{ lang: string; fallback: boolean }> = [
    { lang: tag, fallback: false },
    ...(primary ? [{ lang: primary, fallback: !bare }] : []),
    { lang: 'en-US', fallback: true },
  ];
  for (const attempt of tries) {
    const file = files.get(attempt.lang);
    if (file) return { lang: attempt.lang, xml: await readCached(file), fallback: attempt.fallback && attempt.lang !== tag };
  }
  throw new Error(`the bundled locale en-US is missing from ${options.templatesDir ?? cslTemplatesDir()}`);
}
