/**
 * Ids the ebook adds (note calls, notes, page-break markers), kept apart
 * from the ids already in the text: a heading called "Page 2" is slugged
 * `page-2`, which a marker must not repeat (EPUBCheck rejects duplicate ids
 * and the page list would land on the heading).
 */
import type { Element, Root } from 'hast';

export interface IdScheme {
  /** Id of the marker where printed page `n` begins. */
  page(n: number): string;
  /** Id of note `n`. */
  note(n: number): string;
  /** Id of the call of note `n`. */
  noteCall(n: number): string;
}

/** The plain scheme: `page-N`, `fnN`, `fnrefN`. */
export const defaultIds: IdScheme = {
  page: (n) => `page-${n}`,
  note: (n) => `fn${n}`,
  noteCall: (n) => `fnref${n}`,
};

/** Every id in a tree. */
export function collectIds(tree: Root | Element, ids = new Set<string>()): Set<string> {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    const id = child.properties?.id;
    if (typeof id === 'string') ids.add(id);
    collectIds(child, ids);
  }
  return ids;
}

/**
 * A scheme whose ids cannot meet `taken`: the plain one when nothing in the
 * text looks like its ids, else the same ids behind a prefix that nothing
 * in the text starts with.
 */
export function idSchemeAvoiding(taken: ReadonlySet<string>): IdScheme {
  const looksLikeOurs = [...taken].some((id) => /^(page-\d+|fn\d+|fnref\d+)$/.test(id));
  if (!looksLikeOurs) return defaultIds;
  for (let i = 1; ; i++) {
    const prefix = `epub${i}-`;
    if (![...taken].some((id) => id.startsWith(prefix))) {
      return {
        page: (n) => `${prefix}${defaultIds.page(n)}`,
        note: (n) => `${prefix}${defaultIds.note(n)}`,
        noteCall: (n) => `${prefix}${defaultIds.noteCall(n)}`,
      };
    }
  }
}
