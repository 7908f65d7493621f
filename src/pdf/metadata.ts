/**
 * The PDF's document information, set after Chromium has printed it.
 *
 * Chromium (Skia) writes a title, its own user agent as creator, the time
 * of printing as dates, `/Lang` from `<html lang>`, a classic cross-
 * reference table and no object streams. We leave every object it made as
 * it is — the structure tree (`Tagged: yes`), the outline, the fonts — and
 *
 * - append an incremental update (PDF 1.7, 7.5.6) that replaces the Info
 *   dictionary with ours: title, author, subject (the series designation),
 *   keywords, creator and dates;
 * - rewrite, in place and byte for byte the same length, Chromium's own
 *   dates in the old Info dictionary and its page boxes (Chromium rounds
 *   A4 to 594.96 x 841.92 pt; we write the exact 595.28 x 841.89), so that
 *   the file offsets in the cross-reference table stay right.
 *
 * Dates come from `SOURCE_DATE_EPOCH` when it is set: two builds of the
 * same manuscript then give the same bytes. Re-saving through a PDF library
 * would do the same, but costs a few hundred milliseconds per build and
 * rewrites every object; this costs nothing and touches only what it must.
 */
import type { DocumentModel } from '../model/types.js';
import { buildDate } from '../shared/paths.js';
import { authorLine } from './print-html.js';

export { buildDate };

/** ISO page sizes in points (A4, A5, A3), portrait. */
const isoSizes: Array<[number, number]> = [
  [595.28, 841.89],
  [419.53, 595.28],
  [841.89, 1190.55],
];

export interface PdfInfoOptions {
  /** Creation and modification date. Default: `buildDate()`. */
  date?: Date;
  /**
   * The headings' texts in document order. Chromium builds bookmark titles
   * from line boxes and drops the space where a heading wraps
   * (`ReturnMigration`); bookmarks matching a heading but for spaces are
   * given the heading's text. Default: none, bookmarks left as printed.
   */
  headings?: string[];
  /** The creator tool named in the Info dictionary. Default: `Colophon`. */
  creator?: string;
}

/** A PDF date, `D:YYYYMMDDHHmmSS+00'00'`, in UTC. */
export function pdfDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `D:${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(
    date.getUTCMinutes(),
  )}${two(date.getUTCSeconds())}+00'00'`;
}

/** Decode a PDF string token: `(literal)` or `<hex>` (UTF-16BE with BOM, else Latin-1). */
function decodeString(token: string): string {
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    const bytes = hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      let out = '';
      for (let i = 2; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
      return out;
    }
    return String.fromCharCode(...bytes);
  }
  return token
    .slice(1, -1)
    .replace(/\\([0-7]{1,3}|.)/g, (_m, c: string) =>
      /^[0-7]+$/.test(c) ? String.fromCharCode(parseInt(c, 8)) : ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c,
    );
}

const spaceless = (text: string) => text.replace(/[\s\u00AD]+/g, '');

/** A PDF text string as UTF-16BE hex with its byte-order mark: safe for any script. */
function textString(value: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < value.length; i++) hex += value.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

const latin1 = new TextDecoder('latin1');

/** Overwrite `replacement` at `index` in `bytes` (same length, ASCII). */
function overwrite(bytes: Uint8Array, index: number, replacement: string): void {
  for (let i = 0; i < replacement.length; i++) bytes[index + i] = replacement.charCodeAt(i);
}

