/**
 * The ebook edition (src/epub/): the zip and its package document read as
 * bytes and XML, the notes and the page list in the content documents,
 * byte-identical rebuilds, and EPUBCheck (no error, no warning) on
 * hand-built models, on the default manuscript and on the fixture
 * manuscript in test/fixtures/epub/manuscripts/. DAISY Ace runs in
 * test/epub-ace.test.ts, so the two slow checkers run side by side.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conformsTo, derivedIdentifier, makeEpub, writeEpub } from '../src/epub/index.js';
import { insertPageBreaks } from '../src/epub/pagebreaks.js';
import { buildDocument } from '../src/index.js';
import type { DocumentModel } from '../src/model/types.js';
import { awkwardModel, plainModel, richModel, richPageStarts } from './fixtures/epub/models.js';
import {
  elements,
  epubcheck,
  hasEpubcheck,
  localHeaders,
  parseXhtml,
  prop,
  spreadPageStarts,
  toolAvailable,
  unzip,
} from './fixtures/epub/tools.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const defaultManuscript = path.join(root, 'manuscript/readmission-azerbaijan.md');
const fixtureManuscript = path.join(root, 'test/fixtures/epub/manuscripts/retours-fr.md');
const modified = new Date('2026-03-01T12:34:56Z');

const contentDocuments = ['EPUB/title.xhtml', 'EPUB/nav.xhtml', 'EPUB/text.xhtml', 'EPUB/colophon.xhtml'];

/** `epub:type` values that have a DPUB-ARIA (or ARIA) role, as Ace maps them. */
const roleFor: Record<string, string> = {
  abstract: 'doc-abstract',
  bibliography: 'doc-bibliography',
  colophon: 'doc-colophon',
  footnote: 'doc-footnote',
  noteref: 'doc-noteref',
  'page-list': 'doc-pagelist',
  pagebreak: 'doc-pagebreak',
  subtitle: 'doc-subtitle',
  toc: 'doc-toc',
  backlink: 'doc-backlink',
  endnote: 'doc-endnote',
  endnotes: 'doc-endnotes',
  biblioentry: 'doc-biblioentry',
};

const metaValues = (opf: string, property: string): string[] =>
  [...opf.matchAll(new RegExp(`<meta[^>]*property="${property}"[^>]*>([^<]*)</meta>`, 'g'))].map((m) => m[1]);
const dcValues = (opf: string, element: string): string[] =>
  [...opf.matchAll(new RegExp(`<dc:${element}(?: [^>]*)?>([^<]*)</dc:${element}>`, 'g'))].map((m) => m[1]);

