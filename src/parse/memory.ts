/**
 * Markdown parsed again only around an edit.
 *
 * An author's loop is edit, save, look: between two builds most of a
 * manuscript is as it was. A parse is remembered as its text and its
 * top-level blocks (`src/cache/parses.ts` keeps it on disk), and the next
 * parse of an edited text reads only the blocks between the last clean
 * boundary before the first changed character and the first clean boundary
 * after the last one. The blocks before and after are the remembered ones,
 * moved to their new lines and offsets. The tree is the one a parse of the
 * whole text gives; where that cannot be shown from the text (below), the
 * whole text is parsed.
 *
 * A boundary is clean where what follows it parses the same whatever came
 * before, and what came before is closed whatever follows:
 *
 * - it is the start of a top-level block's line, after a blank line;
 * - the block before it is a paragraph, heading, thematic break, link
 *   definition or fenced-div fence, which a blank line closes (a list, a
 *   quotation, a footnote, a definition list, code or HTML may go on after
 *   one);
 * - its first line does not start with `:`: a definition list's
 *   description reaches back over one blank line to make the paragraph
 *   before it a term.
 *
 * Link and footnote definitions count across the whole text: a reference
 * is a link or a footnote call only if its label is defined somewhere.
 * The edited blocks are parsed after definitions of the labels the other
 * blocks define, and then a paragraph, so that they start as they do after
 * a closed block (and a description at their start would show, taking that
 * paragraph for its term); those nodes are left out of the tree. The remembered
 * blocks are kept only if the edited ones define the same labels as
 * before, so that every reference in them reads as it did.
 */
import type { Nodes, Root, RootContent } from 'mdast';

/** A top-level block of a remembered parse. */
export interface RememberedBlock {
  /** Offset of the start of the line the block starts on. */
  from: number;
  /** Number of that line (1-based). */
  line: number;
  /** Offset just after the block. */
  to: number;
  type: string;
  /** The node as JSON, with positions as they were when it was written. */
  json: string;
  /** Whether `json` holds `undefined` values as `{"\u0000": 0}` (JSON itself leaves such keys out). */
  undefinedValues?: boolean;
  /** Offset and line of `from` when `json` was written. */
  baseFrom: number;
  baseLine: number;
  /** Identifiers and labels (as written) of the link definitions in the block. */
  links: Array<[string, string]>;
  /** The same for footnote definitions. */
  notes: Array<[string, string]>;
}

export interface Remembered {
  text: string;
  blocks: RememberedBlock[];
  /** The root's position. */
  end: { line: number; column: number; offset: number };
}

export interface RememberedParse {
  tree: Root;
  /** What to remember for the next parse: undefined when `memory` still holds (the text is the same). */
  memory: Remembered | undefined;
}

/** Block types a blank line closes for good. */
const closedByBlank = new Set(['paragraph', 'heading', 'thematicBreak', 'definition', 'pandocDivFence']);
const lineEnding = /\r\n?|\n/g;

/** Line endings in `text` from `from` to `to`. */
function countLines(text: string, from = 0, to = text.length): number {
  return text.slice(from, to).match(lineEnding)?.length ?? 0;
}

/**
 * The length of the longest run, at most `most`, for which `same(length,
 * take)` holds of its first `length + take` characters given that it holds
 * of the first `length`. Compared a run at a time by the engine, runs
 * growing while they match and halving where they do not, rather than a
 * character at a time.
 */
function matchingRun(most: number, same: (length: number, take: number) => boolean): number {
  let length = 0;
  let run = 256;
  while (length < most) {
    const take = Math.min(run, most - length);
    if (same(length, take)) {
      length += take;
      run *= 2;
    } else if (take === 1) {
      break;
    } else {
      run = take >> 1;
    }
  }
  return length;
}

/** The length of the longest common beginning of two texts. */
export function commonPrefix(a: string, b: string): number {
  return matchingRun(Math.min(a.length, b.length), (length, take) => a.startsWith(b.slice(length, length + take), length));
}

/** The length of the longest common end of two texts, at most `most`. */
export function commonSuffix(a: string, b: string, most: number): number {
  return matchingRun(most, (length, take) => a.endsWith(b.slice(b.length - length - take, b.length - length), a.length - length));
}

