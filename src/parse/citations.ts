/**
 * Pandoc's citation syntax inside mdast text: `[see @a, p. 3; -@b]` and
 * `@a [p. 3]` become `cite` nodes (see `types.ts`) that keep the position
 * of every key, so an unknown key can be reported at its line and column.
 *
 * Runs on the tree the Markdown parser made (with GFM): by then links, code and
 * e-mail autolinks are their own nodes, so only plain text is searched.
 * Text that only looks like a citation stays text: an e-mail address
 * (`name@example.org`, the `@` follows a word character), an escaped `\@`,
 * a bracket without any `@key`.
 */
import type { Nodes, Parent, PhrasingContent, Root, Text } from 'mdast';
import { toString as mdToString } from 'mdast-util-to-string';
import type { Point } from 'unist';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { englishLabels, parseSuffix, type LabelTable, type NodeText, type ParsedSuffix } from './locator.js';
import type { Cite, CiteItem } from './types.js';
import { positionIndex, type PositionIndex } from '../shared/positions.js';

// A key starts with a letter, digit or `_`; inner punctuation is allowed only
// when a word character follows, so `@doe99.` ends before the full stop. A
// braced key (`@{a b}`) is anything but braces. Read character by character:
// most keys are ASCII.
const keyLetter = /[\p{L}\p{N}]/u;
const keyInner = new Set([':', '.', '#', '$', '%', '&', '-', '+', '?', '<', '>', '~', '/']);

/** Length (UTF-16 units) of the key character at `i` (a letter, digit or `_`), or 0. */
function keyCharAt(value: string, i: number): number {
  const code = value.charCodeAt(i);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 ? 1 : 0;
  if (Number.isNaN(code)) return 0;
  const point = value.codePointAt(i) as number;
  const char = String.fromCodePoint(point);
  return keyLetter.test(char) ? char.length : 0;
}

/** The citation key right at `start` (after its `@`): its length as written and the key, or null. */
export function readKey(value: string, start: number): { length: number; key: string } | null {
  if (value[start] === '{') {
    let end = start + 1;
    while (end < value.length && value[end] !== '{' && value[end] !== '}') end++;
    if (value[end] !== '}' || end === start + 1) return null;
    return { length: end + 1 - start, key: value.slice(start + 1, end) };
  }
  let end = start;
  let width = keyCharAt(value, end);
  if (width === 0) return null;
  end += width;
  for (;;) {
    width = keyCharAt(value, end);
    if (width > 0) {
      end += width;
      continue;
    }
    if (keyInner.has(value[end]) && keyCharAt(value, end + 1) > 0) {
      end++;
      continue;
    }
    break;
  }
  return { length: end - start, key: value.slice(start, end) };
}

/** Is `char` (one UTF-16 unit) a word character, `@` or `\`, so an `@` after it starts no citation? */
function wordBefore(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 64 || code === 92;
  return keyLetter.test(char);
}

/** Map offsets in a text node's value to points in the source. */
class SourceMap {
  private readonly source: string;
  private readonly index: PositionIndex;
  constructor(file: VFile) {
    this.source = String(file.value);
    this.index = positionIndex(this.source);
  }

  /** Source offsets of each character of `node.value` (aligned greedily). */
  offsets(node: Text): number[] | null {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return null;
    const result: number[] = [];
    let at = start;
    const value = node.value;
    // Code point by code point, by index (a string's iterator makes a step of garbage per character).
    for (let i = 0; i < value.length; ) {
      const char = (value.codePointAt(i) as number) > 0xffff ? value.slice(i, i + 2) : value[i];
      // Skip what the parser removed: escapes, blockquote markers, indentation.
      while (at < end && this.source[at] !== char) at++;
      result.push(at);
      at += char.length;
      i += char.length;
    }
    return result;
  }

  point(offset: number): Point {
    return this.index.point(offset);
  }

  charAt(offset: number): string {
    return this.source[offset] ?? '';
  }
}

interface Match {
  start: number;
  end: number;
  node: Cite;
}

