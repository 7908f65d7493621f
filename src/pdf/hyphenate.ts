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
  for (const name of candidates(lang)) {
    if (!/^[a-z0-9-]+$/.test(name)) continue;
    try {
      const mod = require(`hyphen/${name}`) as HyphenModule;
      // The library is slow per call (about 1 ms a sentence); a note has a
      // few thousand words but only a few hundred distinct ones.
      const words = new Map<string, string>();
      const word = new RegExp(`[\\p{L}\\p{M}]{${minWordLength},}`, 'gu');
      result = (text) =>
        text.replace(word, (w) => {
          let done = words.get(w);
          if (done === undefined) {
            done = mod.hyphenateSync(w, { minWordLength });
            words.set(w, done);
          }
          return done;
        });
      break;
    } catch {
      // No patterns under that name: try the next one.
    }
  }
  cache.set(key, result);
  return result;
}
