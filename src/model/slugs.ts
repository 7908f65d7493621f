/**
 * Heading ids as GitHub makes them, and as `github-slugger` gives them:
 * the text in lower case without punctuation and symbols, spaces as
 * hyphens, made unique with a count (`notes`, `notes-1`, `notes-2`).
 *
 * The package's pattern lists every character to remove across Unicode,
 * and running it costs about 0.07 ms a heading, more than the rest of a
 * heading's work. Text in ASCII takes a short pattern that removes the
 * same characters (test/html.test.ts checks all 128 against the package);
 * any other text goes to the package.
 */
import { slug } from 'github-slugger';

const ascii = /^[\0-\x7F]*$/;
// In ASCII the package keeps the space, `-`, `_`, digits and letters.
const removedAscii = /[^ \-0-9_a-z]/g;

/** The package's `slug` of `text` (without the count). */
export function baseSlug(text: string): string {
  return ascii.test(text) ? text.toLowerCase().replace(removedAscii, '').replace(/ /g, '-') : slug(text);
}

/** Unique slugs, counted as the package's `BananaSlug` counts them. */
export class HeadingSlugs {
  private readonly counts: Record<string, number> = Object.create(null) as Record<string, number>;

  slug(text: string): string {
    const base = baseSlug(text);
    let result = base;
    while (Object.hasOwn(this.counts, result)) result = `${base}-${++this.counts[base]}`;
    this.counts[result] = 0;
    return result;
  }
}
