/**
 * A quick 64-bit hash of a text, to name a citation cache entry.
 *
 * It only says where to look: an entry holds the whole request it answers
 * and is served only for a request equal to it (`citations.ts`), so two
 * requests with the same hash share a file at worst, each replacing the
 * other's answer; neither is ever given the other's.
 *
 * SHA-256 would do, but `node:crypto` costs more to load (about 1.2 ms)
 * than the rest of a cached rebuild's citation work, and a hash loop in
 * JavaScript is slow where it runs, once, without V8's optimiser
 * (`bin/colophon.cjs`): hundreds of instructions a character. The loop is
 * a WebAssembly function of a few dozen bytes instead, over the text's
 * UTF-8 bytes, which Node writes into its memory; where WebAssembly is not
 * available (`node --jitless`), `referenceHash` gives the same value in
 * JavaScript.
 *
 * The hash of n bytes, zeros added up to a multiple of 8 and read as
 * 64-bit little-endian words w:
 *
 *     h = n
 *     for each word w:  h = rotl((h xor w) * K1, 31)
 *     h = (h xor (h >> 32)) * K2
 *     h = h xor (h >> 29)
 *
 * (all modulo 2^64), written as 16 hexadecimal digits.
 */

const K1 = 0x9e3779b97f4a7c15n;
const K2 = 0xff51afd7ed558ccdn;
const mask = (1n << 64n) - 1n;

/** The hash as JavaScript computes it (where WebAssembly is missing, and to check the WebAssembly one). */
export function referenceHash(bytes: Uint8Array, length: number): bigint {
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let h = BigInt(length);
  for (let at = 0; at < length; at += 8) {
    h = ((h ^ words.getBigUint64(at, true)) * K1) & mask;
    h = ((h << 31n) | (h >> 33n)) & mask;
  }
  h = ((h ^ (h >> 32n)) * K2) & mask;
  return h ^ (h >> 29n);
}

/** A 64-bit constant as WebAssembly writes it (signed LEB128). */
function signedLeb128(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/**
 * The module, in WebAssembly's text form:
 *
 *     (module
 *       (memory (export "memory") 1)
 *       (func (export "hash") (param $n i32) (result i64) (local $i i32) (local $h i64)
 *         (local.set $h (i64.extend_i32_u (local.get $n)))
 *         (block $done (loop $words
 *           (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
 *           (local.set $h (i64.rotl (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i))) (i64.const K1)) (i64.const 31)))
 *           (local.set $i (i32.add (local.get $i) (i32.const 8)))
 *           (br $words)))
 *         (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))) (i64.const K2)))
 *         (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29)))))
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  // Every section and the body are shorter than 128 bytes: their sizes are one LEB128 byte.
  const section = (id: number, content: number[]) => [id, content.length, ...content];
  const [i32, i64] = [0x7f, 0x7e];
  const local = { get: 0x20, set: 0x21 };
  const body = [
    ...[2, 1, i32, 1, i64], // locals: $i (1), $h (2); $n is 0
    ...[local.get, 0, 0xad, local.set, 2], // h = n
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...[local.get, 1, local.get, 0, 0x4f, 0x0d, 1], // i >= n: out
    ...[local.get, 2, local.get, 1, 0x29, 3, 0, 0x85], // h xor load64(i)
    ...[0x42, ...signedLeb128(K1), 0x7e, 0x42, 31, 0x89, local.set, 2], // * K1, rotl 31
    ...[local.get, 1, 0x41, 8, 0x6a, local.set, 1, 0x0c, 0, 0x0b, 0x0b], // i += 8, again; end loop, end block
    ...[local.get, 2, local.get, 2, 0x42, 32, 0x88, 0x85, 0x42, ...signedLeb128(K2), 0x7e, local.set, 2],
    ...[local.get, 2, local.get, 2, 0x42, 29, 0x88, 0x85, 0x0b],
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, i32, 1, i64]), // type: (i32) -> i64
    ...section(3, [1, 0]), // one function of that type
    ...section(5, [1, 0x00, 1]), // one memory, one page to start with
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('hash'), 0x00, 0]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

interface Hasher {
  memory: WebAssembly.Memory;
  hash: (length: number) => bigint;
}

let hasher: Hasher | null | undefined;
let memoryBytes: Buffer | undefined;

function wasmHasher(): Hasher | null {
  if (hasher === undefined) {
    try {
      hasher = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as Hasher;
    } catch {
      // No WebAssembly here (`--jitless`): the same hash in JavaScript.
      hasher = null;
    }
  }
  return hasher;
}

/**
 * `text` in UTF-8 and the hash of those bytes (see the top of this file).
 * `bytes` is valid until the next call.
 */
export function hashedText(text: string, options: { wasm?: boolean } = {}): { hash: string; bytes: Buffer } {
  // UTF-8 takes at most 3 bytes a UTF-16 unit; 8 more for the zeros.
  const room = 3 * text.length + 8;
  const wasm = options.wasm === false ? null : wasmHasher();
  let into: Buffer;
  if (wasm) {
    const pages = Math.ceil((room - wasm.memory.buffer.byteLength) / 65536);
    if (pages > 0) wasm.memory.grow(pages);
    if (!memoryBytes || memoryBytes.buffer !== wasm.memory.buffer) memoryBytes = Buffer.from(wasm.memory.buffer);
    into = memoryBytes;
  } else {
    into = Buffer.alloc(room);
  }
  const length = into.write(text, 0, 'utf8');
  into.fill(0, length, length + 8);
  const hash = wasm ? BigInt.asUintN(64, wasm.hash(length)) : referenceHash(into, length);
  return { hash: hash.toString(16).padStart(16, '0'), bytes: into.subarray(0, length) };
}
