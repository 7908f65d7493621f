/**
 * Pandoc's attribute syntax, with the examples of Pandoc's manual
 * ("Extension: header_attributes", "bracketed_spans", "fenced_divs",
 * "link_attributes"), read by Colophon's micromark extension.
 */
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { parseAttributes } from '../src/parse/attributes/index.js';
import { parse } from '../src/parse/index.js';

function tree(markdown: string) {
  const file = new VFile({ path: 'test.md', value: markdown });
  return { root: parse(file), file };
}

describe('attribute blocks', () => {
  it('reads identifiers, classes, key-value pairs and `-`', () => {
    expect(parseAttributes('{#identifier .class .class key=value key2="value two"}')).toEqual({
      id: 'identifier',
      classes: ['class', 'class'],
      pairs: [['key', 'value'], ['key2', 'value two']],
    });
    expect(parseAttributes('{-}').classes).toEqual(['unnumbered']);
  });

  it('headings: `# My heading {#foo}`, `{-}`, `{.unnumbered}`', () => {
    const { root } = tree('# My heading {#foo}\n\n## My heading ##    {#foo2}\n\n# My heading {-}\n\n# Other {.unnumbered}\n');
    const headings = root.children.filter((n) => n.type === 'heading');
    expect(headings.map((h) => (h.data as { hProperties?: { id?: string } }).hProperties?.id)).toEqual(['foo', 'foo2', undefined, undefined]);
    expect(headings.map((h) => (h.children[0] as { value: string }).value)).toEqual(['My heading', 'My heading', 'My heading', 'Other']);
    expect((headings[2].data as { hProperties: { className: string[] } }).hProperties.className).toEqual(['unnumbered']);
  });

  it('bracketed spans: `[This is *some text*]{.class key="val"}`', () => {
    const { root } = tree('[This is *some text*]{.class key="val"}\n');
    const paragraph = root.children[0] as { children: Array<{ type: string; data?: { hName?: string; hProperties?: Record<string, unknown> }; children?: unknown[] }> };
    expect(paragraph.children).toHaveLength(1);
    const span = paragraph.children[0];
    expect(span.type).toBe('pandocSpan');
    expect(span.data?.hProperties).toEqual({ className: ['class'], 'data-key': 'val' });
    expect(span.children?.map((c) => (c as { type: string }).type)).toEqual(['text', 'emphasis']);
  });

  it('fenced divs, nested: `::::: {#special .sidebar}` … `:::::`', () => {
    const { root } = tree('::::: {#special .sidebar}\nHere is a paragraph.\n\nAnd another.\n\n::: Warning ::::::\nThis is a warning.\n\n::: Danger\nThis is a warning within a warning.\n:::\n::::::::::::::::::\n:::::\n');
    expect(root.children).toHaveLength(1);
    const outer = root.children[0] as { type: string; attributes: { id?: string; classes: string[] }; children: Array<{ type: string; attributes?: { classes: string[] }; children?: Array<{ type: string; attributes?: { classes: string[] } }> }> };
    expect(outer.type).toBe('pandocDiv');
    expect(outer.attributes).toMatchObject({ id: 'special', classes: ['sidebar'] });
    expect(outer.children.map((c) => c.type)).toEqual(['paragraph', 'paragraph', 'pandocDiv']);
    const warning = outer.children[2];
    expect(warning.attributes?.classes).toEqual(['Warning']);
    expect(warning.children?.map((c) => c.type)).toEqual(['paragraph', 'pandocDiv']);
    expect(warning.children?.[1].attributes?.classes).toEqual(['Danger']);
  });

  it('link and image attributes: `![image](foo.jpg){#id .class width=30 height=20px}`', () => {
    const { root } = tree('An inline ![image](foo.jpg){#id .class width=30 height=20px}\nand a reference ![image][ref] with attributes.\n\n[ref]: foo.jpg "optional title" {#id .class key=val key2="val 2"}\n\n![](file.jpg){ width=50% }\n');
    const image = (root.children[0] as { children: Array<{ type: string; data?: { hProperties?: Record<string, unknown> } }> }).children[1];
    expect(image.type).toBe('image');
    expect(image.data?.hProperties).toEqual({ id: 'id', className: ['class'], width: '30', height: '20' });
    const second = (root.children.at(-1) as { children: Array<{ type: string; data?: { hProperties?: Record<string, unknown> } }> }).children[0];
    expect(second.data?.hProperties).toEqual({ style: 'width:50%' });
  });

  it('leaves text that only looks like attributes, and warns about blocks that belong to nothing', () => {
    const { root, file } = tree('A set {a, b} and a stray {#x} block.\n');
    const text = (root.children[0] as { children: Array<{ value?: string }> }).children.map((c) => c.value).join('');
    expect(text).toBe('A set {a, b} and a stray {#x} block.');
    expect(file.messages.map((m) => m.ruleId)).toEqual(['attributes-unused']);
  });

  it('an unmatched closing fence is text, with a warning', () => {
    const { file } = tree('Text.\n\n:::\n');
    expect(file.messages.map((m) => m.ruleId)).toEqual(['div-unmatched']);
  });
});
