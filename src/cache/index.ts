/**
 * Caches that make a rebuild cheap, in one folder and turned off together
 * (`--no-cache`): the citation cache (`citations.ts`), which keeps
 * citeproc-js's answers on disk, and each manuscript's last parse
 * (`parses.ts`), so that only the Markdown around an edit is read again.
 */
import { defaultCacheDir, openCitationCache, type CitationCache } from './citations.js';
import { openParseStore, type ParseStore } from './parses.js';

export { defaultCacheDir, openCitationCache, requestTexts, type CitationCache } from './citations.js';

/**
 * The caches a build asked for: `true` (the default folder,
 * `defaultCacheDir()`), a folder, or `false` (none). The folder is found
 * once for both.
 */
export function cachesFor(option: boolean | string | undefined): { citations?: CitationCache; parses?: ParseStore } {
  if (option === false) return {};
  const dir = typeof option === 'string' ? option : defaultCacheDir();
  return { citations: openCitationCache(dir), parses: openParseStore(dir) };
}
