/**
 * citeproc-js's reading of the bundled styles and locales, made at install
 * by `scripts/csl-trees.mjs` into `build/csl-trees/`: handed to citeproc-js
 * instead of the XML, it skips its own XML parser (about 5 ms of a cold
 * build of the default manuscript) and builds the same engine.
 *
 * A tree is used only for a text exactly equal to the one it was made
 * from, and only with the citeproc-js it was made by; anything else (a
 * style of the author's, a missing or damaged folder) is read from its
 * XML as before. Each use gets a fresh copy, since citeproc-js writes into
 * what it is given.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../shared/package.js';

interface TreeIndex {
  citeproc: string;
  byLength: Record<string, string[]>;
}

/** Each folder's index, and the files read so far (en-US is asked for twice by one engine). */
const indexes = new Map<string, TreeIndex | null>();
const files = new Map<string, string | null>();

function treeIndex(dir: string): TreeIndex | null {
  if (indexes.has(dir)) return indexes.get(dir) ?? null;
  let index: TreeIndex | null = null;
  try {
    const read = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as TreeIndex;
    if (read && typeof read.citeproc === 'string' && read.byLength && typeof read.byLength === 'object') index = read;
  } catch {
    // No folder, or a damaged index: every text is read from its XML.
  }
  indexes.set(dir, index);
  return index;
}

/** Where `scripts/csl-trees.mjs` writes the trees. */
export function treesDir(): string {
  return path.join(packageRoot(), 'build', 'csl-trees');
}

/**
 * citeproc-js's tree of `xml` when it is a bundled style or locale read by
 * this very `processorVersion`, else undefined.
 */
export function citeprocTree(xml: string, processorVersion: string, dir = treesDir()): object | undefined {
  const found = treeIndex(dir);
  if (!found || found.citeproc !== processorVersion || !Object.hasOwn(found.byLength, String(xml.length))) return undefined;
  const names = found.byLength[String(xml.length)];
  if (!Array.isArray(names)) return undefined;
  for (const name of names) {
    try {
      const file = path.join(dir, path.basename(name));
      if (!files.has(file)) files.set(file, readFileSync(file, 'utf8'));
      const text = files.get(file);
      if (!text) continue;
      const entry = JSON.parse(text) as { xml?: unknown; tree?: unknown };
      if (entry.xml === xml && entry.tree && typeof entry.tree === 'object') return entry.tree;
    } catch {
      // A missing or damaged file: the XML is read instead.
      files.set(path.join(dir, path.basename(name)), null);
    }
  }
  return undefined;
}