/** Turn citation syntax in text nodes into `cite` nodes. Safe to run twice. */
export function citationsTransform(tree: Root, file: VFile, table: LabelTable = englishLabels): void {
  const map = new SourceMap(file);
  // Brackets whose prefix or suffix has formatting (`[*see* @a, *passim*]`)
  // span several nodes; the rest is found within single text nodes below.
  visit(tree, (any) => {
    if (any.type === 'link' || any.type === 'linkReference') return SKIP;
    if ('children' in any) spanningCitations(any as Parent, map, table);
  });
  visit(tree, (any, index, ancestor) => {
    const parent = ancestor as Parent | undefined;
    // A citation inside a link's text would make a link inside a link.
    if (any.type === 'link' || any.type === 'linkReference') return SKIP;
    if (any.type !== 'text') return;
    const node = any as Text;
    if (!parent || index === undefined) return;
    if (!node.value.includes('@')) return;
    const offsets = map.offsets(node);
    const matches = findCitations(
      node.value,
      (i) => {
        const offset = offsets?.[i];
        if (offset === undefined) return { point: node.position?.start ?? { line: 1, column: 1 }, escaped: false };
        return { point: map.point(offset), escaped: map.charAt(offset - 1) === '\\' };
      },
      table,
    );
    if (matches.length === 0) return;
    const replacement: PhrasingContent[] = [];
    let last = 0;
    for (const match of matches) {
      if (match.start > last) replacement.push(textSlice(node, last, match.start, offsets, map));
      replacement.push(match.node);
      last = match.end;
    }
    if (last < node.value.length) replacement.push(textSlice(node, last, node.value.length, offsets, map));
    parent.children.splice(index, 1, ...(replacement as typeof parent.children));
    return [SKIP, index + replacement.length];
  });
}

// One private-use character stands for each formatted node inside a bracket.
const placeholderBase = 0xe000;
const placeholderPattern = /[\ue000-\ue0ff]/g;

/**
 * `[` in one text node closed by `]` in a later one, with formatted inline
 * nodes between: parsed as one cluster whose prefix and suffix keep their
 * emphasis (`<i>`, `<b>`, which citeproc understands in affixes).
 */
function spanningCitations(parent: Parent, map: SourceMap, table: LabelTable): void {
  const children = parent.children as Nodes[];
  for (let i = 0; i < children.length; i++) {
    const first = children[i];
    if (first.type !== 'text' || !first.value.includes('[')) continue;
    const open = first.value.lastIndexOf('[');
    if (open === -1 || matchingBracket(first.value, open) !== -1) continue;
    // Gather siblings up to the text that closes the bracket.
    let combined = first.value.slice(open);
    const pieces: Array<{ node: Nodes; start: number }> = [{ node: first, start: 0 }];
    const formatted: Nodes[] = [];
    let close = -1;
    let last = i;
    for (let j = i + 1; j < children.length && j < i + 12 && formatted.length < 0xff; j++) {
      const node = children[j];
      if (node.type === 'text') {
        pieces.push({ node, start: combined.length });
        combined += node.value;
        close = matchingBracket(combined, 0);
        if (close !== -1) {
          last = j;
          break;
        }
      } else if (node.type === 'emphasis' || node.type === 'strong' || node.type === 'inlineCode' || node.type === 'delete') {
        pieces.push({ node, start: combined.length });
        combined += String.fromCharCode(placeholderBase + formatted.length);
        formatted.push(node);
      } else {
        break;
      }
    }
    if (close === -1) continue;
    const firstOffsets = map.offsets(first);
    const locate: Locate = (index) => {
      let piece = pieces[0];
      for (const candidate of pieces) if (candidate.start <= index) piece = candidate;
      if (piece.node.type !== 'text') return { point: piece.node.position?.start ?? { line: 1, column: 1 }, escaped: false };
      const offsets = piece.node === first ? firstOffsets : map.offsets(piece.node);
      const within = piece.node === first ? open + index : index - piece.start;
      const offset = offsets?.[within];
      if (offset === undefined) return { point: piece.node.position?.start ?? { line: 1, column: 1 }, escaped: false };
      return { point: map.point(offset), escaped: map.charAt(offset - 1) === '\\' };
    };
    // A formatted node in a locator reads as its text (`p. **32**` is page 32).
    const nodeText: NodeText = (char) => {
      const code = char.charCodeAt(0) - placeholderBase;
      return code >= 0 && code < formatted.length ? mdToString(formatted[code]) : undefined;
    };
    const cite = bracketed(combined, 1, close, locate, table, nodeText);
    if (!cite) continue;
    const markup = (text: string) => text.replace(placeholderPattern, (char) => affixMarkup(formatted[char.charCodeAt(0) - placeholderBase]));
    for (const item of cite.items) {
      item.prefix = markup(item.prefix);
      item.suffix = markup(item.suffix);
      item.rawSuffix = markup(item.rawSuffix);
    }
    cite.value = combined.slice(0, close + 1).replace(placeholderPattern, (char) => mdToString(formatted[char.charCodeAt(0) - placeholderBase]));
    const closing = children[last] as Text;
    const closingStart = pieces.find((p) => p.node === closing)!.start;
    const before: Text = { type: 'text', value: first.value.slice(0, open), position: first.position };
    const after: Text = { type: 'text', value: closing.value.slice(close + 1 - closingStart), position: closing.position };
    const replacement = [before, cite, after].filter((n) => n.type !== 'text' || n.value !== '');
    children.splice(i, last - i + 1, ...(replacement as Nodes[]));
    // The text after the cluster may open the next one: look at it again.
    const afterIndex = replacement.indexOf(after);
    i += (afterIndex === -1 ? replacement.length : afterIndex) - 1;
  }
}

