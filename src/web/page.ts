/**
 * The screen edition's page: one `DocumentModel` in, one standalone HTML
 * document out (as a hast tree or as a string). Pure: no files are read or
 * written here (edition.ts does that).
 *
 * The page is
 *
 *   skip link → <header> title block (series banner, the one h1, subtitle,
 *   authors, series designation and module, date, abstract: the shared
 *   `title-block.ts`) → <main> the text, the
 *   notes, the bibliography → <footer> rights, funding, publisher.
 *
 * The model is shared with the other edition writers, so its trees are
 * cloned before anything is changed. On the clone: note calls become
 * `role="doc-noteref"` links with the accessible name "Note N"; notes become
 * the items of a `role="doc-endnotes"` section, each ending in a
 * `role="doc-backlink"` link to its call; headings are renumbered so the
 * title is the only h1 and no level is skipped; plain-text URLs and DOIs
 * become links; wide tables and code blocks get a focusable scrolling box
 * so a 320 px screen never scrolls sideways; task-list checkboxes get their
 * item as label; `lang` values become registered tags; images point at
 * their copies beside the page. No script runs on the page (the JSON-LD
 * block is data).
 */
import type { Element, ElementContent, Properties, Root, RootContent } from 'hast';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';
import type { DocumentModel, Note } from '../model/types.js';
import type { Metadata } from '../load/schema.js';
import { headElements } from './head.js';
import { labelLang, resolveLabels, type HtmlLabels } from '../shared/labels.js';
import { normaliseLang } from '../shared/lang.js';
import { abstractSection, contentsList } from '../shared/front-matter.js';
import { linkifyTransform } from './linkify.js';
import { titleBlock } from '../shared/title-block.js';
import { IdAllocator, defaultIds } from '../shared/ids.js';

export interface HtmlPageOptions {
  /** URL (relative to the page) of the folder with the stylesheet and fonts. Default: `NAME_files`. */
  assetsHref?: string;
  /** File name of the stylesheet inside that folder. Default: `screen.css`. */
  stylesheet?: string;
  /** URL of the PDF edition, for `citation_pdf_url` and the JSON-LD. Default: none (no PDF is announced). */
  pdfUrl?: string;
  /** Absolute URL the page will be published at (canonical link, `citation_abstract_html_url`). Default: none. */
  pageUrl?: string;
  /** Words the page adds (skip link, notes heading, accessible names). Default: built in for the document language, else English. */
  labels?: Partial<HtmlLabels>;
  /** New `src` for images, keyed by the `src` as the manuscript wrote it (the edition writer copies local images beside the page). Default: none, every `src` kept. */
  imageSources?: ReadonlyMap<string, string>;
  /** Longest `<meta name="description">`, in characters, when it is taken from the first paragraph. Default: 300. */
  descriptionLength?: number;
}

/** Right-to-left scripts' languages, so `<html dir>` matches `lang`. */
const rtlLanguages = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

const headingTags = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

function isElement(node: RootContent | Root | ElementContent | undefined, tagName?: string): node is Element {
  return node?.type === 'element' && (tagName === undefined || node.tagName === tagName);
}

function roles(node: Element): string[] {
  const role = node.properties?.role;
  if (Array.isArray(role)) return role.map(String);
  return typeof role === 'string' ? role.split(/\s+/) : [];
}

function classes(node: Element): string[] {
  const className = node.properties?.className;
  if (Array.isArray(className)) return className.map(String);
  return className === undefined || className === null ? [] : String(className).split(/\s+/);
}

/** Depth-first visit of every element under `tree`, with its parent and index; the visitor may replace `parent.children[index]`. */
function eachElement(tree: Root | Element, visit: (node: Element, parent: Root | Element, index: number) => void): void {
  const walk = (parent: Root | Element): void => {
    for (let i = 0; i < parent.children.length; i++) {
      const child = parent.children[i];
      if (!isElement(child)) continue;
      visit(child, parent, i);
      const now = parent.children[i];
      if (isElement(now)) walk(now);
    }
  };
  walk(tree);
}

