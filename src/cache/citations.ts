/**
 * The citation cache: what citeproc-js made for a document, on disk, keyed
 * by everything that decides it.
 *
 * The key is a hash of the whole citeproc request (`src/cite/process.ts`):
 * the style's XML, the locale and every locale XML handed to the engine, the
 * bibliography items' data, every cluster in reading order with its note
 * number, the nocite list, the author-alone renderings asked for and whether
 * a bibliography is wanted, plus the versions of citeproc-js and Colophon
 * and the source of the code that drives citeproc-js (`citeprocFingerprint`).
 * A text edit that leaves the citations alone gives the same request, so the
 * answer comes from disk; any change to a citation, an item, the style or
 * the locale gives another key, so a stale note is never served.
 *
 * Where: `node_modules/.cache/colophon/` of the nearest folder (from the
 * working directory up) that has a `node_modules`, else the platform's
 * cache folder (`$XDG_CACHE_HOME/colophon`, `~/Library/Caches/colophon`,
 * `%LOCALAPPDATA%\colophon\Cache`). `COLOPHON_CACHE_DIR` overrides both.
 * Entries are written atomically; the oldest go when there are more than
 * `maxEntries`. A cache that cannot be read or written is silently skipped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CiteprocRequest, CiteprocResult } from '../cite/process.js';
import { citeprocFingerprint } from '../cite/process.js';
import { citeprocVersion } from '../cite/engine.js';

// In the bundle this line gives way to the bundle's own require
// (scripts/bundle.mjs), the launcher's, which loads Node's modules with
// V8's flags as Node started (bin/colophon.cjs).
const require = createRequire(import.meta.url);

/** Bumped when the shape of an entry or of the request changes. */
const format = 2;
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
  versions = `${format}/${citeproc}/${packageVersion()}`;
  return versions;
}

function packageVersion(): string {
  // Colophon's own version (its citation code decides the request's shape).
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = path.join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'colophon') return pkg.version ?? '0';
      }
      const up = path.dirname(dir);
      if (up === dir) return '0';
      dir = up;
    }
  } catch {
    return '0';
  }
}

/** The cache key of a request. */
export function requestKey(request: CiteprocRequest): string {
  // node:crypto is loaded here, not when the module loads: a build without the cache needs none of it.
  const hash = (require('node:crypto') as typeof import('node:crypto')).createHash('sha256');
  const part = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    hash.update(String(text.length));
    hash.update(':');
    hash.update(text);
  };
  part(codeVersions());
  // The code that drives citeproc-js, so a change to it is never answered from an older entry.
  part(citeprocFingerprint());
  part(request.styleXml);
  part(request.lang);
  part([...request.locales]);
  part([...request.items]);
  part(request.linkCitations);
  part(request.collation ?? null);
  part(request.citations);
  part(request.nocite);
  part(request.authors);
  part(request.bibliography);
  return hash.digest('hex');
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

/** A cache in `dir` (default: `defaultCacheDir()`). */
export function openCitationCache(dir = defaultCacheDir()): CitationCache {
  const folder = path.join(dir, 'citations');
  const stats = { hits: 0, misses: 0 };
  const file = (key: string) => path.join(folder, `${key}.json`);
  let writes = 0;
  // citeproc-js writes into the clusters it is given: the key is taken
  // before it runs, when `get` is asked.
  const keys = new WeakMap<CiteprocRequest, string>();
  const keyOf = (request: CiteprocRequest) => {
    let key = keys.get(request);
    if (!key) keys.set(request, (key = requestKey(request)));
    return key;
  };
  return {
    dir: folder,
    stats,
    get(request) {
      const key = keyOf(request);
      try {
        const entry = JSON.parse(readFileSync(file(key), 'utf8')) as { key: string; result: CiteprocResult };
        if (entry.key !== key || !Array.isArray(entry.result?.clusters) || !Array.isArray(entry.result.authors)) throw new Error('not an entry');
        stats.hits++;
        return entry.result;
      } catch {
        stats.misses++;
        return undefined;
      }
    },
    set(request, result) {
      const key = keyOf(request);
      try {
        mkdirSync(folder, { recursive: true });
        const temporary = `${file(key)}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(temporary, JSON.stringify({ key, result }));
        renameSync(temporary, file(key));
        if (++writes === 1) prune(folder);
      } catch {
        // A read-only or full disk: the build goes on without the cache.
      }
    },
  };
}

function prune(folder: string): void {
  const names = readdirSync(folder).filter((name) => name.endsWith('.json'));
  if (names.length <= maxEntries) return;
  const dated = names.map((name) => {
    try {
      return { name, time: statSync(path.join(folder, name)).mtimeMs };
    } catch {
      return { name, time: 0 };
    }
  });
  dated.sort((a, b) => a.time - b.time);
  for (const { name } of dated.slice(0, dated.length - maxEntries)) {
    try {
      unlinkSync(path.join(folder, name));
    } catch {
      // Gone already.
    }
  }
}