describe('the container', () => {
  const book = makeEpub(richModel(), { pageStarts: richPageStarts, modified });

  it('starts with an uncompressed mimetype entry, without extra field', () => {
    const entries = localHeaders(book);
    expect(entries[0].name).toBe('mimetype');
    expect(entries[0].method).toBe(0);
    expect(entries[0].extraLength).toBe(0);
    // The bytes readers sniff: "PK\3\4", then "mimetype" at 30, then the type at 38.
    expect(new TextDecoder().decode(book.subarray(30, 38))).toBe('mimetype');
    expect(new TextDecoder().decode(book.subarray(38, 58))).toBe('application/epub+zip');
    // Text is deflated; fonts and images, compressed already, are stored.
    const rest = entries.slice(1);
    expect(rest.filter((e) => /\.(woff2|png|jpe?g)$/.test(e.name)).every((e) => e.method === 0)).toBe(true);
    expect(rest.filter((e) => /\.(xhtml|opf|xml|css|txt)$/.test(e.name)).every((e) => e.method === 8)).toBe(true);
    expect(rest.some((e) => e.name.endsWith('.woff2'))).toBe(true);
  });

  it('holds the container, the package, the content documents, the fonts, the stylesheet and the image, in that order', () => {
    expect(localHeaders(book).map((e) => e.name)).toEqual([
      'mimetype',
      'META-INF/container.xml',
      'EPUB/content.opf',
      'EPUB/title.xhtml',
      'EPUB/nav.xhtml',
      'EPUB/text.xhtml',
      'EPUB/colophon.xhtml',
      'EPUB/css/fonts.css',
      'EPUB/fonts/tinos-latin-400-italic.woff2',
      'EPUB/fonts/tinos-latin-400-normal.woff2',
      'EPUB/fonts/tinos-latin-700-normal.woff2',
      'EPUB/fonts/LICENSE.txt',
      'EPUB/css/epub.css',
      'EPUB/images/1-migration-chart.png',
    ]);
    const { text } = unzip(book);
    expect(text('META-INF/container.xml')).toContain('full-path="EPUB/content.opf"');
  });

  it('embeds the Tinos faces the text uses, declared before the ebook stylesheet, or none when asked', () => {
    const { text } = unzip(book);
    const fontsCss = text('EPUB/css/fonts.css');
    expect([...fontsCss.matchAll(/url\('([^']+)'\)/g)].map((m) => m[1])).toEqual([
      '../fonts/tinos-latin-400-italic.woff2',
      '../fonts/tinos-latin-400-normal.woff2',
      '../fonts/tinos-latin-700-normal.woff2',
    ]);
    expect(text('EPUB/text.xhtml')).toContain('<link rel="stylesheet" type="text/css" href="css/fonts.css"/><link rel="stylesheet" type="text/css" href="css/epub.css"/>');
    const bare = unzip(makeEpub(richModel(), { modified, embedFonts: false }));
    expect(Object.keys(bare.files).filter((f) => f.includes('font'))).toEqual([]);
    expect(bare.text('EPUB/text.xhtml')).not.toContain('fonts.css');
    // Cyrillic text pulls in the Cyrillic subset.
    const russian = plainModel();
    russian.body = h(null, [h('p', 'Соглашение о реадмиссии')]);
    expect(Object.keys(unzip(makeEpub(russian, { modified })).files)).toContain('EPUB/fonts/tinos-cyrillic-400-normal.woff2');
  });

  it('lists every file in the manifest, the nav with properties="nav", and a spine in reading order', () => {
    const { files, text } = unzip(book);
    const opf = text('EPUB/content.opf');
    const hrefs = [...opf.matchAll(/<item [^>]*href="([^"]+)"/g)].map((m) => `EPUB/${m[1]}`);
    const inZip = Object.keys(files).filter((f) => f.startsWith('EPUB/') && f !== 'EPUB/content.opf');
    expect(hrefs.sort()).toEqual(inZip.sort());
    expect(opf).toMatch(/<item id="nav" href="nav.xhtml" media-type="application\/xhtml\+xml" properties="nav"/);
    expect(opf).toContain('<item id="image-1" href="images/1-migration-chart.png" media-type="image/png"');
    expect(opf).toContain('<item id="font-2" href="fonts/tinos-latin-400-normal.woff2" media-type="font/woff2"');
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"( linear="no")?/g)].map((m) => m[1] + (m[2] ? ' (non-linear)' : ''));
    expect(spine).toEqual(['title-page', 'nav (non-linear)', 'text', 'colophon']);
    expect(opf).toContain('<spine page-progression-direction="ltr">');
  });
});

