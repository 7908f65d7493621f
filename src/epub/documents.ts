/**
 * The content documents of the ebook as hast: title page, text, colophon
 * and the navigation document. Each is a whole `<html>` element ready for
 * `toXhtml`.
 */
import { abstractSection } from '../shared/front-matter.js';
import { titleBlock } from '../shared/title-block.js';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import type { Metadata } from '../load/schema.js';
import type { EpubLabels } from '../shared/labels.js';
import { direction } from './package.js';
import { defaultIds, type IdScheme } from '../shared/ids.js';
import { pageBreak } from './pagebreaks.js';
import { opsNamespace } from './xhtml.js';

export interface Shell {
  /** Language of the document (BCP 47). */
  lang: string;
  /** `<title>`. */
  title: string;
  /** Stylesheet hrefs relative to the document. */
  stylesheets: readonly string[];
  /** `epub:type` of `<body>`, if any. */
  bodyType?: string;
}

/** `lang` and `xml:lang` together: EPUB reading systems read one or the other. */
export function langAttributes(lang: string): Record<string, string> {
  return { lang, 'xml:lang': lang };
}

/** A complete XHTML `<html>` element around `content`. */
export function xhtmlShell(shell: Shell, content: ElementContent[]): Element {
  return h('html', { 'xmlns:epub': opsNamespace, ...langAttributes(shell.lang), dir: direction(shell.lang) }, [
    h('head', [
      h('meta', { charSet: 'utf-8' }),
      h('title', shell.title),
      ...shell.stylesheets.map((href) => h('link', { rel: 'stylesheet', type: 'text/css', href })),
    ]),
    h('body', shell.bodyType ? { 'epub:type': shell.bodyType } : {}, content),
  ]);
}

/** The title page: the page-one marker and the shared title block. */
export function titlePage(metadata: Metadata, options: { firstPage: number | null; ids?: IdScheme }): ElementContent[] {
  const block = titleBlock(metadata, { edition: 'epub', titleId: 'title', abstract: abstractSection(metadata) });
  return [
    h('section', { className: ['titlepage'], 'epub:type': 'titlepage', ariaLabelledBy: 'title' }, [
      ...(options.firstPage !== null ? [pageBreak(options.firstPage, options.ids ?? defaultIds)] : []),
      block,
    ]),
  ];
}

/** Rights, funding and publisher, when the front matter has any of them; else null. */
export function colophon(metadata: Metadata, labels: EpubLabels, labelLang: string | null): ElementContent[] | null {
  const lines = [
    ...(metadata.funding ? [h('p', { className: ['funding'] }, metadata.funding)] : []),
    ...(metadata.rights ? [h('p', { className: ['rights'] }, metadata.rights)] : []),
  ];
  if (lines.length === 0) return null;
  return [
    h('section', { className: ['colophon'], 'epub:type': 'colophon', role: 'doc-colophon', ariaLabelledBy: 'colophon-title' }, [
      h('h2', { id: 'colophon-title', ...(labelLang ? langAttributes(labelLang) : {}) }, labels.colophon),
      ...lines,
    ]),
  ];
}

export interface TocEntry {
  rank: number;
  id: string;
  /** Heading text (markers' labels are not text, so they do not leak in). */
  text: string;
  href: string;
}

/** A heading's words without its note calls: "Results 3" would read as part of the title. */
function headingText(heading: Element): string {
  const copy = structuredClone(heading);
  const strip = (node: Element): void => {
    node.children = node.children.filter(
      (c) => !(c.type === 'element' && (c.tagName === 'sup' && String(c.properties.className ?? '').includes('noteref') || c.properties.role === 'doc-noteref')),
    );
    for (const c of node.children) if (c.type === 'element') strip(c);
  };
  strip(copy);
  return toString(copy).replace(/\s+/g, ' ').trim();
}

/** Headings of a content document with ids, in order, for the table of contents. */
export function headingEntries(tree: Root | Element, href: string): TocEntry[] {
  const entries: TocEntry[] = [];
  const walk = (node: Root | Element): void => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const match = /^h([1-6])$/.exec(child.tagName);
      const id = child.properties?.id;
      if (match && typeof id === 'string') {
        const text = headingText(child);
        if (text) entries.push({ rank: Number(match[1]), id, text, href: `${href}#${id}` });
      } else if (!['aside', 'nav'].includes(child.tagName)) {
        walk(child);
      }
    }
  };
  walk(tree);
  return entries;
}

/**
 * Nested ordered lists from a flat list of ranked entries: a deeper heading
 * opens a list inside the previous item; skipped ranks (h2 then h4) nest
 * one level only.
 */
function nestedList(entries: readonly TocEntry[]): Element {
  const root = h('ol');
  const stack: Array<{ rank: number; list: Element; last: Element | null }> = [];
  for (const entry of entries) {
    if (stack.length === 0) stack.push({ rank: entry.rank, list: root, last: null });
    while (stack.length > 1 && entry.rank < stack[stack.length - 1].rank) stack.pop();
    let top = stack[stack.length - 1];
    if (entry.rank > top.rank && top.last) {
      // An item holds at most one sub-list (h2, h4, h3 share it).
      const existing = top.last.children.find((c): c is Element => c.type === 'element' && c.tagName === 'ol');
      const sub = existing ?? h('ol');
      if (!existing) top.last.children.push(sub);
      top = { rank: entry.rank, list: sub, last: null };
      stack.push(top);
    }
    const item = h('li', h('a', { href: entry.href }, entry.text));
    top.list.children.push(item);
    top.last = item;
  }
  return root;
}

export interface NavInput {
  labels: EpubLabels;
  /** Language of the labels when it differs from the book's. */
  labelLang: string | null;
  toc: readonly TocEntry[];
  landmarks: ReadonlyArray<{ type: string; href: string; text: string }>;
  /** Pages with markers, and the document each marker is in. */
  pages: ReadonlyArray<{ page: number; href: string }>;
  /** Ids of the markers (default: `page-N`). */
  ids?: IdScheme;
}

/** Body of the navigation document: toc, landmarks, and the page list when there are pages. */
export function navigation(input: NavInput): ElementContent[] {
  const lang = input.labelLang ? langAttributes(input.labelLang) : {};
  const content: ElementContent[] = [
    h('nav', { 'epub:type': 'toc', role: 'doc-toc', id: 'toc', ariaLabelledBy: 'toc-title' }, [
      h('h1', { id: 'toc-title', ...lang }, input.labels.contents),
      nestedList(input.toc),
    ]),
    // Landmarks have no DPUB-ARIA role: they are a reading-system aid, hidden from the page.
    h('nav', { 'epub:type': 'landmarks', id: 'landmarks', hidden: true, ariaLabelledBy: 'landmarks-title' }, [
      h('h2', { id: 'landmarks-title', ...lang }, input.labels.landmarks),
      h(
        'ol',
        input.landmarks.map((l) => h('li', h('a', { 'epub:type': l.type, href: l.href }, l.text))),
      ),
    ]),
  ];
  if (input.pages.length > 0) {
    content.push(
      h('nav', { 'epub:type': 'page-list', role: 'doc-pagelist', id: 'page-list', hidden: true, ariaLabelledBy: 'page-list-title' }, [
        h('h2', { id: 'page-list-title', ...lang }, input.labels.pages),
        h(
          'ol',
          input.pages.map((p) => h('li', h('a', { href: `${p.href}#${(input.ids ?? defaultIds).page(p.page)}` }, String(p.page)))),
        ),
      ]),
    );
  }
  return content;
}
