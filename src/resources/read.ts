/**
 * Reading a file that someone else named, safely.
 *
 * `readRegularFile` opens without blocking (a FIFO or a terminal never
 * hangs the build), refuses anything but a regular file (a device such as
 * `/dev/zero`, a folder, a socket), and stops reading one byte after the
 * size limit, whatever the file claims its size is (`/proc` files say 0).
 * Failures are results with a reason in words, never exceptions.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';

export type ReadResult =
  | { ok: true; data: Buffer }
  | {
      ok: false;
      /** `missing`: no such file; `special`: a device, FIFO, folder …; `large`: over the limit; `error`: another failure. */
      why: 'missing' | 'special' | 'large' | 'error';
      /** In words, for a message: "it is a folder", "no such file". */
      reason: string;
    };

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function errnoReason(error: unknown): { why: 'missing' | 'error'; reason: string } {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { why: 'missing', reason: 'no such file' };
    case 'EACCES':
    case 'EPERM':
      return { why: 'error', reason: 'permission denied' };
    case 'ELOOP':
      return { why: 'error', reason: 'too many symbolic links' };
    case 'EISDIR':
      return { why: 'error', reason: 'it is a folder' };
    case 'ENAMETOOLONG':
      return { why: 'error', reason: 'the name is too long' };
    default:
      return { why: 'error', reason: code ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * Read `file`, a regular file of at most `maxBytes`. With `expectReal`,
 * the path must be the file's real path (no symbolic link in its last
 * part), and on Linux the opened file is checked to be that path, so a
 * link swapped in after the caller's check is not followed.
 */
export function readRegularFile(file: string, maxBytes: number, options: { expectReal?: boolean } = {}): ReadResult {
  let fd: number;
  try {
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.expectReal ? (constants.O_NOFOLLOW ?? 0) : 0);
    fd = openSync(file, flags);
  } catch (error) {
    return { ok: false, ...errnoReason(error) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, why: 'special', reason: `it is ${kindOf(stats)}` };
    if (options.expectReal && process.platform === 'linux') {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`) !== file) return { ok: false, why: 'error', reason: 'it changed while being read' };
      } catch {
        // No /proc: the O_NOFOLLOW open is the check.
      }
    }
    if (stats.size > maxBytes) return { ok: false, why: 'large', reason: `it has ${stats.size} bytes` };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stats.size - total, 0) + 1, 1 << 20, maxBytes + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return { ok: false, why: 'special', reason: 'it cannot be read without waiting' };
        return { ok: false, ...errnoReason(error) };
      }
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) return { ok: false, why: 'large', reason: `it has more than ${maxBytes} bytes` };
    }
    return { ok: true, data: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}
