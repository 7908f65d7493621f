/**
 * The citation cache: what citeproc-js made for a document, on disk, keyed
 * by everything that decides it.
 *
 * What decides it is the whole citeproc request (`src/cite/process.ts`):
 * the style's XML, the locale and every locale XML handed to the engine, the
 * bibliography items' data, every cluster in reading order with its note
 * number, the nocite list, the author-alone renderings asked for and whether
 * a bibliography is wanted, plus the versions of citeproc-js and Colophon
 * and the source of the code that drives citeproc-js (`citeprocFingerprint`).
 * These are the request's texts (`requestTexts`). An entry holds them all
 * beside the answer, and is served only for a request whose texts are the
 * same, character for character: a text edit that leaves the citations
 * alone gives the same request, so the answer comes from disk; any change
 * to a citation, an item, the style or the locale is another request, so a
 * stale note is never served.
 *
 * An entry's file is named by a quick 64-bit hash of the texts' JSON
 * (`quick-hash.ts`), which only says where to look: two requests of the
 * same hash share one file, each replacing the other's answer, and neither
 * is given the other's. The preview's memory keys its answers by the
 * texts' JSON itself.
 *
 * Where: `node_modules/.cache/colophon/` of the nearest folder (from the
 * working directory up) that has a `node_modules`, else the platform's
 * cache folder (`$XDG_CACHE_HOME/colophon`, `~/Library/Caches/colophon`,
 * `%LOCALAPPDATA%\colophon\Cache`). `COLOPHON_CACHE_DIR` overrides both.
 * Entries are written atomically; the oldest go when there are more than
 * `maxEntries`. A cache that cannot be read or written is silently skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { CiteprocRequest, CiteprocResult } from '../cite/process.js';
import { citeprocFingerprint } from '../cite/process.js';
import { citeprocVersion } from '../cite/engine.js';
import { packageVersion } from '../shared/package.js';
import { entryWriter } from './entries.js';
import { hashedText } from './quick-hash.js';

// In the bundle this line gives way to the bundle's own require
// (scripts/bundle.mjs), the launcher's, which loads Node's modules with
// V8's flags as Node started (bin/colophon.cjs).
const require = createRequire(import.meta.url);

/** Bumped when the shape of an entry or of the request changes. */
const format = 3;
const maxEntries = 500;

export interface CitationCache {
  readonly dir: string;
  /** The answer to `request`, if one is stored. Call before citeproc runs on the request. */
  get(request: CiteprocRequest): CiteprocResult | undefined;
  /** Store the answer to a request `get` was asked about. */
  set(request: CiteprocRequest, result: CiteprocResult): void;
  /** Hits and misses so far (for tests and the progress line). */
  readonly stats: { hits: number; misses: number };
}

let versions: string | undefined;
function codeVersions(): string {
  if (versions) return versions;
  let citeproc = 'unknown';
  try {
    citeproc = citeprocVersion();
  } catch {
    // Resolved without its package.json: the processor's own version string.
    citeproc = String((require('citeproc') as { PROCESSOR_VERSION?: string }).PROCESSOR_VERSION ?? 'unknown');
  }
  let colophon = '0';
  try {
    // Colophon's own version (its citation code decides the request's shape).
    colophon = packageVersion();
  } catch {
    // No package.json where the package should be: the fingerprint still tells code apart.
  }
  versions = `${format}/${citeproc}/${colophon}`;
  return versions;
}

/**
 * Everything that decides the answer to a request, as texts in a fixed
 * order: the code's versions and fingerprint, then the request's parts,
 * each locale's tag and XML apart, the rest in JSON.
 */
export function requestTexts(request: CiteprocRequest): string[] {
  const texts = [codeVersions(), citeprocFingerprint(), request.styleXml, request.lang, String(request.locales.size)];
  for (const [lang, xml] of request.locales) texts.push(lang, xml);
  texts.push(
    JSON.stringify([...request.items]),
    JSON.stringify(request.linkCitations),
    JSON.stringify(request.collation ?? null),
    JSON.stringify(request.citations),
    JSON.stringify(request.nocite),
    JSON.stringify(request.authors),
    JSON.stringify(request.bibliography),
  );
  return texts;
}

/** The folder the cache lives in by default (see the top of this file). */
export function defaultCacheDir(cwd = process.cwd()): string {
  if (process.env.COLOPHON_CACHE_DIR) return path.resolve(process.env.COLOPHON_CACHE_DIR);
  for (let dir = path.resolve(cwd); ; ) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'colophon');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'colophon');
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'colophon', 'Cache');
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'colophon');
}

/**
 * An entry's file is the JSON of `{ format, request, result }`: the
 * request's texts and citeproc-js's answer. It is read as bytes and
 * compared with the request's own JSON where the texts stand, before any of
 * it is parsed; only the answer is then parsed.
 */
const entryHead = Buffer.from(`{"format":${format},"request":`);
const entryMiddle = Buffer.from(',"result":');

/**
 * A cache in `dir` (default: `defaultCacheDir()`). `options.nameOf` names
 * an entry's file after the request's texts (default: a quick hash of
 * their JSON, `quick-hash.ts`).
 */
export function openCitationCache(dir = defaultCacheDir(), options: { nameOf?: (texts: readonly string[]) => string } = {}): CitationCache {
  const folder = path.join(dir, 'citations');
  const stats = { hits: 0, misses: 0 };
  const file = (name: string) => path.join(folder, `${name}.json`);
  const entries = entryWriter(folder, '.json', maxEntries);
  // citeproc-js writes into the clusters it is given: the request's texts
  // are taken before it runs, when `get` is asked.
  const asked = new WeakMap<CiteprocRequest, { json: string; name: string }>();
  const ask = (request: CiteprocRequest) => {
    const texts = requestTexts(request);
    const json = JSON.stringify(texts);
    const { hash, bytes } = hashedText(json);
    const name = options.nameOf ? options.nameOf(texts) : hash;
    asked.set(request, { json, name });
    return { json, name, bytes };
  };
  return {
    dir: folder,
    stats,
    get(request) {
      const { name, bytes } = ask(request);
      try {
        const entry = readFileSync(file(name));
        const result = entryHead.length + bytes.length;
        // Only the answer to this very request: another one of the same name is a miss.
        const same =
          entry.length > result + entryMiddle.length &&
          entry.compare(entryHead, 0, entryHead.length, 0, entryHead.length) === 0 &&
          entry.compare(bytes, 0, bytes.length, entryHead.length, result) === 0 &&
          entry.compare(entryMiddle, 0, entryMiddle.length, result, result + entryMiddle.length) === 0 &&
          entry[entry.length - 1] === 0x7d;
        if (!same) throw new Error('another request');
        const answer = JSON.parse(entry.toString('utf8', result + entryMiddle.length, entry.length - 1)) as CiteprocResult;
        if (!Array.isArray(answer?.clusters) || !Array.isArray(answer.authors)) throw new Error('not an entry');
        stats.hits++;
        return answer;
      } catch {
        stats.misses++;
        return undefined;
      }
    },
    set(request, result) {
      // Asked before citeproc-js ran: the texts as they were then.
      const { json, name } = asked.get(request) ?? ask(request);
      // What JSON.stringify({ format, request: texts, result }) writes.
      entries.write(`${name}.json`, `${entryHead.toString()}${json}${entryMiddle.toString()}${JSON.stringify(result)}}`);
    },
  };
}

