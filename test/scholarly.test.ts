/**
 * Scholarly Markdown in all three editions: one manuscript using math,
 * attributes, spans, divs, figures, table captions, cross-references, smart
 * punctuation, inline notes, definition lists, a note called from a note,
 * a contents list, an abstract and affiliations, built with a note style
 * and an author-date style given as `PATH.csl`.
 *
 * One checker reads the HTML's structure; it is applied to Colophon's page
 * and to `pandoc --citeproc --mathml` on the same manuscript. Colophon must
 * pass every check Pandoc passes, and the cross-references besides.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { strFromU8, unzipSync } from 'fflate';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from './helpers/tools.js';

const root = path.join(import.meta.dirname, '..');
const fixture = path.join(import.meta.dirname, 'fixtures', 'scholarly');
const manuscript = path.join(fixture, 'scholarly.md');
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const styles = path.join(root, 'templates', 'csl', 'styles');
const styleFiles = { note: path.join(styles, 'chicago-note-bibliography.csl'), 'author-date': path.join(styles, 'apa.csl') };
const out = mkdtempSync(path.join(tmpdir(), 'colophon-scholarly-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const havePandoc = requireTool('pandoc', hasCommand('pandoc'), 'the comparison with Pandoc is skipped');
const haveJava = requireTool('java', hasCommand('java', ['-version']), 'EPUBCheck is skipped');
const havePoppler = requireTool('pdffonts', hasCommand('pdffonts', ['-v']), 'the PDF checks are skipped');

function elements(tree: Root | Element, test: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (e) => {
    if (test(e)) found.push(e);
  });
  return found;
}
const cls = (e: Element) => ((e.properties.className as string[] | undefined) ?? []).map(String);
const text = (e: Element | Root) => toString(e).replace(/\s+/g, ' ');

/** Checks that are about cross-references (Pandoc needs a filter for them). */
export const crossrefChecks = new Set(['figure caption numbered', 'table caption numbered', 'cross-references', 'equation numbered']);

/** Every check on one HTML page: name → passed. */
export function checkHtml(html: string): Record<string, boolean> {
  const tree = fromHtml(html);
  const body = elements(tree, (e) => e.tagName === 'body')[0] ?? tree;
  const bodyText = text(body);
  const maths = elements(body, (e) => e.tagName === 'math');
  const outsideCode = elements(body, (e) => ['p', 'li', 'dd', 'figcaption', 'caption', 'td'].includes(e.tagName))
    .map((e) => {
      const copy = structuredClone(e);
      visit(copy, 'element', (c) => {
        if (c.tagName === 'math' || c.tagName === 'code') c.children = [];
      });
      return text(copy);
    })
    .join(' ');
  const link = (href: string, label: RegExp) => elements(body, (e) => e.tagName === 'a' && e.properties.href === href).some((a) => label.test(text(a)));
  const span = (lang: string) => elements(body, (e) => e.tagName === 'span' && e.properties.lang === lang);
  const figures = elements(body, (e) => e.tagName === 'figure');
  const captions = elements(body, (e) => e.tagName === 'caption');
  const notes = elements(body, (e) => e.tagName === 'li' && /^fn/.test(String(e.properties.id ?? ''))).map(text).join(' | ');
  const noteDivs = elements(body, (e) => e.tagName === 'div' && cls(e).includes('note'));
  const toc = elements(body, (e) => e.tagName === 'nav' && (e.properties.role === 'doc-toc' || e.properties.id === 'TOC'));
  return {
    'math as MathML': maths.length >= 3 && elements(body, (e) => e.tagName === 'math' && e.properties.display === 'block').length >= 1,
    'no raw TeX': !/\$E|e\^\{rt\}|\\,|S_0/.test(outsideCode),
    'dollars as text': /\$20 and \$30/.test(bodyText),
    figures: figures.length === 2 && figures.every((f) => elements(f, (e) => e.tagName === 'img' && Boolean(e.properties.alt)).length === 1 && elements(f, (e) => e.tagName === 'figcaption').length === 1),
    'figure caption numbered': figures.some((f) => /Figure 1\b.*Returns by year/.test(text(f))) && figures.some((f) => /Figure 2\b/.test(text(f))),
    'image width': elements(body, (e) => e.tagName === 'img' && /width:\s*60%/.test(String(e.properties.style ?? ''))).length === 1,
    'table caption': captions.some((c) => /Returns per year/.test(text(c))),
    'table caption numbered': captions.some((c) => /Table 1\b.*Returns per year/.test(text(c))),
    'column alignment': elements(body, (e) => e.tagName === 'td' && (/text-align:\s*right/.test(String(e.properties.style ?? '')) || e.properties.align === 'right')).length >= 2,
    'cross-references': link('#fig-chart', /^Figure\s1$/) && link('#tbl-prices', /^Table\s1$/) && link('#eq-growth', /^Equation\s\(1\)$/) && link('#sec-intro', /^Section\s1$/) && link('#fig:map', /^Figure\s2$/) && link('#fig-chart', /^1$/),
    'equation numbered': elements(body, (e) => e.properties.id === 'eq-growth').some((e) => /\(1\)/.test(text(e)) && elements(e, (m) => m.tagName === 'math').length === 1),
    'citation key that looks like a label': /A Report Whose Key Looks Like a Label/.test(bodyText) && !link('#fig-legacy', /Figure/),
    'spans with lang': span('fr').length === 1 && span('de').length === 1 && span('ru').length === 1,
    'divs with class, nested': noteDivs.length === 1 && noteDivs[0].properties.lang === 'fr' && elements(noteDivs[0], (e) => e.tagName === 'div' && cls(e).includes('inner')).length === 1,
    'small capitals': elements(body, (e) => e.tagName === 'span' && cls(e).includes('smallcaps')).some((e) => text(e) === 'United Nations'),
    underline: elements(body, (e) => e.tagName === 'u' || (e.tagName === 'span' && cls(e).includes('underline'))).length === 1,
    'definition list': elements(body, (e) => e.tagName === 'dl').some((dl) => elements(dl, (e) => e.tagName === 'dt').map(text).join('|') === 'Readmission|Transit' && elements(dl, (e) => e.tagName === 'dd').length === 2),
    'curly quotes, dashes, ellipsis': /“Returns”/.test(bodyText) && /2010 to 2020 —/.test(bodyText) && /from 2010/.test(bodyText) && / – from/.test(bodyText) && /report…/.test(bodyText) && /It’s/.test(bodyText),
    'quote marks by language': span('fr').some((s) => /«\s?mesure\s?»/.test(text(s))) && span('de').some((s) => /„Abkommen“/.test(text(s))) && span('ru').some((s) => /«соглашение»/.test(text(s))),
    'inline note with its citation': /An inline note citing.*Roe/.test(notes),
    'note called from a note': /The outer note, which calls another/.test(notes) && /Called only from the outer note/.test(notes),
    'contents list': toc.length === 1 && elements(toc[0], (e) => e.tagName === 'a' && e.properties.href === '#sec-intro').length === 1,
    'section numbers': elements(body, (e) => /^h[1-6]$/.test(e.tagName) && e.properties.id === 'sec-data').some((h) => /^2\s+Data/.test(text(h))),
    abstract: /A short note on prices and readmission/.test(bodyText),
    affiliations: /University of Florence/.test(bodyText) && /Institute of Migration Studies/.test(bodyText),
  };
}

