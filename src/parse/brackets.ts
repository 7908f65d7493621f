/**
 * Bracket nesting is bounded before Markdown is parsed.
 *
 * micromark (with GFM's footnote calls) walks back over a paragraph's
 * events at every `]` that closes nothing, and marks outer labels at every
 * link: deeply nested or unbalanced brackets (`[[[[…x](y)](y)…`, or
 * thousands of `]`) take time quadratic in their number — minutes for
 * 120 KB. So the text is scanned once first, paragraph by paragraph (a
 * blank line ends one, as it ends any link): a `]` that closes no `[` is
 * text anyway, and a `[` nested deeper than `maxBracketDepth` is read as
 * text (with a warning). Both are hidden from the parser behind a
 * placeholder character of the same length, so every position stays
 * where it was, and are put back in the tree after parsing.
 */
import type { Nodes, Root } from 'mdast';
import type { VFile } from 'vfile';
import { fileWarn } from '../messages.js';
import { rules } from '../rules.js';

/** Deepest nesting of `[` read as Markdown; deeper ones are text. */
export const maxBracketDepth = 32;

export interface Shielded {
  /** The text to parse: same length as the source, shielded brackets replaced. */
  text: string;
  /** Whether any bracket was shielded (`text` is not the source). */
  shielded: boolean;
  /** Put shielded brackets back into the parsed tree. */
  restore(tree: Root): void;
}

/** Two characters the text does not contain, from the private-use area. */
function placeholders(source: string): [string, string] {
  const free: string[] = [];
  for (let code = 0xe000; code <= 0xf8ff && free.length < 2; code++) {
    const char = String.fromCharCode(code);
    if (!source.includes(char)) free.push(char);
  }
  if (free.length < 2) throw new Error('no free placeholder characters for bracket shielding');
  return free as [string, string];
}

export function shieldBrackets(file: VFile, source: string): Shielded {
  // Most texts need nothing: no deep nesting, few unmatched `]`.
  let chars: string[] | null = null;
  let open: string | undefined;
  let close: string | undefined;
  const shield = (index: number, which: 'open' | 'close') => {
    if (!chars) {
      chars = source.split('');
      [open, close] = placeholders(source);
    }
    chars[index] = (which === 'open' ? open : close) as string;
  };
  let depth = 0;
  let warned = false;
  // Only brackets and blank lines matter: found with native searches.
  const brackets = /[[\]]/g;
  const blankLine = /\n[ \t\r]*\n/g;
  // End of the next blank line not yet passed (a blank line ends the
  // paragraph: no bracket reaches across it).
  const nextBlank = (from: number) => {
    blankLine.lastIndex = from;
    const found = blankLine.exec(source);
    return found ? found.index + found[0].length : Infinity;
  };
  let blankEnd = nextBlank(0);
  for (let match = brackets.exec(source); match; match = brackets.exec(source)) {
    const i = match.index;
    if (blankEnd <= i) {
      depth = 0;
      blankEnd = nextBlank(i);
    }
    // An escaped bracket (an odd number of backslashes before it) is text.
    let slashes = 0;
    while (i - slashes - 1 >= 0 && source.charCodeAt(i - slashes - 1) === 92) slashes++;
    if (slashes % 2 === 1) continue;
    if (source.charCodeAt(i) === 91) {
      if (depth < maxBracketDepth) {
        depth++;
      } else {
        shield(i, 'open');
        if (!warned) {
          warned = true;
          const lineStart = source.lastIndexOf('\n', i - 1) + 1;
          let line = 1;
          for (let at = source.indexOf('\n'); at !== -1 && at < i; at = source.indexOf('\n', at + 1)) line++;
          fileWarn(file, `brackets nested deeper than ${maxBracketDepth} levels: the deeper ones are read as text`, {
            place: { line, column: i - lineStart + 1, offset: i },
            ruleId: rules.bracketsTooDeep,
            source: 'parse',
          });
        }
      }
    } else if (depth > 0) {
      depth--;
    } else {
      shield(i, 'close');
    }
  }
  if (!chars) return { text: source, shielded: false, restore: () => undefined };
  const text = (chars as string[]).join('');
  const pattern = new RegExp(`[${open}${close}]`, 'g');
  const back = (value: string) => value.replace(pattern, (c) => (c === open ? '[' : ']'));
  return {
    text,
    shielded: true,
    restore(tree) {
      const stack: Nodes[] = [tree];
      while (stack.length > 0) {
        const node = stack.pop() as Nodes & Record<string, unknown>;
        for (const key of ['value', 'url', 'title', 'alt', 'label', 'identifier'] as const) {
          const value = node[key];
          if (typeof value === 'string' && (value.includes(open as string) || value.includes(close as string))) node[key] = back(value);
        }
        if (Array.isArray(node.children)) for (const child of node.children as Nodes[]) stack.push(child);
      }
    },
  };
}
