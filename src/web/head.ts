/**
 * The `<head>` of the screen edition: title, description, viewport, the
 * Highwire Press `citation_*` tags that Google Scholar and Zotero read, and
 * a schema.org `ScholarlyArticle` as JSON-LD.
 *
 * In: the front matter (`Metadata`), the description text, the
 * bibliography entries' text and where the stylesheet and PDF are. Out:
 * hast elements to put in `<head>`.
 *
 * A field the front matter does not state is left out, never invented.
 */
import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Metadata } from '../load/schema.js';
import { orcidUrl } from '../shared/orcid.js';
import { parseIsoDate } from '../shared/title-block.js';

export interface HeadInput {
  metadata: Metadata;
  /** Text for `<meta name="description">` and the JSON-LD `description`. */
  description?: string;
  /** Plain text of each bibliography entry, for the JSON-LD `citation` list. */
  references: string[];
  /** Stylesheet URLs, relative to the page. */
  stylesheets: string[];
  /** URL of the PDF edition (`citation_pdf_url`), when there is one. */
  pdfUrl?: string;
  /** Absolute URL of the page itself, when known (canonical link, `citation_abstract_html_url`). */
  pageUrl?: string;
}

/** Google Scholar wants `YYYY/MM/DD`, or the year alone when that is all there is. */
function scholarDate(date: string | undefined): string | undefined {
  const iso = parseIsoDate(date);
  if (iso) return [iso.year, iso.month, iso.day].filter(Boolean).join('/');
  const year = date ? /\b(1[5-9]\d\d|20\d\d)\b/.exec(date) : null;
  return year ? (year[1] as string) : undefined;
}

function isoDate(date: string | undefined): string | undefined {
  const iso = parseIsoDate(date);
  return iso ? [iso.year, iso.month, iso.day].filter(Boolean).join('-') : undefined;
}

function meta(name: string, content: string | undefined): Element[] {
  return content ? [h('meta', { name, content })] : [];
}

/** The full title: title and subtitle joined as a citation would join them. */
export function fullTitle(metadata: Metadata): string {
  return metadata.subtitle ? `${metadata.title}: ${metadata.subtitle}` : metadata.title;
}

/** The schema.org description of the work, as a plain object ready for `JSON.stringify`. */
export function scholarlyArticle(input: HeadInput): Record<string, unknown> {
  const m = input.metadata;
  const article: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'ScholarlyArticle',
    headline: m.title,
    name: fullTitle(m),
  };
  if (m.subtitle) article.alternativeHeadline = m.subtitle;
  if (m.authors.length > 0)
    article.author = m.authors.map((a) => {
      const person: Record<string, unknown> = { '@type': 'Person', name: a.name };
      if (a.affiliation) person.affiliation = { '@type': 'Organization', name: a.affiliation };
      const orcid = orcidUrl(a.orcid);
      if (orcid) person.sameAs = orcid;
      return person;
    });
  const published = isoDate(m.date);
  if (published) article.datePublished = published;
  article.inLanguage = m.lang;
  if (input.description) article.description = input.description;
  if (m.abstract) article.abstract = m.abstract;
  if (m.publisher) article.publisher = { '@type': 'Organization', name: m.publisher };
  if (m.series) {
    article.isPartOf = { '@type': 'CreativeWorkSeries', name: [m.series.name, m.series.type].filter(Boolean).join(' ') };
    if (m.series.number) article.position = m.series.number;
  }
  if (m.keywords.length > 0) article.keywords = m.keywords;
  if (m.rights) article.copyrightNotice = m.rights;
  if (m.identifier) article.identifier = m.identifier;
  if (input.pageUrl) article.url = input.pageUrl;
  if (input.pdfUrl) article.encoding = { '@type': 'MediaObject', encodingFormat: 'application/pdf', contentUrl: input.pdfUrl };
  if (input.references.length > 0) article.citation = input.references;
  return article;
}

/** JSON that is safe inside `<script>`: no `</script>` or `<!--` can be formed. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** Every element of `<head>`, in order. */
export function headElements(given: HeadInput): Element[] {
  // Scholar wants an absolute PDF address; it can have one when the page's own is known.
  const input = given.pageUrl && given.pdfUrl ? { ...given, pdfUrl: absolute(given.pdfUrl, given.pageUrl) } : given;
  const m = input.metadata;
  const authors = m.authors.map((a) => a.name);
  const series = m.series;
  const head: Element[] = [
    h('meta', { charSet: 'utf-8' }),
    h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    h('title', fullTitle(m)),
    ...meta('description', input.description),
    ...meta('author', authors.join(', ') || undefined),
    ...meta('keywords', m.keywords.join(', ') || undefined),
    h('meta', { name: 'color-scheme', content: 'light dark' }),
    h('meta', { name: 'generator', content: 'Colophon' }),
    ...(input.pageUrl ? [h('link', { rel: 'canonical', href: input.pageUrl })] : []),
    ...input.stylesheets.map((href) => h('link', { rel: 'stylesheet', href })),
    // Highwire Press tags: Google Scholar's inclusion guidelines and
    // Zotero's embedded-metadata reader both take one tag per author.
    ...meta('citation_title', fullTitle(m)),
    // Each author's institution and ORCID follow that author's tag, as the readers pair them by order.
    ...m.authors.flatMap((a) => [
      ...meta('citation_author', a.name),
      ...meta('citation_author_institution', a.affiliation),
      ...meta('citation_author_orcid', orcidUrl(a.orcid)?.replace(/^https?:\/\/orcid\.org\//, '')),
    ]),
    ...meta('citation_publication_date', scholarDate(m.date)),
    ...meta('citation_language', m.lang),
    ...meta('citation_keywords', m.keywords.join('; ') || undefined),
    ...meta('citation_abstract', m.abstract),
    ...meta('citation_publisher', m.publisher),
    // A numbered paper in an institution's series is what Scholar calls a
    // technical report; Zotero then files it as a report with its number.
    ...(series ? meta('citation_technical_report_institution', m.publisher ?? series.name) : []),
    ...(series ? meta('citation_technical_report_number', series.number) : []),
    ...(series ? meta('citation_series_title', [series.name, series.type].filter(Boolean).join(' ')) : []),
    ...meta('citation_abstract_html_url', input.pageUrl),
    ...meta('citation_pdf_url', input.pdfUrl),
    h('script', { type: 'application/ld+json' }, scriptSafeJson(scholarlyArticle(input))),
  ];
  return head;
}