/** Set the document information of a PDF Chromium printed from `model`. */
export function setPdfInfo(pdf: Uint8Array, model: DocumentModel, options: PdfInfoOptions = {}): Uint8Array {
  const bytes = new Uint8Array(pdf);
  // Latin-1 maps byte n to char n: string indices are byte offsets.
  const text = latin1.decode(bytes);
  const date = pdfDate(options.date ?? buildDate());

  // Chromium's dates, rewritten in place.
  for (const m of text.matchAll(/\/(?:CreationDate|ModDate) \((D:\d{14}[^)]*)\)/g)) {
    const at = (m.index ?? 0) + m[0].indexOf('(') + 1;
    if (m[1].length === date.length) overwrite(bytes, at, date);
  }
  // Page boxes a fraction of a point off an ISO size, made exact in place.
  for (const m of text.matchAll(/\/(?:MediaBox|CropBox|TrimBox|BleedBox|ArtBox) (\[0 0 ([\d.]+) ([\d.]+)\])/g)) {
    const [, box, w, h] = m;
    const exact = isoSizes.find(([iw, ih]) => Math.abs(Number(w) - iw) < 1.5 && Math.abs(Number(h) - ih) < 1.5);
    if (!exact) continue;
    const wanted = `[0 0 ${exact[0]} ${exact[1]}`;
    if (wanted.length + 1 > box.length) continue;
    overwrite(bytes, (m.index ?? 0) + m[0].indexOf('['), `${wanted}${' '.repeat(box.length - wanted.length - 1)}]`);
  }

  // The incremental update: a new Info dictionary.
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  const trailer = text.lastIndexOf('trailer');
  if (!startxref || trailer < 0) return bytes;
  const trailerDict = text.slice(trailer, startxref.index);
  const size = /\/Size (\d+)/.exec(trailerDict);
  const root = /\/Root (\d+ \d+ R)/.exec(trailerDict);
  if (!size || !root) return bytes;
  const infoNumber = Number(size[1]);

  const m = model.metadata;
  const entries: Array<[string, string | undefined]> = [
    ['Title', m.subtitle ? `${m.title}: ${m.subtitle}` : m.title],
    ['Author', authorLine(model)],
    ['Subject', m.series?.designation],
    ['Keywords', m.keywords.length ? m.keywords.join(', ') : undefined],
    ['Creator', options.creator ?? 'Colophon'],
    ['Producer', 'Colophon with Chromium (Skia/PDF)'],
  ];
  const info = entries
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([key, value]) => `/${key} ${textString(value)}`)
    .concat([`/CreationDate (${date})`, `/ModDate (${date})`])
    .join('\n');
  // New versions of objects: bookmarks with their heading's own text, then the Info dictionary.
  const objects: Array<[number, string]> = [];
  const headings = (options.headings ?? []).map((h) => h.replace(/\u00AD/g, '').replace(/\s+/g, ' ').trim());
  const used = new Set<number>();
  for (const item of text.matchAll(/(?<=\n|^)(\d+) 0 obj\s*<<\/Title (\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>)([^]*?)>>\s*endobj/g)) {
    if (!/\/Parent \d+ \d+ R/.test(item[3])) continue;
    const printed = decodeString(item[2]);
    const index = headings.findIndex((h, i) => !used.has(i) && spaceless(h) === spaceless(printed));
    if (index < 0 || headings[index] === printed) continue;
    used.add(index);
    objects.push([Number(item[1]), `<</Title ${textString(headings[index])}${item[3]}>>`]);
  }
  objects.push([infoNumber, `<<${info}>>`]);

  const separator = bytes[bytes.length - 1] === 0x0a ? '' : '\n';
  let update = separator;
  const offsets: Array<[number, number]> = [];
  for (const [number, dict] of objects) {
    offsets.push([number, bytes.length + update.length]);
    update += `${number} 0 obj\n${dict}\nendobj\n`;
  }
  const xrefAt = bytes.length + update.length;
  update += 'xref\n';
  for (const [number, offset] of offsets.sort((a, b) => a[0] - b[0])) update += `${number} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  update += `trailer\n<</Size ${infoNumber + 1}\n/Root ${root[1]}\n/Info ${infoNumber} 0 R\n/Prev ${startxref[1]}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const result = new Uint8Array(bytes.length + update.length);
  result.set(bytes);
  for (let i = 0; i < update.length; i++) result[bytes.length + i] = update.charCodeAt(i);
  return result;
}
