/**
 * Checks that stop a hostile or runaway input before the stages that would
 * choke on it: nesting too deep for the recursive tree walks, too many
 * table cells, notes or citations, values nested too deep in JSON or YAML.
 * Each check walks without recursion and reports one located message with
 * the limit's rule id (`limit-…`, see `src/limits.ts`).
 */
import type { Nodes as HastNodes } from 'hast';
import type { Nodes as MdastNodes, Root } from 'mdast';
import type { VFile } from 'vfile';
import { limitRule, overLimit, type Limits } from './limits.js';
import { fileError } from './messages.js';
import type { RuleId } from './rules.js';

type Place = { line: number; column: number };

function fail(file: VFile, reason: string, place: Place | undefined, rule: RuleId): void {
  fileError(file, reason, { place, ruleId: rule, source: 'limits' });
}

/**
 * Block nesting read off the raw text, before the Markdown parser sees it
 * (whose cost grows with the depth): block-quote markers and list markers
 * at the start of a line, and the indentation of a list item. Returns false
 * (and reports) when a line goes over the limit.
 */
export function checkMarkdownText(file: VFile, text: string, limits: Limits): boolean {
  const limit = limits.nesting;
  let line = 1;
  let fence: string | null = null;
  // Emphasis delimiters left open in the current paragraph.
  let open = 0;
  const marker = /^(?:[ \t]{0,3}(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?)/;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const content = text.slice(start, end);
    start = end + 1;
    const fenceMatch = /^[ \t]*(`{3,}|~{3,})/.exec(content);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = null;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    // Emphasis never spans blocks: a blank line, a list item, a heading, a
    // quote or a table row starts the count again.
    if (content.trim() === '' || /^[ \t]*(?:[-+*][ \t]|\d{1,9}[.)][ \t]|#{1,6}[ \t]|>|\|)/.test(content)) open = 0;
    if (content.trim() !== '') {
      const column = emphasisOverflow(content, limit, (value) => (open = value), open);
      if (column > 0) {
        fail(file, `emphasis nested too deep: ${overLimit('nesting', limits)}`, { line, column }, limitRule('nesting'));
        return false;
      }
    }
    let depth = 0;
    let rest = content;
    let indentDepth = 0;
    const indent = /^[ \t]*/.exec(rest)?.[0] ?? '';
    if (/^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]/.test(rest)) indentDepth = Math.floor(indent.replace(/\t/g, '    ').length / 2);
    for (;;) {
      const m = marker.exec(rest);
      if (!m || m[0].length === 0) break;
      depth++;
      rest = rest.slice(m[0].length);
      if (depth > limit) break;
    }
    if (depth + indentDepth > limit) {
      fail(file, `blocks nested too deep: ${overLimit('nesting', limits)}`, { line, column: 1 }, limitRule('nesting'));
      return false;
    }
    if (end >= text.length) break;
  }
  return true;
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isPunctuation = (c: string | undefined) => c !== undefined && /[\p{P}\p{S}]/u.test(c);
const delimiters = /[*_]/g;

/**
 * Emphasis delimiter runs (`*`, `_`) that open without closing, counted
 * through a paragraph as CommonMark's flanking rules tell openers from
 * closers: the parser's cost grows steeply with them. Returns the column
 * where the count goes over `limit`, else 0 (and hands on the count).
 */
function emphasisOverflow(line: string, limit: number, keep: (open: number) => void, open: number): number {
  // From one delimiter run to the next (a step per character was most of the guard's time).
  delimiters.lastIndex = 0;
  for (let found = delimiters.exec(line); found !== null; found = delimiters.exec(line)) {
    const i = found.index;
    const c = line[i];
    let j = i;
    while (line[j] === c) j++;
    const before = line[i - 1];
    const after = line[j];
    const left = !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
    const right = !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
    if (left && !right) open += j - i;
    else if (right && !left) open = Math.max(0, open - (j - i));
    if (open > limit) return i + 1;
    delimiters.lastIndex = j;
  }
  keep(open);
  return 0;
}

/** Depth, table cells and citations of the parsed manuscript. */
export function checkMarkdownTree(file: VFile, tree: Root, limits: Limits): boolean {
  let cells = 0;
  let citations = 0;
  const stack: Array<[MdastNodes, number]> = [[tree, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limits.nesting) {
      fail(file, `text nested too deep: ${overLimit('nesting', limits)}`, node.position?.start, limitRule('nesting'));
      return false;
    }
    if (node.type === 'html' && rawHtmlDepth(node.value) + depth > limits.nesting + 16) {
      fail(file, `raw HTML nested too deep: ${overLimit('nesting', limits)}`, node.position?.start, limitRule('nesting'));
      return false;
    }
    if (node.type === 'tableCell') {
      cells++;
      if (cells > limits['table-cells']) {
        fail(file, `too many table cells: ${overLimit('table-cells', limits)}`, node.position?.start, limitRule('table-cells'));
        return false;
      }
    } else if ((node.type as string) === 'cite') {
      citations++;
      if (citations > limits.citations) {
        fail(file, `too many citations: ${overLimit('citations', limits)}`, node.position?.start, limitRule('citations'));
        return false;
      }
    }
    if ('children' in node) {
      const children = node.children as MdastNodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
    }
  }
  return true;
}

/** The notes the document will have: footnotes, plus (`noteStyle`) one per citation in the text. */
export function checkNoteCount(file: VFile, tree: Root, limits: Limits, noteStyle: boolean): boolean {
  let notes = 0;
  const stack: MdastNodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const isFootnote = node.type === 'footnoteDefinition';
    if (isFootnote || (noteStyle && (node.type as string) === 'cite')) notes++;
    if (notes > limits.notes) {
      fail(file, `too many notes: ${overLimit('notes', limits)}`, node.position?.start, limitRule('notes'));
      return false;
    }
    // Citations inside a footnote make no note of their own.
    if ('children' in node && !isFootnote) {
      const children = node.children as MdastNodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return true;
}

const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** The deepest nesting of elements in a piece of raw HTML, as its tags say (an estimate: enough to stop an attack). */
export function rawHtmlDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (match[1]) depth = Math.max(depth - 1, 0);
    else if (!match[3] && !voidElements.has(match[2].toLowerCase())) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

/** Depth of an HTML tree (raw HTML can nest where Markdown cannot). */
export function checkHastDepth(file: VFile, tree: HastNodes, limits: Limits): boolean {
  const stack: Array<[HastNodes, number]> = [[tree, 0]];
  // The model adds a few levels of its own (sections, notes) to the text's.
  const limit = limits.nesting + 16;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) {
      fail(file, `HTML nested too deep: ${overLimit('nesting', limits)}`, node.position?.start, limitRule('nesting'));
      return false;
    }
    if ('children' in node) for (const child of node.children) stack.push([child as HastNodes, depth + 1]);
    if (node.type === 'element' && node.content) stack.push([node.content, depth + 1]);
  }
  return true;
}

/** Whether a parsed JSON or YAML value nests deeper than `limit`. */
export function valueTooDeep(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const child of Array.isArray(current) ? current : Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
