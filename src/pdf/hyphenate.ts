/**
 * Hyphenation for the print edition.
 *
 * Headless Chromium on Linux ships no hyphenation dictionaries, so
 * `hyphens: auto` silently does nothing there (checked: a narrow column of
 * long words lays out to the same height with `auto` as with `manual`).
 * The print HTML therefore carries soft hyphens (U+00AD) put in by the
 * `hyphen` package's TeX patterns for the document language, and the CSS
 * says `hyphens: manual`. URLs are never hyphenated: they break anywhere.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

export type Hyphenator = (text: string) => string;

interface HyphenModule {
  hyphenateSync: (text: string, options?: { minWordLength?: number; hyphenChar?: string }) => string;
}

const cache = new Map<string, Hyphenator | null>();

/** Pattern names to try for a BCP 47 tag, most specific first. */
function candidates(lang: string): string[] {
  const tag = lang.toLowerCase();
  const primary = tag.split('-')[0];
  const list = [tag, primary];
  if (primary === 'en') list.splice(1, 0, tag === 'en-gb' ? 'en-gb' : 'en-us');
  if (primary === 'de') list.push('de-1996');
  if (primary === 'el') list.push('el-monoton');
  if (primary === 'sr') list.push('sr-cyrl');
  if (primary === 'mn') list.push('mn-cyrl');
  return [...new Set(list)];
}

/**
 * A hyphenator for `lang`, or null when the package has no patterns for it
 * (the text is then printed unhyphenated, which is correct if ragged).
 */
export function hyphenatorFor(lang: string, minWordLength = 6): Hyphenator | null {
  const key = `${lang}:${minWordLength}`;
  if (cache.has(key)) return cache.get(key) ?? null;
  let result: Hyphenator | null = null;
  const file = patternsFile(lang);
  let mod: HyphenModule | null = null;
  try {
    mod = file ? (require(file) as HyphenModule) : null;
  } catch {
    mod = null;
  }
  if (mod) {
    const patterns = mod;
    // The library is slow per call (about 1 ms a sentence); a note has a
    // few thousand words but only a few hundred distinct ones.
    const words = wordsFor(key);
    const word = wordPattern(minWordLength);
    result = (text) =>
      text.replace(word, (w) => {
        let done = words.get(w);
        if (done === undefined) {
          done = patterns.hyphenateSync(w, { minWordLength });
          words.set(w, done);
        }
        return done;
      });
  }
  cache.set(key, result);
  return result;
}

/** Words already hyphenated, by language and shortest word. */
const hyphenated = new Map<string, Map<string, string>>();
const wordsFor = (key: string): Map<string, string> => {
  let words = hyphenated.get(key);
  if (!words) hyphenated.set(key, (words = new Map()));
  return words;
};
const wordPattern = (minWordLength: number) => new RegExp(`[\\p{L}\\p{M}]{${minWordLength},}`, 'gu');

/** The `hyphen` package's patterns module for `lang`, or null when it has none. */
function patternsFile(lang: string): string | null {
  for (const name of candidates(lang)) {
    if (!/^[a-z0-9-]+$/.test(name)) continue;
    try {
      return require.resolve(`hyphen/${name}`);
    } catch {
      // No patterns under that name: try the next one.
    }
  }
  return null;
}

// Runs in a worker thread: the patterns module and the words in, the words hyphenated out.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const patterns = require(workerData.file);
parentPort.postMessage(workerData.words.map((word) => patterns.hyphenateSync(word, { minWordLength: workerData.minWordLength })));
`;

const early = new Map<string, Promise<void>>();

/**
 * Hyphenate the words of `text` (the manuscript as written) in a worker
 * thread, on another core, while the build reads, cites and lays out the
 * document and the browser starts: the print HTML then finds most of its
 * words done (`hyphenationReady`). The same library and patterns, word by
 * word, so the print is the same as without it.
 */
export function prehyphenate(lang: string, text: string, minWordLength = 6): void {
  const key = `${lang}:${minWordLength}`;
  if (early.has(key) || cache.has(key)) return;
  const file = patternsFile(lang);
  if (!file) return;
  const words = [...new Set(text.match(wordPattern(minWordLength)) ?? [])];
  if (words.length === 0) return;
  early.set(
    key,
    new Promise<void>((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(workerSource, { eval: true, workerData: { file, words, minWordLength } });
      } catch {
        resolve();
        return;
      }
      worker.once('message', (done: string[]) => {
        const known = wordsFor(key);
        words.forEach((word, index) => {
          if (typeof done[index] === 'string' && !known.has(word)) known.set(word, done[index]);
        });
        resolve();
      });
      // A failed worker costs nothing: the words are hyphenated where they are needed.
      worker.once('error', () => resolve());
      worker.once('exit', () => resolve());
    }),
  );
}

/** Wait for `prehyphenate`'s words for `lang`, if it was asked to. */
export async function hyphenationReady(lang: string, minWordLength = 6): Promise<void> {
  await early.get(`${lang}:${minWordLength}`);
}
