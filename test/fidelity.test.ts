/**
 * Fidelity of the default manuscript to its source.
 *
 * `manuscript/readmission-azerbaijan.md` is a re-edition of a CARIM-East
 * Explanatory Note (S. Rumyantsev, 2013) whose only copy here is a scrambled
 * plain-text extraction (`fixtures/readmission/source.txt`): footnotes
 * interleaved with the body at page bottoms, a note continued after
 * `(Contd.)`, URLs broken across lines. The fixtures beside it hold the same
 * text de-interleaved, in reading order, with only the extraction's breaks
 * repaired: `body.txt` (the text without note calls) and `notes.json` (the
 * 23 notes as the source prints them, "Ibid." and all).
 *
 * The test builds the manuscript through the project pipeline with the
 * house style `carim-note` and compares, word by word, the built body and
 * each built note with those texts, so that a lost, doubled or misplaced
 * passage, or a note that the pipeline or the style garbles, shows up as a
 * low score in the printed table.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, type DocumentModel } from '../src/index.js';

const root = path.join(import.meta.dirname, '..');
const fixtures = path.join(import.meta.dirname, 'fixtures', 'readmission');
const manuscriptPath = path.join(root, 'manuscript', 'readmission-azerbaijan.md');
const bibliographyPath = path.join(root, 'bibliography', 'readmission-azerbaijan.json');

const sourceText = readFileSync(path.join(fixtures, 'source.txt'), 'utf8');
const expectedBody = readFileSync(path.join(fixtures, 'body.txt'), 'utf8');
const expectedNotes = (JSON.parse(readFileSync(path.join(fixtures, 'notes.json'), 'utf8')) as { number: number; text: string }[]).map(
  (note) => note.text,
);

// Thresholds. The measure is an LCS-based F1 over words (see `similarity`).
//
// Body: the manuscript keeps the source's words exactly; only the note
// calls (removed before comparing) and the extraction's repairs differ, so
// anything below 0.99 means text lost, doubled or moved by the pipeline.
const BODY_MIN = 0.99;
// Notes: the house style re-sets each reference in one consistent form, so a
// note legitimately loses or gains a few words against the printed note:
// "Yunusov A. (2009), …, Adiloglu: Baku, p. 169-171" becomes "A. Yunusov,
// … (Baku: Adiloglu, 2009): 169-171" (reordered: LCS drops the moved
// words), "(2010)" after an author goes, "8 January 2013" becomes
// "8.01.2013", note 21's second URL (the source gives the same work two
// URLs; the bibliography keeps the first) is absent and the style names the
// work it calls "Ibid." Measured, these cost note 21 a fifth of its words
// (0.79) and every other note less than a tenth (≥ 0.91); a note below 0.7
// has lost or gained a whole reference or sentence, which is what the test
// is for.
const NOTE_MIN = 0.7;
// And on average the notes must stay close to the print (measured 0.975).
const NOTE_MEAN_MIN = 0.9;
// Coverage: of all the source's words (body and notes, with repetition),
// the share found somewhere in the built text (body, notes, bibliography).
// Measured 99.6%: what is missing is the source's variant forms the style
// unifies ("8 June 2012", "8 January 2013", "Available:", "p.") and note
// 21's second URL. Below 97% whole sentences or references are gone.
const COVERAGE_MIN = 0.97;

/** Notes that are the author's own (a `[^label]` footnote), by number; the others are notes a body citation became. */
const AUTHOR_NOTES = [1, 7, 9, 10, 11, 12, 15, 16, 18, 20];

/**
 * Words for comparison: case, quotation marks, dash and ellipsis forms and
 * the punctuation at a word's edges are ignored (the style decides those:
 * `Newspaper “Echo”` against `Newspaper Echo`, `4–5` against `4-5`); what is
 * left is the words and numbers in order. URLs stay one word each.
 */
export function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’‚‛′]/g, "'")
    .replace(/[“”„«»"]/g, ' ')
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/…/g, '...')
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+/u, '').replace(/[^\p{L}\p{N}/]+$/u, ''))
    .filter((word) => word.length > 0);
}

/** Length of the longest common subsequence of two word lists. */
function lcsLength(a: string[], b: string[]): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
    current.fill(0);
  }
  return previous[b.length];
}

