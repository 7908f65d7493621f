/**
 * The ebook edition: an EPUB 3 from the document model.
 *
 * In: the `DocumentModel` (text, notes, bibliography, metadata) and,
 * optionally, where the print edition's pages begin (`PageStart[]` from the
 * PDF stage). Out: the bytes of a reflowable EPUB 3 (`makeEpub`), or the
 * file `NAME.epub` written whole (`writeEpub`).
 *
 * The book holds a title page, the text with its notes as pop-up footnotes
 * and its bibliography, a colophon with rights and funding when the front
 * matter has them, a navigation document (contents, landmarks, and a page
 * list mapping to the print edition when page starts are given), the
 * CARIM ebook stylesheet, and the accessibility metadata of EPUB
 * Accessibility 1.1. Every `epub:type` carries its DPUB-ARIA role. The same
 * model, page starts and `SOURCE_DATE_EPOCH` give the same bytes.
 */
import { needsPandocCss } from '../shared/pandoc-css.js';
import { hasMath, mathCharacters, mathCss, mathFontFile, mathFontSubset } from '../shared/math-font.js';
import { readFileSync } from 'node:fs';
import type { Element, Root, RootContent } from 'hast';
import type { Metadata } from '../load/schema.js';
import type { DocumentModel, PageStart } from '../model/types.js';
import { fontFaceCss, fontFacesFor, fontLicensePath } from '../shared/fonts.js';
import { writeFileAtomic, type WriteFile } from '../shared/fs.js';
import { templatesDir } from '../shared/package.js';
import { sourceDateEpoch } from '../shared/paths.js';
import { modelResources } from '../resources/index.js';
import { colophon, headingEntries, navigation, titlePage, xhtmlShell, type TocEntry } from './documents.js';
import { xhtmlCompatTransform } from './compat.js';
import { normalizeHeadingRanks, pairXmlLang } from './headings.js';
import { collectIds, idSchemeAvoiding } from '../shared/ids.js';
import { labelsFor, type EpubLabels } from '../shared/labels.js';
import { placeNotes } from './notes.js';
import { containerDocument, derivedIdentifier, packageDocument, type Resource } from './package.js';
import { insertPageBreaks } from './pagebreaks.js';
import { collectImages } from './images.js';
import { unwrapDanglingLinks } from './links.js';
import { toXhtml } from './xhtml.js';
import { ocfZip } from './zip.js';

export type { EpubLabels } from '../shared/labels.js';
export { conformsTo, derivedIdentifier } from './package.js';

/** Options of the ebook edition. */
export interface EpubOptions {
  /** Where the print edition's pages begin; without them the book has no page list and no page-break markers (default: none). */
  pageStarts?: readonly PageStart[];
  /** `dcterms:modified` and the zip timestamps (default: `SOURCE_DATE_EPOCH` when set, else now). */
  modified?: Date;
  /** The math font (WOFF2) for a book with formulas; `writeEpub` makes a subset. Default: none. */
  mathFont?: Uint8Array;
  /** Path of the ebook stylesheet (default: `templates/carim/epub.css` of this package). */
  stylesheet?: string;
  /** Words the ebook adds: navigation headings, colophon heading (default: by the manuscript's language, English when unknown). */
  labels?: Partial<EpubLabels>;
  /** The print edition the page list refers to, as `dc:source` (default: the title, the series designation when there is one, and "print edition"). */
  pageSource?: string;
  /** Embed the Tinos faces and subsets the text uses, so the book looks like the print edition wherever the reader keeps the publisher's font (default: true; about 20 kB per face for Latin text). */
  embedFonts?: boolean;
  /** Who stands behind the accessibility conformance claim, as `a11y:certifiedBy` (default: none, the property is left out). */
  certifiedBy?: string;
}

/** Options of `writeEpub`: `EpubOptions` plus where to write. */
export interface WriteEpubOptions extends EpubOptions {
  /** The `.epub` file to write (replaced whole, never left half-written). */
  outFile: string;
  /** How the file is written. Default: `writeFileAtomic`. */
  write?: WriteFile;
}

/** Folder of the package document inside the container. */
const contentDir = 'EPUB';
const xhtmlType = 'application/xhtml+xml';

/**
 * A name for the print edition, which has no identifier of its own: the
 * page list's numbers are its page numbers.
 */
function printEditionName(metadata: Metadata): string {
  const parts = [metadata.title];
  if (metadata.series?.designation) parts.push(metadata.series.designation);
  if (metadata.date) parts.push(metadata.date);
  return `${parts.join(', ')} (print edition, PDF)`;
}

/**
 * The Tinos files the documents need (faces × unicode subsets actually
 * used, as the screen edition chooses them), their `@font-face` rules, and
 * the font licence, which must travel with the files.
 */