/**
 * Heading levels with the title as the only h1 and no level skipped:
 * the highest level in the text becomes h2, and a heading never goes more
 * than one level deeper than the one before it (`##` then `####` would
 * otherwise leave screen-reader users looking for a missing h3).
 */
export function normaliseHeadings(tree: Root | Element): void {
  const headings: Element[] = [];
  eachElement(tree, (node) => {
    if (headingTags.includes(node.tagName)) headings.push(node);
  });
  if (headings.length === 0) return;
  const levels = headings.map((node) => Number(node.tagName.slice(1)));
  const top = Math.min(...levels);
  let previous = 1;
  headings.forEach((node, i) => {
    const wanted = (levels[i] as number) - top + 2;
    const level = Math.min(wanted, previous + 1, 6);
    node.tagName = `h${level}`;
    previous = level;
  });
}

/** The text of `node` without the digits of its note calls, whitespace collapsed. */
function plainText(node: Element | Root): string {
  const clone = structuredClone(node);
  eachElement(clone, (child, parent, index) => {
    const isCall = child.properties?.dataNoteCall !== undefined || (child.tagName === 'sup' && classes(child).includes('note-call'));
    if (isCall) parent.children.splice(index, 1, { type: 'text', value: '' });
  });
  return toString(clone).replace(/\s+/g, ' ').trim();
}

/** Abstract from the front matter, else the first paragraph's text, cut at a word boundary. */
function description(model: DocumentModel, limit: number): string | undefined {
  if (model.metadata.abstract) return model.metadata.abstract.replace(/\s+/g, ' ').trim();
  let first: Element | undefined;
  eachElement(model.body, (node) => {
    if (!first && node.tagName === 'p' && plainText(node).length > 0) first = node;
  });
  if (!first) return undefined;
  const text = plainText(first);
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/u, '')}…`;
}

function footer(metadata: Metadata): Element | null {
  const children: ElementContent[] = [];
  if (metadata.rights) children.push(h('p.rights', metadata.rights));
  if (metadata.funding) children.push(h('p.funding', metadata.funding));
  if (metadata.publisher) children.push(h('p.publisher', metadata.publisher));
  return children.length > 0 ? h('footer.colophon', children) : null;
}

/** Labels plus the `lang` to mark on the elements that carry them (undefined when they are in the page's language). */
interface PageLabels extends HtmlLabels {
  markLang: string | undefined;
}

interface NoteLinks {
  /** id of the first call of each note number. */
  callIds: Map<number, string>;
  /** id of each note's list item. */
  noteIds: Map<number, string>;
}

/** Replace every `<a data-note-call="N">` under `tree` (and in the notes) with a numbered, named link to note N. */
function noteCalls(tree: Root, notes: Note[], ids: IdAllocator, labels: PageLabels, links: NoteLinks): void {
  for (const note of notes) links.noteIds.set(note.number, ids.claim(defaultIds.note(note.number)));
  const trees: Root[] = [tree, ...notes.map((note) => ({ type: 'root', children: note.children }) as Root)];
  for (const each of trees) eachElement(each, (node, parent, index) => {
    const raw = node.properties?.dataNoteCall;
    if (raw === undefined || raw === null) return;
    const n = Number(raw);
    const target = links.noteIds.get(n);
    const number = String(Number.isFinite(n) ? n : raw);
    let call: Element;
    if (target) {
      const id = ids.claim(links.callIds.has(n) ? `${defaultIds.noteCall(n)}-b` : defaultIds.noteCall(n));
      if (!links.callIds.has(n)) links.callIds.set(n, id);
      call = h('a', { href: `#${target}`, id, role: 'doc-noteref', ariaLabel: labels.noteCall(n), lang: labels.markLang }, number);
    } else {
      // A call whose note is missing keeps its number but links nowhere.
      call = h('span', number);
    }
    const inSup = isElement(parent, 'sup');
    parent.children[index] = inSup ? call : h('sup.note-call', call);
  });
}

