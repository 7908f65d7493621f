/**
 * Ids the editions add (note calls, notes, page-break markers), kept apart
 * from the ids already in the text: a heading called "Page 2" is slugged
 * `page-2`, which a marker must not repeat (EPUBCheck rejects duplicate ids
 * and the page list would land on the heading).
 *
 * Every edition names note N `fn-N`, its call `fnref-N` and the marker of
 * printed page N `page-N` (`defaultIds`); where the text already has one
 * of these ids, the edition's own moves aside (`fn-1-2`), by the same
 * `IdAllocator` everywhere.
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

/** The one scheme: `page-N`, `fn-N`, `fnref-N`. */
export const defaultIds: IdScheme = {
  page: (n) => `page-${n}`,
  note: (n) => `fn-${n}`,
  noteCall: (n) => `fnref-${n}`,
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

/** Hands out ids that no element of the given trees already has. */
export class IdAllocator {
  private readonly taken: Set<string>;
  constructor(trees: (Root | Element)[], taken: Iterable<string> = []) {
    this.taken = new Set(taken);
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

/**
 * The scheme with ids that cannot meet `taken`: each id the plain one, or
 * moved aside as `IdAllocator.claim` does, and the same every time it is asked.
 */
export function idSchemeAvoiding(taken: ReadonlySet<string>): IdScheme {
  const allocator = new IdAllocator([], taken);
  const given = new Map<string, string>();
  const id = (base: string): string => {
    let value = given.get(base);
    if (value === undefined) {
      value = allocator.claim(base);
      given.set(base, value);
    }
    return value;
  };
  return { page: (n) => id(defaultIds.page(n)), note: (n) => id(defaultIds.note(n)), noteCall: (n) => id(defaultIds.noteCall(n)) };
}
