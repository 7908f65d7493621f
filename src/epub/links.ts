/**
 * Links the book cannot follow are unwrapped to their text: a fragment
 * pointing at an id the book does not have (a citation linked to a
 * bibliography the style does not print, say), or a relative link to a
 * file beside the manuscript (`other.md`, `data.xlsx`) that is not in the
 * book. EPUBCheck rejects both, and a link that goes nowhere helps no
 * reader. Spaces in the remaining URLs are percent-encoded, as URLs need.
 */
import type { Element, ElementContent, Root } from 'hast';

const hasScheme = (href: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');

export function unwrapDanglingLinks(tree: Root | Element, ids: ReadonlySet<string>): void {
  for (let index = 0; index < tree.children.length; index++) {
    const child = tree.children[index];
    if (child.type !== 'element') continue;
    unwrapDanglingLinks(child, ids);
    const href = child.properties?.href;
    if (child.tagName !== 'a' || typeof href !== 'string') continue;
    const dangling = href.startsWith('#') ? !ids.has(safeDecode(href.slice(1))) : !hasScheme(href);
    if (dangling) {
      (tree.children as ElementContent[]).splice(index, 1, ...child.children);
      index += child.children.length - 1;
    } else if (/\s/.test(href)) {
      child.properties.href = href.trim().replace(/\s/g, (space) => encodeURIComponent(space));
    }
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
