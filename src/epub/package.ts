/**
 * The package document (`content.opf`) and the container file.
 *
 * In: the metadata, the list of resources and the spine. Out: XML text.
 * Metadata follows EPUB 3 and EPUB Accessibility 1.1: what the book is
 * (Dublin Core), and how it can be read (schema.org accessibility
 * properties), so that shops and libraries can tell readers before they buy.
 */
import { createHash } from 'node:crypto';
import type { Element as XastElement, ElementContent as XastContent } from 'xast';
import type { Metadata } from '../load/schema.js';
import { toXmlDocument } from './xhtml.js';

/** Build an xast element: `x('meta', { property: 'p' }, 'text')`. */
export function x(name: string, attributes: Record<string, string | undefined> = {}, ...children: Array<XastContent | string | null | undefined | false>): XastElement {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) clean[key] = value;
  return {
    type: 'element',
    name,
    attributes: clean,
    children: children.flatMap((c): XastContent[] => (c === null || c === undefined || c === false ? [] : typeof c === 'string' ? [{ type: 'text', value: c }] : [c])),
  };
}

/** One file in the book, besides `mimetype` and `META-INF/`. */
export interface Resource {
  /** Manifest id. */
  id: string;
  /** Path relative to the package document. */
  href: string;
  /** Media type, e.g. `application/xhtml+xml`. */
  mediaType: string;
  /** Manifest `properties` (`nav`, `scripted`, …). */
  properties?: string;
  /** Position in the spine, or none when not in the spine. */
  spine?: 'linear' | 'nonlinear';
  /** The file's bytes. */
  data: Uint8Array;
}

/** What the package says about the book's accessibility. */
export interface AccessibilityInfo {
  /** Whether the book has page-break markers and a page list. */
  pageList: boolean;
  /** What the page list's numbers refer to (`dc:source` refined as the pagination source); needed with a page list. */
  pageSource?: string;
  /** Whether the text has images (with text alternatives). */
  images: boolean;
  /** Whether the text has notes. */
  notes: boolean;
  /** Whether the text has MathML. */
  mathml: boolean;
  /** `a11y:certifiedBy`, when someone stands behind the conformance claim. */
  certifiedBy?: string;
}

/** The claim EPUB Accessibility 1.1 defines for WCAG 2.1 AA (its exact form). */
export const conformsTo = 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA';

/**
 * A stable `urn:uuid:` for a manuscript without an `identifier`: a name-based
 * (version 5 style) UUID from the title, authors and date, so rebuilding
 * the same paper keeps its identity and reading systems keep notes and
 * reading positions across editions.
 */
