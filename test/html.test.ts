/**
 * The screen edition (src/web/edition.ts, page.ts): structure of the page
 * as HTML, then the written edition in Chromium (axe-core at 1280 and
 * 375 px, light and dark; no sideways scrolling at 320 and 375 px; notes
 * and backlinks that reach each other; every link reachable with Tab) and
 * in the Nu HTML Checker.
 *
 * Models come from hand-built fixtures (test/fixtures/html/models.ts) and
 * from the pipeline: the default manuscript and the fixture manuscript in
 * test/fixtures/html/, each with its own (note) style and with `apa`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../src/browser.js';
import { buildDocument } from '../src/index.js';
import { writeHtmlEdition } from '../src/web/edition.js';
import { facesForText, fontFacesFor } from '../src/shared/fonts.js';
import GithubSlugger, { slug as githubSlug } from 'github-slugger';
import { baseSlug, HeadingSlugs } from '../src/model/slugs.js';
import { languageNames, normaliseLang } from '../src/shared/lang.js';
import { hrefFor } from '../src/web/linkify.js';
import { renderHtmlPage } from '../src/web/page.js';
import type { DocumentModel } from '../src/model/types.js';
import {
  axeViolations,
  brokenFragmentLinks,
  hasBrowser,
  hasJava,
  horizontalOverflow,
  keyboardWalk,
  noteRoundTrip,
  openPage,
  requireTool,
  vnuMessages,
  type Viewing,
} from './fixtures/html/browser.js';
import { authorDateModel, metadata, noteStyleModel } from './fixtures/html/models.js';
import { elements } from './helpers/hast.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));


const byTag = (tree: Root | Element, tag: string) => elements(tree, (e) => e.tagName === tag);
const attr = (e: Element, name: string) => e.properties?.[name];

describe('renderHtmlPage', () => {
  const model = noteStyleModel();
  const before = JSON.stringify(model.body);
  const html = renderHtmlPage(model);
  const tree = fromHtml(html);

  it('leaves the shared model untouched', () => {
    expect(JSON.stringify(model.body)).toBe(before);
  });

  it('sets the language and the landmarks', () => {
    const [htmlEl] = byTag(tree, 'html');
    expect(attr(htmlEl!, 'lang')).toBe('en-GB');
    expect(byTag(tree, 'header')).toHaveLength(1);
    expect(byTag(tree, 'main')).toHaveLength(1);
    expect(byTag(tree, 'footer')).toHaveLength(1);
    const skip = byTag(tree, 'a')[0]!;
    expect(attr(skip, 'href')).toBe(`#${attr(byTag(tree, 'main')[0]!, 'id')}`);
  });

  it('has the title as its only h1 and no skipped heading level', () => {
    const headings = elements(tree, (e) => /^h[1-6]$/.test(e.tagName));
    expect(headings.filter((e) => e.tagName === 'h1').map((e) => toString(e))).toEqual(['Agreements on Readmission and Irregular Migration']);
    const levels = headings.map((e) => Number(e.tagName[1]));
    levels.forEach((level, i) => {
      if (i > 0) expect(level).toBeLessThanOrEqual(levels[i - 1]! + 1);
    });
    // `#` became h2; the `###` right after it became h3.
    expect(headings.map((e) => `${e.tagName} ${toString(e).replace(/\d+$/, '')}`)).toEqual([
      'h1 Agreements on Readmission and Irregular Migration',
      'h2 1. Interstate relations',
      'h3 A heading two levels down',
      'h2 Main conclusions',
      'h2 Notes',
      'h2 References',
    ]);
  });

  it('puts the title block in the header', () => {
    const header = byTag(tree, 'header')[0]!;
    const text = toString(header);
    for (const part of [
      'CARIM-East – Consortium for Applied Research on International Migration',
      'The Case of Azerbaijan',
      'Sergey Rumyantsev',
      'CARIM-East Explanatory Note 13/12',
      'Socio-Political Module',
      '15 March 2013',
    ])
      expect(text).toContain(part);
    expect(attr(byTag(header, 'time')[0]!, 'dateTime')).toBe('2013-03-15');
  });

  it('turns note calls into named doc-noteref links and notes into items with backlinks', () => {
    const calls = elements(tree, (e) => attr(e, 'role') === 'doc-noteref');
    expect(calls.map((c) => toString(c))).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const c of calls) {
      const n = toString(c);
      expect(attr(c, 'href')).toBe(`#fn-${n}`);
      expect(attr(c, 'id')).toBe(`fnref-${n}`);
      expect(attr(c, 'ariaLabel')).toBe(`Note ${n}`);
    }
    const endnotes = elements(tree, (e) => attr(e, 'role') === 'doc-endnotes');
    expect(endnotes).toHaveLength(1);
    const items = byTag(endnotes[0]!, 'li');
    expect(items.map((li) => attr(li, 'id'))).toEqual(['fn-1', 'fn-2', 'fn-3', 'fn-4', 'fn-5', 'fn-6']);
    for (const [i, li] of items.entries()) {
      const back = elements(li, (e) => attr(e, 'role') === 'doc-backlink');
      expect(back).toHaveLength(1);
      expect(attr(back[0]!, 'href')).toBe(`#fnref-${i + 1}`);
      expect(attr(back[0]!, 'ariaLabel')).toBe(`Back to note call ${i + 1}`);
    }
    expect(html).not.toMatch(/doc-endnote"|doc-biblioentry/);
  });

  it('places the notes before a closing bibliography', () => {
    const main = byTag(tree, 'main')[0]!;
    const blocks = main.children.filter((c): c is Element => c.type === 'element');
    expect(attr(blocks.at(-2)!, 'role')).toBe('doc-endnotes');
    expect(attr(blocks.at(-1)!, 'role')).toBe('doc-bibliography');
  });

  it('links URLs and DOIs and keeps the entries’ lang', () => {
    const bib = elements(tree, (e) => attr(e, 'role') === 'doc-bibliography')[0]!;
    const entries = elements(bib, (e) => ((attr(e, 'className') as string[] | undefined) ?? []).includes('csl-entry'));
    expect(entries).toHaveLength(3);
    expect(attr(entries[1]!, 'lang')).toBe('ru');
    const hrefs = byTag(bib, 'a').map((a) => attr(a, 'href'));
    expect(hrefs).toContain('https://www.migrationpolicy.org/research/irregular-migration-europe');
    expect(hrefs).toContain('https://doi.org/10.1234/jm.2012.0042');
    const notes = elements(tree, (e) => attr(e, 'role') === 'doc-endnotes')[0]!;
    const noteHrefs = byTag(notes, 'a').map((a) => attr(a, 'href'));
    expect(noteHrefs).toContain('http://www.trend.az/news/politics/1858053.html');
    expect(noteHrefs).toContain('https://doi.org/10.5555/abc.def(2012)x');
    expect(noteHrefs).toContain('https://en.wikipedia.org/wiki/Readmission_(law)');
    // The sentence's full stop stays outside the link.
    expect(html).toContain('1858053.html</a>. Access date');
  });

  it('describes the work for search engines and reference managers', () => {
    const metas = byTag(tree, 'meta');
    const named = (name: string) => metas.filter((m) => attr(m, 'name') === name).map((m) => attr(m, 'content'));
    expect(named('description')[0]).toMatch(/^Agreements on readmission directly related/);
    expect(named('description')[0]).not.toMatch(/aspects1/);
    expect(named('author')).toEqual(['Sergey Rumyantsev']);
    expect(named('viewport')).toEqual(['width=device-width, initial-scale=1']);
    expect(named('citation_title')).toEqual(['Agreements on Readmission and Irregular Migration: The Case of Azerbaijan']);
    expect(named('citation_author')).toEqual(['Sergey Rumyantsev']);
    expect(named('citation_publication_date')).toEqual(['2013/03/15']);
    expect(named('citation_language')).toEqual(['en-GB']);
    expect(named('citation_technical_report_number')).toEqual(['13/12']);
    expect(named('citation_series_title')).toEqual(['CARIM-East Explanatory Note']);
    expect(named('citation_pdf_url')).toEqual([]);
    expect(toString(byTag(tree, 'title')[0]!)).toBe('Agreements on Readmission and Irregular Migration: The Case of Azerbaijan');
    const script = byTag(tree, 'script')[0]!;
    expect(attr(script, 'type')).toBe('application/ld+json');
    const ld = JSON.parse(toString(script)) as Record<string, unknown>;
    expect(ld['@type']).toBe('ScholarlyArticle');
    expect(ld.headline).toBe('Agreements on Readmission and Irregular Migration');
    expect(ld.author).toEqual([{ '@type': 'Person', name: 'Sergey Rumyantsev', affiliation: { '@type': 'Organization', name: 'Institute of Philosophy, Baku' } }]);
    expect(ld.datePublished).toBe('2013-03-15');
    expect(ld.inLanguage).toBe('en-GB');
    expect((ld.citation as string[])[2]).toMatch(/0042\.$/);
  });

  it('uses an author-date model’s abstract, authors and missing fields as given', () => {
    const page = fromHtml(renderHtmlPage(authorDateModel(), { pdfUrl: 'x.pdf' }));
    const metas = byTag(page, 'meta');
    const named = (name: string) => metas.filter((m) => attr(m, 'name') === name).map((m) => attr(m, 'content'));
    expect(named('description')).toEqual(['A short abstract for the description.']);
    expect(named('citation_author')).toEqual(['Ann Author', 'Bea Auteur']);
    expect(named('citation_author_orcid')).toEqual(['0000-0002-1825-0097']);
    expect(named('citation_publication_date')).toEqual(['2012']);
    expect(named('citation_pdf_url')).toEqual(['x.pdf']);
    const published = renderHtmlPage(authorDateModel(), { pdfUrl: 'x.pdf', pageUrl: 'https://example.org/notes/x.html' });
    expect(published).toContain('<meta name="citation_pdf_url" content="https://example.org/notes/x.pdf">');
    expect(published).toContain('<link rel="canonical" href="https://example.org/notes/x.html">');
    expect(published).toContain('"contentUrl": "https://example.org/notes/x.pdf"');
    expect(named('citation_technical_report_institution')).toEqual([]);
    expect(toString(byTag(page, 'header')[0]!)).not.toMatch(/CARIM/);
    // The bibliography had no heading: it gets one, and is named by it.
    const bib = elements(page, (e) => attr(e, 'role') === 'doc-bibliography')[0]!;
    const heading = byTag(bib, 'h2')[0]!;
    expect(toString(heading)).toBe('References');
    expect(attr(bib, 'ariaLabelledBy')).toEqual([attr(heading, 'id')]);
    // The wide table scrolls in its own focusable, named box.
    const box = elements(page, (e) => attr(e, 'role') === 'region')[0]!;
    expect(attr(box, 'tabIndex')).toBe(0);
    expect(attr(box, 'ariaLabel')).toBe('Table 1');
  });

  it('avoids ids the manuscript already uses', () => {
    const model = noteStyleModel();
    model.body.children.unshift({ type: 'element', tagName: 'p', properties: { id: 'fn-1' }, children: [{ type: 'text', value: 'x' }] });
    const page = fromHtml(renderHtmlPage(model));
    const ids = elements(page, (e) => typeof attr(e, 'id') === 'string').map((e) => attr(e, 'id'));
    expect(new Set(ids).size).toBe(ids.length);
    const call = elements(page, (e) => attr(e, 'role') === 'doc-noteref')[0]!;
    expect(attr(call, 'href')).toBe('#fn-1-2');
  });

  it('marks English labels on a page in a language without built-in labels', () => {
    const model = noteStyleModel();
    model.metadata = metadata({ lang: 'az' });
    const page = renderHtmlPage(model);
    expect(page).toContain('<html lang="az">');
    expect(page).toMatch(/<a class="skip-link" href="#text" lang="en">Skip to text<\/a>/);
    expect(page).toMatch(/<h2 id="notes-title" lang="en">Notes<\/h2>/);
    expect(page).toMatch(/role="doc-noteref" aria-label="Note 1" lang="en"/);
    // Labels given for the page are taken to be in its language.
    const own = renderHtmlPage(model, { labels: { notes: 'Qeydlər' } });
    expect(own).toContain('<h2 id="notes-title">Qeydlər</h2>');
    expect(own).not.toContain('lang="en"');
  });

  it('sets the direction of a right-to-left page', () => {
    const model = noteStyleModel();
    model.metadata = metadata({ lang: 'ar' });
    expect(renderHtmlPage(model)).toContain('<html lang="ar" dir="rtl">');
  });

  it('labels a page in a built-in language in that language', () => {
    const model = noteStyleModel();
    model.metadata = metadata({ lang: 'ru' });
    const page = renderHtmlPage(model);
    expect(page).toContain('aria-label="Примечание 1"');
    expect(page).toContain('<h2 id="notes-title">Примечания</h2>');
    expect(page).not.toContain('lang="en"');
  });
});

describe('normaliseLang', () => {
  it('turns codes, slips and names into registered tags, and refuses the rest', () => {
    expect(normaliseLang('ru')).toBe('ru');
    expect(normaliseLang('en_GB')).toBe('en-GB');
    expect(normaliseLang('rus')).toBe('ru');
    expect(normaliseLang('Russian')).toBe('ru');
    expect(normaliseLang('azerbaijani')).toBe('az');
    expect(normaliseLang('sr-Latn-RS')).toBe('sr-Latn-RS');
    expect(normaliseLang('Klingonese')).toBeNull();
    expect(normaliseLang('not a language')).toBeNull();
    expect(normaliseLang('')).toBeNull();
  });

  it('reads every English language name, though codes are read without the table of names', () => {
    const names = languageNames();
    expect(names.size).toBeGreaterThan(100);
    // Codes skip the table: no name may look like one.
    for (const name of names.keys()) expect(name).not.toMatch(/^[a-z]{2}(?:-[a-z0-9]{1,8})*$/);
    for (const [name, code] of names) expect(normaliseLang(name.toUpperCase())).toBe(code);
    expect(normaliseLang('Ewe')).toBe('ee');
    expect(normaliseLang('EN-gb')).toBe('en-GB');
    expect(normaliseLang('xq')).toBeNull();
  });

  it('knows a two-letter code exactly when the runtime names it in English', () => {
    const display = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const named: string[] = [];
    const read: string[] = [];
    for (const a of letters)
      for (const b of letters) {
        const code = a + b;
        if (display.of(code) !== code) named.push(code);
        if (normaliseLang(code) !== null) read.push(code);
      }
    expect(read).toEqual(named);
    expect(normaliseLang('az-Latn-AZ')).toBe('az-Latn-AZ');
    expect(normaliseLang('iw')).toBe('he');
    expect(normaliseLang('qq-GB')).toBeNull();
  });

  it('cleans the lang attributes of the page', () => {
    const model = noteStyleModel();
    const entries = (model.bibliography!.children as Element[]).filter((c) => c.type === 'element' && c.tagName === 'div');
    entries[0]!.properties.lang = 'English';
    entries[2]!.properties.lang = 'nonsense words';
    const page = renderHtmlPage(model);
    expect(page).toContain('id="ref-morehouse2011" lang="en"');
    expect(page).toContain('id="ref-safarov2012" lang="ru"');
    expect(page).toMatch(/<div class="csl-entry" id="ref-doi">/);
  });
});

describe('linkify', () => {
  it('makes followable hrefs and refuses what is not a web URL', () => {
    expect(hrefFor('doi:10.1000/182')).toBe('https://doi.org/10.1000/182');
    expect(hrefFor('10.1000/182')).toBe('https://doi.org/10.1000/182');
    expect(hrefFor('www.example.org/a|b')).toBe('http://www.example.org/a%7Cb');
    expect(hrefFor('http://localhost')).toBeNull();
  });
});

describe('heading ids', () => {
  it('are the slugs github-slugger makes, ASCII by its short pattern', () => {
    for (let code = 0; code < 128; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(baseSlug(text), `U+${code.toString(16)}`).toBe(githubSlug(text));
    }
    const pool = ['Notes', 'notes', 'Notes 1', 'notes-1', 'A_b', ' x ', 'R\u00e9sum\u00e9', '\u0130stanbul', 'Caf\u00c9', '\u00ab\u00a0Hi\u00a0\u00bb', '1.2', '', '-', '__proto__', 'constructor', 'Tab\there', '\u{1F600} smile'];
    let seed = 11;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let round = 0; round < 200; round++) {
      const ours = new HeadingSlugs();
      const theirs = new GithubSlugger();
      for (let i = 0; i < 12; i++) {
        const text = Array.from({ length: 1 + next(3) }, () => pool[next(pool.length)]).join(next(2) ? ' ' : '');
        expect(ours.slug(text)).toBe(theirs.slug(text));
      }
    }
  });
});

describe('fonts', () => {
  it('ships only the faces and subsets the text uses', () => {
    const model = noteStyleModel();
    const html = fromHtml(renderHtmlPage(model));
    const body = byTag(html, 'body')[0]!;
    const faces = fontFacesFor(body).map((f) => f.file);
    expect(faces).toContain('tinos-latin-400-normal.woff2');
    expect(faces).toContain('tinos-latin-700-normal.woff2');
    expect(faces).toContain('tinos-cyrillic-400-normal.woff2'); // the Russian entry
    expect(faces).toContain('tinos-cyrillic-400-italic.woff2'); // its italic journal title
    expect(faces).toContain('tinos-latin-ext-400-normal.woff2'); // Azərbaycan
    expect(faces).not.toContain('tinos-latin-700-italic.woff2');
    expect(faces.some((f) => f.includes('greek') || f.includes('hebrew') || f.includes('vietnamese'))).toBe(false);
  });

  it('chooses the subsets a character-by-character reading of the text would', () => {
    // Every character of every text, in the order it comes, by face: what the quick scan stands in for.
    const bold = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'th']);
    const italic = new Set(['em', 'i', 'cite', 'dfn', 'var']);
    const silent = new Set(['script', 'style', 'template']);
    const charByChar = (tree: Root) => {
      const faces = new Map<string, Set<number>>();
      const visit = (node: Root | RootContent, b: boolean, i: boolean): void => {
        if (node.type === 'text') {
          const key = `${b ? 700 : 400}-${i ? 'italic' : 'normal'}`;
          if (!faces.has(key)) faces.set(key, new Set());
          for (const c of node.value) faces.get(key)!.add(c.codePointAt(0)!);
        } else if (node.type === 'root' || node.type === 'element') {
          if (node.type === 'element' && silent.has(node.tagName)) return;
          const nb = b || (node.type === 'element' && bold.has(node.tagName));
          const ni = i || (node.type === 'element' && italic.has(node.tagName));
          for (const child of node.children) visit(child, nb, ni);
        }
      };
      visit(tree, false, false);
      return faces;
    };
    // Characters from every subset and from between them, where the order decides: U+0304 is in
    // Latin, Latin Extended and Vietnamese; U+0307 in Hebrew only; U+0301 in Cyrillic and Vietnamese.
    const pool = [
      'a', ' ', '\u00e9', '\u00ff', '\u0100', '\u0131', '\u0304', '\u0301', '\u0307', '\u0308', '\u0410', '\u0460', '\u03b1', '\u1f00',
      '\u1ea0', '\u05d0', '\u2013', '\u2010', '\u200c', '\u20ab', '\u20b4', '\u2116', '\u{1d400}', '\ud800', '\u4e00', '\u0000',
    ];
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const word = () => Array.from({ length: 1 + next(6) }, () => pool[next(pool.length)]).join('');
    const tags = ['p', 'em', 'strong', 'span', 'h2', 'script', 'cite'];
    const element = (depth: number): Element => ({
      type: 'element',
      tagName: tags[next(tags.length)]!,
      properties: {},
      children: Array.from({ length: 1 + next(4) }, () => (depth < 3 && next(3) === 0 ? element(depth + 1) : { type: 'text' as const, value: word() })),
    });
    for (let round = 0; round < 400; round++) {
      const tree: Root = { type: 'root', children: Array.from({ length: 1 + next(4) }, () => element(0)) };
      expect(fontFacesFor(tree)).toEqual(facesForText(charByChar(tree)));
    }
  });
});

interface Edition {
  label: string;
  file: string;
  model: DocumentModel;
}

/**
 * What the browser and checker suites read: the fixture models, then the
 * default manuscript and every manuscript in test/fixtures/html/, each with
 * the style its front matter names and with `apa` (author-date).
 */
