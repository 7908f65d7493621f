/**
 * YAML metadata blocks anywhere in a manuscript, as Pandoc reads them.
 *
 * A block opens with a line `---` that starts the file or follows a blank
 * line, is not followed by a blank line, and closes with a line `---` or
 * `...`. Lines inside fenced code blocks never open one. A block whose YAML
 * is not a mapping (a list, a scalar) is not metadata: it stays text, as in
 * Pandoc. Blocks are merged key by key; a key in a later block replaces the
 * same key of an earlier one (Pandoc 2.17). The parse stage blanks every
 * block out of the text (the one at the top too, whether it closes with
 * `---` or `...`), so none is printed.
 *
 * A block's YAML is read by the quick reader (`quick-yaml.ts`) when it is
 * plain, and by the `yaml` package otherwise; the package's Document (for
 * errors and the places of keys) is made only when something asks for it.
 */
import * as YAML from 'yaml';
import type { Document, LineCounter } from 'yaml';
import { quickYaml, type QuickYaml } from './quick-yaml.js';

export interface MetadataBlock {
  /** Offset of the opening `---`. */
  start: number;
  /** Offset just after the closing line (its line break included). */
  end: number;
  /** The YAML text between the fences. */
  yaml: string;
  /** Offset of the YAML text in the manuscript. */
  yamlOffset: number;
  /** 1-based line of the first YAML line. */
  yamlLine: number;
}

const openFence = /^---[ \t]*$/;
const closeFence = /^(?:---|\.\.\.)[ \t]*$/;
const codeFence = /^ {0,3}(`{3,}|~{3,})/;

interface Line {
  text: string;
  offset: number;
  /** Offset after the line break. */
  next: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (offset <= text.length) {
    const newline = text.indexOf('\n', offset);
    const end = newline === -1 ? text.length : newline;
    lines.push({ text: text.slice(offset, end).replace(/\r$/, ''), offset, next: newline === -1 ? text.length + 1 : newline + 1 });
    if (newline === -1) break;
    offset = newline + 1;
  }
  return lines;
}

/** The candidate blocks of a text (fences only; the YAML is not yet read). */
export function findMetadataBlocks(text: string): MetadataBlock[] {
  const lines = splitLines(text);
  const blocks: MetadataBlock[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].text;
    const code = codeFence.exec(line);
    if (fence !== undefined) {
      if (code && code[1][0] === fence[0] && code[1].length >= fence.length && line.trim() === code[1]) fence = undefined;
      continue;
    }
    if (code) {
      fence = code[1];
      continue;
    }
    if (!openFence.test(line)) continue;
    if (i > 0 && lines[i - 1].text.trim() !== '') continue;
    if (i + 1 >= lines.length || lines[i + 1].text.trim() === '') continue;
    let close = -1;
    for (let j = i + 1; j < lines.length; j++) {
      if (closeFence.test(lines[j].text)) {
        close = j;
        break;
      }
    }
    if (close === -1) continue;
    const yamlOffset = lines[i + 1].offset;
    const yamlEnd = close > i + 1 ? lines[close - 1].offset + lines[close - 1].text.length : yamlOffset;
    blocks.push({
      start: lines[i].offset,
      end: Math.min(lines[close].next, text.length),
      yaml: text.slice(yamlOffset, yamlEnd),
      yamlOffset,
      yamlLine: i + 2,
    });
    i = close;
  }
  return blocks;
}

/** A block's YAML as the `yaml` package reads it, with the line counter of its text. */
export interface ParsedYaml {
  document: Document;
  lineCounter: LineCounter;
}

export interface ReadBlock extends MetadataBlock {
  /** The YAML's value, when the quick reader took it (then it has no errors). */
  quick: QuickYaml | undefined;
  /** The `yaml` package's Document of the block, made on first call (at once when the quick reader left the block). */
  parsed(): ParsedYaml;
}

/** Parse a block's YAML with the `yaml` package, as Colophon reads YAML: the core schema, repeated keys allowed. */
export function parseYaml(yaml: string): ParsedYaml {
  const lineCounter = new YAML.LineCounter();
  const document = YAML.parseDocument(yaml, { lineCounter, prettyErrors: false, uniqueKeys: false });
  return { document, lineCounter };
}

/**
 * The blocks that are metadata: the first block of the file always (its
 * syntax errors are reported), later ones when their YAML is a mapping or
 * fails to parse (then Pandoc stops with an error too).
 */
export function readMetadataBlocks(text: string): ReadBlock[] {
  const read: ReadBlock[] = [];
  for (const block of findMetadataBlocks(text)) {
    const quick = quickYaml(block.yaml);
    let parsed: ParsedYaml | undefined;
    const atTop = block.start <= 1;
    /** Whether the block holds no node at all; whether it is metadata (a mapping, nothing, or YAML that fails to parse). */
    let empty: boolean;
    let metadata: boolean;
    if (quick) {
      empty = quick.kind === 'empty';
      metadata = quick.kind !== 'other';
    } else {
      const { document } = (parsed = parseYaml(block.yaml));
      empty = document.contents === null;
      metadata = empty || document.errors.length > 0 || YAML.isMap(document.contents);
    }
    if (atTop || metadata) {
      // An empty block below the text (`---` `---`) is a rule in Pandoc; a
      // block of comments only is empty metadata.
      if (!atTop && empty && block.yaml.trim() === '') continue;
      read.push({ ...block, quick, parsed: () => (parsed ??= parseYaml(block.yaml)) });
    }
  }
  return read;
}

/** The text with every metadata block replaced by spaces (line breaks kept, so offsets hold). */
export function blankMetadataBlocks(text: string, blocks: readonly MetadataBlock[] = readMetadataBlocks(text)): string {
  let out = '';
  let last = 0;
  for (const block of blocks) {
    out += text.slice(last, block.start) + text.slice(block.start, block.end).replace(/[^\r\n]/g, ' ');
    last = block.end;
  }
  return out + text.slice(last);
}
