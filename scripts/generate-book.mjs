#!/usr/bin/env node
/**
 * A generated book for the print benchmark: `--scale N` gives about N × 5
 * A4 pages in the CARIM layout, with 23 notes and 25 references per unit
 * (so 50 gives ~250 pages, ~1,150 notes, ~1,250 references), in sections
 * of paragraphs, block quotes and lists, citations in a note style
 * (`carim-note`) and a bibliography of every reference. Deterministic:
 * the same scale gives the same book.
 *
 *   node scripts/generate-book.mjs --scale 50 --out /tmp/book
 *   → /tmp/book/book-50.md and /tmp/book/book-50.json
 *
 * Also importable: `writeBook(scale, dir)` returns the manuscript's path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The vocabulary of the generated texts (the default manuscript's subject). */
export const WORDS = (
  'migration readmission agreement policy interstate negotiations facilitation regime citizens authorities ' +
  'discourse integration return reintegration asylum statistics irregular country official experts media ' +
  'institutions programme population conference minister delegation cooperation partnership government ' +
  'community networks property emigration immigration consortium research explanatory module analysis ' +
  'the of and in to a is that for on with as by at from this which was are be not'
).split(' ');

/** A small seeded generator (mulberry32): the same seed gives the same book, or the same fuzz case. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function book(scale) {
  const rand = random(1000 + scale);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const sentence = (n) => {
    const words = Array.from({ length: n }, () => pick(WORDS)).join(' ');
    return `${words[0].toUpperCase()}${words.slice(1)}.`;
  };
  const prose = (sentences) => Array.from({ length: sentences }, () => sentence(6 + Math.floor(rand() * 14))).join(' ');

  const refs = [];
  for (let i = 0; i < 25 * scale; i++) {
    const year = 1990 + (i % 33);
    refs.push({
      id: `ref${i}`,
      type: i % 3 === 0 ? 'book' : i % 3 === 1 ? 'article-journal' : 'report',
      title: `${sentence(4 + (i % 6)).slice(0, -1)} ${i}`,
      author: [{ family: `Author${i}`, given: pick(['A.', 'B.', 'C.', 'D.']) }],
      ...(i % 3 === 1 ? { 'container-title': 'Journal of Migration Studies', volume: String(1 + (i % 40)), page: `${i % 300}-${(i % 300) + 20}` } : {}),
      ...(i % 3 !== 1 ? { publisher: 'Research Centre', 'publisher-place': 'Florence' } : {}),
      issued: { 'date-parts': [[year]] },
    });
  }

  const lines = [
    '---',
    `title: A Generated Book at Scale ${scale}`,
    'author: Test Author',
    'date: 2013',
    'lang: en-GB',
    `bibliography: book-${scale}.json`,
    'csl: carim-note',
    'reference-section-title: Bibliography',
    'nocite: ["@*"]',
    'series:',
    '  name: CARIM-East',
    '  banner: CARIM-East – Consortium for Applied Research on International Migration',
    '  type: Explanatory Note',
    '  module: Socio-Political Module',
    'rights: © 2013 Test Author',
    'funding: Co-financed by the European Union',
    '---',
    '',
  ];
  const footnotes = [];
  let ref = 0;
  let fn = 0;
  const cite = () => `[@ref${ref++ % refs.length}]`;
  const footnote = () => {
    const label = `fn${fn++}`;
    const long = fn % 9 === 0 ? ` ${prose(8)}` : '';
    footnotes.push(`[^${label}]: ${prose(1 + Math.floor(rand() * 3))}${long} See @ref${ref++ % refs.length}.`);
    return `[^${label}]`;
  };
  for (let unit = 0; unit < scale; unit++) {
    lines.push(`## ${unit + 1}. ${sentence(4).slice(0, -1)}`, '');
    // 23 notes per unit: 13 citations in the text, 10 footnotes.
    const calls = [...Array(13).fill('c'), ...Array(10).fill('f')].sort(() => rand() - 0.5);
    let c = 0;
    for (let p = 0; p < 23; p++) {
      const parts = [prose(2 + Math.floor(rand() * 3))];
      for (let k = 0; k < 2 && c < calls.length; k++) parts.push(`${prose(1)}${calls[c++] === 'c' ? ` ${cite()}` : footnote()}`);
      lines.push(parts.join(' '), '');
      if (p === 4) lines.push(`> ${prose(5)}`, '');
      if (p === 14) {
        for (let i = 0; i < 4; i++) lines.push(`- ${prose(1 + (i % 2))}`);
        lines.push('');
      }
    }
    while (c < calls.length) lines.push(`${prose(2)}${calls[c++] === 'c' ? ` ${cite()}` : footnote()}`, '');
  }
  lines.push(...footnotes.flatMap((f) => [f, '']));
  return { markdown: lines.join('\n'), references: refs };
}

/** Write the book of `scale` into `dir`; returns the manuscript's path. */
export async function writeBook(scale, dir) {
  await mkdir(dir, { recursive: true });
  const { markdown, references } = book(scale);
  const file = path.join(dir, `book-${scale}.md`);
  await writeFile(file, markdown);
  await writeFile(path.join(dir, `book-${scale}.json`), JSON.stringify(references, null, 1));
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const scale = Number(value('--scale', '50'));
  if (!Number.isInteger(scale) || scale < 1) {
    process.stderr.write('usage: node scripts/generate-book.mjs --scale N [--out DIR]\n');
    process.exit(2);
  }
  const file = await writeBook(scale, value('--out', 'dist/bench-book'));
  process.stdout.write(`${file}\n`);
}