/** The notes as the items of one `doc-endnotes` section, each ending in a link back to its call. */
function notesSection(notes: Note[], ids: IdAllocator, labels: PageLabels, links: NoteLinks): Element {
  const headingId = ids.claim('notes-title');
  const items = notes.map((note, index) => {
    const content = structuredClone(note.children);
    const props: Properties = { id: links.noteIds.get(note.number), className: [`note-${note.kind}`] };
    // The list's own numbering is the note number unless the sequence has a gap.
    if (note.number !== index + 1) props.value = String(note.number);
    const holder: Element = h('li', props, content);
    linkifyTransform(holder);
    const callId = links.callIds.get(note.number);
    if (callId) {
      const backlink = h('a.backlink', { href: `#${callId}`, role: 'doc-backlink', ariaLabel: labels.backlink(note.number), lang: labels.markLang }, '↩\uFE0E');
      const last = holder.children.findLast((c) => c.type === 'element' || (c.type === 'text' && c.value.trim() !== ''));
      if (isElement(last, 'p')) last.children.push({ type: 'text', value: ' ' }, backlink);
      else holder.children.push(backlink);
    }
    return holder;
  });
  return h('section.footnotes', { role: 'doc-endnotes', ariaLabelledBy: headingId }, [
    h('h2', { id: headingId, lang: labels.markLang }, labels.notes),
    h('ol.footnote-list', items),
  ]);
}

/** Find the bibliography section in (a clone of) the body. */
function findBibliography(tree: Root): Element | null {
  let found: Element | null = null;
  eachElement(tree, (node) => {
    // The model marks it with the role; `#refs` is Pandoc's name for the same place.
    if (!found && (roles(node).includes('doc-bibliography') || (node.tagName !== 'a' && node.properties?.id === 'refs'))) found = node;
  });
  return found;
}

/** Give the bibliography a heading (when it has none) and name the section by it. */
function labelBibliography(section: Element, ids: IdAllocator, labels: PageLabels, metadata: Metadata): void {
  if (!roles(section).includes('doc-bibliography')) section.properties = { ...section.properties, role: 'doc-bibliography' };
  let heading = section.children.find((c): c is Element => isElement(c) && headingTags.includes(c.tagName));
  if (!heading) {
    heading = metadata.referenceSectionTitle ? h('h2', metadata.referenceSectionTitle) : h('h2', { lang: labels.markLang }, labels.references);
    section.children.unshift(heading);
  }
  let id = heading.properties?.id;
  if (typeof id !== 'string') {
    id = ids.claim('references-title');
    heading.properties = { ...heading.properties, id };
  }
  section.properties = { ...section.properties, ariaLabelledBy: [id] };
}

const blockLevel = new Set(['p', 'div', 'ul', 'ol', 'dl', 'table', 'blockquote', 'pre', 'figure', 'section', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'details']);

/**
 * A GFM task-list checkbox is a form control with no name; each gets the
 * item's text as its label (the input and the inline content after it go in
 * one `<label>`), so it is announced as "checkbox, checked, <text>".
 */
function taskListLabels(tree: Element): void {
  eachElement(tree, (node) => {
    const at = node.children.findIndex((c) => isElement(c, 'input') && c.properties?.type === 'checkbox');
    if (at < 0 || node.tagName === 'label') return;
    let end = at + 1;
    while (end < node.children.length) {
      const next = node.children[end];
      if (isElement(next) && (blockLevel.has(next.tagName) || next.tagName === 'label' || next.tagName === 'input')) break;
      end++;
    }
    const label = h('label.task', node.children.slice(at, end) as ElementContent[]);
    node.children.splice(at, end - at, label);
  });
}

/** Every `lang` in the text as a registered tag; one that names no language is dropped (the passage then inherits the page's). */
function langAttributes(tree: Element): void {
  eachElement(tree, (node) => {
    const lang = node.properties?.lang;
    if (typeof lang !== 'string') return;
    const tag = normaliseLang(lang);
    if (tag === lang) return;
    const { lang: _dropped, ...rest } = node.properties;
    node.properties = tag ? { ...rest, lang: tag } : rest;
  });
}

