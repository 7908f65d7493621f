/**
 * Writing outputs whole or not at all: data goes to a temporary file beside
 * the target and is renamed over it, so a failed build never leaves a
 * truncated edition in `dist/`.
 *
 * The calls are synchronous: an edition's files are a few and written at
 * once, and each asynchronous call (a folder, an open, a write, a close, a
 * rename) is a round trip through the thread pool that the build would
 * only wait for.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
