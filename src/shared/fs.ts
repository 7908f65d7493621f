/**
 * Writing outputs whole or not at all: data goes to a temporary file beside
 * the target and is renamed over it, so a failed build never leaves a
 * truncated edition in `dist/`.
 *
 * A target that already holds exactly the bytes to be written is left as it
 * is: a plain file (not a link, which is replaced, never followed), with one
 * name, of this user, with the permissions a new file gets, and the same
 * bytes. Replacing such a file would change nothing but its inode, and on
 * most file systems freeing the old file's blocks is what a rename over it
 * costs.
 *
 * The calls are synchronous: an edition's files are a few and written at
 * once, and each asynchronous call (a folder, an open, a write, a close, a
 * rename) is a round trip through the thread pool that the build would
 * only wait for.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, type BigIntStats } from 'node:fs';
import path from 'node:path';

/** How an edition writes one of its files: the default is `writeFileAtomic`; a build writes into its staging folder. */
export type WriteFile = (target: string, data: string | Uint8Array) => void | Promise<void>;

/** The bytes of `data` as written to disk. */
export function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

let creationMode: bigint | undefined;

/** The permissions a file Colophon creates gets: 0666 less the umask (read once, without changing it). */
function newFileMode(): bigint {
  if (creationMode === undefined) {
    let umask: number | undefined;
    try {
      const found = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
      if (found) umask = parseInt(found[1], 8);
    } catch {
      // Not Linux.
    }
    // Elsewhere, the only way to read it is to set it and set it back.
    creationMode = BigInt(0o666 & ~(umask ?? process.umask()));
  }
  return creationMode;
}

const sameFile = (a: BigIntStats, b: BigIntStats): boolean =>
  a.dev === b.dev &&
  a.ino === b.ino &&
  a.mode === b.mode &&
  a.nlink === b.nlink &&
  a.uid === b.uid &&
  a.size === b.size &&
  a.mtimeNs === b.mtimeNs &&
  a.ctimeNs === b.ctimeNs;

/** Whether a file found by `lstat` is one a write of `size` bytes could leave as it is. */
function replaceable(info: BigIntStats | undefined, size: number): info is BigIntStats {
  return (
    info !== undefined &&
    info.isFile() &&
    info.size === BigInt(size) &&
    info.nlink === 1n &&
    (process.getuid === undefined || info.uid === BigInt(process.getuid())) &&
    (info.mode & 0o7777n) === newFileMode()
  );
}

/**
 * If `target` is a plain file (not a link, a device or a FIFO: those are
 * never opened) that a write of `bytes` would leave as it is, what `lstat`
 * says of it, to check later that it is still that file; else null.
 */
export function holdsBytes(target: string, bytes: Uint8Array): BigIntStats | null {
  const before = lstatSync(target, { bigint: true, throwIfNoEntry: false });
  if (!replaceable(before, bytes.byteLength)) return null;
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const opened = fstatSync(fd, { bigint: true });
    if (!sameFile(opened, before)) return null;
    // Read in pieces, stopping at the first difference: a large edition
    // that changed (a date in a PDF) is seldom read whole.
    const piece = Buffer.allocUnsafe(Math.min(bytes.byteLength, 1 << 18));
    const expected = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let read = 0; read < bytes.byteLength; ) {
      const n = readSync(fd, piece, 0, Math.min(piece.length, bytes.byteLength - read), read);
      if (n === 0 || !piece.subarray(0, n).equals(expected.subarray(read, read + n))) return null;
      read += n;
    }
    // Not changed while it was read.
    const after = fstatSync(fd, { bigint: true });
    return sameFile(after, before) ? after : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether `target` is still the file `holdsBytes` found at `checkedAt`
 * (nanoseconds of `Date`'s clock). File times have the grain of the
 * system's clock tick, so a file changed within a second of the check
 * could keep its times: it is read again.
 */
export function stillHolds(target: string, found: BigIntStats, bytes: Uint8Array, checkedAt: bigint): boolean {
  const now = lstatSync(target, { bigint: true, throwIfNoEntry: false });
  if (!now || !sameFile(now, found)) return false;
  if (now.ctimeNs + 1_000_000_000n < checkedAt) return true;
  const again = holdsBytes(target, bytes);
  return again !== null && sameFile(again, found);
}

/** `Date.now()` in nanoseconds, the clock of file times. */
export const wallClockNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const bytes = bytesOf(data);
  if (holdsBytes(target, bytes)) return;
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    // Made anew: whatever has that name (a link, left by a build that was killed) is taken away first, never written through.
    try {
      writeFileSync(temporary, bytes, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      unlinkSync(temporary);
      writeFileSync(temporary, bytes, { flag: 'wx' });
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never made.
    }
    throw error;
  }
}
