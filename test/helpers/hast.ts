/** Finding elements in hast trees, for structural assertions. */
import type { Element, Root } from 'hast';

/** Every element below `tree` (depth first, in document order) that passes `test`. */
export function elements(tree: Root | Element, test: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  const walk = (node: Root | Element): void => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (test(child)) found.push(child);
      walk(child);
    }
  };
  walk(tree);
  return found;
}