function fontResources(documents: Element[]): Resource[] {
  const faces = fontFacesFor({ type: 'root', children: documents });
  return [
    { id: 'fonts-css', href: 'css/fonts.css', mediaType: 'text/css', data: new TextEncoder().encode(fontFaceCss(faces, '../fonts/')) },
    ...faces.map((face, index): Resource => ({ id: `font-${index + 1}`, href: `fonts/${face.file}`, mediaType: 'font/woff2', data: readFileSync(face.source) })),
    { id: 'fonts-licence', href: 'fonts/LICENSE.txt', mediaType: 'text/plain', data: readFileSync(fontLicensePath()) },
  ];
}

/** Find `target` inside `tree` as a path of child indices. */
function pathTo(tree: Root | Element, target: Element): number[] | null {
  for (let index = 0; index < tree.children.length; index++) {
    const child = tree.children[index];
    if (child === target) return [index];
    if (child.type === 'element') {
      const inner = pathTo(child, target);
      if (inner) return [index, ...inner];
    }
  }
  return null;
}

function follow(tree: Root | Element, indices: readonly number[]): Element | null {
  let node: Root | Element | RootContent = tree;
  for (const index of indices) {
    if (node.type !== 'root' && node.type !== 'element') return null;
    node = (node as Root | Element).children[index];
    if (!node) return null;
  }
  return node.type === 'element' ? node : null;
}

/** The bibliography by its markings, when the model's node is a copy rather than the one in `body`. */
function findBibliography(tree: Root | Element): Element | null {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    const role = String(child.properties.role ?? '');
    if (role.split(/\s+/).includes('doc-bibliography')) return child;
    const inner = findBibliography(child);
    if (inner) return inner;
  }
  return null;
}

function hasElement(tree: Root | Element, tagName: string): boolean {
  return tree.children.some((c) => c.type === 'element' && (c.tagName === tagName || hasElement(c, tagName)));
}

/**
 * Build the EPUB in memory. Deterministic for the same model, options and
 * `SOURCE_DATE_EPOCH`. Images the book cannot carry are reported on
 * `model.file` (rule `image-unusable`).
 */
