/**
 * Ids the editions add (note calls, notes, page-break markers), kept apart
 * from the ids already in the text: a heading called "Page 2" is slugged
 * `page-2`, which a marker must not repeat (EPUBCheck rejects duplicate ids
 * and the page list would land on the heading).
 *
 * The web page and the print page name notes `fn-N` and their calls
 * `fnref-N` (`noteIds`), and an `IdAllocator` moves one aside (`fn-1-2`)
 * when the text already has it; the ebook's scheme is `fnN`/`fnrefN`/
 * `page-N`, behind a prefix when the text has ids of that shape.
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

/** Note ids of the web and print pages: `fn-N` for note N, `fnref-N` for its call. */
export const noteIds: Pick<IdScheme, 'note' | 'noteCall'> = {
  note: (n) => `fn-${n}`,
  noteCall: (n) => `fnref-${n}`,
};

/** Hands out ids that no element of the given trees already has. */
export class IdAllocator {
  private readonly taken: Set<string>;
  constructor(trees: (Root | Element)[]) {
    this.taken = new Set();
    for (const tree of trees) collectIds(tree, this.taken);
  }
  /** `base`, or `base-2`, `base-3` … when taken. */
  claim(base: string): string {
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }
}
