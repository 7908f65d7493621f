/** Types of scripts/generate-book.mjs, for the tests that import it. */
export interface CslItem {
  id: string;
  [field: string]: unknown;
}
export function book(scale: number): { markdown: string; references: CslItem[] };
export function writeBook(scale: number, dir: string): Promise<string>;
/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function random(seed: number): () => number;
/** The vocabulary of the generated texts. */
export const WORDS: string[];
