/**
 * The PDF's document information, set after Chromium has printed it.
 *
 * Chromium writes only a title and its own creation date. pdf-lib rewrites
 * the Info dictionary (title, author, subject, keywords, creator, dates)
 * and the catalog's `/Lang`, and leaves every other object as Chromium made
 * it: the structure tree (`Tagged: yes`), the outline and the embedded
 * fonts survive, which the tests check with pdfinfo. Dates come from
 * `SOURCE_DATE_EPOCH` when it is set, so that two builds of the same
 * manuscript give the same bytes.
 */
import { PDFDocument } from 'pdf-lib';
import type { DocumentModel } from '../model.js';
import { authorLine } from './print-html.js';

/** The build time: `SOURCE_DATE_EPOCH` (seconds) when set and valid, else now. */
export function buildDate(epoch = process.env.SOURCE_DATE_EPOCH): Date {
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000);
  return new Date();
}

/** ISO page sizes in points (A4, A5, A3), portrait. */
const isoSizes: Array<[number, number]> = [
  [595.28, 841.89],
  [419.53, 595.28],
  [841.89, 1190.55],
];

export interface PdfInfoOptions {
  /** Creation and modification date. Default: `buildDate()`. */
  date?: Date;
  /** The creator tool named in the Info dictionary. Default: `Colophon`. */
  creator?: string;
}

/** Set the document information of a PDF Chromium printed from `model`. */
export async function setPdfInfo(pdf: Uint8Array, model: DocumentModel, options: PdfInfoOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const m = model.metadata;
  const date = options.date ?? buildDate();
  doc.setTitle(m.subtitle ? `${m.title}: ${m.subtitle}` : m.title, { showInWindowTitleBar: true });
  const author = authorLine(model);
  if (author) doc.setAuthor(author);
  if (m.series?.designation) doc.setSubject(m.series.designation);
  if (m.keywords.length) doc.setKeywords(m.keywords);
  doc.setCreator(options.creator ?? 'Colophon');
  doc.setProducer('Colophon (Chromium, pdf-lib)');
  doc.setLanguage(m.lang);
  // Chromium rounds the page box to its own pixel grid (594.96 x 841.92 pt
  // for A4); give each page the exact ISO size, a fraction of a point off.
  for (const page of doc.getPages()) {
    const { width, height } = page.getMediaBox();
    const exact = isoSizes.find(([w, h]) => Math.abs(width - w) < 1.5 && Math.abs(height - h) < 1.5);
    if (exact) page.setMediaBox(0, 0, exact[0], exact[1]);
  }
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  // Object streams would hide the structure from older readers; keep the
  // classic cross-reference table Chromium itself writes.
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