/** A formatted node as citeproc's affix markup. */
function affixMarkup(node: Nodes): string {
  const text = mdToString(node).replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
  if (node.type === 'emphasis') return `<i>${text}</i>`;
  if (node.type === 'strong') return `<b>${text}</b>`;
  return text;
}

function textSlice(node: Text, from: number, to: number, offsets: number[] | null, map: SourceMap): Text {
  const text: Text = { type: 'text', value: node.value.slice(from, to) };
  if (offsets) {
    text.position = { start: map.point(offsets[from]), end: map.point((offsets[to - 1] ?? offsets[from]) + 1) };
  }
  return text;
}

type Locate = (index: number) => { point: Point; escaped: boolean };

/** All citation clusters in one text value, in order. */
export function findCitations(value: string, locate: Locate, table: LabelTable = englishLabels): Match[] {
  const matches: Match[] = [];
  let i = 0;
  while (i < value.length) {
    const char = value[i];
    if (char === '[') {
      const close = matchingBracket(value, i);
      if (close !== -1) {
        const cite = bracketed(value, i + 1, close, locate, table);
        if (cite) {
          matches.push({ start: i, end: close + 1, node: cite });
          i = close + 1;
          continue;
        }
      }
    } else if (char === '@' || (char === '-' && value[i + 1] === '@')) {
      const at = char === '@' ? i : i + 1;
      const before = i > 0 ? value[i - 1] : '';
      if (!(before && wordBefore(before)) && !locate(at).escaped) {
        const inText = narrative(value, i, locate, table);
        if (inText) {
          matches.push({ start: i, end: inText.end, node: inText.node });
          i = inText.end;
          continue;
        }
      }
    }
    i++;
  }
  return matches;
}

/**
 * The `]` that closes the `[` at `open`, or -1. Braces do not count (Pandoc
 * closes `[@a {]}]` at the first `]`), except around a braced key
 * (`[@{a]b} x]`).
 */
