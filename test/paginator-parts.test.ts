/**
 * The paginator's parts one by one: the pure ones here in Node (cut
 * choice, label choice, budgets), the DOM ones in a Chromium page with the
 * print stylesheet (line measuring, splitting at a line, between children
 * and between table rows, white space, scaling).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser } from '../src/browser.js';
import { forLanguage } from '../src/pdf/labels.js';
import { validCuts } from '../src/pdf/paginator/lines.js';

describe('validCuts', () => {
  const rules = (para: string) => ({ orphans: 2, widows: 2, keepWithNext: para.startsWith('h') });
  const lines = (...paras: string[]) => paras.map((para) => ({ para }));

  it('cuts between paragraphs, and inside one only with 2 lines on each side', () => {
    expect(validCuts(lines('p1', 'p1', 'p1', 'p1', 'p1', 'p2'), rules)).toEqual([0, 2, 3, 5, 6]);
  });

  it('never cuts after a heading (keep with next)', () => {
    expect(validCuts(lines('h1', 'p1', 'p1', 'p1', 'p1'), rules)).toEqual([0, 3, 5]);
  });

  it('reads orphans and widows per paragraph', () => {
    const strict = (para: string) => ({ orphans: para === 'a' ? 3 : 1, widows: para === 'a' ? 3 : 1, keepWithNext: false });
    expect(validCuts(lines('a', 'a', 'a', 'a', 'a', 'a', 'b', 'b'), strict)).toEqual([0, 3, 6, 7, 8]);
  });

  it('with lines measured only in part, counts the unmeasured rest and offers no "whole block" cut', () => {
    expect(validCuts(lines('p', 'p', 'p'), rules, false)).toEqual([0, 2]);
  });
});

describe('continuation label by language', () => {
  const table = { en: '(Contd.)', de: '(Forts.)', 'pt-BR': '(Cont.)', pt: '(Contin.)' };
  it('takes the full tag, then the primary subtag, then English', () => {
    expect(forLanguage(table, 'de-AT')).toBe('(Forts.)');
    expect(forLanguage(table, 'pt-br')).toBe('(Cont.)');
    expect(forLanguage(table, 'pt-PT')).toBe('(Contin.)');
    expect(forLanguage(table, 'fi')).toBe('(Contd.)');
  });
});

const browserFound = await findBrowser().catch(() => null);
if (!browserFound && process.env.CI === 'true') throw new Error('The paginator part tests need Chromium in CI.');
if (!browserFound) console.warn('Skipping the paginator part tests in a page: no Chromium.');
const inPage = browserFound ? describe : describe.skip;

let browser: Browser;
let page: Page;
let parts: string;
const css = readFileSync(path.resolve('templates/carim/print.css'), 'utf8');

beforeAll(async () => {
  if (!browserFound) return;
  const bundled = await build({ entryPoints: [path.resolve('src/pdf/paginator/testing.ts')], bundle: true, write: false, format: 'iife', target: 'chrome120', logLevel: 'silent' });
  parts = bundled.outputFiles[0].text;
  browser = await launchBrowser();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
});

/** Lay out `html` in a page box and run `fn` (source text) with the parts as `P`. */
async function run<T>(html: string, fn: string): Promise<T> {
  await page.setContent(`<!DOCTYPE html><html lang="en"><head><style>${css}</style></head><body><div class="page"><div class="page-area"><div class="page-body" id="b">${html}</div><div class="page-notes"></div></div></div></body></html>`);
  await page.evaluate(parts);
  return (await page.evaluate(`(() => { const P = globalThis.colophonPaginatorParts; const b = document.getElementById('b'); ${fn} })()`)) as T;
}

const prose = 'Readmission agreements and the problems of irregular migration are considered here at some length. '.repeat(12);

