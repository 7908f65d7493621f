/**
 * Bracket nesting is bounded before parsing: deeply nested or unbalanced
 * brackets parse in linear time, and every ordinary text parses exactly as
 * it would without the bound (same tree, same positions).
 */
import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { maxBracketDepth, shieldBrackets } from '../src/parse/brackets.js';
import { parse } from '../src/parse/index.js';

const processor = unified().use(remarkParse).use(remarkGfm, { singleTilde: false }).use(remarkFrontmatter, ['yaml']).freeze();

function shieldedTree(text: string): { tree: Root; file: VFile } {
  const file = new VFile({ path: '/tmp/brackets.md', value: text });
  const shielded = shieldBrackets(file, text);
  expect(shielded.text).toHaveLength(text.length);
  const tree = processor.parse(shielded.text);
  shielded.restore(tree);
  return { tree, file };
}

describe('bracket shielding', () => {
  const ordinary = [
    'A [link](https://example.org) and ![an image](fig.png "Title").',
    'Unmatched ] closers ]] here, and [one] ] more]] and `]` in code.',
    ']x[ and [a]] and [[b]](c) and [![img](i.png)](target)',
    'A note.[^1] And more] text.\n\n[^1]: The note ] with a bracket.',
    '```\n]\n\n[\n]\n```\n\nAfter the ] code.',
    'Escaped \\] and \\\\] and \\[ brackets ].',
    '[a\n\nb] across a blank line ]',
    '> [quoted\n> link]](c) ]\n\n- [item](x) ]\n- ] [ref]\n\n[ref]: /x',
    '<span title="]">]</span> and <https://example.org/]> and a@b.c]',
    '---\ntitle: "T ]"\n---\n\nText [see @key, p. 3] and @key [p. 4]].',
    '| a ] | b |\n| --- | --- |\n| [c](d) ] | ] |',
    'Private-use \uE000 and \uE001 characters ] stay as written.',
  ];
  for (const text of ordinary) {
    it(`parses as without the bound: ${JSON.stringify(text.slice(0, 40))}`, () => {
      const { tree, file } = shieldedTree(text);
      expect(tree).toEqual(processor.parse(text));
      expect(file.messages).toEqual([]);
    });
  }

  it('reads 120 KB of nested links in linear time: only the nesting past the bound becomes text', () => {
    const n = 24_000;
    const text = `${'['.repeat(n)}x${'](y)'.repeat(n)}`;
    const file = new VFile({ path: '/tmp/nested.md', value: text });
    const tree = parse(file);
    // The innermost bracket read as a link takes the deeper ones as its text.
    expect(toString(tree)).toBe(`${'['.repeat(n - 1)}x${'](y)'.repeat(n - 1)}`);
    const links: string[] = [];
    visit(tree, 'link', (node) => void links.push(node.url));
    expect(links).toEqual(['y']);
    expect(file.messages.map((m) => [m.ruleId, m.line, m.column, m.fatal])).toEqual([['brackets-too-deep', 1, maxBracketDepth + 1, false]]);
    expect(file.messages[0]?.reason).toBe(`brackets nested deeper than ${maxBracketDepth} levels: the deeper ones are read as text`);
  });

  it('reads 120 KB of closing brackets as text', () => {
    const text = `Text ${']'.repeat(120_000)} end.`;
    const file = new VFile({ path: '/tmp/closers.md', value: text });
    expect(toString(parse(file))).toBe(text);
    expect(file.messages).toEqual([]);
  });

  it(`keeps links nested ${maxBracketDepth} deep as they are`, () => {
    const text = `${'['.repeat(maxBracketDepth)}x${'](y)'.repeat(maxBracketDepth)}`;
    const { tree, file } = shieldedTree(text);
    expect(tree).toEqual(processor.parse(text));
    expect(file.messages).toEqual([]);
  });
});