/**
 * Word-level similarity: the F1 of precision and recall over the longest
 * common subsequence of words, 2·LCS / (|expected| + |built|).
 *
 * Why LCS and not a bag of words: order is part of fidelity. A passage
 * moved to the wrong place, a note's text attached to the wrong call, or a
 * sentence doubled keeps a bag-of-words score high but lowers the LCS; and
 * F1 rather than recall alone, so that text the pipeline adds (a doubled
 * paragraph, a `???` key, a stray bibliography in a note) costs as much as
 * text it drops. The bag-of-words F1 is printed beside it to tell
 * "reordered by the style" (bag high, LCS lower) from "lost" (both low).
 */
export function similarity(expected: string[], built: string[]): number {
  if (expected.length + built.length === 0) return 1;
  return (2 * lcsLength(expected, built)) / (expected.length + built.length);
}

function bagF1(expected: string[], built: string[]): number {
  const counts = new Map<string, number>();
  for (const word of built) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of expected) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      common++;
      counts.set(word, left - 1);
    }
  }
  return expected.length + built.length === 0 ? 1 : (2 * common) / (expected.length + built.length);
}

/** A copy of the tree without the elements `drop` selects. */
function without<T extends Root | Element>(node: T, drop: (element: Element) => boolean): T {
  const children = (node.children as (RootContent | ElementContent)[])
    .filter((child) => !(child.type === 'element' && drop(child)))
    .map((child) => (child.type === 'element' ? without(child, drop) : child));
  return { ...node, children } as T;
}

const isNoteCall = (element: Element): boolean => element.properties?.dataNoteCall !== undefined;
const isBibliography = (element: Element): boolean => element.properties?.id === 'refs';

function elements(node: Root | Element, test: (element: Element) => boolean, found: Element[] = []): Element[] {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (test(child)) found.push(child);
    elements(child, test, found);
  }
  return found;
}

function hasClass(element: Element, name: string): boolean {
  const value = element.properties?.className;
  return Array.isArray(value) ? value.includes(name) : value === name;
}

const blockTags = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'blockquote', 'div', 'section', 'table', 'tr', 'td', 'th', 'br']);

/**
 * The text of a tree as hast-util-to-string gives it, except that blocks
 * are kept apart by a line break: adjacent blocks carry no whitespace
 * between them in hast, and "relations" + "At present" must not become one
 * word "relationsAt".
 */
function text(node: Root | Element | ElementContent | RootContent): string {
  if (node.type === 'text') return node.value;
  if (node.type !== 'root' && node.type !== 'element') return node.type === 'comment' || node.type === 'doctype' ? '' : toString(node);
  const inner = node.children.map(text).join('');
  return node.type === 'element' && blockTags.has(node.tagName) ? `\n${inner}\n` : inner;
}

const noteText = (note: DocumentModel['notes'][number]): string => text({ type: 'root', children: note.children } as Root).trim();

/** Citation keys written in the manuscript (Pandoc syntax: `@key`, not inside an e-mail address). */
function citedKeys(markdown: string): Set<string> {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const keys = new Set<string>();
  for (const match of body.matchAll(/(?<![\p{L}\p{N}_.])@([\p{L}\p{N}_][\p{L}\p{N}_-]*)/gu)) keys.add(match[1]);
  return keys;
}

describe('the fixtures are the source, de-interleaved', () => {
  // Letters-only words (numbers aside: the extraction glues note calls to
  // them, "March 20123"): the fixtures must hold every word of the raw
  // extraction exactly as often, so that de-interleaving lost and doubled
  // nothing. The only repairs are the page furniture "(Contd.)" and the
  // missing space of "toAzerbaijan".
  const letterWords = (text: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
    return counts;
  };

  it('holds every word of the extraction once', () => {
    const raw = letterWords(sourceText.replace('(Contd.)', '').replace('toAzerbaijan', 'to Azerbaijan'));
    const fixture = letterWords(`${expectedBody}\n${expectedNotes.join('\n')}`);
    const diff: string[] = [];
    for (const word of new Set([...raw.keys(), ...fixture.keys()])) {
      if (raw.get(word) !== fixture.get(word)) diff.push(`${word}: source ${raw.get(word) ?? 0}, fixtures ${fixture.get(word) ?? 0}`);
    }
    expect(diff).toEqual([]);
    expect(expectedNotes).toHaveLength(23);
  });
});

