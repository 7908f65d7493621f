/**
 * Reading text files as UTF-8, strictly: a byte-order mark is skipped, and
 * bytes that are not UTF-8 are reported where they are (byte offset, line
 * and column) instead of silently becoming U+FFFD.
 */
import { promises as fsp } from 'node:fs';

export interface InvalidUtf8 {
  /** 0-based offset of the first byte that is not UTF-8. */
  offset: number;
  /** 1-based line and column (UTF-16 code units, as vfile counts) of that byte. */
  line: number;
  column: number;
}

export type DecodedText = { text: string; invalid?: undefined } | { text?: undefined; invalid: InvalidUtf8 };

const strict = new TextDecoder('utf-8', { fatal: true });

/** Decode `bytes` as UTF-8 (a leading byte-order mark dropped), or say where it is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    return { invalid: locate(bytes, firstInvalidByte(bytes)) };
  }
}

/** Read a file as strict UTF-8 (errors reading it are thrown). */
export async function readUtf8(file: string): Promise<DecodedText> {
  return decodeUtf8(await fsp.readFile(file));
}

/** The message for a file that is not UTF-8. */
export function invalidUtf8Reason(what: string, invalid: InvalidUtf8): string {
  return `${what} is not valid UTF-8: byte ${invalid.offset} (line ${invalid.line}) cannot be decoded; save the file as UTF-8`;
}

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      // No overlong forms, no surrogates.
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      // Nothing above U+10FFFF.
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c < lo || c > hi) return i;
    }
    i += length;
  }
  return bytes.length;
}

function locate(bytes: Uint8Array, offset: number): InvalidUtf8 {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // The bytes before the bad one on its line are valid: count their UTF-16 units.
  // (A byte-order mark at the start is dropped by the decoder, as it is from the text.)
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { offset, line, column: prefix.length + 1 };
}