export function derivedIdentifier(metadata: Metadata): string {
  // The URL namespace of RFC 9562, and a name only this project forms.
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const name = JSON.stringify(['colophon', metadata.title, metadata.authors.map((a) => a.name), metadata.date ?? '']);
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `dc:date` wants W3C date-time format; front matter may say "May 2012".
 * Keep what already fits, convert what `Date` can read, else leave it out
 * (the title page still prints the date as written).
 */
export function w3cDate(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const trimmed = date.trim();
  if (/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/.test(trimmed)) return trimmed;
  const parsed = new Date(`${trimmed} UTC`);
  if (Number.isNaN(parsed.getTime())) return undefined;
  return parsed.toISOString().slice(0, 10);
}

/** `dcterms:modified` form: UTC, to the second, no milliseconds. */
export function modifiedStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const rtlLanguages = new Set(['ar', 'arc', 'dv', 'fa', 'ha', 'he', 'khw', 'ks', 'ku', 'ps', 'sd', 'ur', 'yi']);

/** Reading direction of a language tag. */
export function direction(lang: string): 'ltr' | 'rtl' {
  const [primary, ...rest] = lang.toLowerCase().split('-');
  if (rest.includes('arab') || rest.includes('hebr')) return 'rtl';
  return rtlLanguages.has(primary) ? 'rtl' : 'ltr';
}

function accessibilityFeatures(info: AccessibilityInfo): string[] {
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability'];
  if (info.pageList) features.push('printPageNumbers', 'pageBreakMarkers', 'pageNavigation');
  if (info.images) features.push('alternativeText');
  if (info.mathml) features.push('MathML');
  return features;
}

function accessibilitySummary(info: AccessibilityInfo): string {
  const parts = [
    'This publication conforms to WCAG 2.1 Level AA.',
    info.notes
      ? 'It has a table of contents and headings for navigation, a logical reading order, and footnotes linked to and from their calls.'
      : 'It has a table of contents and headings for navigation, and a logical reading order.',
  ];
  if (info.pageList) parts.push('Page-break markers and a page list give the page numbers of the print edition.');
  if (info.images) parts.push('Images have text alternatives.');
  parts.push('Text and layout can be resized and restyled by the reader.');
  return parts.join(' ');
}

export interface PackageInput {
  metadata: Metadata;
  identifier: string;
  modified: Date;
  resources: readonly Resource[];
  accessibility: AccessibilityInfo;
}

/** The package document's XML. */
export function packageDocument(input: PackageInput): string {
  const { metadata, identifier, modified, resources, accessibility } = input;
  const date = w3cDate(metadata.date);
  const meta: XastElement[] = [
    x('dc:identifier', { id: 'pub-id' }, identifier),
    x('dc:title', { id: 'title' }, metadata.title),
  ];
  meta.push(x('meta', { refines: '#title', property: 'title-type' }, 'main'));
  if (metadata.subtitle) {
    meta.push(x('dc:title', { id: 'subtitle' }, metadata.subtitle));
    meta.push(x('meta', { refines: '#subtitle', property: 'title-type' }, 'subtitle'));
  }
  metadata.authors.forEach((author, index) => {
    const id = `creator-${index + 1}`;
    meta.push(x('dc:creator', { id }, author.name));
    meta.push(x('meta', { refines: `#${id}`, property: 'role', scheme: 'marc:relators' }, 'aut'));
  });
  meta.push(x('dc:language', {}, metadata.lang));
  if (date) meta.push(x('dc:date', {}, date));
  if (metadata.publisher) meta.push(x('dc:publisher', {}, metadata.publisher));
  if (metadata.rights) meta.push(x('dc:rights', {}, metadata.rights));
  for (const keyword of metadata.keywords) meta.push(x('dc:subject', {}, keyword));
  if (metadata.abstract) meta.push(x('dc:description', {}, metadata.abstract));
  if (accessibility.pageList && accessibility.pageSource) {
    // EPUB 3.2's way to name the edition whose page numbers the page list
    // gives; EPUBCheck 4.2 knows `source-of`, not the newer pageBreakSource.
    meta.push(x('dc:source', { id: 'page-source' }, accessibility.pageSource));
    meta.push(x('meta', { refines: '#page-source', property: 'source-of' }, 'pagination'));
  }
  if (metadata.series) {
    meta.push(x('meta', { property: 'belongs-to-collection', id: 'series' }, metadata.series.name));
    meta.push(x('meta', { refines: '#series', property: 'collection-type' }, 'series'));
    // group-position must be a number; "13/12" is a series number, not a position.
    if (metadata.series.number && /^\d+(\.\d+)?$/.test(metadata.series.number)) {
      meta.push(x('meta', { refines: '#series', property: 'group-position' }, metadata.series.number));
    }
  }
  meta.push(x('meta', { property: 'dcterms:modified' }, modifiedStamp(modified)));

  meta.push(x('meta', { property: 'schema:accessMode' }, 'textual'));
  if (accessibility.images) meta.push(x('meta', { property: 'schema:accessMode' }, 'visual'));
  meta.push(x('meta', { property: 'schema:accessModeSufficient' }, 'textual'));
  for (const feature of accessibilityFeatures(accessibility)) meta.push(x('meta', { property: 'schema:accessibilityFeature' }, feature));
  meta.push(x('meta', { property: 'schema:accessibilityHazard' }, 'none'));
  // The summary is written in English whatever the book's language.
  meta.push(x('meta', { property: 'schema:accessibilitySummary', 'xml:lang': 'en' }, accessibilitySummary(accessibility)));
  meta.push(x('meta', { property: 'dcterms:conformsTo', id: 'conformance' }, conformsTo));
  if (accessibility.certifiedBy) meta.push(x('meta', { property: 'a11y:certifiedBy', refines: '#conformance' }, accessibility.certifiedBy));

  const lines = (elements: XastElement[], indent: string): XastContent[] =>
    elements.flatMap((element): XastContent[] => [{ type: 'text', value: `\n${indent}` }, element]);

  const manifest = resources.map((r) => x('item', { id: r.id, href: r.href, 'media-type': r.mediaType, properties: r.properties }));
  const spine = resources
    .filter((r) => r.spine)
    .map((r) => x('itemref', { idref: r.id, linear: r.spine === 'nonlinear' ? 'no' : undefined }));

  const pkg = x(
    'package',
    {
      xmlns: 'http://www.idpf.org/2007/opf',
      version: '3.0',
      'unique-identifier': 'pub-id',
      'xml:lang': metadata.lang,
      dir: direction(metadata.lang),
    },
    { type: 'text', value: '\n  ' },
    x('metadata', { 'xmlns:dc': 'http://purl.org/dc/elements/1.1/' }, ...lines(meta, '    '), '\n  '),
    '\n  ',
    x('manifest', {}, ...lines(manifest, '    '), '\n  '),
    '\n  ',
    x('spine', { 'page-progression-direction': direction(metadata.lang) }, ...lines(spine, '    '), '\n  '),
    '\n',
  );
  return toXmlDocument(pkg);
}

/** `META-INF/container.xml`: where the package document is. */
export function containerDocument(packagePath: string): string {
  return toXmlDocument(
    x(
      'container',
      { version: '1.0', xmlns: 'urn:oasis:names:tc:opendocument:xmlns:container' },
      '\n  ',
      x('rootfiles', {}, '\n    ', x('rootfile', { 'full-path': packagePath, 'media-type': 'application/oebps-package+xml' }), '\n  '),
      '\n',
    ),
  );
}
