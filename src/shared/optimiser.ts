/**
 * V8's optimising compiler for long builds only.
 *
 * `bin/colophon.cjs` starts a build with the optimiser held back: a short
 * manuscript is built before optimised code pays for its compilation
 * (about a quarter of the CPU time of a cold build of a 6-page note goes
 * to it, on other threads, for no gain in wall time). A long input gets it
 * back before any work starts: there, optimised code is what keeps the
 * cost linear (a 300-page book takes 1.6 times as long without it). So
 * does a short manuscript citing from a bibliography of many entries, once
 * that is read.
 */
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/** Manuscripts of more text than this, in all, are built with the optimiser. */
export const longInput = 256 * 1024;

declare global {
  var __colophonOptimiserHeld: boolean | undefined;
}

/** Bibliographies of more entries than this are formatted with the optimiser. */
export const longBibliography = 500;

/** Give the optimiser back, if the launcher held it. */
function releaseOptimiser(): void {
  if (!globalThis.__colophonOptimiserHeld) return;
  setFlagsFromString('--opt');
  globalThis.__colophonOptimiserHeld = false;
}

/** Give the optimiser back (once) if the launcher held it and the work is long: many manuscripts, or much text. */
export function optimiserFor(inputs: string[]): boolean {
  if (!globalThis.__colophonOptimiserHeld) return false;
  let long = inputs.length > 1;
  if (!long) {
    let bytes = 0;
    for (const input of inputs) {
      try {
        bytes += statSync(input).size;
      } catch {
        // A missing manuscript is reported by its build.
      }
    }
    long = bytes > longInput;
  }
  if (long) releaseOptimiser();
  return long;
}

/** Give the optimiser back if a short manuscript cites from a long bibliography. */
export function optimiserForBibliography(entries: number): boolean {
  if (!globalThis.__colophonOptimiserHeld || entries <= longBibliography) return false;
  releaseOptimiser();
  return true;
}
