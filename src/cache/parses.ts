/**
 * The last parse of each manuscript, on disk: what `src/parse/memory.ts`
 * needs to parse only the blocks around an edit at the next build.
 *
 * One file per manuscript (named by a hash of its absolute path) under
 * `DIR/parses/`, next to the citation cache and turned off with it
 * (`--no-cache`). A file is used only by the same code (the bundle's stamp,
 * which hashes every module in it), for the same manuscript and the same
 * syntax; anything else, or a damaged file, is a whole parse. A process
 * also keeps the last parse of each manuscript in memory (the preview's
 * rebuilds read no file). Without the bundle's stamp (the compiled
 * modules, `--debug`) nothing is kept: their code may change under the
 * same version.
 *
 * The file: one line of JSON (the key, the text's length, the root's end,
 * and per block its places, type, labels and the length of its JSON), then
 * the text, then each block's JSON, joined. Only the blocks taken over are
 * read as JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParseMemory } from '../parse/index.js';
import type { Remembered, RememberedBlock } from '../parse/memory.js';
import { entryWriter } from './entries.js';
import { hashedText } from './quick-hash.js';

const format = 1;
const maxEntries = 100;

export interface ParseStore {
  readonly dir: string;
  /** The memory of one manuscript's parses. */
  memoryFor(manuscript: string): ParseMemory;
}

type BlockHead = [number, number, number, string, number, number, number, Array<[string, string]>, Array<[string, string]>, 0 | 1];
interface Head {
  format: number;
  key: string;
  text: number;
  end: Remembered['end'];
  blocks: BlockHead[];
}

/** The stamp of the running bundle, if Colophon runs as one (scripts/bundle.mjs). */
export function bundleStamp(): string | undefined {
  const linked = (globalThis as { __colophonLinkedParts?: { stamp?: unknown } }).__colophonLinkedParts;
  return typeof linked?.stamp === 'string' ? linked.stamp : undefined;
}

export function serialise(key: string, memory: Remembered): string {
  const blocks: BlockHead[] = memory.blocks.map((b) => [b.from, b.line, b.to, b.type, b.baseFrom, b.baseLine, b.json.length, b.links, b.notes, b.undefinedValues ? 1 : 0]);
  const head: Head = { format, key, text: memory.text.length, end: memory.end, blocks };
  return `${JSON.stringify(head)}\n${memory.text}${memory.blocks.map((b) => b.json).join('')}`;
}

export function deserialise(key: string, content: string): Remembered | undefined {
  try {
    return read(key, content);
  } catch {
    return undefined;
  }
}

function read(key: string, content: string): Remembered | undefined {
  const newline = content.indexOf('\n');
  if (newline < 0) return undefined;
  const head = JSON.parse(content.slice(0, newline)) as Head;
  if (head?.format !== format || head.key !== key || !Array.isArray(head.blocks)) return undefined;
  let at = newline + 1 + head.text;
  const text = content.slice(newline + 1, at);
  if (text.length !== head.text) return undefined;
  const blocks: RememberedBlock[] = [];
  for (const [from, line, to, type, baseFrom, baseLine, length, links, notes, undefinedValues] of head.blocks) {
    const json = content.slice(at, at + length);
    at += length;
    blocks.push({ from, line, to, type, json, baseFrom, baseLine, links, notes, undefinedValues: undefinedValues === 1 });
  }
  if (at !== content.length) return undefined;
  return { text, blocks, end: head.end };
}

/**
 * The parse store under `dir` (the cache folder), for code of `stamp`;
 * undefined without a stamp.
 */
export function openParseStore(dir: string, stamp = bundleStamp()): ParseStore | undefined {
  if (!stamp) return undefined;
  const folder = path.join(dir, 'parses');
  const kept = new Map<string, { key: string; memory: Remembered }>();
  const entries = entryWriter(folder, '.txt', maxEntries);
  return {
    dir: folder,
    memoryFor(manuscript) {
      const absolute = path.resolve(manuscript);
      const name = `${hashedText(absolute).hash}.txt`;
      const file = path.join(folder, name);
      const keyOf = (syntax: string) => JSON.stringify([stamp, syntax, absolute]);
      return {
        recall(syntax) {
          const key = keyOf(syntax);
          const inMemory = kept.get(absolute);
          if (inMemory) return inMemory.key === key ? inMemory.memory : undefined;
          try {
            return deserialise(key, readFileSync(file, 'utf8'));
          } catch {
            return undefined;
          }
        },
        keep(syntax, memory) {
          const key = keyOf(syntax);
          kept.set(absolute, { key, memory });
          // Text that UTF-8 cannot carry (a lone surrogate) would come back otherwise.
          if (!(memory.text as string & { isWellFormed(): boolean }).isWellFormed()) return;
          entries.write(name, serialise(key, memory));
        },
      };
    },
  };
}
