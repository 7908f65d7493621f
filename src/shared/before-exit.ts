/**
 * Work the process must finish before it ends, though no build waits for
 * it: a browser's profile folder, removed once the browser's process is
 * gone. A command that is done ends the process at once (`src/cli/bin.ts`),
 * after this work.
 */
const pending = new Set<Promise<unknown>>();

/** Finish `work` before the process ends. */
export function finishBeforeExit(work: Promise<unknown>): void {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  pending.add(settled);
  void settled.then(() => pending.delete(settled));
}

/** Once all such work is done (also what was added while waiting). */
export async function workBeforeExit(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
