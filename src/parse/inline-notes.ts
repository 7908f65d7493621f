/**
 * Pandoc's inline notes, `text^[the note's text]`: the bracket becomes a
 * footnote of its own, numbered with the others in reading order (and may
 * hold citations, emphasis, links). Made into an ordinary footnote
 * reference and definition, so the `cite` stage numbers it like any note.
 */
import type { FootnoteDefinition, FootnoteReference, Nodes, Parent, PhrasingContent, Root, Text } from 'mdast';

/** Turn `^[…]` into footnotes; the definitions go to the end of the document. */
export function inlineNotesTransform(tree: Root): void {
  const definitions: FootnoteDefinition[] = [];
  let counter = 0;
  const walk = (parent: Parent) => {
    const children = parent.children as Nodes[];
    for (let i = 0; i < children.length; i++) {
      const node = children[i];
      if (node.type === 'inlineCode' || node.type === 'code' || node.type === 'link') continue;
      if (node.type !== 'text') {
        if ('children' in node) walk(node as Parent);
        continue;
      }
      const open = node.value.indexOf('^[');
      if (open === -1) continue;
      const end = closing(children, i, open + 2);
      if (!end) continue;
      const identifier = `inline-note-${++counter}`;
      const inner: PhrasingContent[] = [];
      const before = node.value.slice(0, open);
      if (end.node === i) {
        inner.push({ type: 'text', value: node.value.slice(open + 2, end.at) });
      } else {
        const head = node.value.slice(open + 2);
        if (head) inner.push({ type: 'text', value: head });
        inner.push(...(children.slice(i + 1, end.node) as PhrasingContent[]));
        const tail = (children[end.node] as Text).value.slice(0, end.at);
        if (tail) inner.push({ type: 'text', value: tail });
      }
      const last = children[end.node] as Text;
      const after = last.value.slice(end.at + 1);
      const reference: FootnoteReference = { type: 'footnoteReference', identifier, label: identifier, position: node.position };
      definitions.push({ type: 'footnoteDefinition', identifier, label: identifier, children: [{ type: 'paragraph', children: inner }], position: node.position });
      const replacement: Nodes[] = [];
      if (before) replacement.push({ type: 'text', value: before, position: node.position });
      replacement.push(reference);
      if (after) replacement.push({ type: 'text', value: after, position: last.position });
      children.splice(i, end.node - i + 1, ...replacement);
      i += replacement.length - (after ? 2 : 1);
    }
  };
  walk(tree);
  tree.children.push(...definitions);
}

/** The `]` that closes a bracket opened before `from` in `children[index]`, across siblings. */
function closing(children: Nodes[], index: number, from: number): { node: number; at: number } | null {
  let depth = 1;
  for (let j = index; j < children.length; j++) {
    const node = children[j];
    if (node.type !== 'text') continue;
    for (let k = j === index ? from : 0; k < node.value.length; k++) {
      const char = node.value[k];
      if (char === '[') depth++;
      else if (char === ']' && --depth === 0) return { node: j, at: k };
    }
  }
  return null;
}