/** Point images at their copies beside the page. */
function rewriteImages(tree: Element, sources: ReadonlyMap<string, string>): void {
  eachElement(tree, (node) => {
    const src = node.properties?.src;
    if (node.tagName === 'img' && typeof src === 'string' && sources.has(src)) node.properties = { ...node.properties, src: sources.get(src) };
  });
}

/** Every `img` `src` under `tree`. */
export function imageSources(tree: Root | Element): string[] {
  const found: string[] = [];
  eachElement(tree, (node) => {
    const src = node.properties?.src;
    if (node.tagName === 'img' && typeof src === 'string') found.push(src);
  });
  return found;
}

/** Wide things scroll inside their own focusable box, so the page never scrolls sideways; table cells lose the obsolete `align`. */
/** The values of `text-align` a table cell may be given. */
const cssAlignments = new Set(['left', 'right', 'center', 'justify', 'start', 'end']);

function scrollBoxes(tree: Root | Element, labels: PageLabels): void {
  let tables = 0;
  eachElement(tree, (node, parent, index) => {
    if (node.tagName === 'table' && !(isElement(parent) && classes(parent).includes('table-scroll'))) {
      tables++;
      const caption = node.children.find((c): c is Element => isElement(c, 'caption'));
      const name = caption ? plainText(caption) : labels.table(tables);
      // A keyboard user must be able to reach and scroll the box (WCAG 2.1.1).
      // No `lang` here even when the label is English: it would claim the table's content too.
      parent.children[index] = h('div.table-scroll', { role: 'region', tabIndex: 0, ariaLabel: name }, node);
    } else if ((node.tagName === 'td' || node.tagName === 'th') && typeof node.properties?.align === 'string') {
      // GFM column alignment arrives as `align`, obsolete in HTML: say it in
      // CSS. Only a keyword goes into the declaration (raw HTML could give
      // `align="left; background: …"`); anything else is dropped.
      const { align, ...rest } = node.properties;
      const keyword = String(align).trim().toLowerCase();
      const style = typeof rest.style === 'string' ? `${rest.style.replace(/;?\s*$/, '; ')}` : '';
      node.properties = cssAlignments.has(keyword) ? { ...rest, style: `${style}text-align: ${keyword}` } : rest;
    } else if (node.tagName === 'pre' && node.properties?.tabIndex === undefined) {
      node.properties = { ...node.properties, tabIndex: 0 } as Properties;
    }
  });
}

/** Place the notes before a bibliography that closes the text, else at the end. */
function insertNotes(main: Element, notes: Element, bibliography: Element | null): void {
  const blocks = main.children;
  const lastIndex = blocks.findLastIndex((c) => c.type === 'element');
  if (bibliography && blocks[lastIndex] === bibliography) blocks.splice(lastIndex, 0, notes);
  else blocks.push(notes);
}

