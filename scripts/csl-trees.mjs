#!/usr/bin/env node
/**
 * citeproc-js's own reading of the bundled CSL styles and locales, made
 * once at install: `build/csl-trees/`.
 *
 *   node scripts/csl-trees.mjs
 *
 * Each time it starts on a document, citeproc-js reads the style's XML and
 * its locales' with a parser of its own (about 5 ms of a cold build of the
 * default manuscript). Given the tree that parser makes, it skips that
 * step and does the rest alike. For each bundled style and locale this
 * writes `{ xml, tree }`: the exact text, and what citeproc-js's
 * `CSL.setupXml` makes of it, in JSON. `src/cite/trees.ts` hands citeproc
 * a fresh copy of the tree only for a text equal to `xml`, and only for
 * the citeproc-js these were made with (the index records its version);
 * any other text is read by citeproc-js as before.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'csl-trees');
const csl = path.join(root, 'templates', 'csl');

const CSL = createRequire(import.meta.url)('citeproc');
const sources = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (/\.(?:csl|xml)$/.test(entry.name)) sources.push(file);
  }
};
walk(csl);
sources.sort();

const temporary = `${out}.${process.pid}.tmp`;
rmSync(temporary, { recursive: true, force: true });
mkdirSync(temporary, { recursive: true });
/** Text length → the files holding a text of that length (the cheap first test). */
const byLength = {};
let written = 0;
for (const [index, file] of sources.entries()) {
  const xml = readFileSync(file, 'utf8');
  let tree;
  try {
    tree = CSL.setupXml(xml).dataObj;
  } catch {
    continue;
  }
  const json = JSON.stringify({ xml, tree });
  // Only what JSON carries whole: a copy parsed from it must be the tree itself.
  if (!isDeepStrictEqual(JSON.parse(json).tree, tree)) continue;
  const name = `${index}.json`;
  writeFileSync(path.join(temporary, name), json);
  (byLength[xml.length] ??= []).push(name);
  written++;
}
writeFileSync(path.join(temporary, 'index.json'), JSON.stringify({ citeproc: CSL.PROCESSOR_VERSION, byLength }));
rmSync(out, { recursive: true, force: true });
renameSync(temporary, out);
process.stdout.write(`wrote citeproc-js's reading of ${written} bundled styles and locales into ${path.relative(process.cwd(), out) || '.'}\n`);
