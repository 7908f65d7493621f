/**
 * Which browser a build prints with: a headless shell before a whole
 * browser. And that the shell prints what the whole browser prints: the
 * same PDF, object for object, but for the browser's own document
 * information, which Colophon's replaces.
 *
 * Needs Debian's `chromium-headless-shell` and `chromium`, and
 * poppler-utils (skipped without them, failing in CI).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBrowser, isHeadlessShell } from '../src/browser.js';
import { build } from '../src/build.js';
import { requireTool } from './helpers/tools.js';
import { hasTool, pageText, pdfFonts, pdfInfo } from './fixtures/pdf/read-pdf.js';

const shell = '/usr/bin/chromium-headless-shell';
const whole = '/usr/bin/chromium';

describe('a headless shell', () => {
  it('is told by its file name', () => {
    expect(isHeadlessShell(shell)).toBe(true);
    expect(isHeadlessShell('/home/a/.cache/puppeteer/chrome-headless-shell/linux-131.0.6778.204/chrome-headless-shell-linux64/chrome-headless-shell')).toBe(true);
    expect(isHeadlessShell('/opt/chrome/headless_shell')).toBe(true);
    expect(isHeadlessShell(whole)).toBe(false);
    expect(isHeadlessShell('/usr/bin/google-chrome-stable')).toBe(false);
    // A folder's name says nothing of the executable in it.
    expect(isHeadlessShell('/opt/chrome-headless-shell/chrome')).toBe(false);
  });
});

const both = requireTool(
  "Debian's chromium-headless-shell and chromium",
  existsSync(shell) && existsSync(whole),
  'the tests of the browser chosen and of what each prints are skipped',
);
const poppler = requireTool('poppler-utils', hasTool('pdftotext') && hasTool('pdfinfo') && hasTool('pdffonts'), 'the comparison of the two browsers’ PDFs is skipped');

describe.runIf(both)('the browser a build takes', () => {
  const saved = { path: process.env.PUPPETEER_EXECUTABLE_PATH, cache: process.env.PUPPETEER_CACHE_DIR };
  beforeEach(() => {
    delete process.env.PUPPETEER_EXECUTABLE_PATH;
    // An empty cache of Puppeteer's: the system's browsers are looked at.
    process.env.PUPPETEER_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'colophon-no-cache-'));
  });
  afterEach(() => {
    for (const [key, value] of [['PUPPETEER_EXECUTABLE_PATH', saved.path], ['PUPPETEER_CACHE_DIR', saved.cache]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("is the system's headless shell where the whole browser is there too", async () => {
    expect(await findBrowser()).toEqual({ executablePath: shell, source: 'system' });
  });

  it('is the one named, shell or not', async () => {
    expect(await findBrowser(whole)).toEqual({ executablePath: whole, source: 'option' });
    process.env.PUPPETEER_EXECUTABLE_PATH = whole;
    expect(await findBrowser()).toEqual({ executablePath: whole, source: 'environment' });
  });
});

/** A PDF's objects, in file order, by number (each version of an object in turn). */
function objects(file: string): Array<[string, string]> {
  const text = readFileSync(file).toString('latin1');
  return [...text.matchAll(/(?<=^|\n)(\d+ \d+) obj\b([^]*?)\bendobj/g)].map((m) => [m[1], m[2]]);
}

const sourceDateEpoch = '1700000000';

describe.runIf(both && poppler)('the headless shell and the whole browser', () => {
  it('print the same PDF, but for the browser’s own Creator, which Colophon’s document information replaces', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-shell-'));
    const input = path.join(dir, 'paper.md');
    writeFileSync(
      input,
      [
        '---',
        'title: Two browsers',
        'author: A. Writer',
        'lang: en',
        '---',
        '',
        '# Printed twice',
        '',
        'A paragraph with a note.[^1] Another “quoted” word, and *emphasis*.',
        '',
        '## A second heading',
        '',
        ...Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} of the body, long enough to wrap across the measure of the page more than once, so that the text runs onto a second page.\n`),
        '[^1]: The note, at the foot of its page.',
        '',
      ].join('\n'),
    );
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = sourceDateEpoch;
    const pdfs: string[] = [];
    try {
      for (const [name, browserPath] of [['shell', shell], ['whole', whole]]) {
        const outDir = path.join(dir, name);
        mkdirSync(outDir);
        const result = await build({ inputs: [input], formats: ['pdf'], outDir, browserPath, cache: false });
        expect(result.ok, JSON.stringify(result.documents[0].model.file.messages.map((m) => m.reason))).toBe(true);
        pdfs.push(path.join(outDir, 'paper.pdf'));
      }
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
    const [fromShell, fromWhole] = pdfs.map(objects);
    expect(fromShell.length).toBeGreaterThan(20);
    expect(fromShell.map(([id]) => id)).toEqual(fromWhole.map(([id]) => id));
    const differing = fromShell.flatMap(([id, body], i) => (body === fromWhole[i][1] ? [] : [{ id, shell: body, whole: fromWhole[i][1] }]));
    // The one object that differs is the browser's own document information.
    expect(differing.map((d) => d.id)).toEqual(['1 0']);
    expect(differing[0].shell).toContain('/Creator (Chromium)');
    expect(differing[0].whole).toMatch(/\/Creator \(Mozilla\/5\.0 .*HeadlessChrome\//);
    expect(differing[0].shell.replace(/\/Creator \((?:[^()\\]|\\.)*\)/, '')).toBe(differing[0].whole.replace(/\/Creator \((?:[^()\\]|\\.)*\)/, ''));
    // What a reader sees: Colophon's own information, the same text page by page, the same fonts.
    const [shellInfo, wholeInfo] = pdfs.map(pdfInfo);
    expect(shellInfo.Creator).toBe('Colophon');
    expect(wholeInfo.Creator).toBe('Colophon');
    const pages = Number(shellInfo.Pages);
    expect(pages).toBeGreaterThan(1);
    expect(wholeInfo.Pages).toBe(shellInfo.Pages);
    for (let page = 1; page <= pages; page++) expect(pageText(pdfs[0], page), `page ${page}`).toBe(pageText(pdfs[1], page));
    expect(pageText(pdfs[0], pages)).toContain('Paragraph 40 of the body');
    // The note is printed at the foot of the page that calls it.
    expect(pageText(pdfs[0], 1)).toContain('The note, at the foot of its page.');
    expect(pdfFonts(pdfs[0])).toEqual(pdfFonts(pdfs[1]));
    expect(pdfFonts(pdfs[0]).every((font) => font.embedded)).toBe(true);
  });
});