function colophon(kind: keyof typeof styleFiles): string {
  const dir = path.join(out, kind);
  execFileSync('node', [cli, 'build', manuscript, '--style', styleFiles[kind], '--out', dir, '-q'], { stdio: 'pipe' });
  return dir;
}

describe.each(Object.keys(styleFiles) as Array<keyof typeof styleFiles>)('scholarly manuscript, %s style', (kind) => {
  const dir = colophon(kind);
  const html = readFileSync(path.join(dir, 'scholarly.html'), 'utf8');
  const ours = checkHtml(html);

  it('passes every check in the HTML', () => {
    expect(Object.entries(ours).filter(([, ok]) => !ok).map(([name]) => name)).toEqual([]);
  });

  it.runIf(havePandoc)('passes every check that Pandoc passes, and the cross-references', () => {
    const pandoc = execFileSync(
      'pandoc',
      [manuscript, '--citeproc', '--mathml', '-s', '--toc', '--number-sections', '--csl', styleFiles[kind], '--resource-path', fixture, '-t', 'html5'],
      { cwd: fixture, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const theirs = checkHtml(pandoc);
    const pandocPasses = Object.entries(theirs).filter(([, ok]) => ok).map(([name]) => name);
    expect(pandocPasses.length).toBeGreaterThan(5);
    const missing = [...pandocPasses, ...crossrefChecks].filter((name) => !ours[name]);
    expect(missing).toEqual([]);
  });

  it.runIf(haveJava)('EPUB passes EPUBCheck, with MathML declared', () => {
    const epub = path.join(dir, 'scholarly.epub');
    const opf = strFromU8(unzipSync(readFileSync(epub))['EPUB/content.opf']);
    expect(opf).toMatch(/properties="[^"]*mathml/);
    const result = execFileSync('java', ['-XX:TieredStopAtLevel=1', '-jar', '/usr/share/java/epubcheck.jar', epub], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result).toMatch(/No errors or warnings detected/);
  });

  it.runIf(havePoppler)('PDF shows numbered captions and typeset math, every font embedded', () => {
    const pdf = path.join(dir, 'scholarly.pdf');
    const pdfText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(pdfText).toMatch(/Figure 1:\s+Returns\s+by\s+year/);
    expect(pdfText).toMatch(/Table 1:\s+Returns\s+per\s+year/);
    expect(pdfText).toMatch(/\(1\)/);
    // The note called only from another note is printed too.
    expect(pdfText).toMatch(/Called only from the outer note/);
    expect(pdfText).not.toMatch(/e\^\{rt\}|\$E/);
    const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line.split(/\s+/).at(-5)).toBe('yes');
  });
});