/** The whole page as a hast tree (doctype included). */
export function buildHtmlPage(model: DocumentModel, options: HtmlPageOptions = {}): Root {
  // `en_GB` or `English` for the BCP 47 tag: browsers and validators want `en-GB`, `en`.
  const metadata = { ...model.metadata, lang: normaliseLang(model.metadata.lang) ?? model.metadata.lang };
  const resolved = resolveLabels(metadata.lang, options.labels);
  const labels: PageLabels = { ...resolved, markLang: labelLang(resolved, metadata.lang) };
  const assets = options.assetsHref ?? `${model.name}_files`;
  const stylesheet = `${assets}/${options.stylesheet ?? 'screen.css'}`;

  const body = structuredClone(model.body);
  // The notes' ids are only read here: their trees need no copy.
  const ids = new IdAllocator([body, ...model.notes.map((n): Root => ({ type: 'root', children: n.children as RootContent[] }))]);
  const mainId = ids.claim('text');
  const titleId = ids.claim('title');

  const links: NoteLinks = { callIds: new Map(), noteIds: new Map() };
  const notes = model.notes.map((note) => ({ ...note, children: structuredClone(note.children) }));
  noteCalls(body, notes, ids, labels, links);
  linkifyTransform(body);
  const bibliography = findBibliography(body);
  if (bibliography) labelBibliography(bibliography, ids, labels, metadata);
  normaliseHeadings(body);

  const main = h('main', { id: mainId }, body.children as ElementContent[]);
  if (notes.length > 0) insertNotes(main, notesSection(notes, ids, labels, links), bibliography);
  const contents = contentsList(main, metadata);
  const abstract = abstractSection(metadata);
  scrollBoxes(main, labels);
  taskListLabels(main);
  langAttributes(main);
  if (options.imageSources) rewriteImages(main, options.imageSources);

  const references: string[] = [];
  if (bibliography)
    eachElement(bibliography, (node) => {
      if (classes(node).includes('csl-entry')) references.push(plainText(node));
    });

  const head = headElements({
    metadata,
    description: description(model, options.descriptionLength ?? 300),
    references,
    stylesheets: [stylesheet],
    pdfUrl: options.pdfUrl,
    pageUrl: options.pageUrl,
  });

  const foot = footer(metadata);
  const primary = metadata.lang.toLowerCase().split(/[-_]/)[0] ?? '';
  const htmlProps: Properties = { lang: metadata.lang };
  if (rtlLanguages.has(primary)) htmlProps.dir = 'rtl';

  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', htmlProps, [
        h('head', head),
        h('body', [
          h('a.skip-link', { href: `#${mainId}`, lang: labels.markLang }, labels.skipToText),
          titleBlock(metadata, { edition: 'web', titleId, abstract }),
          ...(contents ? [contents] : []),
          main,
          ...(foot ? [foot] : []),
        ]),
      ]),
    ],
  };
}

/** The whole page as an HTML string. */
export function renderHtmlPage(model: DocumentModel, options: HtmlPageOptions = {}): string {
  return serialise(buildHtmlPage(model, options));
}

/** Containers whose children are blocks: a line break between them changes nothing on screen. */
const blockContainers = new Set(['html', 'head', 'body', 'header', 'hgroup', 'main', 'footer', 'section', 'ol', 'ul', 'blockquote', 'div']);

/** One block per line in the source, so the page reads and diffs well; `pre` and inline content are untouched. */
/**
 * `node` with a line break before each block of a block container (and
 * after the last), as a copy: only the containers it changes are new
 * objects, the rest of the tree is shared with `node`, which is left as it was.
 */
function withLineBreaks<T extends Root | Element>(node: T): T {
  let children: (Root | Element)['children'] | undefined;
  node.children.forEach((child, index) => {
    if (!isElement(child)) return;
    const copy = withLineBreaks(child);
    if (copy === child) return;
    children ??= [...node.children];
    children[index] = copy;
  });
  const kids = children ?? node.children;
  const tag = node.type === 'root' ? 'html' : node.tagName;
  // A div of inline content (citeproc's entries) keeps its text exactly.
  const breaks = blockContainers.has(tag) && !kids.some((c) => c.type === 'text' && c.value.trim() !== '') && kids.every((c) => c.type !== 'element' || isBlock(c));
  if (breaks) {
    const out: RootContent[] = [];
    for (const child of kids) {
      if (child.type === 'text') continue;
      out.push({ type: 'text', value: '\n' }, child);
    }
    if (node.type === 'element') out.push({ type: 'text', value: '\n' });
    // The same kinds of node went out as came in, plus text: valid for both parents.
    children = out as Element['children'];
  }
  return children === undefined ? node : { ...node, children };
}

const blockTags = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'details', 'dialog', 'div', 'dl', 'fieldset', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'header', 'hgroup', 'hr', 'li', 'link', 'main', 'meta', 'nav', 'ol', 'p', 'pre',
  'script', 'section', 'style', 'table', 'title', 'ul',
]);

function isBlock(node: Element): boolean {
  return blockTags.has(node.tagName);
}

/** Serialise a page built by `buildHtmlPage`. */
export function serialise(page: Root): string {
  const tree = withLineBreaks(page);
  return toHtml(tree, { characterReferences: { useNamedReferences: false } }).replace(/^<!doctype html>\n?/, '<!doctype html>\n') + '\n';
}

