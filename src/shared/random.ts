/**
 * Random bytes from the system's CSPRNG, for the few nonces and tokens a
 * build makes (the lock's token, the key of the model's own attributes).
 * They are read from `/dev/urandom` where the system has it, so a build
 * need not load `node:crypto` (a few milliseconds of a short build) for
 * them; elsewhere (Windows) `node:crypto` gives them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

let urandom: number | null | undefined;

/** `size` bytes from the system's CSPRNG. */
export function randomBytes(size: number): Buffer {
  if (urandom === undefined) {
    try {
      urandom = openSync('/dev/urandom', 'r');
    } catch {
      urandom = null;
    }
  }
  if (urandom !== null) {
    const bytes = Buffer.alloc(size);
    let read = 0;
    try {
      while (read < size) {
        const got = readSync(urandom, bytes, read, size - read, null);
        if (got <= 0) break;
        read += got;
      }
    } catch {
      read = 0;
    }
    if (read === size) return bytes;
    closeSync(urandom);
    urandom = null;
  }
  return (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomBytes(size);
}