export function makeEpub(model: DocumentModel, options: EpubOptions = {}): Uint8Array {
  const { metadata } = model;
  const lang = metadata.lang;
  const known = labelsFor(lang);
  const labels: EpubLabels = { ...known.labels, ...options.labels };
  // Added words in English inside a French book are marked as English.
  const labelLang = known.lang === lang || options.labels ? null : known.lang;
  const modified = options.modified ?? sourceDateEpoch() ?? new Date();
  const baseStylesheet = readFileSync(options.stylesheet ?? templatesDir('carim', 'epub.css'));
  // Formulas, figures, definition lists …: their rules, only when the text has them.
  const stylesheet = needsPandocCss(model.body)
    ? Buffer.concat([baseStylesheet, Buffer.from('\n'), readFileSync(templatesDir('carim', 'pandoc-epub.css'))])
    : baseStylesheet;

  const body = structuredClone(model.body);
  // Mark the bibliography before anything moves: found by its path in the
  // original body, which the copy shares until markers are inserted.
  const bibliographyPath = model.bibliography ? pathTo(model.body, model.bibliography) : null;
  const bibliography = (bibliographyPath ? follow(body, bibliographyPath) : null) ?? (model.bibliography ? findBibliography(body) : null);
  if (bibliography) {
    bibliography.properties['epub:type'] = 'bibliography';
    bibliography.properties.role = 'doc-bibliography';
  }

  const pageStarts = options.pageStarts ?? [];
  const withPages = pageStarts.length > 0;
  // The print edition's first page carries the title block: its marker opens the title page.
  const firstPage = pageStarts.find((s) => s.block === 0 && s.offset === 0)?.page ?? 1;
  const ids = idSchemeAvoiding(collectIds({ type: 'root', children: model.notes.flatMap((n) => n.children) }, collectIds(body)));
  const textPages = withPages ? insertPageBreaks(body, pageStarts, new Set([firstPage]), ids) : [];

  normalizeHeadingRanks(body);
  placeNotes(body, model.notes, ids);
  xhtmlCompatTransform(body);
  pairXmlLang(body);
  const images = collectImages(body, model.file, modelResources(model));
  unwrapDanglingLinks(body, collectIds(body));

  const embedFonts = options.embedFonts ?? true;
  const css = embedFonts ? ['css/fonts.css', 'css/epub.css'] : ['css/epub.css'];
  // Formulas get the math font (a subset made by `writeEpub`) in the text document.
  const mathFont = embedFonts && hasElement(body, 'math') ? options.mathFont : undefined;
  const titleDoc = xhtmlShell({ lang, title: metadata.title, stylesheets: css, bodyType: 'frontmatter' }, titlePage(metadata, { firstPage: withPages ? firstPage : null, ids }));
  const textDoc = xhtmlShell({ lang, title: metadata.title, stylesheets: mathFont ? [...css, 'css/math.css'] : css, bodyType: 'bodymatter' }, body.children as Element['children']);
  const colophonContent = colophon(metadata, labels, labelLang);
  const colophonDoc = colophonContent
    ? xhtmlShell({ lang, title: `${metadata.title} – ${labels.colophon}`, stylesheets: css, bodyType: 'backmatter' }, colophonContent)
    : null;

  const headings = headingEntries(body, 'text.xhtml');
  // The title page and the colophon stand beside the text's top-level headings.
  const topRank = headings.length > 0 ? Math.min(...headings.map((e) => e.rank)) : 1;
  const toc: TocEntry[] = [{ rank: topRank, id: 'title', text: metadata.title, href: 'title.xhtml' }, ...headings];
  if (colophonContent) toc.push({ rank: topRank, id: 'colophon-title', text: labels.colophon, href: 'colophon.xhtml' });

  const landmarks = [
    { type: 'titlepage', href: 'title.xhtml', text: labels.titlePage },
    { type: 'toc', href: 'nav.xhtml#toc', text: labels.contents },
    { type: 'bodymatter', href: 'text.xhtml', text: labels.text },
    ...(bibliography && typeof bibliography.properties.id === 'string'
      ? [{ type: 'bibliography', href: `text.xhtml#${bibliography.properties.id}`, text: headingEntries(bibliography, '')[0]?.text ?? 'Bibliography' }]
      : []),
    ...(colophonContent ? [{ type: 'colophon', href: 'colophon.xhtml', text: labels.colophon }] : []),
  ];
  const pages = withPages
    ? [{ page: firstPage, href: 'title.xhtml' }, ...textPages.map((page) => ({ page, href: 'text.xhtml' }))]
    : [];
  const navDoc = xhtmlShell({ lang, title: `${metadata.title} – ${labels.contents}`, stylesheets: css }, navigation({ labels, labelLang, toc, landmarks, pages, ids }));

  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  const fonts = embedFonts ? fontResources([titleDoc, textDoc, navDoc, ...(colophonDoc ? [colophonDoc] : [])]) : [];
  const resources: Resource[] = [
    { id: 'title-page', href: 'title.xhtml', mediaType: xhtmlType, spine: 'linear', data: encode(toXhtml(titleDoc)) },
    { id: 'nav', href: 'nav.xhtml', mediaType: xhtmlType, properties: 'nav', spine: 'nonlinear', data: encode(toXhtml(navDoc)) },
    {
      id: 'text',
      href: 'text.xhtml',
      mediaType: xhtmlType,
      spine: 'linear',
      // The package must say when a document holds inline SVG or MathML.
      properties: [hasElement(body, 'svg') && 'svg', hasElement(body, 'math') && 'mathml'].filter(Boolean).join(' ') || undefined,
      data: encode(toXhtml(textDoc)),
    },
    ...(colophonDoc ? [{ id: 'colophon', href: 'colophon.xhtml', mediaType: xhtmlType, spine: 'linear' as const, data: encode(toXhtml(colophonDoc)) }] : []),
    ...fonts,
    ...(mathFont
      ? [
          { id: 'math-css', href: 'css/math.css', mediaType: 'text/css', data: encode(mathCss(`../fonts/${mathFontFile}`)) },
          { id: 'math-font', href: `fonts/${mathFontFile}`, mediaType: 'font/woff2', data: mathFont },
        ]
      : []),
    { id: 'css', href: 'css/epub.css', mediaType: 'text/css', data: stylesheet },
    ...images,
  ];
  const opf = packageDocument({
    metadata,
    identifier: metadata.identifier ?? derivedIdentifier(metadata),
    modified,
    resources,
    accessibility: {
      pageList: withPages,
      pageSource: options.pageSource ?? printEditionName(metadata),
      images: images.length > 0 || hasElement(body, 'img'),
      notes: model.notes.length > 0,
      mathml: hasElement(body, 'math'),
      certifiedBy: options.certifiedBy,
    },
  });

  return ocfZip(
    [
      ['META-INF/container.xml', encode(containerDocument(`${contentDir}/content.opf`))],
      [`${contentDir}/content.opf`, encode(opf)],
      ...resources.map((r): [string, Uint8Array] => [`${contentDir}/${r.href}`, r.data]),
    ],
    modified,
  );
}

/** Build the EPUB and write it to `options.outFile` whole or not at all. */
export async function writeEpub(model: DocumentModel, options: WriteEpubOptions): Promise<void> {
  const mathFont = options.mathFont ?? (hasMath(model) ? await mathFontSubset(mathCharacters(model)) : undefined);
  await (options.write ?? writeFileAtomic)(options.outFile, makeEpub(model, { ...options, mathFont }));
}
