/**
 * The print engine on content that does not fit: tables of 5 to 300 rows,
 * images taller and wider than the page, long nested lists, block quotes
 * and code, a captioned figure at a page end, notes longer than a page.
 * Each is checked in the PDF itself: every text token printed, nothing
 * outside the text area, table headers repeated, pictures inside the page
 * box, the forced decisions reported. Also US Letter paper, the
 * continuation label by language, wide note numbers, the structure text,
 * the runaway guard and the print page's script policy.
 *
 * Needs Chromium and poppler-utils (skipped without them, failing in CI).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser } from '../src/browser.js';
import { build } from '../src/build.js';
import { buildDocument } from '../src/document.js';
import { printContentSecurityPolicy, PrintLayoutError, renderPdf } from '../src/pdf/index.js';
import { rules } from '../src/rules.js';
import { imagesText, listsText, notesText, tablesText, Tokens, writeImages } from './fixtures/print/content.js';
import { callsAndNotes, hasTool, pdfInfo, readPdfXml } from './fixtures/pdf/read-pdf.js';
import { writeBook } from '../scripts/generate-book.mjs';

const tools = ['pdftotext', 'pdfinfo', 'pdftohtml', 'pdfimages'];
const missing = tools.filter((t) => !hasTool(t));
const browserFound = await findBrowser().catch(() => null);
if (!browserFound) missing.push('chromium');
if (missing.length && process.env.CI === 'true') throw new Error(`The print-engine tests need ${missing.join(', ')} in CI.`);
if (missing.length) console.warn(`Skipping the print-engine tests: ${missing.join(', ')} not found.`);
const suite = missing.length ? describe.skip : describe;

let browser: Browser;
beforeAll(async () => {
  if (!missing.length) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Built {
  pdf: string;
  messages: Array<{ ruleId?: string | null; reason: string; line?: number | null }>;
  ok: boolean;
}

/** Write a manuscript (and the images) into a new folder and build its PDF. */
async function buildPdf(frontMatter: string, text: string, options: { unsafeHtml?: boolean; papersize?: 'a4' | 'letter' } = {}): Promise<Built> {
  const dir = mkdtempSync(path.join(tmpdir(), 'colophon-print-'));
  writeImages(dir);
  const file = path.join(dir, 'content.md');
  writeFileSync(file, `---\n${frontMatter.trim()}\n---\n\n${text.trim()}\n`);
  const result = await build({ inputs: [file], formats: ['pdf'], outDir: path.join(dir, 'out'), unsafeHtml: options.unsafeHtml, papersize: options.papersize });
  const doc = result.documents[0];
  return { pdf: path.join(dir, 'out', 'content.pdf'), messages: doc.model.file.messages, ok: doc.ok };
}

