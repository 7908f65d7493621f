/**
 * Caches that make a rebuild cheap, in one folder and turned off together
 * (`--no-cache`): the citation cache (`citations.ts`), which keeps
 * citeproc-js's answers on disk, and each manuscript's last parse
 * (`parses.ts`), so that only the Markdown around an edit is read again.
 */
import { defaultCacheDir, openCitationCache, type CitationCache } from './citations.js';
import { openParseStore, type ParseStore } from './parses.js';

export { defaultCacheDir, openCitationCache, requestTexts, type CitationCache } from './citations.js';

/** The citation cache a build asked for: true (default folder), a folder, or false (none). */
export function citationCacheFor(option: boolean | string | undefined): CitationCache | undefined {
  if (option === false) return undefined;
  return openCitationCache(typeof option === 'string' ? option : undefined);
}

/** The store of last parses a build asked for, beside the citation cache (`parses.ts`). */
export function parseStoreFor(option: boolean | string | undefined): ParseStore | undefined {
  if (option === false) return undefined;
  return openParseStore(typeof option === 'string' ? option : defaultCacheDir());
}
