/**
 * How the caches write their entries: whole files, each made under a
 * temporary name and renamed into place (a reader sees an old entry or a
 * new one, never half of one), in a folder that keeps its most recent
 * entries only. A cache that cannot be written (a read-only or full disk)
 * is no error: the build goes on without it.
 */
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface EntryWriter {
  /** Write `content` as `folder/NAME` (or nothing, where the folder cannot be written). */
  write(name: string, content: string): void;
}

/** Entries (files ending in `suffix`) of `folder`; the first write of a process prunes the folder to the `keep` most recent. */
export function entryWriter(folder: string, suffix: string, keep: number): EntryWriter {
  let writes = 0;
  return {
    write(name, content) {
      try {
        mkdirSync(folder, { recursive: true });
        const file = path.join(folder, name);
        const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(temporary, content);
        renameSync(temporary, file);
        if (++writes === 1) pruneOldest(folder, suffix, keep);
      } catch {
        // A read-only or full disk: the build goes on without this entry.
      }
    },
  };
}

/** Remove the oldest files ending in `suffix` from `folder` (by modification time) beyond the `keep` most recent. */
function pruneOldest(folder: string, suffix: string, keep: number): void {
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