/** Offset of the start of the line `offset` is on. */
function lineStart(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

/** Only spaces, tabs and line endings, with at least one blank line (two line endings). */
function blankSeparator(text: string, from: number, to: number): boolean {
  const between = text.slice(from, to);
  if (!/^[ \t\r\n]*$/.test(between)) return false;
  return (between.match(lineEnding)?.length ?? 0) >= 2;
}

/** The first line at or after `from` that is not blank starts with `:` (after spaces or tabs). */
function colonLine(text: string, from: number): boolean {
  const pattern = /[^ \t\r\n]/g;
  pattern.lastIndex = from;
  const found = pattern.exec(text);
  return found !== null && found[0] === ':';
}

/** Labels defined in a node and its descendants. */
function labelsIn(node: Nodes, links: Array<[string, string]>, notes: Array<[string, string]>): void {
  if (node.type === 'definition') links.push([node.identifier, node.label ?? node.identifier]);
  else if (node.type === 'footnoteDefinition') notes.push([node.identifier, node.label ?? node.identifier]);
  if ('children' in node) for (const child of node.children) labelsIn(child as Nodes, links, notes);
}

/** A value JSON cannot carry as it is: `undefined` in an object or array. */
const undefinedMark = { '\u0000': 0 };
const isMark = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && (value as Record<string, unknown>)['\u0000'] === 0;

/**
 * What JSON makes of `value`: 0 the same value, 1 the same but for
 * `undefined` values (kept with `undefinedMark`), 2 something else (a
 * class instance, an object without prototype, a number JSON has not).
 */
function jsonKind(value: unknown): 0 | 1 | 2 {
  let kind: 0 | 1 | 2 = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item) || Object.is(item, -0)) return 2;
      continue;
    }
    if (typeof item !== 'object') return 2;
    if (Array.isArray(item)) {
      if (Object.getPrototypeOf(item) !== Array.prototype) return 2;
      for (let index = 0; index < item.length; index++) {
        if (!(index in item)) return 2;
        const element = item[index] as unknown;
        if (element === undefined) kind = 1;
        else stack.push(element);
      }
      continue;
    }
    if (Object.getPrototypeOf(item) !== Object.prototype || isMark(item)) return 2;
    for (const key in item) {
      if (key === '__proto__') return 2;
      const field = (item as Record<string, unknown>)[key];
      if (field === undefined) kind = 1;
      else stack.push(field);
    }
  }
  return kind;
}

/** Put back the `undefined` values `undefinedMark` stands for. */
function restoreUndefined(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (isMark(field)) record[key] = undefined;
    else restoreUndefined(field);
  }
}

const withMarks = (_key: string, value: unknown) => (value === undefined ? undefinedMark : value);

function blockOf(text: string, node: RootContent): RememberedBlock {
  const position = node.position;
  if (!position || position.start.offset === undefined || position.end.offset === undefined) throw new Error('a block without a position');
  const from = lineStart(text, position.start.offset);
  const links: Array<[string, string]> = [];
  const notes: Array<[string, string]> = [];
  labelsIn(node, links, notes);
  const kind = jsonKind(node);
  if (kind === 2) throw new Error('a block JSON cannot carry');
  const json = kind === 1 ? JSON.stringify(node, withMarks) : JSON.stringify(node);
  return { from, line: position.start.line, to: position.end.offset, type: node.type, json, undefinedValues: kind === 1 || undefined, baseFrom: from, baseLine: position.start.line, links, notes };
}

/** Remember a whole parse. */
export function remember(text: string, tree: Root): Remembered | undefined {
  const end = tree.position?.end;
  if (!end || end.offset === undefined) return undefined;
  try {
    return { text, blocks: tree.children.map((node) => blockOf(text, node)), end: { line: end.line, column: end.column, offset: end.offset } };
  } catch {
    return undefined;
  }
}

/** Move every position in `node` by `lines` and `offsets`. */
function shift(node: Nodes, lines: number, offsets: number): void {
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const position = item.position;
    if (position) {
      position.start.line += lines;
      position.end.line += lines;
      if (position.start.offset !== undefined) position.start.offset += offsets;
      if (position.end.offset !== undefined) position.end.offset += offsets;
    }
    const children = (item as { children?: Nodes[] }).children;
    if (children) for (let index = 0; index < children.length; index++) stack.push(children[index]!);
  }
}

/** A remembered block's node, at the block's place now (`line`, `from`). */
function revive(block: RememberedBlock): RootContent {
  const node = JSON.parse(block.json) as RootContent;
  if (block.undefinedValues) restoreUndefined(node);
  const byLines = block.line - block.baseLine;
  const byOffsets = block.from - block.baseFrom;
  if (byLines !== 0 || byOffsets !== 0) shift(node, byLines, byOffsets);
  return node;
}

function moved(block: RememberedBlock, lines: number, offsets: number): RememberedBlock {
  return lines === 0 && offsets === 0 ? block : { ...block, from: block.from + offsets, to: block.to + offsets, line: block.line + lines };
}

function rootOf(children: RootContent[], end: Remembered['end']): Root {
  return { type: 'root', children, position: { start: { line: 1, column: 1, offset: 0 }, end: { ...end } } };
}

const sameSet = (a: Array<[string, string]>, b: Array<[string, string]>) => {
  const left = new Set(a.map(([id]) => id));
  const right = new Set(b.map(([id]) => id));
  return left.size === right.size && [...left].every((id) => right.has(id));
};

/**
 * Parse `text` with `parseText`, reading again only what changed since
 * `memory` (see above).
 */
