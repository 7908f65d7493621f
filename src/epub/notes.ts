/**
 * Notes for reading systems: note calls become `noteref` links and each
 * note an `<aside epub:type="footnote">` with a link back to its call.
 *
 * Where the notes go: at the end of the section (the run of blocks from one
 * top-level heading to the next) in which they are called, in the same
 * content document as their calls. Reading systems that pop notes up
 * (Apple Books, Kobo, Thorium, Readium-based apps) look for the
 * `epub:type="footnote"` target in the document they are showing, and some
 * of them hide those asides from the flow; reading systems without pop-ups,
 * and screen readers reading straight through, meet each note a page or two
 * after its call rather than after the whole paper, the nearest the flow
 * gets to the print edition's page-bottom notes. Notes after every
 * paragraph would interrupt the text for those readers; notes at the very
 * end would send them far from the call.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { h } from 'hastscript';
import type { Note } from '../model/types.js';
import { defaultIds, type IdScheme } from '../shared/ids.js';


function noteCallNumber(node: Element): number | null {
  const value = node.properties?.dataNoteCall;
  if (node.tagName !== 'a' || value === undefined || value === null || value === false) return null;
  const number = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

/**
 * Replace every `<a data-note-call="N">` in `tree` by a superscript
 * `noteref` link (mutates). Returns the note numbers called, in order.
 */
export function noterefTransform(tree: Root | Element, ids: IdScheme = defaultIds): number[] {
  const called: number[] = [];
  const walk = (parent: Root | Element): void => {
    parent.children.forEach((child, index) => {
      if (child.type !== 'element') return;
      const number = noteCallNumber(child);
      if (number === null) {
        walk(child);
        return;
      }
      called.push(number);
      const link = h(
        'a',
        { 'epub:type': 'noteref', role: 'doc-noteref', href: `#${ids.note(number)}`, id: ids.noteCall(number) },
        child.children.length > 0 ? child.children : [{ type: 'text', value: String(number) }],
      );
      // <sup> rather than CSS alone: reading systems that drop the
      // publisher's stylesheet still show the call as a superscript.
      (parent.children as RootContent[])[index] = h('sup', { className: ['noteref'] }, link);
    });
  };
  walk(tree);
  return called;
}

/** The aside for one note, with a link back to its call when there is one. */
export function footnoteAside(note: Note, hasCall: boolean, ids: IdScheme = defaultIds): Element {
  const content = structuredClone(note.children);
  noterefTransform({ type: 'root', children: content }, ids);
  const marker: ElementContent = hasCall
    ? h('a', { href: `#${ids.noteCall(note.number)}`, role: 'doc-backlink', className: ['note-number'] }, String(note.number))
    : h('span', { className: ['note-number'] }, String(note.number));
  const first = content[0];
  if (first && first.type === 'element' && first.tagName === 'p') {
    first.children.unshift(marker, { type: 'text', value: ' ' });
  } else {
    content.unshift(h('p', [marker]));
  }
  return h('aside', { 'epub:type': 'footnote', role: 'doc-footnote', id: ids.note(note.number), className: ['footnote'] }, content);
}

const headingRank: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

function isPageBreak(node: RootContent): boolean {
  return node.type === 'element' && node.tagName === 'span' && node.properties?.role === 'doc-pagebreak';
}

/**
 * Group the body into sections and place the notes (mutates `body`).
 *
 * A section opens at each heading of the highest rank used at top level,
 * and every top-level `<section>` (the bibliography) stands alone. Sections
 * that begin with a heading are wrapped in `<section>`, so reading systems
 * see the outline. They get no accessible name: a named section is a
 * landmark, and two sections both headed "Conclusions" would be two
 * landmarks with one name (axe: landmark-unique); the heading already
 * names the part for assistive technology. Notes called in
 * a section follow its last block; notes never called, or called from a
 * section that is already a `<section>` element, close the document.
 */
export function placeNotes(body: Root, notes: readonly Note[], ids: IdScheme = defaultIds): void {
  const topRank = Math.min(
    7,
    ...body.children.flatMap((c) => (c.type === 'element' && headingRank[c.tagName] ? [headingRank[c.tagName]] : [])),
  );
  interface Group {
    heading: Element | null;
    standalone: boolean;
    children: RootContent[];
  }
  const groups: Group[] = [];
  let current: Group = { heading: null, standalone: false, children: [] };
  // Markers just before a heading belong to the section the heading opens.
  let pending: RootContent[] = [];
  const flush = (): void => {
    if (current.children.length > 0) groups.push(current);
  };
  for (const child of body.children) {
    if (isPageBreak(child)) {
      pending.push(child);
      continue;
    }
    const opensSection =
      child.type === 'element' && (headingRank[child.tagName] === topRank || child.tagName === 'section');
    if (opensSection) {
      flush();
      const element = child as Element;
      current = {
        heading: element.tagName === 'section' ? null : element,
        standalone: element.tagName === 'section',
        children: [],
      };
    }
    current.children.push(...pending, child);
    pending = [];
    if (current.standalone) {
      flush();
      current = { heading: null, standalone: false, children: [] };
    }
  }
  current.children.push(...pending);
  flush();

  const placed = new Set<number>();
  const calledAnywhere = new Set<number>();
  const output: RootContent[] = [];
  for (const group of groups) {
    const called = noterefTransform({ type: 'root', children: group.children }, ids);
    called.forEach((n) => calledAnywhere.add(n));
    const asides = group.standalone
      ? []
      : called.filter((n) => notes[n - 1] && !placed.has(n)).map((n) => {
          placed.add(n);
          return footnoteAside(notes[n - 1], true, ids);
        });
    const content = [...group.children, ...asides];
    if (group.heading) {
      output.push(h('section', content as ElementContent[]));
    } else {
      output.push(...content);
    }
  }
  for (const note of notes) {
    if (!placed.has(note.number)) output.push(footnoteAside(note, calledAnywhere.has(note.number), ids));
  }
  body.children = output;
}