inPage('paginator parts in a page', () => {
  it('measures the lines of a paragraph, and stops below a limit', async () => {
    const result = await run<{ all: number; some: number; complete: boolean; first: number }>(
      `<p id="p">${prose}</p>`,
      `const m = new P.lines.LineMeasurer(); const p = document.getElementById('p');
       const all = m.linesOf(p);
       const limit = all.lines[2].top + 1;
       const some = m.linesOf(p, limit, 1);
       return { all: all.lines.length, some: some.lines.length, complete: some.complete, first: all.lines[1].offset };`,
    );
    expect(result.all).toBeGreaterThan(6);
    expect(result.some).toBeLessThan(result.all);
    expect(result.some).toBeGreaterThanOrEqual(3);
    expect(result.complete).toBe(false);
    expect(result.first).toBeGreaterThan(40);
  });

  it('splits a paragraph at a line start, losing and doubling nothing', async () => {
    const result = await run<{ before: string; after: string; whole: string; offset: string }>(
      `<blockquote data-block="3" id="q"><p>${prose}</p></blockquote>`,
      `const q = document.getElementById('q'); const whole = q.textContent;
       const lines = new P.lines.LineMeasurer().linesOf(q).lines; const l = lines[3];
       const rest = P.split.splitAt(q, l.node, l.offset, l.para);
       return { before: q.textContent, after: rest.textContent, whole, offset: rest.dataset.offset, tag: rest.tagName };`,
    );
    expect(result.before + result.after).toBe(result.whole);
    expect(Number(result.offset)).toBe(result.before.length);
  });

  it('cuts a long list after a run of items, the numbering going on', async () => {
    const items = Array.from({ length: 30 }, (_, i) => `<li>Item ${i + 1}</li>`).join('');
    const result = await run<{ kept: number; rest: number; start: number; chunked: boolean; id: string; offset: string }>(
      `<ol data-block="0" id="l">${items}</ol>`,
      `const l = document.getElementById('l'); const first = P.split.chunkContainer(l, 12);
       return { kept: first.children.length, rest: l.children.length, start: l.start, chunked: first.hasAttribute('data-chunk'), id: first.id + '|' + l.id, offset: l.dataset.offset };`,
    );
    expect(result).toEqual({ kept: 12, rest: 18, start: 13, chunked: true, id: 'l|', offset: String('Item 1Item 2Item 3Item 4Item 5Item 6Item 7Item 8Item 9Item 10Item 11Item 12'.length) });
  });

  it('cuts a long container deep inside (a bibliography in its section)', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => `<div class="csl-entry">Entry ${i}</div>`).join('');
    const result = await run<{ kept: number; rest: number; restHasHeading: boolean }>(
      `<section class="references" id="s"><h2>Bibliography</h2>${entries}</section>`,
      `const s = document.getElementById('s'); const first = P.split.chunkContainer(s, 12);
       return { kept: first.querySelectorAll('.csl-entry').length, rest: s.querySelectorAll('.csl-entry').length, restHasHeading: !!s.querySelector('h2') };`,
    );
    expect(result).toEqual({ kept: 11, rest: 29, restHasHeading: false });
  });

  it('splits a table between rows with its header repeated', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `<tr><td>r${i}</td><td>x</td></tr>`).join('');
    const result = await run<{ first: string[]; second: string[]; head: string }>(
      `<table id="t"><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table>`,
      `const t = document.getElementById('t'); const rest = P.split.splitTable(t, 4);
       const cells = (x) => Array.from(x.querySelectorAll('tbody td:first-child')).map((c) => c.textContent);
       return { first: cells(t), second: cells(rest), head: rest.tHead?.textContent ?? '' };`,
    );
    expect(result.first).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(result.second).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    expect(result.head).toBe('KeyValue');
  });

  it('collapses white space as normal text would show it', async () => {
    const result = await run<string[]>(
      `<p id="a">  Two\n   words  <em> here </em> end </p><ul id="u">\n<li>One</li>\n<li>Two</li>\n</ul><pre id="c">a\nb</pre>`,
      `P.whitespace.collapseWhiteSpace(b);
       return [document.getElementById('a').textContent, JSON.stringify(Array.from(document.getElementById('u').childNodes).map((n) => n.textContent)), document.getElementById('c').textContent];`,
    );
    expect(result[0]).toBe('Two words here end ');
    expect(JSON.parse(result[1])).toEqual(['', 'One', '', 'Two', '']);
    expect(result[2]).toBe('a \nb');
  });

  it('scales a block too large for the page box, shrinking images first', async () => {
    const result = await run<{ imageScale: number; imageHeight: number; blockScale: number }>(
      `<figure id="f"><img src="data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="3000"/>')}" width="100" height="3000"><figcaption>Caption</figcaption></figure><div id="d" style="width: 3000px">Wide</div>`,
      `const f = document.getElementById('f'); const s1 = P.fit.scaleToFit(f, b.clientWidth, 600);
       const d = document.getElementById('d'); const s2 = P.fit.fitWidth(d, 500);
       return { imageScale: s1, imageHeight: f.getBoundingClientRect().height, blockScale: s2 };`,
    );
    expect(result.imageScale).toBe(1);
    expect(result.imageHeight).toBeLessThanOrEqual(601);
    expect(result.blockScale).toBeLessThan(0.2);
  });
});
