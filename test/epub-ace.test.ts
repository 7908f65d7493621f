/**
 * DAISY Ace on the ebook edition: the richest hand-built fixture (page
 * list, table, image, block quotation, bibliography, colophon), the
 * fixture with traps, the default manuscript and the French fixture
 * manuscript, each with a page list.
 * Ace exits 0 whatever it finds, so the verdict is read from its report
 * (`earl:result` → `earl:outcome`).
 * Then the content documents in Chromium: no sideways scrolling on a
 * 320 px wide screen with the ebook stylesheet.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEpub } from '../src/epub/index.js';
import { findBrowser, launchBrowser } from '../src/browser.js';
import { buildDocument } from '../src/index.js';
import { awkwardModel, richModel, richPageStarts } from './fixtures/epub/models.js';
import { ace, hasAce, spreadPageStarts, toolAvailable, unzip } from './fixtures/epub/tools.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modified = new Date('2026-03-01T12:34:56Z');

describe('DAISY Ace', () => {
  let available = false;
  beforeAll(() => {
    available = toolAvailable('DAISY Ace (npm install -D @daisy/ace-cli@1.4.6)', hasAce());
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