describe('the house style', () => {
  it('is valid CSL (schema check by scripts/validate-csl.mjs)', () => {
    // Throws, with the validator's messages, when the style is invalid.
    const report = execFileSync(process.execPath, [path.join(root, 'scripts', 'validate-csl.mjs')], { cwd: root, encoding: 'utf8' });
    expect(report).toMatch(/valid CSL/);
  });
});

describe('readmission-azerbaijan built with carim-note', () => {
  let model: DocumentModel;
  let bodyText: string;
  let builtNotes: string[];

  beforeAll(async () => {
    model = await buildDocument({ input: manuscriptPath, style: 'carim-note' });
    bodyText = text(without(without(model.body, isBibliography), isNoteCall));
    builtNotes = model.notes.map(noteText);
  });

  it('builds without errors, in the house style', () => {
    const fatal = model.file.messages.filter((message) => message.fatal === true);
    expect(fatal.map(String)).toEqual([]);
    expect(model.style.id).toBe('carim-note');
    expect(model.style.class).toBe('note');
    expect(model.metadata.title).toBe('Readmission Agreements and Irregular, Illegal and Return Migration in Azerbaijan');
    expect(model.metadata.authors.map((author) => author.name)).toEqual(['Sergey Rumyantsev']);
  });

  it('has the 23 notes of the source, in its order, of the right kinds', () => {
    expect(model.notes).toHaveLength(23);
    expect(model.notes.map((note) => note.number)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(model.notes.filter((note) => note.kind === 'author').map((note) => note.number)).toEqual(AUTHOR_NOTES);
    const calls = elements(model.body, isNoteCall).map((call) => Number(call.properties.dataNoteCall));
    expect(calls).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(builtNotes[0]).toMatch(/Morehouse/);
    expect(builtNotes[0]).toMatch(/Blomfield/);
    expect(builtNotes[15]).toMatch(/The author conducted 32 interviews with re-emigrants in 2009-2012/);
    expect(builtNotes[17]).toMatch(/Unlike neighboring Armenia and Georgia/);
  });

  it('prints no placeholder where a citation should be', () => {
    // `???` is the pipeline's mark of an unknown key; `[NO_PRINTED_FORM]` is
    // what citeproc-js returns when asked for a part of a reference the
    // style does not print (e.g. the author of an anonymous web page).
    const placeholders = [bodyText, ...builtNotes]
      .map((text, i) => ({ where: i === 0 ? 'body' : `note ${i}`, text }))
      .filter(({ text }) => /\?\?\?|NO_PRINTED_FORM/.test(text))
      .map(({ where, text }) => `${where}: ${text}`);
    expect(placeholders).toEqual([]);
  });

  it('reads as the source: headings, list and block quotations in place', () => {
    const headings = elements(model.body, (element) => /^h[1-6]$/.test(element.tagName)).map((heading) => toString(heading));
    expect(headings).toEqual([
      '1. Interstate relations',
      '2. The problem of return and reintegration in Azerbaijan',
      '3. Irregular migration in Azerbaijan',
      'Main conclusions',
      'Bibliography',
    ]);
    const items = elements(model.body, (element) => element.tagName === 'li').map((item) => toString(item).trim());
    expect(items.map((item) => item.split(' ').slice(0, 3).join(' '))).toEqual(['The first of', 'The second is', 'Finally, the third']);
    const quotes = elements(model.body, (element) => element.tagName === 'blockquote').map((quote) => text(without(quote, isNoteCall)).trim());
    expect(quotes).toHaveLength(2);
    expect(quotes[0]).toMatch(/^According to the data of international migration agencies[\s\S]*maintain silence\.$/);
    expect(quotes[1]).toMatch(/^In 2011, around 2,000 Azeri citizens[\s\S]*in the EU\.$/);
    // The calls of notes 13 and 14 sit in the quotations they source.
    const quoteCalls = elements(model.body, (element) => element.tagName === 'blockquote').map((quote) =>
      elements(quote, isNoteCall).map((call) => Number(call.properties.dataNoteCall)),
    );
    expect(quoteCalls).toEqual([[13], [14]]);
  });

  it('keeps the body text of the source, word for word', () => {
    const expected = words(expectedBody);
    const built = words(bodyText);
    const score = similarity(expected, built);
    console.log(`body: ${expected.length} words expected, ${built.length} built, LCS-F1 ${score.toFixed(4)}, bag-F1 ${bagF1(expected, built).toFixed(4)}`);
    expect(score).toBeGreaterThanOrEqual(BODY_MIN);
  });

  it('renders each note close to the printed one', () => {
    const rows = expectedNotes.map((text, i) => {
      const expected = words(text);
      const built = words(builtNotes[i] ?? '');
      return {
        note: i + 1,
        kind: model.notes[i]?.kind ?? '-',
        expected: expected.length,
        built: built.length,
        lcsF1: Number(similarity(expected, built).toFixed(3)),
        bagF1: Number(bagF1(expected, built).toFixed(3)),
      };
    });
    console.table(rows);
    const mean = rows.reduce((sum, row) => sum + row.lcsF1, 0) / rows.length;
    console.log(`notes: mean LCS-F1 ${mean.toFixed(3)}`);
    const low = rows.filter((row) => row.lcsF1 < NOTE_MIN).map((row) => `note ${row.note} (${row.lcsF1}): ${builtNotes[row.note - 1]}`);
    expect(low).toEqual([]);
    expect(mean).toBeGreaterThanOrEqual(NOTE_MEAN_MIN);
  });

  it('says "Ibid." where the source does, and only there', () => {
    // The source's repeated references are "T. Rafikoglu, N. Karu, Ibid.",
    // "Yunusov, Ibid., 138-147": the house style gives every subsequent
    // reference that form (and a bare "Ibid." to a true CSL ibid), so the
    // notes with "Ibid" are the source's own: 7, 8, 15, 17, 19, 21, 23.
    const ibid = (texts: string[]): number[] => texts.flatMap((text, i) => (/\bIbid\b/.test(text) ? [i + 1] : []));
    expect(ibid(expectedNotes)).toEqual([7, 8, 15, 17, 19, 21, 23]);
    expect(ibid(builtNotes)).toEqual(ibid(expectedNotes));
    expect(builtNotes[16]).toMatch(/Yunusov, Ibid\., 138–147/);
    expect(builtNotes[18]).toMatch(/^T\. Maksutov, N\. Aliev, Ibid\.$/);
  });

  it('keeps at least 97% of the source’s words', () => {
    const source = words(`${expectedBody}\n${expectedNotes.join('\n')}`);
    const available = new Map<string, number>();
    const builtAll = `${bodyText}\n${builtNotes.join('\n')}\n${model.bibliography ? text(model.bibliography) : ''}`;
    for (const word of words(builtAll)) available.set(word, (available.get(word) ?? 0) + 1);
    const missing: string[] = [];
    for (const word of source) {
      const left = available.get(word) ?? 0;
      if (left > 0) available.set(word, left - 1);
      else missing.push(word);
    }
    const coverage = 1 - missing.length / source.length;
    console.log(`coverage: ${source.length - missing.length}/${source.length} = ${(coverage * 100).toFixed(2)}%; missing: ${missing.join(' ')}`);
    expect(coverage).toBeGreaterThanOrEqual(COVERAGE_MIN);
  });

  it('has a bibliography of at least 25 well-formed entries, each cited', () => {
    const entries = JSON.parse(readFileSync(bibliographyPath, 'utf8')) as Record<string, unknown>[];
    expect(entries.length).toBeGreaterThanOrEqual(25);
    for (const entry of entries) {
      expect(typeof entry.id, JSON.stringify(entry)).toBe('string');
      expect(typeof entry.type, String(entry.id)).toBe('string');
      expect(typeof entry.title, String(entry.id)).toBe('string');
      for (const field of ['volume', 'issue', 'page']) {
        if (field in entry) expect(typeof entry[field], `${String(entry.id)}.${field}`).toBe('string');
      }
    }
    const ids = entries.map((entry) => String(entry.id));
    expect(new Set(ids).size).toBe(ids.length);
    const cited = citedKeys(readFileSync(manuscriptPath, 'utf8'));
    expect([...cited].filter((key) => !ids.includes(key))).toEqual([]);
    expect(ids.filter((id) => !cited.has(id))).toEqual([]);

    expect(model.bibliography).not.toBeNull();
    const rendered = elements(model.bibliography!, (element) => hasClass(element, 'csl-entry'));
    expect(rendered).toHaveLength(entries.length);
  });
});
