#!/usr/bin/env node
/**
 * Validate CSL styles against the CSL schema (RELAX NG, checked by rnv
 * compiled to WebAssembly in `csl-validator-wasm`; no Java, no network).
 *
 *   node scripts/validate-csl.mjs [STYLE.csl ...]
 *
 * With no argument it checks the house style, `templates/csl/carim-note.csl`.
 * Prints `file:line:column: error: …` for each problem and exits 1 if any
 * style is invalid, 0 when all are valid.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateStyle } from 'csl-validator-wasm';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, 'templates', 'csl', 'carim-note.csl')];

let invalid = 0;
for (const file of files) {
  const report = (await validateStyle(await readFile(file, 'utf8'))).trim();
  if (report === '') {
    console.log(`${path.relative(process.cwd(), file)}: valid CSL`);
    continue;
  }
  invalid++;
  // rnv names the style `/style.csl` inside its virtual file system.
  console.error(report.replaceAll('/style.csl', path.relative(process.cwd(), file)));
}
process.exit(invalid > 0 ? 1 : 0);