function matchingBracket(value: string, open: number): number {
  let depth = 0;
  for (let i = open; i < value.length; i++) {
    const c = value[i];
    if (c === '@' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end !== -1 && !value.slice(i + 2, end).includes('{')) {
        i = end;
        continue;
      }
    }
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** `[prefix @key suffix; …]` between `from` and `to` (exclusive), or null. */
function bracketed(value: string, from: number, to: number, locate: Locate, table: LabelTable, nodeText?: NodeText): Cite | null {
  // Items are split at every `;`, as in Pandoc (`[@a {x; y}]` is no citation).
  const parts: Array<[number, number]> = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (value[i] === '@' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end !== -1 && end < to) i = end;
    } else if (value[i] === ';') {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  const items: CiteItem[] = [];
  for (const [a, b] of parts) {
    const item = bracketItem(value, a, b, locate, table, nodeText);
    if (!item) return null;
    items.push(item);
  }
  return {
    type: 'cite',
    mode: 'normal',
    items,
    value: value.slice(from - 1, to + 1),
    position: { start: locate(from - 1).point, end: locate(to).point },
  };
}

function bracketItem(value: string, from: number, to: number, locate: Locate, table: LabelTable, nodeText?: NodeText): CiteItem | null {
  const text = value.slice(from, to);
  // The key is the first `@` not preceded by a word character (not an e-mail).
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '@') continue;
    if (i > 0 && wordBefore(text[i - 1]) && text[i - 1] !== '-') continue;
    if (locate(from + i).escaped) continue;
    const key = readKey(text, i + 1);
    if (!key) continue;
    const suppress = text[i - 1] === '-';
    const prefix = smartDashes(text.slice(0, suppress ? i - 1 : i));
    if (prefix !== '' && !/\s$/.test(prefix) && !suppress) continue;
    const rawSuffix = smartDashes(text.slice(i + 1 + key.length));
    const parsed = parseSuffix(rawSuffix, table, nodeText);
    return {
      key: key.key,
      prefix: prefix.trim(),
      suffix: parsed.suffix,
      rawSuffix,
      locator: parsed.locator,
      label: parsed.locator === undefined ? undefined : parsed.label,
      suppressAuthor: suppress,
      place: locate(from + i).point,
    };
  }
  return null;
}

/** Pandoc's smart dashes and ellipsis in a prefix or suffix (`pp. 50--52` is a range with an en dash). */
function smartDashes(text: string): string {
  return text.replace(/---/g, '\u2014').replace(/--/g, '\u2013').replace(/\.\.\./g, '\u2026');
}

/**
 * The suffix of `@a [among others]`: it reads "A (2019, among others)", the
 * comma implied, as in Pandoc. `@a [ among others]` (a space first) reads
 * "A (2019 among others)"; after a locator the rest is as written
 * (`@a [pp. 3 and 5]`: "A (2019, 3 and 5)").
 */
export function narrativeSuffix(inner: string, table?: LabelTable): ParsedSuffix {
  const parsed = parseSuffix(inner, table);
  if (parsed.locator === undefined && parsed.suffix && !/^[,.;:]/.test(parsed.suffix)) parsed.suffix = /^\s/.test(inner) ? ` ${parsed.suffix}` : `, ${parsed.suffix}`;
  return parsed;
}

/** `@key` or `@key [suffix]` starting at `start`, or null. */
function narrative(value: string, start: number, locate: Locate, table: LabelTable): { end: number; node: Cite } | null {
  const suppress = value[start] === '-';
  const at = suppress ? start + 1 : start;
  const key = readKey(value, at + 1);
  if (!key) return null;
  let end = at + 1 + key.length;
  let suffix = { suffix: '' } as ReturnType<typeof parseSuffix>;
  let rawSuffix: string | undefined;
  let more: CiteItem[] = [];
  const bracket = /^ ?\[/.exec(value.slice(end));
  if (bracket) {
    const open = end + bracket[0].length - 1;
    const close = matchingBracket(value, open);
    const inner = close === -1 ? '' : value.slice(open + 1, close);
    // `@a [-@b p. 30; see also @c]` is one citation, as in Pandoc: the
    // author of `a` in the text, the bracket's items after its own.
    const group = close !== -1 && /^\s*-?@/.test(inner) ? bracketed(value, open + 1, close, locate, table) : null;
    if (group) {
      more = group.items;
      end = close + 1;
    } else if (close !== -1 && !/(^|[\s;])-?@/.test(inner)) {
      suffix = narrativeSuffix(smartDashes(inner), table);
      rawSuffix = smartDashes(inner);
      end = close + 1;
    }
  }
  return {
    end,
    node: {
      type: 'cite',
      mode: suppress ? 'normal' : 'author-in-text',
      items: [
        {
          key: key.key,
          prefix: '',
          suffix: suffix.suffix,
          rawSuffix: rawSuffix ?? '',
          narrativeSuffix: rawSuffix !== undefined,
          locator: suffix.locator,
          label: suffix.locator === undefined ? undefined : suffix.label,
          suppressAuthor: suppress,
          place: locate(at).point,
        },
        ...more,
      ],
      value: value.slice(start, end),
      position: { start: locate(start).point, end: locate(end - 1).point },
    },
  };
}
