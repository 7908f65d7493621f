/**
 * The OCF zip container: `mimetype` first and stored, then the rest
 * deflated, every entry with the same timestamp, so that the same inputs
 * give the same bytes.
 */
import { zipSync, type Zippable } from 'fflate';

const earliestDosTime = Date.UTC(1980, 0, 1, 0, 0, 0);
const latestDosTime = Date.UTC(2107, 11, 31, 23, 59, 58);

/**
 * fflate writes zip (DOS) timestamps from a `Date`'s *local* fields, so the
 * same instant would give different bytes in different time zones. Hand it
 * a Date whose local fields are the instant's UTC fields.
 */
export function zipTimestamp(instant: Date): Date {
  const clamped = new Date(Math.min(latestDosTime, Math.max(earliestDosTime, instant.getTime())));
  return new Date(
    clamped.getUTCFullYear(),
    clamped.getUTCMonth(),
    clamped.getUTCDate(),
    clamped.getUTCHours(),
    clamped.getUTCMinutes(),
    clamped.getUTCSeconds(),
  );
}

/**
 * Zip `files` (path → bytes, in the order given) after a stored `mimetype`
 * entry. Object key order is insertion order for these non-numeric paths,
 * and fflate writes entries in key order.
 */
export function ocfZip(files: ReadonlyArray<[path: string, data: Uint8Array]>, modified: Date): Uint8Array {
  const mtime = zipTimestamp(modified);
  const archive: Zippable = {
    mimetype: [new TextEncoder().encode('application/epub+zip'), { level: 0, mtime }],
  };
  for (const [path, data] of files) {
    if (path === 'mimetype') throw new Error('mimetype is written by ocfZip itself');
    // WOFF2 and images are compressed already: storing them saves the time
    // a second compression would cost for nothing. Text gets level 6, where
    // deflate's gains have flattened out.
    const compressed = /\.(woff2?|png|jpe?g|gif|webp)$/i.test(path);
    archive[path] = [data, { level: compressed ? 0 : 6, mtime }];
  }
  return zipSync(archive);
}
