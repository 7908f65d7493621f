/**
 * V8's optimising compiler for long builds only.
 *
 * `bin/colophon.cjs` starts a build with the optimiser held back: a short
 * manuscript is built before optimised code pays for its compilation
 * (about a quarter of the CPU time of a cold build of a 6-page note goes
 * to it, on other threads, for no gain in wall time). A long input gets it
 * back before any work starts: there, optimised code is what keeps the
 * cost linear (a 300-page book takes 1.6 times as long without it).
 */
import { stat } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';

/** Manuscripts of more text than this, in all, are built with the optimiser. */
export const longInput = 256 * 1024;

declare global {
  var __colophonOptimiserHeld: boolean | undefined;
}

/** Give the optimiser back (once) if the launcher held it and the work is long: many manuscripts, or much text. */
export async function optimiserFor(inputs: string[]): Promise<boolean> {
  if (!globalThis.__colophonOptimiserHeld) return false;
  let long = inputs.length > 1;
  if (!long) {
    let bytes = 0;
    for (const input of inputs) bytes += await stat(input).then((s) => s.size, () => 0);
    long = bytes > longInput;
  }
  if (long) {
    setFlagsFromString('--opt');
    globalThis.__colophonOptimiserHeld = false;
  }
  return long;
}
