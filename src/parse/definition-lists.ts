/**
 * Pandoc's definition lists (`Term` then `: definition`), read by
 * micromark-extension-definition-list; here they get their HTML names, `<dl>`, `<dt>`
 * and `<dd>`, so every edition renders them without its own handler.
 */
import type { Nodes, Parent, Root } from 'mdast';

const names: Record<string, string> = { defList: 'dl', defListTerm: 'dt', defListDescription: 'dd' };

export function definitionListsTransform(tree: Root): void {
  const walk = (node: Nodes) => {
    const name = names[node.type];
    if (name) node.data = { ...node.data, hName: name } as never;
    if ('children' in node) for (const child of (node as Parent).children) walk(child as Nodes);
  };
  walk(tree);
}
