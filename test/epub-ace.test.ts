/**
 * DAISY Ace on the ebook edition: the richest hand-built fixture (page
 * list, table, image, block quotation, bibliography, colophon), the
 * fixture with traps, the default manuscript and the French fixture
 * manuscript, each with a page list.
 * Ace exits 0 whatever it finds, so the verdict is read from its report
 * (`earl:result` → `earl:outcome`).
 * Then the content documents in Chromium: no sideways scrolling on a
 * 320 px wide screen with the ebook stylesheet; and the page list built
 * from the print edition's own page starts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEpub } from '../src/epub/index.js';
import { findBrowser, launchBrowser } from '../src/browser.js';
import { buildDocument } from '../src/index.js';
import { paginate } from '../src/pdf/index.js';
import { awkwardModel, richModel, richPageStarts } from './fixtures/epub/models.js';
import { ace, elements, hasAce, parseXhtml, prop, spreadPageStarts, toolAvailable, unzip } from './fixtures/epub/tools.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modified = new Date('2026-03-01T12:34:56Z');

describe('DAISY Ace', () => {
  let available = false;
  beforeAll(async () => {
    // Ace checks the content documents in a browser: it needs one as much as its own package.
    available = toolAvailable('DAISY Ace (npm install -D @daisy/ace-cli@1.4.6) with Chromium', hasAce() && (await findBrowser()) !== null);
  });

  it('passes the richest fixture', async (context) => {
    if (!available) return context.skip();
    const result = await ace(makeEpub(richModel(), { pageStarts: richPageStarts, modified }));
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe('pass');
  });

  it('passes the fixture with traps (skipped heading levels, ids that clash, images it cannot carry)', async (context) => {
    if (!available) return context.skip();
    const result = await ace(makeEpub(awkwardModel(), { pageStarts: [{ page: 2, block: 1, offset: 2 }], modified }));
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe('pass');
  });

  it.for([
    ['the default manuscript', 'manuscript/readmission-azerbaijan.md'],
    ['the French fixture manuscript (aligned table columns, a language given by name)', 'test/fixtures/epub/manuscripts/retours-fr.md'],
  ])('passes %s', async ([, manuscript], context) => {
    if (!available) return context.skip();
    const model = await buildDocument({ input: path.join(root, manuscript) });
    const result = await ace(makeEpub(model, { pageStarts: spreadPageStarts(model, 6), modified }));
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe('pass');
  });
});

describe('the ebook stylesheet in Chromium', () => {
  it('needs no sideways scrolling at 320 px, long URLs included', async (context) => {
    if (!toolAvailable('Chromium', (await findBrowser()) !== null)) return context.skip();
    const model = await buildDocument({ input: path.join(root, 'manuscript/readmission-azerbaijan.md') });
    const { files } = unzip(makeEpub(model, { modified }));
    const dir = await mkdtemp(path.join(tmpdir(), 'colophon-epub-css-'));
    const browser = await launchBrowser();
    try {
      for (const [name, data] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), data);
      }
      const page = await browser.newPage();
      await page.setViewport({ width: 320, height: 640 });
      const widths: Record<string, number[]> = {};
      for (const doc of ['title', 'nav', 'text', 'colophon']) {
        await page.goto(`file://${path.join(dir, 'EPUB', `${doc}.xhtml`)}`);
        widths[doc] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      }
      expect(widths).toEqual({ title: [320, 320], nav: [320, 320], text: [320, 320], colophon: [320, 320] });
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the page list from the print edition', () => {
  it('marks every page the print edition of the default manuscript has, in reading order', async (context) => {
    if (!toolAvailable('Chromium', (await findBrowser()) !== null)) return context.skip();
    const model = await buildDocument({ input: path.join(root, 'manuscript/readmission-azerbaijan.md') });
    const browser = await launchBrowser();
    let pageStarts;
    try {
      pageStarts = await paginate(model, { browser });
    } finally {
      await browser.close();
    }
    expect(pageStarts.length).toBeGreaterThan(1);
    const { text } = unzip(makeEpub(model, { pageStarts, modified }));
    const nav = parseXhtml(text('EPUB/nav.xhtml'));
    const pageList = elements(nav, (e) => prop(e, 'epub:type') === 'page-list')[0];
    const numbers = elements(pageList, (e) => e.tagName === 'a').map((a) => Number(prop(a, 'href')!.split('#page-')[1]));
    expect(numbers).toEqual(pageStarts.map((s) => s.page));
    // The markers come in page order through the text.
    const textDoc = text('EPUB/text.xhtml');
    const positions = numbers.slice(1).map((n) => textDoc.indexOf(`id="page-${n}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