export function parseRemembering(text: string, parseText: (text: string) => Root, memory?: Remembered): RememberedParse {
  if (memory) {
    try {
      const reused = reparse(text, parseText, memory);
      if (reused) return reused;
    } catch {
      // A memory that does not fit: the whole text is parsed.
    }
  }
  const tree = parseText(text);
  return { tree, memory: remember(text, tree) };
}

function reparse(text: string, parseText: (text: string) => Root, memory: Remembered): RememberedParse | undefined {
  const old = memory.text;
  const blocks = memory.blocks;
  if (old === text) return { tree: rootOf(blocks.map(revive), memory.end), memory: undefined };
  // At the start of the text, the parse without it could not tell front matter or a byte order mark.
  if (/^\uFEFF|^---/.test(text) || /^\uFEFF|^---/.test(old)) return undefined;
  const prefix = commonPrefix(old, text);
  const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
  const offsets = text.length - old.length;

  // The first edited block: the last one starting at or before the first
  // change whose boundary is clean (the text before the change is the same).
  let first = 0;
  for (let i = blocks.length - 1; i > 0; i--) {
    const block = blocks[i]!;
    if (block.from > prefix) continue;
    const before = blocks[i - 1]!;
    if (closedByBlank.has(before.type) && blankSeparator(old, before.to, block.from) && !colonLine(text, block.from)) {
      first = i;
      break;
    }
  }
  // The first block after the edit: its line, and the line ending before
  // it, in the unchanged end of the text (so that it still starts a line,
  // with the same indent).
  let after = blocks.length;
  for (let j = first + 1; j < blocks.length; j++) {
    const block = blocks[j]!;
    if (block.from > old.length - suffix && !colonLine(old, block.from)) {
      after = j;
      break;
    }
  }
  const start = first === 0 ? 0 : blocks[first]!.from;
  const startLine = first === 0 ? 1 : blocks[first]!.line;
  const end = after === blocks.length ? text.length : blocks[after]!.from + offsets;
  if (end < start) return undefined;
  const region = text.slice(start, end);
  if (!/[^ \t\r\n]/.test(region) || colonLine(region, 0)) return undefined;

  // Definitions of the labels the other blocks define, then a paragraph.
  const links: Array<[string, string]> = [];
  const notes: Array<[string, string]> = [];
  const oldLinks: Array<[string, string]> = [];
  const oldNotes: Array<[string, string]> = [];
  blocks.forEach((block, index) => {
    const inRegion = index >= first && index < after;
    (inRegion ? oldLinks : links).push(...block.links);
    (inRegion ? oldNotes : notes).push(...block.notes);
  });
  let lead = '';
  for (const [, label] of notes) lead += `[^${label}]: x\n\n`;
  for (const [, label] of links) lead += `[${label}]: #\n\n`;
  lead += 'x\n\n';
  const parsed = parseText(lead + region);
  const leading = notes.length + links.length + 1;
  const children = parsed.children;
  if (children.length < leading) return undefined;
  for (let k = 0; k < leading; k++) {
    const type = children[k]!.type;
    const expected = k < notes.length ? 'footnoteDefinition' : k < leading - 1 ? 'definition' : 'paragraph';
    if (type !== expected) return undefined;
  }
  const edited = children.slice(leading);
  if (edited.length === 0) return undefined;
  const leadLines = countLines(lead);
  for (const node of edited) shift(node, startLine - 1 - leadLines, start - lead.length);

  // The edited blocks must define what they defined, and end closed before the blocks after.
  const newLinks: Array<[string, string]> = [];
  const newNotes: Array<[string, string]> = [];
  for (const node of edited) labelsIn(node, newLinks, newNotes);
  if (!sameSet(newLinks, oldLinks) || !sameSet(newNotes, oldNotes)) return undefined;
  const last = edited[edited.length - 1]!;
  const lastEnd = last.position?.end.offset;
  if (lastEnd === undefined) return undefined;
  if (after < blocks.length && !(closedByBlank.has(last.type) && blankSeparator(text, lastEnd, end))) return undefined;

  const lines = countLines(text, start, end) - countLines(old, start, end - offsets);
  const before = blocks.slice(0, first);
  const following = blocks.slice(after).map((block) => moved(block, lines, offsets));
  const editedBlocks = edited.map((node) => blockOf(text, node));
  let rootEnd: Remembered['end'];
  if (after === blocks.length) {
    const parsedEnd = parsed.position?.end;
    if (!parsedEnd || parsedEnd.offset === undefined) return undefined;
    rootEnd = { line: parsedEnd.line + startLine - 1 - leadLines, column: parsedEnd.column, offset: parsedEnd.offset + start - lead.length };
  } else {
    rootEnd = { line: memory.end.line + lines, column: memory.end.column, offset: memory.end.offset + offsets };
  }
  const tree = rootOf([...before.map(revive), ...edited, ...following.map(revive)], rootEnd);
  return { tree, memory: { text, blocks: [...before, ...editedBlocks, ...following], end: rootEnd } };
}