describe('package metadata', () => {
  const originalEpoch = process.env.SOURCE_DATE_EPOCH;
  afterEach(() => {
    if (originalEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = originalEpoch;
  });

  const opfOf = (model: DocumentModel, options: Parameters<typeof makeEpub>[1] = { modified }) =>
    unzip(makeEpub(model, options)).text('EPUB/content.opf');

  it('describes the book in Dublin Core from the front matter', () => {
    const opf = opfOf(richModel());
    const metadata = richModel().metadata;
    expect(dcValues(opf, 'title')).toEqual([metadata.title, metadata.subtitle]);
    expect(dcValues(opf, 'creator')).toEqual(['Nino Beridze', 'Arman Petrosyan']);
    expect(dcValues(opf, 'language')).toEqual(['en-GB']);
    expect(dcValues(opf, 'date')).toEqual(['2013-05-14']);
    expect(dcValues(opf, 'publisher')).toEqual([metadata.publisher]);
    expect(dcValues(opf, 'rights')).toEqual([metadata.rights]);
    expect(dcValues(opf, 'subject')).toEqual(metadata.keywords);
    expect(dcValues(opf, 'description')).toEqual([metadata.abstract]);
    expect(metaValues(opf, 'belongs-to-collection')).toEqual(['CARIM-East']);
    expect(metaValues(opf, 'dcterms:modified')).toEqual(['2026-03-01T12:34:56Z']);
  });

  it('derives a stable urn:uuid identifier unless the front matter gives one', () => {
    const id = dcValues(opfOf(richModel()), 'identifier')[0];
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dcValues(opfOf(richModel()), 'identifier')[0]).toBe(id);
    expect(derivedIdentifier(richModel().metadata)).toBe(id);
    const retitled = richModel();
    retitled.metadata.title = 'Another paper';
    expect(dcValues(opfOf(retitled), 'identifier')[0]).not.toBe(id);
    const given = richModel();
    given.metadata.identifier = 'https://doi.org/10.1234/carim.13.57';
    const opf = opfOf(given);
    expect(dcValues(opf, 'identifier')).toEqual(['https://doi.org/10.1234/carim.13.57']);
    expect(opf).toContain('unique-identifier="pub-id"');
  });

  it('takes dcterms:modified from SOURCE_DATE_EPOCH, to the second', () => {
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    expect(metaValues(opfOf(plainModel(), {}), 'dcterms:modified')).toEqual(['2023-11-14T22:13:20Z']);
    delete process.env.SOURCE_DATE_EPOCH;
    const [now] = metaValues(opfOf(plainModel(), {}), 'dcterms:modified');
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('writes dc:date only in W3C form', () => {
    const model = plainModel();
    model.metadata.date = 'May 2012';
    expect(dcValues(opfOf(model), 'date')).toEqual(['2012-05-01']);
    model.metadata.date = 'sometime';
    expect(dcValues(opfOf(model), 'date')).toEqual([]);
  });

  it('carries the accessibility metadata of EPUB Accessibility 1.1', () => {
    const opf = opfOf(richModel(), { pageStarts: richPageStarts, modified });
    expect(metaValues(opf, 'schema:accessMode')).toEqual(['textual', 'visual']);
    expect(metaValues(opf, 'schema:accessModeSufficient')).toEqual(['textual']);
    expect(metaValues(opf, 'schema:accessibilityFeature')).toEqual([
      'structuralNavigation',
      'tableOfContents',
      'readingOrder',
      'displayTransformability',
      'printPageNumbers',
      'pageBreakMarkers',
      'pageNavigation',
      'alternativeText',
    ]);
    expect(metaValues(opf, 'schema:accessibilityHazard')).toEqual(['none']);
    expect(metaValues(opf, 'schema:accessibilitySummary')[0]).toMatch(/WCAG 2\.1 Level AA.*footnotes.*page list.*Images have text alternatives/);
    expect(metaValues(opf, 'dcterms:conformsTo')).toEqual(['EPUB Accessibility 1.1 - WCAG 2.1 Level AA']);
    expect(conformsTo).toBe('EPUB Accessibility 1.1 - WCAG 2.1 Level AA');
    // The page list names the edition its numbers come from.
    expect(opf).toMatch(/<dc:source id="page-source">[^<]*print edition[^<]*<\/dc:source>/);
    expect(metaValues(opf, 'source-of')).toEqual(['pagination']);
    expect(opf).not.toContain('a11y:certifiedBy');
    expect(opfOf(richModel(), { modified, certifiedBy: 'CARIM-East editorial office' })).toContain(
      '<meta property="a11y:certifiedBy" refines="#conformance">CARIM-East editorial office</meta>',
    );
  });

  it('claims no page features and names no page source without page starts', () => {
    const opf = opfOf(plainModel());
    expect(metaValues(opf, 'schema:accessibilityFeature')).toEqual([
      'structuralNavigation',
      'tableOfContents',
      'readingOrder',
      'displayTransformability',
    ]);
    expect(metaValues(opf, 'schema:accessMode')).toEqual(['textual']);
    expect(metaValues(opf, 'schema:accessibilitySummary')[0]).not.toMatch(/footnotes|page list|Images/);
    expect(opf).not.toContain('dc:source');
    // Nothing the front matter lacks is invented.
    for (const element of ['date', 'publisher', 'rights', 'subject', 'description', 'creator']) expect(dcValues(opf, element)).toEqual([]);
  });

  it('sets the reading direction from the language', () => {
    const model = plainModel();
    model.metadata.lang = 'ar';
    const { text } = unzip(makeEpub(model, { modified }));
    expect(text('EPUB/content.opf')).toContain('page-progression-direction="rtl"');
    expect(text('EPUB/text.xhtml')).toContain('dir="rtl"');
  });
});

describe('content documents', () => {
  const { files, text } = unzip(makeEpub(richModel(), { pageStarts: richPageStarts, modified }));
  const docs = Object.fromEntries(contentDocuments.map((name) => [name, text(name)]));
  const tree = (name: string): Root => parseXhtml(docs[name]);

  it('are XHTML: XML declaration, namespaces, lang and xml:lang, void elements closed, no HTML-only entities', () => {
    for (const [name, source] of Object.entries(docs)) {
      expect(source.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en-GB" xml:lang="en-GB"'), name).toBe(true);
      expect(source, name).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#x?[0-9a-fA-F]+);)/);
      expect(source, name).not.toMatch(/<(br|img|meta|link|hr)\b[^>]*[^/]>/);
      expect(source, name).not.toMatch(/\shidden(?!=)/);
    }
    expect(docs['EPUB/text.xhtml']).toContain('<br/>');
  });

  it('pair every epub:type with its role', () => {
    let checked = 0;
    for (const name of contentDocuments) {
      const document = tree(name);
      // Landmark links name their targets' types; they are not the targets.
      const inLandmarks = new Set(elements(document, (e) => prop(e, 'epub:type') === 'landmarks').flatMap((nav) => elements(nav, () => true)));
      const typed = elements(document, (e) => prop(e, 'epub:type') !== undefined && !inLandmarks.has(e));
      for (const element of typed) {
        for (const type of prop(element, 'epub:type')!.split(/\s+/)) {
          if (!roleFor[type]) continue;
          expect(prop(element, 'role'), `${name} ${element.tagName} epub:type=${type}`).toBe(roleFor[type]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('show the title block on the title page, with nothing the front matter lacks', () => {
    const titlePage = tree('EPUB/title.xhtml');
    const text = toString(titlePage);
    for (const line of ['CARIM-East – Consortium', 'Return Migration and Reintegration', 'Policy Options', 'Nino Beridze', 'Arman Petrosyan', 'CARIM-East Explanatory Note 13/57', 'Socio-Political Module', '14 May 2013', 'Robert Schuman Centre']) {
      expect(text).toContain(line);
    }
    // Each affiliation stands with its author; the date keeps its ISO form for machines.
    expect(elements(titlePage, (e) => prop(e, 'className') === 'author').map((e) => toString(e))).toEqual(['Nino BeridzeTbilisi State University', 'Arman Petrosyan']);
    expect(elements(titlePage, (e) => e.tagName === 'time').map((e) => prop(e, 'dateTime'))).toEqual(['2013-05-14']);
    expect(elements(titlePage, (e) => prop(e, 'role') === 'doc-abstract').map((e) => toString(e))).toEqual([expect.stringContaining('oblige the South Caucasus states')]);
    // The funding line is the print edition's: here it is in the colophon only.
    expect(text).not.toContain('co-financed');
    expect(elements(titlePage, (e) => e.tagName === 'h1').map((e) => toString(e))).toEqual([richModel().metadata.title]);
    const colophon = toString(tree('EPUB/colophon.xhtml'));
    expect(colophon).toContain('co-financed by the European Union');
    expect(colophon).toContain('All rights reserved');

    const plain = unzip(makeEpub(plainModel(), { modified }));
    expect(Object.keys(plain.files)).not.toContain('EPUB/colophon.xhtml');
    const plainTitle = parseXhtml(plain.text('EPUB/title.xhtml'));
    expect(elements(plainTitle, (e) => e.tagName === 'p')).toEqual([]);
  });

  it('turn note calls into noterefs and notes into footnote asides, each linked both ways', () => {
    const body = tree('EPUB/text.xhtml');
    const model = richModel();
    const asides = elements(body, (e) => e.tagName === 'aside');
    expect(asides).toHaveLength(model.notes.length);
    asides.forEach((aside, index) => {
      const n = index + 1;
      expect(prop(aside, 'epub:type')).toBe('footnote');
      expect(prop(aside, 'role')).toBe('doc-footnote');
      expect(prop(aside, 'id')).toBe(`fn-${n}`);
      const back = elements(aside, (e) => prop(e, 'role') === 'doc-backlink');
      expect(back.map((a) => prop(a, 'href'))).toEqual([`#fnref-${n}`]);
      expect(toString(aside)).toContain(toString({ type: 'root', children: model.notes[index].children }).slice(0, 20));
    });
    const calls = elements(body, (e) => prop(e, 'epub:type') === 'noteref');
    expect(calls.map((a) => [prop(a, 'href'), prop(a, 'id'), prop(a, 'role'), toString(a)])).toEqual(
      model.notes.map((n) => [`#fn-${n.number}`, `fnref-${n.number}`, 'doc-noteref', String(n.number)]),
    );
    expect(docs['EPUB/text.xhtml']).not.toContain('data-note-call');
    // Both paragraphs of note 3 are in its aside.
    expect(elements(asides[2], (e) => e.tagName === 'p')).toHaveLength(2);
  });

  it('place each note at the end of the section that calls it', () => {
    const body = tree('EPUB/text.xhtml');
    const sections = elements(body, (e) => e.tagName === 'section' && prop(e, 'role') !== 'doc-bibliography');
    const headingOf = (section: Element) => prop(section.children.find((c): c is Element => c.type === 'element' && /^h\d$/.test(c.tagName))!, 'id');
    const notesIn = (section: Element) => section.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'aside').map((a) => prop(a, 'id'));
    expect(sections.map((s) => [headingOf(s), notesIn(s)])).toEqual([
      ['agreements', ['fn-2', 'fn-3']],
      ['reintegration', ['fn-4', 'fn-5']],
      ['conclusions', ['fn-6']],
    ]);
    // Note 1 is called before the first heading and follows that paragraph.
    const bodyElement = elements(body, (e) => e.tagName === 'body')[0];
    const top = bodyElement.children.filter((c): c is Element => c.type === 'element');
    expect(top.slice(0, 2).map((e) => e.tagName + (prop(e, 'id') ? `#${prop(e, 'id')}` : ''))).toEqual(['p', 'aside#fn-1']);
    // Each section's asides come after all its other content.
    for (const section of sections) {
      const kinds = section.children.filter((c): c is Element => c.type === 'element').map((e) => e.tagName === 'aside');
      expect(kinds.indexOf(true)).toBeGreaterThan(0);
      expect(kinds.slice(kinds.indexOf(true)).every(Boolean)).toBe(true);
    }
  });

  it('mark the bibliography for reading systems', () => {
    const sections = elements(tree('EPUB/text.xhtml'), (e) => prop(e, 'epub:type') === 'bibliography');
    expect(sections.map((s) => [s.tagName, prop(s, 'role'), prop(s, 'id')])).toEqual([['section', 'doc-bibliography', 'refs']]);
    expect(elements(sections[0], (e) => (prop(e, 'className') ?? '').includes('csl-entry'))).toHaveLength(2);
  });

  it('give a table of contents from the headings, and landmarks', () => {
    const nav = tree('EPUB/nav.xhtml');
    const toc = elements(nav, (e) => prop(e, 'epub:type') === 'toc')[0];
    expect(prop(toc, 'role')).toBe('doc-toc');
    const top = elements(toc, (e) => e.tagName === 'ol')[0];
    const items = top.children.filter((c): c is Element => c.type === 'element');
    expect(items.map((li) => toString(elements(li, (e) => e.tagName === 'a')[0]))).toEqual([
      richModel().metadata.title,
      '1. The agreements',
      '2. Reintegration',
      'Main conclusions',
      'Bibliography',
      'Colophon',
    ]);
    // 1.1 nests under 1.
    expect(elements(items[1], (e) => e.tagName === 'a').map((a) => prop(a, 'href'))).toEqual(['text.xhtml#agreements', 'text.xhtml#numbers']);
    const landmarks = elements(nav, (e) => prop(e, 'epub:type') === 'landmarks')[0];
    expect(prop(landmarks, 'role')).toBeUndefined();
    expect(elements(landmarks, (e) => e.tagName === 'a').map((a) => [prop(a, 'epub:type'), prop(a, 'href')])).toEqual([
      ['titlepage', 'title.xhtml'],
      ['toc', 'nav.xhtml#toc'],
      ['bodymatter', 'text.xhtml'],
      ['bibliography', 'text.xhtml#refs'],
      ['colophon', 'colophon.xhtml'],
    ]);
    // Every link in the nav lands on an id that exists.
    for (const a of elements(nav, (e) => e.tagName === 'a')) {
      const [file, id] = prop(a, 'href')!.split('#');
      expect(files[`EPUB/${file}`], file).toBeDefined();
      if (id) expect(docs[`EPUB/${file}`], prop(a, 'href')).toContain(`id="${id}"`);
    }
  });

  it('keep the table of contents flat when the text starts at a lower heading level', () => {
    const model = plainModel();
    model.body = h(null, [h('h3', { id: 'one' }, 'One'), h('p', 'Text.'), h('h3', { id: 'two' }, 'Two'), h('h4', { id: 'two-a' }, 'Two A')]);
    const nav = parseXhtml(unzip(makeEpub(model, { modified })).text('EPUB/nav.xhtml'));
    const toc = elements(nav, (e) => prop(e, 'epub:type') === 'toc')[0];
    const top = elements(toc, (e) => e.tagName === 'ol')[0].children.filter((c): c is Element => c.type === 'element');
    expect(top.map((li) => toString(li.children[0] as Element))).toEqual(['A note without apparatus', 'One', 'Two']);
    expect(elements(top[2], (e) => e.tagName === 'a').map((a) => toString(a))).toEqual(['Two', 'Two A']);
  });

  it('have a page list and page-break markers where the print pages begin', () => {
    const nav = tree('EPUB/nav.xhtml');
    const pageList = elements(nav, (e) => prop(e, 'epub:type') === 'page-list');
    expect(pageList).toHaveLength(1);
    expect(prop(pageList[0], 'role')).toBe('doc-pagelist');
    const links = elements(pageList[0], (e) => e.tagName === 'a').map((a) => [toString(a), prop(a, 'href')]);
    expect(links).toEqual([
      ['1', 'title.xhtml#page-1'],
      ['2', 'text.xhtml#page-2'],
      ['3', 'text.xhtml#page-3'],
      ['4', 'text.xhtml#page-4'],
      ['5', 'text.xhtml#page-5'],
      ['6', 'text.xhtml#page-6'],
    ]);
    for (const [page, href] of links) {
      const [file, id] = href!.split('#');
      const marker = elements(tree(`EPUB/${file}`), (e) => prop(e, 'id') === id);
      expect(marker.map((m) => [m.tagName, prop(m, 'epub:type'), prop(m, 'role'), prop(m, 'ariaLabel')])).toEqual([['span', 'pagebreak', 'doc-pagebreak', page]]);
      expect(marker[0].children).toEqual([]);
    }
    // Page 1 opens the title page.
    const titleSection = elements(tree('EPUB/title.xhtml'), (e) => e.tagName === 'section')[0];
    expect(prop(titleSection.children[0] as Element, 'id')).toBe('page-1');
  });

  it('without page starts, have neither page list nor markers', () => {
    const plain = unzip(makeEpub(richModel(), { modified }));
    for (const name of contentDocuments) expect(plain.text(name)).not.toContain('pagebreak');
    expect(plain.text('EPUB/nav.xhtml')).not.toContain('page-list');
    const empty = unzip(makeEpub(richModel(), { modified, pageStarts: [] }));
    expect(empty.text('EPUB/nav.xhtml')).not.toContain('page-list');
  });

  it('use the manuscript language for the words the ebook adds', () => {
    const model = richModel();
    model.metadata.lang = 'fr-FR';
    const nav = unzip(makeEpub(model, { modified })).text('EPUB/nav.xhtml');
    expect(nav).toContain('<h1 id="toc-title">Table des matières</h1>');
    model.metadata.lang = 'az';
    const fallback = unzip(makeEpub(model, { modified })).text('EPUB/nav.xhtml');
    // English words in an Azerbaijani book are marked as English.
    expect(fallback).toContain('<h1 id="toc-title" lang="en" xml:lang="en">Contents</h1>');
  });
});

describe('page-break markers', () => {
  const marker = (e: Element) => prop(e, 'role') === 'doc-pagebreak';
  const body = (): Root =>
    h(null, [
      h('h2', { id: 'a' }, 'Heading'),
      h('p', ['Alpha beta ', h('em', 'gamma'), ' delta ', h('a', { href: 'https://example.org' }, 'link text'), ' end', h('a', { dataNoteCall: 1 }, '1'), '.']),
      h('ul', ['\n', h('li', 'one'), '\n', h('li', 'two'), '\n']),
    ]);

  it('split the text exactly at the offset, counting the text the way hast-util-to-string does', () => {
    const tree = body();
    insertPageBreaks(tree, [{ page: 7, block: 1, offset: 6 }, { page: 8, block: 1, offset: 13 }]);
    const paragraph = tree.children[1] as Element;
    expect(paragraph.children.slice(0, 3).map((c) => (c.type === 'text' ? c.value : prop(c as Element, 'id')))).toEqual(['Alpha ', 'page-7', 'beta ']);
    const em = paragraph.children.find((c): c is Element => c.type === 'element' && c.tagName === 'em')!;
    expect(em.children.map((c) => (c.type === 'text' ? c.value : prop(c as Element, 'id')))).toEqual(['ga', 'page-8', 'mma']);
  });

  it('go before a heading, a link or a note call, never inside', () => {
    const tree = body();
    const pages = insertPageBreaks(tree, [
      { page: 2, block: 0, offset: 3 },
      { page: 3, block: 1, offset: 26 },
      { page: 4, block: 1, offset: 36 },
    ]);
    expect(pages).toEqual([2, 3, 4]);
    expect(prop(tree.children[0] as Element, 'id')).toBe('page-2');
    expect((tree.children[1] as Element).tagName).toBe('h2');
    const paragraph = tree.children[2] as Element;
    const ids = paragraph.children.map((c) => (c.type === 'element' ? prop(c, 'id') ?? c.tagName : 'text'));
    expect(ids).toEqual(['text', 'em', 'text', 'page-3', 'a', 'text', 'page-4', 'a', 'text']);
    for (const a of elements(paragraph, (e) => e.tagName === 'a')) expect(elements(a, marker)).toEqual([]);
  });

  it('do not go between list items, at offset 0 go before the block, and skip repeated pages', () => {
    const tree = body();
    insertPageBreaks(tree, [{ page: 5, block: 2, offset: 0 }, { page: 6, block: 2, offset: 1 }, { page: 6, block: 1, offset: 2 }], new Set([1]));
    expect(prop(tree.children[2] as Element, 'id')).toBe('page-5');
    const list = tree.children[3] as Element;
    const first = list.children.filter((c): c is Element => c.type === 'element')[0];
    expect(first.tagName).toBe('li');
    expect(elements(first, marker).map((m) => prop(m, 'id'))).toEqual(['page-6']);
    expect(elements(tree, marker)).toHaveLength(2);
  });
});

describe('reproducibility', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
    delete process.env.SOURCE_DATE_EPOCH;
  });

  it('gives the same bytes for the same inputs and SOURCE_DATE_EPOCH, in any time zone', () => {
    process.env.SOURCE_DATE_EPOCH = '1767225600';
    process.env.TZ = 'UTC';
    const first = makeEpub(richModel(), { pageStarts: richPageStarts });
    const second = makeEpub(richModel(), { pageStarts: richPageStarts });
    process.env.TZ = 'Asia/Baku';
    const elsewhere = makeEpub(richModel(), { pageStarts: richPageStarts });
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(elsewhere).equals(Buffer.from(first))).toBe(true);
    process.env.SOURCE_DATE_EPOCH = '1767312000';
    expect(Buffer.from(makeEpub(richModel(), { pageStarts: richPageStarts })).equals(Buffer.from(first))).toBe(false);
  });

  it('writes the edition whole with writeEpub', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'colophon-epub-'));
    try {
      const outFile = path.join(dir, 'dist', 'rich.epub');
      await writeEpub(richModel(), { outFile, pageStarts: richPageStarts, modified });
      const written = new Uint8Array(await readFile(outFile));
      expect(Buffer.from(written).equals(Buffer.from(makeEpub(richModel(), { pageStarts: richPageStarts, modified })))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('EPUBCheck', () => {
  let available = false;
  beforeAll(() => {
    available = toolAvailable('EPUBCheck (java and /usr/share/java/epubcheck.jar)', hasEpubcheck());
  });

  const expectClean = async (book: Uint8Array): Promise<void> => {
    const messages = await epubcheck(book);
    const problems = messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity));
    expect(problems.map((m) => `${m.severity} ${m.ID} ${m.message} ${JSON.stringify(m.locations[0] ?? {})}`)).toEqual([]);
  };

  it('finds no error and no warning in the richest fixture, with a page list', async (context) => {
    if (!available) return context.skip();
    await expectClean(makeEpub(richModel(), { pageStarts: richPageStarts, modified }));
  });

  it('finds no error and no warning in the barest fixture', async (context) => {
    if (!available) return context.skip();
    await expectClean(makeEpub(plainModel(), { modified }));
  });

  it.for([
    ['the default manuscript', defaultManuscript],
    ['the French fixture manuscript', fixtureManuscript],
  ])('finds no error and no warning in %s', async ([, manuscript], context) => {
    if (!available) return context.skip();
    expect(existsSync(manuscript)).toBe(true);
    const model = await buildDocument({ input: manuscript });
    expect(model.notes.length).toBeGreaterThan(0);
    const pageStarts = spreadPageStarts(model, 6);
    const book = makeEpub(model, { pageStarts, modified });
    const nav = unzip(book).text('EPUB/nav.xhtml');
    expect(nav).toContain('epub:type="page-list"');
    expect(unzip(book).text('EPUB/text.xhtml').match(/epub:type="footnote"/g)).toHaveLength(model.notes.length);
    await expectClean(book);
  });
});

describe('traps in unseen manuscripts', () => {
  const model = awkwardModel();
  const book = makeEpub(model, { pageStarts: [{ page: 2, block: 1, offset: 2 }], modified });
  const { text } = unzip(book);
  const textDoc = text('EPUB/text.xhtml');

  it('keep every id unique when headings look like the ebook ids', () => {
    const ids = [...textDoc.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['page-2', 'fn-1', 'page-2-2', 'fn-1-2', 'fnref-1']));
    expect(text('EPUB/nav.xhtml')).toContain('href="text.xhtml#page-2-2"');
  });

  it('keep note calls out of the table of contents', () => {
    expect(text('EPUB/nav.xhtml')).toContain('<a href="text.xhtml#fn-1">Results</a>');
  });

  it('close gaps between heading levels, keeping ids and words', () => {
    const headings = [...textDoc.matchAll(/<h([1-6]) id="([^"]+)">/g)].map((m) => `h${m[1]}#${m[2]}`);
    expect(headings).toEqual(['h1#page-2', 'h1#fn-1', 'h2#skipped', 'h3#deeper', 'h2#back', 'h1#results-1']);
  });

  it('give passages in another language xml:lang as well as lang', () => {
    expect(textDoc).toContain('<span lang="az" xml:lang="az">geri qəbul</span>');
  });

  it('turn obsolete table presentation into classes, and language names into tags', () => {
    expect(textDoc).toContain('<table border="1"><tbody><tr class="valign-top"><th scope="row" class="align-left">Requests</th><td class="align-right">1,358</td></tr></tbody></table>');
    expect(textDoc).toContain('<p lang="en" xml:lang="en">A paragraph whose language is a name');
    for (const obsolete of [' align=', 'valign=', 'width="50%"', 'nowrap', 'cellpadding', 'summary=']) expect(textDoc).not.toContain(obsolete);
  });

  it('turn task-list checkboxes into ballot boxes', () => {
    expect(textDoc).not.toContain('<input');
    expect(textDoc).toContain('<li class="task-list-item"><span class="task-state">☑</span> a done task</li>');
    expect(textDoc).toContain('<li class="task-list-item"><span class="task-state">☐</span> an open task</li>');
  });

  it('unwrap links to ids the book does not have and to files beside the manuscript', () => {
    expect(textDoc).not.toContain('#ref-missing');
    expect(textDoc).toContain('(Nobody 2020), a link to a file beside the manuscript and one with <a href="https://example.org/a%20file.pdf">a space</a>.');
  });

  it('replace remote and unreadable images by their text alternative, and say so', () => {
    expect(textDoc).not.toContain('<img');
    expect(textDoc).toContain('<a href="https://example.org/chart.png" class="image-link">A remote chart</a>');
    expect(textDoc).toContain('<span class="image-missing">A missing figure</span>');
    const said = model.file.messages.map((m) => [m.ruleId, m.reason]);
    expect(said).toHaveLength(3);
    expect(said).toEqual(
      expect.arrayContaining([
        // Missing for every edition, said once at the image; then what the ebook does instead.
        ['resource-missing', "image `no-such-figure.png` is not found; files are read only from the manuscript's folder (name other trusted folders with --resource-path DIR)"],
        ['image-unusable', 'Image no-such-figure.png cannot be read; the ebook shows its text alternative instead'],
        // A remote image is never fetched, and the ebook says so.
        ['resource-remote', 'remote image https://example.org/chart.png is not fetched; the ebook links to it instead'],
      ]),
    );
  });

  it('declare inline SVG in the manifest, and close a note nobody calls without a backlink', () => {
    expect(text('EPUB/content.opf')).toContain('<item id="text" href="text.xhtml" media-type="application/xhtml+xml" properties="svg"');
    expect(textDoc).toContain('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"');
    expect(textDoc).toMatch(/<aside epub:type="footnote" role="doc-footnote" id="fn-3" class="footnote"><p><span class="note-number">3<\/span>/);
  });

  it('find the bibliography when the model points at a copy of it', () => {
    const copy = richModel();
    copy.bibliography = structuredClone(copy.bibliography!);
    const files = unzip(makeEpub(copy, { modified }));
    expect(files.text('EPUB/text.xhtml')).toMatch(/<section id="refs" class="references" role="doc-bibliography" epub:type="bibliography">/);
    expect(files.text('EPUB/nav.xhtml')).toContain('<a epub:type="bibliography" href="text.xhtml#refs">Bibliography</a>');
  });

  it('still pass EPUBCheck', async (context) => {
    if (!toolAvailable('EPUBCheck (java and /usr/share/java/epubcheck.jar)', hasEpubcheck())) return context.skip();
    const messages = await epubcheck(book);
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity)).map((m) => `${m.ID} ${m.message}`)).toEqual([]);
  });
});