const fixtureDir = path.join(root, 'test', 'fixtures', 'html');
const manuscripts = [path.join(root, 'manuscript', 'readmission-azerbaijan.md'), ...readdirSync(fixtureDir).filter((n) => n.endsWith('.md')).map((n) => path.join(fixtureDir, n))].filter((m) => existsSync(m));

const sources: { label: string; make: () => Promise<DocumentModel> }[] = [
  { label: 'note style (fixture model)', make: async () => noteStyleModel() },
  { label: 'author-date (fixture model)', make: async () => authorDateModel() },
  ...manuscripts.flatMap((input) =>
    [undefined, 'apa'].map((style) => {
      const name = `${path.basename(input, '.md')}${style ? `-${style}` : ''}`;
      return {
        label: name,
        make: async () => {
          const model = await buildDocument({ input, style });
          expect(model.file.messages.map(String), name).toEqual([]);
          return { ...model, name };
        },
      };
    }),
  ),
];
const labels = sources.map((s) => s.label);
const editions = new Map<string, Edition>();
let outDir = '';
let brokenPage = '';

describe('the written edition', () => {
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'colophon-html-'));
    brokenPage = path.join(outDir, 'made-to-fail.html');
    await writeFile(
      brokenPage,
      '<!doctype html><html><head><title>x</title></head><body><main><p style="width:900px">wide</p><a href="#nowhere"><img src="x.png"></a><div role="doc-endnote">x</div></main></body></html>',
    );
    for (const { label, make } of sources) {
      const model = await make();
      const [file] = await writeHtmlEdition(model, { outDir, pdf: true });
      editions.set(label, { label, file: file!, model });
    }
  });
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes the page with its stylesheet and fonts beside it', async () => {
    const model = noteStyleModel();
    const dir = await mkdtemp(path.join(tmpdir(), 'colophon-html-files-'));
    try {
      const written = await writeHtmlEdition(model, { outDir: dir });
      expect(written[0]).toBe(path.join(dir, 'sample-note.html'));
      const names = written.slice(1).map((p) => path.relative(dir, p)).sort();
      expect(names).toContain(path.join('sample-note_files', 'screen.css'));
      expect(names).toContain(path.join('sample-note_files', 'LICENSE-Tinos.txt'));
      expect(names.filter((n) => n.endsWith('.woff2')).length).toBeGreaterThanOrEqual(3);
      const css = await readFile(path.join(dir, 'sample-note_files', 'screen.css'), 'utf8');
      for (const name of names.filter((n) => n.endsWith('.woff2'))) expect(css).toContain(`url('${path.basename(name)}')`);
      expect(css).toContain('prefers-color-scheme: dark');
      expect(css).toContain('@media print');
      const page = await readFile(written[0]!, 'utf8');
      expect(page).not.toContain('<img');
      // A rebuild without the Russian entry drops the Cyrillic subsets it no longer needs.
      const latinOnly = noteStyleModel();
      const bib = latinOnly.bibliography!;
      bib.children = bib.children.filter((c) => !(c.type === 'element' && c.properties?.lang === 'ru'));
      latinOnly.notes[3]!.children = [{ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: 'Latin only.' }] }];
      const rewritten = await writeHtmlEdition(latinOnly, { outDir: dir });
      const fonts = (await readdir(path.join(dir, 'sample-note_files'))).filter((n) => n.endsWith('.woff2'));
      expect(fonts.some((n) => n.includes('cyrillic'))).toBe(false);
      expect(fonts.sort()).toEqual(rewritten.filter((p) => p.endsWith('.woff2')).map((p) => path.basename(p)).sort());
      expect(page).toContain('href="sample-note_files/screen.css"');
      expect(page).not.toMatch(/<script(?![^>]*application\/ld\+json)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('copies local images beside the page and points the text at the copies', async () => {
    const edition = editions.get('unseen-note')!;
    const page = await readFile(edition.file, 'utf8');
    expect(page).toContain('src="unseen-note_files/images/returnees.svg"');
    expect(existsSync(path.join(outDir, 'unseen-note_files', 'images', 'returnees.svg'))).toBe(true);
  });

  describe('in Chromium', () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (requireTool('Chromium', await hasBrowser())) browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it.each(labels)('%s: no axe-core violation at 1280 and 375 px, light and dark', async (label) => {
      if (!browser) return;
      const edition = editions.get(label)!;
      const found: string[] = [];
      const viewings: Viewing[] = [{ width: 1280 }, { width: 375 }, { width: 1280, dark: true }, { width: 375, dark: true }];
      // A followed note link highlights its target: that colour must pass too.
      if (edition.model.notes.length > 0) viewings.push({ width: 1280, hash: '#fn-1' }, { width: 375, dark: true, hash: '#fnref-1' });
      for (const viewing of viewings) {
        const page = await openPage(browser, edition.file, viewing);
        try {
          for (const v of await axeViolations(page)) found.push(`@${viewing.width}${viewing.dark ? ' dark' : ''}${viewing.hash ?? ''}: ${v}`);
        } finally {
          await page.close();
        }
      }
      expect(found).toEqual([]);
    });

    it.each(labels)('%s: never scrolls sideways at 320 and 375 px', async (label) => {
      if (!browser) return;
      const edition = editions.get(label)!;
      for (const width of [320, 375]) {
        const page = await openPage(browser, edition.file, { width });
        try {
          expect(await horizontalOverflow(page), `${width} px`).toBeLessThanOrEqual(0);
        } finally {
          await page.close();
        }
      }
    });

    it.each(labels)('%s: every call reaches its note and every note returns to its call', async (label) => {
      if (!browser) return;
      const edition = editions.get(label)!;
      const page = await openPage(browser, edition.file, { width: 1280 });
      try {
        expect(await brokenFragmentLinks(page)).toEqual([]);
        const images = await page.evaluate(() => [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src));
        expect(images, 'images that did not load').toEqual([]);
        const trip = await noteRoundTrip(page);
        expect(trip.problems).toEqual([]);
        expect(trip.calls).toBe(edition.model.notes.length);
        expect(trip.notes).toBe(edition.model.notes.length);
      } finally {
        await page.close();
      }
    });

    it.each(labels)('%s: the keyboard reaches every link, each on screen when focused', async (label) => {
      if (!browser) return;
      const edition = editions.get(label)!;
      const page = await openPage(browser, edition.file, { width: 375, height: 700, reducedMotion: true });
      try {
        const walk = await keyboardWalk(page);
        expect(walk.missed).toEqual([]);
        expect(walk.unseen).toEqual([]);
        expect(walk.reached).toBe(walk.focusable);
      } finally {
        await page.close();
      }
    });

    it('the harness itself sees violations on a page made to fail', async () => {
      if (!browser) return;
      const page = await openPage(browser, brokenPage, { width: 375 });
      try {
        const ids = (await axeViolations(page)).map((v) => v.split(':')[0]);
        expect(ids).toContain('html-has-lang');
        expect(ids).toContain('link-name');
        expect(await horizontalOverflow(page)).toBeGreaterThan(0);
        expect(await brokenFragmentLinks(page)).toEqual(['#nowhere']);
      } finally {
        await page.close();
      }
    });

    it('prints without its screen-only parts, black on white', async () => {
      if (!browser) return;
      const page = await openPage(browser, editions.get(labels[0]!)!.file, { width: 794, dark: true });
      try {
        await page.emulateMediaType('print');
        const printed = await page.evaluate(() => ({
          skip: getComputedStyle(document.querySelector('.skip-link')!).display,
          backlink: getComputedStyle(document.querySelector('[role="doc-backlink"]')!).display,
          text: getComputedStyle(document.body).color,
          background: getComputedStyle(document.body).backgroundColor,
          link: getComputedStyle(document.querySelector('[role="doc-bibliography"] a')!).color,
        }));
        expect(printed).toEqual({ skip: 'none', backlink: 'none', text: 'rgb(0, 0, 0)', background: 'rgb(255, 255, 255)', link: 'rgb(0, 0, 0)' });
      } finally {
        await page.close();
      }
    });

    it('loads its own fonts from beside the page', async () => {
      if (!browser) return;
      const page = await openPage(browser, editions.get(labels[0]!)!.file, { width: 1280 });
      try {
        const loaded = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family} ${f.weight} ${f.style}`));
        expect(loaded).toContain('Tinos 400 normal');
        expect(loaded).toContain('Tinos 700 normal');
        const family = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
        expect(family).toMatch(/^Tinos/);
      } finally {
        await page.close();
      }
    });
  });

  it('passes the Nu HTML Checker without errors or warnings', () => {
    if (!requireTool('Java (for the Nu HTML Checker)', hasJava())) return;
    const all = vnuMessages([brokenPage, ...[...editions.values()].map((e) => e.file)]);
    // The checker is really reading: the page made to fail has errors.
    const isBroken = (m: { url?: string }) => decodeURIComponent(m.url ?? '').endsWith(path.basename(brokenPage));
    expect(all.filter(isBroken).some((m) => m.type === 'error')).toBe(true);
    const messages = all.filter((m) => !isBroken(m));
    const problems = messages.map((m) => `${path.basename(decodeURIComponent(m.url ?? ''))}:${m.lastLine ?? ''} ${m.type}${m.subType ? `/${m.subType}` : ''}: ${m.message}`);
    expect(problems).toEqual([]);
  });
});
