/**
 * Pandoc's subscript and superscript: `H~2~O` and `2^10^`. The text
 * between the marks has no spaces (Pandoc's rule), so a lone `~` or `^`
 * stays text. GFM's single-tilde strikethrough is switched off in the
 * parser for this (`~~struck~~` still strikes through), as in Pandoc.
 */
import type { Parent, PhrasingContent, Root, Text } from 'mdast';
import { SKIP, visit } from 'unist-util-visit';

export interface ScriptNode extends Parent {
  type: 'subscript' | 'superscript';
  children: PhrasingContent[];
  data: { hName: 'sub' | 'sup' };
}

declare module 'mdast' {
  interface PhrasingContentMap {
    subscript: ScriptNode;
    superscript: ScriptNode;
  }
  interface RootContentMap {
    subscript: ScriptNode;
    superscript: ScriptNode;
  }
}

const pattern = /~([^\s~]+)~|\^([^\s^]+)\^/g;

/** Turn `~x~` and `^x^` in text into `sub` and `sup`. Safe to run twice. */
export function scriptsTransform(tree: Root): void {
  visit(tree, (node, index, ancestor) => {
    const parent = ancestor as Parent | undefined;
    if (node.type === 'inlineCode' || node.type === 'code' || node.type === 'link') return SKIP;
    if (node.type !== 'text' || !parent || index === undefined) return;
    const text = node as Text;
    if (!/[~^]/.test(text.value)) return;
    const parts: PhrasingContent[] = [];
    let last = 0;
    for (const match of text.value.matchAll(pattern)) {
      const start = match.index ?? 0;
      if (start > last) parts.push({ type: 'text', value: text.value.slice(last, start) });
      const sub = match[1] !== undefined;
      parts.push({
        type: sub ? 'subscript' : 'superscript',
        children: [{ type: 'text', value: (match[1] ?? match[2]).replace(/\\(.)/g, '$1') }],
        data: { hName: sub ? 'sub' : 'sup' },
        position: text.position,
      } as ScriptNode);
      last = start + match[0].length;
    }
    if (parts.length === 0) return;
    if (last < text.value.length) parts.push({ type: 'text', value: text.value.slice(last) });
    // Each new text keeps the original's position: close enough for messages.
    for (const part of parts) if (part.type === 'text') part.position = text.position;
    parent.children.splice(index, 1, ...(parts as typeof parent.children));
    return [SKIP, index + parts.length];
  });
}
