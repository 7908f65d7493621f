/**
 * Links inside the text that point at an id the book does not have (a
 * citation linked to a bibliography the style does not print, say) are
 * unwrapped to their text: EPUBCheck rejects fragment links to nothing,
 * and a link that goes nowhere helps no reader.
 */
import type { Element, ElementContent, Root } from 'hast';

export function unwrapDanglingLinks(tree: Root | Element, ids: ReadonlySet<string>): void {
  for (let index = 0; index < tree.children.length; index++) {
    const child = tree.children[index];
    if (child.type !== 'element') continue;
    unwrapDanglingLinks(child, ids);
    const href = child.properties?.href;
    if (child.tagName === 'a' && typeof href === 'string' && href.startsWith('#') && !ids.has(decodeURIComponent(href.slice(1)))) {
      (tree.children as ElementContent[]).splice(index, 1, ...child.children);
      index += child.children.length - 1;
    }
  }
}