function text(pdf: string): string {
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function pagesText(pdf: string): string[] {
  return text(pdf).split('\f').slice(0, -1);
}

interface Box {
  page: number;
  top: number;
  left: number;
  width: number;
  height: number;
  text: string;
}

/** Text runs and images with their boxes (pdftohtml units: 1.5 a point), and the page size. */
function layout(pdf: string): { texts: Box[]; images: Box[]; pageWidth: number; pageHeight: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'colophon-xml-'));
  const xml = execFileSync('pdftohtml', ['-xml', '-q', '-stdout', pdf, path.join(dir, 'x')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const texts: Box[] = [];
  const images: Box[] = [];
  let pageWidth = 0;
  let pageHeight = 0;
  for (const p of xml.matchAll(/<page number="(\d+)"[^>]*height="(\d+)" width="(\d+)">([\s\S]*?)<\/page>/g)) {
    const page = Number(p[1]);
    pageHeight = Number(p[2]);
    pageWidth = Number(p[3]);
    for (const t of p[4].matchAll(/<text top="(-?\d+)" left="(-?\d+)" width="(\d+)" height="(\d+)"[^>]*>([\s\S]*?)<\/text>/g)) {
      texts.push({ page, top: +t[1], left: +t[2], width: +t[3], height: +t[4], text: t[5].replace(/<[^>]+>/g, '') });
    }
    for (const i of p[4].matchAll(/<image top="(-?\d+)" left="(-?\d+)" width="(\d+)" height="(\d+)"/g)) {
      images.push({ page, top: +i[1], left: +i[2], width: +i[3], height: +i[4], text: '' });
    }
  }
  return { texts, images, pageWidth, pageHeight };
}

/** Every token, once at least; nothing but the running head and folio in the margins. */
function expectAllPrinted(built: Built, tokens: Tokens): void {
  expect(built.ok, built.messages.map((m) => m.reason).join('\n')).toBe(true);
  const printed = new Set(text(built.pdf).match(/tok\d{4}/g) ?? []);
  expect(tokens.all.filter((t) => !printed.has(t))).toEqual([]);
  const { texts, images, pageWidth, pageHeight } = layout(built.pdf);
  const margin = (25 / 25.4) * 72 * 1.5;
  const stray = texts
    .filter((r) => /tok\d{4}/.test(r.text))
    // (A run may end in the space that hangs at the end of its line: one space's width of slack on the right.)
    .filter((r) => r.top < margin - 2 || r.top + r.height > pageHeight - margin + 2 || r.left < margin - 2 || r.left + r.width > pageWidth - margin + (r.text.endsWith(' ') ? 8 : 2))
    .map((r) => `p${r.page} ${r.left},${r.top}+${r.width}x${r.height} ${r.text.slice(0, 20)}`);
  expect(stray).toEqual([]);
  const outside = images
    .filter((i) => i.top < margin - 2 || i.top + i.height > pageHeight - margin + 2 || i.left < margin - 2 || i.left + i.width > pageWidth - margin + 2)
    .map((i) => `p${i.page} ${i.left},${i.top} ${i.width}x${i.height}`);
  expect(outside).toEqual([]);
  expect(built.messages.filter((m) => m.ruleId === rules.printOverflow).map((m) => m.reason)).toEqual([]);
}

const front = 'title: Print engine\nauthor: Test Author\nlang: en';

suite('print engine: content that does not fit', () => {
  it('splits tables of 5 to 300 rows between rows, repeating the header on every page', async () => {
    const tokens = new Tokens();
    const built = await buildPdf(front, `# Tables\n\n${tablesText(1, tokens, [5, 90, 300])}`);
    expectAllPrinted(built, tokens);
    const pages = pagesText(built.pdf).map((p) => p.replace(/^\f/, ''));
    // 395 rows: many pages, every one of them with rows.
    expect(pages.filter((p) => /^tok\d{4}\s/m.test(p)).length).toBeGreaterThan(8);
    // Each page that holds rows of a table shows the header above them.
    pages.forEach((page, i) => {
      const firstRow = page.search(/^tok\d{4}\s/m);
      if (firstRow < 0) return;
      const head = page.slice(0, firstRow);
      expect(head, `page ${i + 1}`).toMatch(/Num-?\s*ber\s+Country\s+Remarks/);
    });
    expect(built.messages.filter((m) => m.ruleId === rules.printOversize)).toEqual([]);
  });

  it('scales images taller and wider than the page into the page box, and keeps a figure with its caption', async () => {
    const tokens = new Tokens();
    const built = await buildPdf(front, `# Images\n\n${imagesText(2, tokens)}`, { unsafeHtml: true });
    expectAllPrinted(built, tokens);
    const { images, texts, pageHeight } = layout(built.pdf);
    expect(images.length).toBe(3);
    // The tall pictures were shrunk to the text area, not clipped at the foot.
    for (const i of images) expect(i.height).toBeLessThan(pageHeight);
    // The figure's caption is on the page of its image, just below it.
    const caption = texts.find((t) => t.text.includes('Figure 1:'));
    expect(caption).toBeDefined();
    const figure = images[2];
    expect(caption?.page).toBe(figure.page);
    expect(caption!.top).toBeGreaterThan(figure.top + figure.height - 2);
    // Scaling a picture is what the layout does; it is not worth a warning.
    expect(built.messages.filter((m) => m.ruleId === rules.printOversize)).toEqual([]);
  });

  it('scales a table wider than the page and a row taller than the page, with located warnings', async () => {
    const tokens = new Tokens();
    const cols = 14;
    const wide = [`| ${Array.from({ length: cols }, (_, i) => `Head${i}`).join(' | ')} |`, `|${'---|'.repeat(cols)}`];
    for (let r = 0; r < 5; r++) wide.push(`| ${Array.from({ length: cols }, () => `${tokens.next()} longwordwithoutanybreaks`).join(' | ')} |`);
    const lines = Array.from({ length: 120 }, () => `${tokens.next()} line`).join('<br>');
    const tall = `<table><tr><th>Head</th></tr><tr><td>${lines}</td></tr><tr><td>${tokens.next()} after</td></tr></table>`;
    const built = await buildPdf(front, `Intro.\n\n${wide.join('\n')}\n\n${tall}\n\nEnd.`, { unsafeHtml: true });
    expectAllPrinted(built, tokens);
    const scaled = built.messages.filter((m) => m.ruleId === rules.printOversize);
    // Located at each table's first line (front matter: 5 lines, a blank, the intro, a blank).
    expect(scaled.map((m) => m.line)).toEqual([9, 17]);
    expect(scaled[0].reason).toMatch(/table .* printed at \d+ %/);
  });

  it('splits long nested lists, block quotes and code between lines, numbering on', async () => {
    const tokens = new Tokens();
    const built = await buildPdf(front, `# Lists\n\n${listsText(3, tokens)}`);
    expectAllPrinted(built, tokens);
    const all = text(built.pdf).replace(/\f/g, '\n');
    for (let n = 1; n <= 60; n++) expect(all, `item ${n}`).toMatch(new RegExp(`(^|\\n)${n}\\. tok\\d{4}`));
    // Code keeps its lines: each printed line of the code starts with `line tokNNNN`.
    expect(all.match(/^line tok\d{4} =/gm)?.length).toBe(150);
    expect(Number(pdfInfo(built.pdf).Pages)).toBeGreaterThan(3);
  });

  it('breaks notes longer than a page, every note starting on its call\'s page', async () => {
    const tokens = new Tokens();
    const built = await buildPdf(front, notesText(4, tokens, 12));
    expectAllPrinted(built, tokens);
    expect(text(built.pdf)).toContain('(Contd.)');
    expect(built.messages.filter((m) => m.ruleId === rules.printNoteSeparated)).toEqual([]);
  });

  it('prints on US Letter with papersize: letter, or --papersize, with the same guarantees', async () => {
    const tokens = new Tokens();
    const body = `${tablesText(5, tokens, [40])}\n\n${notesText(6, tokens, 6)}`;
    const fromFront = await buildPdf(`${front}\npapersize: letter`, body);
    expect(pdfInfo(fromFront.pdf)['Page size']).toMatch(/^612 x 792 pts/);
    expectAllPrinted(fromFront, tokens);
    const fromFlag = await buildPdf(front, body, { papersize: 'letter' });
    expect(pdfInfo(fromFlag.pdf)['Page size']).toMatch(/^612 x 792 pts/);
    const a4 = await buildPdf(front, body);
    expect(pdfInfo(a4.pdf)['Page size']).toMatch(/A4/);
  });

  it('obeys break-before, break-after and break-inside from the style', async () => {
    const tokens = new Tokens();
    const para = () => `<p>${tokens.next()} ${'readmission agreement policy interstate '.repeat(20)}</p>`;
    const built = await buildPdf(
      front,
      [
        para(),
        `<p style="break-before: page">${tokens.next()} opens page two</p>`,
        `<p style="break-after: page">${tokens.next()} closes page two</p>`,
        `${tokens.next()} opens page three`,
        para(),
        para(),
        para(),
        para(),
        para(),
        `<div style="break-inside: avoid">${para()}${para()}${para()}</div>`,
      ].join('\n\n'),
      { unsafeHtml: true },
    );
    expectAllPrinted(built, tokens);
    const pages = pagesText(built.pdf).map((p) => p.replace(/^\f/, ''));
    // (Raw text order: the page's text, then its running head and folio.)
    const tokensOn = (p: string) => p.match(/tok\d{4}/g) ?? [];
    expect(tokensOn(pages[1])).toEqual(['tok0002', 'tok0003']);
    expect(tokensOn(pages[2])[0]).toBe('tok0004');
    // The block that avoids breaks inside is whole on one page, at its top.
    const avoid = pages.findIndex((p) => p.includes('tok0010'));
    expect(tokensOn(pages[avoid])).toEqual(['tok0010', 'tok0011', 'tok0012']);
  });

  it('rejects an unknown paper size in the front matter at its line', async () => {
    const built = await buildPdf(`${front}\npapersize: a5`, 'Text.');
    expect(built.ok).toBe(false);
    const message = built.messages.find((m) => m.ruleId === rules.frontMatterInvalid);
    expect(message?.reason).toMatch(/papersize/);
    expect(message?.line).toBe(5);
  });

  it('labels a continued note in the document language', async () => {
    const cases: Array<[string, string]> = [
      ['de', '(Forts.)'],
      ['fr', '(Suite)'],
      ['ru', '(Продолж.)'],
      ['en-GB', '(Contd.)'],
    ];
    for (const [lang, label] of cases) {
      const tokens = new Tokens();
      const built = await buildPdf(`title: Labels\nlang: ${lang}`, notesText(7, tokens, 4));
      expect(built.ok).toBe(true);
      expect(text(built.pdf), lang).toContain(label);
    }
  });

  it('hangs note numbers of four digits clear of the note text', async () => {
    const calls: string[] = [];
    const notes: string[] = [];
    for (let n = 1; n <= 1003; n++) {
      calls.push(`w${n}[^${n}]`);
      notes.push(`[^${n}]: Notetext ${n}.`);
    }
    const paras: string[] = [];
    for (let i = 0; i < calls.length; i += 40) paras.push(calls.slice(i, i + 40).join(' '));
    const built = await buildPdf(front, `${paras.join('\n\n')}\n\n${notes.join('\n\n')}`);
    expect(built.ok).toBe(true);
    const { texts } = layout(built.pdf);
    for (const n of [9, 99, 999, 1000, 1003]) {
      const number = texts.find((t) => t.text.trim() === String(n) && texts.some((u) => u.page === t.page && Math.abs(u.top - t.top) < 4 && u.text.startsWith(`Notetext ${n}.`)));
      const note = texts.find((u) => u.text.startsWith(`Notetext ${n}.`));
      expect(number, `number ${n}`).toBeDefined();
      expect(number!.left + number!.width, `note ${n}`).toBeLessThan(note!.left);
    }
  }, 120_000);

  it('keeps the spaces at line ends in the structure text, with the running head and folio outside it', async () => {
    const tokens = new Tokens();
    const built = await buildPdf(front, `${listsText(8, tokens)}\n\n${notesText(9, tokens, 6)}`);
    const struct = execFileSync('pdfinfo', ['-struct-text', built.pdf], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const again = new Tokens();
    const known = new Set(`${listsText(8, again)} ${notesText(9, again, 6)} Print engine Test Author Contd`.split(/[^A-Za-z0-9]+/));
    const strings = [...struct.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    // A word hyphenated at a line end is two strings (with the notes between
    // them when the line ends a page): each part is part of a known word.
    const vocabulary = [...known];
    const part = (w: string) => vocabulary.some((k) => k.length > w.length && (k.startsWith(w) || k.endsWith(w)));
    const runTogether = strings
      .join('\n')
      .replace(/-\n/g, '\n')
      .split(/[^A-Za-z0-9]+/)
      .filter((w) => w && !known.has(w) && !/^\d+$/.test(w) && !part(w));
    expect(runTogether.slice(0, 10)).toEqual([]);
    // The running head (the author's name from page 2) is not in the structure; the title block's is.
    expect(strings.filter((s) => s.includes('Test Author'))).toHaveLength(1);
    expect(Number(pdfInfo(built.pdf).Pages)).toBeGreaterThan(2);
  });
});

suite('print engine: a generated book', () => {
  it('prints every note of a 3× book (about 15 pages, 69 notes, 75 references) on its call\'s page', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-book-'));
    const file = await writeBook(3, dir);
    const result = await build({ inputs: [file], formats: ['pdf'], outDir: path.join(dir, 'out') });
    const doc = result.documents[0];
    expect(doc.ok, doc.model.file.messages.map(String).join('\n')).toBe(true);
    expect(doc.model.notes).toHaveLength(69);
    const pdf = path.join(dir, 'out', 'book-3.pdf');
    const { calls, starts } = callsAndNotes(readPdfXml(pdf));
    for (let n = 1; n <= 69; n++) {
      expect(calls.get(n), `call ${n}`).toHaveLength(1);
      expect(starts.get(n)?.[0], `note ${n}`).toBe(calls.get(n)?.[0]);
    }
    expect(doc.model.file.messages.filter((m) => m.ruleId === rules.printNoteSeparated)).toEqual([]);
    // The bibliography (cut into runs of entries) is printed whole.
    const printed = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    for (let i = 0; i < 75; i++) expect(printed, `reference ${i}`).toContain(`Author${i},`);
  }, 120_000);
});

suite('print engine: guards', () => {
  it('stops a runaway layout with a located error and writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-runaway-'));
    const file = path.join(dir, 'long.md');
    const tokens = new Tokens();
    writeFileSync(file, `---\n${front}\n---\n\n${tablesText(10, tokens, [200])}\n`);
    const model = await buildDocument({ input: file });
    const outFile = path.join(dir, 'long.pdf');
    await expect(renderPdf(model, { browser, outFile, paginate: { maxPages: 2 } })).rejects.toBeInstanceOf(PrintLayoutError);
    expect(existsSync(outFile)).toBe(false);
    const message = model.file.messages.find((m) => m.ruleId === rules.printRunaway);
    expect(message?.fatal).toBe(true);
    expect(message?.line).toBeGreaterThan(0);
  });

  it('runs none of the manuscript\'s scripts or handlers, even with --unsafe-html', async () => {
    const built = await buildPdf(
      front,
      [
        'Before.',
        '<img src="missing.png" alt="x" onerror="document.body.append(\'HANDLER RAN\')">',
        '<script>document.body.append("SCRIPT RAN")</script>',
        '<p onclick="x()">After.</p>',
      ].join('\n\n'),
      { unsafeHtml: true },
    );
    expect(built.ok).toBe(true);
    const printed = text(built.pdf);
    expect(printed).toContain('After.');
    expect(printed).not.toMatch(/HANDLER RAN|SCRIPT RAN/);
  });

  it('has a script policy that stops inline scripts and handlers on its own', async () => {
    // With JavaScript on, the policy alone must stop the page's scripts.
    const page = await browser.newPage();
    try {
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        void request.respond({
          status: 200,
          contentType: 'text/html',
          headers: { 'Content-Security-Policy': printContentSecurityPolicy },
          body: '<p id="t">untouched</p><script>document.getElementById("t").textContent = "script"</script><img src="data:," onerror="document.getElementById(\'t\').textContent = \'handler\'">',
        });
      });
      await page.goto('http://colophon.invalid/print.html');
      expect(await page.evaluate('document.getElementById("t").textContent')).toBe('untouched');
    } finally {
      await page.close();
    }
  });
});
