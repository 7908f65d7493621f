/** The caches' bound: a folder keeps its most recent entries only. */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** Remove the oldest files ending in `suffix` from `folder` (by modification time) beyond the `keep` most recent. */
export function pruneOldest(folder: string, suffix: string, keep: number): void {
  const names = readdirSync(folder).filter((name) => name.endsWith(suffix));
  if (names.length <= keep) return;
  const dated = names.map((name) => {
    try {
      return { name, time: statSync(path.join(folder, name)).mtimeMs };
    } catch {
      return { name, time: 0 };
    }
  });
  dated.sort((a, b) => a.time - b.time);
  for (const { name } of dated.slice(0, dated.length - keep)) {
    try {
      unlinkSync(path.join(folder, name));
    } catch {
      // Gone already.
    }
  }
}
