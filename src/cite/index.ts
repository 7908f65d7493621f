/**
 * Stage `cite`: mdast with `cite` nodes in, mdast with formatted citations,
 * numbered notes and a bibliography out.
 *
 * Every cluster goes to one citeproc-js engine, once, in the order a reader
 * meets it, with the number of the note it stands in, so that CSL positions
 * (`first`, `subsequent`, `ibid`, `ibid-with-locator`, `near-note`) come out
 * as in print. Reading order means: the body in order, and the content of a
 * footnote at the place of its call.
 *
 * Notes are one sequence. Each author's footnote call (`[^x]`) and, in a
 * note style, each body citation gets the next number; the call becomes a
 * `noteCall` node and the note's content a `noteContent` node appended to
 * the root, which the `model` stage turns into `DocumentModel.notes`.
 * Citations inside an author's footnote are formatted in place; in-text
 * styles format body citations in place too.
 *
 * Unknown keys are reported at the key's line and column and shown as
 * `key?` (as Pandoc prints it), so nothing is silently dropped.
 */
import type { BlockContent, FootnoteDefinition, Nodes, Parent, Root, RootContent, Text } from 'mdast';
import type { ElementContent } from 'hast';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { labelsFromTerms, type LabelTable } from '../parse/index.js';
import { descendants, localeStyleOption, localeTerms, readCslXml, styleLocaleTerms, type CslTerm } from '../shared/csl-xml.js';
import type { Cite } from '../parse/types.js';
import { rules } from '../rules.js';
import { citationLayoutAffixes, stylesToClasses, type CitationInput, type CitationItemInput } from './engine.js';
import { runCiteproc, type CiteprocRequest } from './process.js';
import type { CiteprocResult } from './process.js';
import type { BibliographyNode, CiteOptions } from './types.js';
import { htmlFragmentsToHast } from './fragments.js';
import { bibliographyTitle, makeBibliographyNode, placeBibliography } from './bibliography.js';
import { fileError } from '../messages.js';
import { timing } from '../progress/timings.js';

export type { BibliographyNode, CiteOptions, CslItem, StyleInput } from './types.js';
export { htmlFragmentsToHast, htmlToHast } from './fragments.js';

export interface NoteCall {
  type: 'noteCall';
  /** Number in the one note sequence. */
  number: number;
  position?: Position;
  data: { hName: 'a'; hProperties: { dataNoteCall: number }; hChildren: ElementContent[] };
}

export interface NoteContent extends Parent {
  type: 'noteContent';
  number: number;
  kind: 'author' | 'citation';
  children: BlockContent[];
  data: { hName: 'div'; hProperties: { dataNote: number; dataNoteKind: string } };
}

declare module 'mdast' {
  interface PhrasingContentMap {
    noteCall: NoteCall;
  }
  interface RootContentMap {
    noteCall: NoteCall;
    noteContent: NoteContent;
    bibliography: BibliographyNode;
  }
  interface BlockContentMap {
    bibliography: BibliographyNode;
  }
}

interface Registered {
  cite: Cite;
  noteIndex: number;
  /** A citation standing alone in a note the style made from it. */
  ownNote: boolean;
  /** A citation inside an author's footnote. */
  inAuthorNote: boolean;
  /**
   * A citation that opens an author's footnote (first in its first
   * paragraph): in a note style it reads as the note's own citation, as in
   * Pandoc, without the parentheses of one inside the note's text.
   */
  opensNote?: boolean;
  /** The paragraph it stands in, for an `opensNote` citation. */
  container?: Parent;
}

/** Format all citations of a document. Mutates `tree`. */
export function citeTransform(tree: Root, file: VFile, options: CiteOptions): void {
  const { style } = options;
  const noteStyle = style.class === 'note';

  // Footnote definitions leave the tree: their content is re-inserted, as a
  // note, at each call.
  const definitions = new Map<string, FootnoteDefinition>();
  tree.children = tree.children.filter((node) => {
    if (node.type !== 'footnoteDefinition') return true;
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
    return false;
  });

  const afterPunctuation = options.metadata.notesAfterPunctuation !== false;
  const intoQuote = punctuationInQuote(options);
  const notes: NoteContent[] = [];
  const registered: Registered[] = [];
  let counter = 0;

  const expanding = new Set<string>();
  const walk = (parent: Parent, noteNumber: number, note?: NoteContent): void => {
    for (let i = 0; i < parent.children.length; i++) {
      const node = parent.children[i] as Nodes;
      if (node.type === 'footnoteReference') {
        const definition = definitions.get(node.identifier);
        // A call inside a note gets a note of its own, next in the sequence.
        if (!definition) continue;
        // A note that calls itself (or a note it is inside) would never end: the call stays as text.
        if (expanding.has(node.identifier)) {
          parent.children[i] = { type: 'text', value: `[^${node.label ?? node.identifier}]`, position: node.position } as never;
          continue;
        }
        const number = ++counter;
        const note = noteContent(number, 'author', structuredClone(definition.children) as BlockContent[], definition.position);
        notes.push(note);
        parent.children[i] = noteCall(number, node.position) as never;
        expanding.add(node.identifier);
        walk(note, number, note);
        expanding.delete(node.identifier);
      } else if (node.type === 'cite') {
        if (noteStyle && noteNumber === 0) {
          const number = ++counter;
          const citeInNote: Cite = { ...node, mode: 'normal' };
          const note = noteContent(number, 'citation', [{ type: 'paragraph', children: [citeInNote], position: node.position }], node.position);
          notes.push(note);
          registered.push({ cite: citeInNote, noteIndex: number, ownNote: true, inAuthorNote: false });
          // An unknown key has no author to leave in the text: only the call stays.
          if (node.mode === 'author-in-text' && options.items.has(node.items[0].key)) {
            // "As Yunusov¹ says": the author stays in the text, the rest goes
            // to the note (as Pandoc does).
            const author: Cite = { ...node, items: node.items.map((item) => ({ ...item })) };
            registered.push({ cite: author, noteIndex: -1, ownNote: false, inAuthorNote: false });
            parent.children.splice(i, 1, author as never, noteCall(number, node.position) as never);
            citeInNote.items = citeInNote.items.map((item, n) => (n === 0 ? { ...item, suppressAuthor: true } : item));
            i++;
          } else {
            parent.children[i] = noteCall(number, node.position) as never;
            i = movePunctuation(parent, i, afterPunctuation, intoQuote);
          }
        } else {
          const opensNote = node.mode === 'normal' && note !== undefined && i === 0 && parent.type === 'paragraph' && note.children[0] === parent;
          registered.push({ cite: node, noteIndex: noteNumber, ownNote: false, inAuthorNote: noteNumber > 0, ...(opensNote ? { opensNote, container: parent } : {}) });
        }
      } else if ('children' in node) {
        walk(node as Parent, noteNumber, note);
      }
    }
  };
  walk(tree, 0);

  const made = formatCitations(registered, file, options);
  // Pandoc moves punctuation before a superscript citation of an in-text
  // style only when `notes-after-punctuation` is written (it defaults to
  // true for note styles alone).
  const superscriptsAfterPunctuation = afterPunctuation && options.metadata.notesAfterPunctuationGiven === true;
  for (const root of [tree, ...notes]) closeUpSuperscripts(root, superscriptsAfterPunctuation, intoQuote);

  const bibliography = makeBibliographyNode(made, options);
  if (bibliography) placeBibliography(tree, bibliography, bibliographyTitle(options, tree));
  tree.children.push(...(notes as RootContent[]));
}

/**
 * Locator labels are the words of the document's locale and the style's own
 * terms, as in Pandoc: `S. 12` is a page in German, OSCOLA's `ch.` a
 * chapter. The parse stage reads locators once, with this table.
 */
export function locatorLabels(localeXml: string, styleXml: string, lang: string): LabelTable {
  return labelsFromTerms(localeTerms(localeXml), styleLocaleTerms(styleXml, lang));
}

/**
 * A citation a style sets as a superscript (Nature, AMA …) sits on the word
 * before it, as a note call does: the space between goes, and punctuation
 * after it moves before it, as in Pandoc.
 */
function closeUpSuperscripts(root: Parent, afterPunctuation: boolean, intoQuote: boolean): void {
  const walk = (parent: Parent) => {
    for (let index = 0; index < parent.children.length; index++) {
      const node = parent.children[index] as Nodes;
      if (node.type === 'cite') {
        const first = node.data?.hChildren?.[0];
        // Like a note call, it also goes after the punctuation that follows
        // it (`works,¹`), unless `notes-after-punctuation: false`.
        if (first?.type === 'element' && first.tagName === 'sup') index = movePunctuation(parent, index, afterPunctuation, intoQuote);
      } else if ('children' in node) {
        walk(node as Parent);
      }
    }
  };
  walk(root);
}

function noteCall(number: number, position: Position | undefined): NoteCall {
  return {
    type: 'noteCall',
    number,
    position,
    data: { hName: 'a', hProperties: { dataNoteCall: number }, hChildren: [{ type: 'text', value: String(number) }] },
  };
}

function noteContent(number: number, kind: 'author' | 'citation', children: BlockContent[], position: Position | undefined): NoteContent {
  return {
    type: 'noteContent',
    number,
    kind,
    children,
    position,
    data: { hName: 'div', hProperties: { dataNote: number, dataNoteKind: kind } },
  };
}

function punctuationInQuote(options: CiteOptions): boolean {
  return localeStyleOption(options.locales.get(options.lang) ?? '', 'punctuation-in-quote') === 'true';
}

/**
 * A note call after a body citation: the space before it goes, and
 * punctuation right after it moves before it (`text [@a].` → `text.¹`), and
 * inside a closing quotation mark where the locale puts it there (en-US),
 * unless `notes-after-punctuation: false` keeps it where written (`text¹.`).
 * Returns the index of the call after the move.
 */
function movePunctuation(parent: Parent, index: number, afterPunctuation: boolean, intoQuote: boolean): number {
  const previous = parent.children[index - 1] as Nodes | undefined;
  if (previous?.type === 'text') previous.value = previous.value.replace(/\s+$/, '');
  if (!afterPunctuation) return index;
  const next = parent.children[index + 1] as Nodes | undefined;
  if (next?.type !== 'text') return index;
  const match = /^[.,;:!?]+/.exec(next.value);
  if (!match) return index;
  next.value = next.value.slice(match[0].length);
  let punctuation = match[0];
  if (previous?.type === 'text') {
    const quote = /[”’"]+$/.exec(previous.value);
    if (intoQuote && quote && /^[.,]/.test(punctuation)) {
      previous.value = previous.value.slice(0, -quote[0].length) + punctuation + quote[0];
    } else {
      previous.value += punctuation;
    }
    return index;
  }
  const moved: Text = { type: 'text', value: punctuation };
  parent.children.splice(index, 0, moved as never);
  return index + 1;
}

// citeproc-js's position "subsequent" (CSL.POSITION_SUBSEQUENT), for a rendering made outside the tracked clusters.
const citeprocPositionSubsequent = 1;

function formatCitations(registered: Registered[], file: VFile, options: CiteOptions): CiteprocResult['bibliography'] {
  const noteStyle = options.style.class === 'note';

  // Unknown keys are reported once per occurrence and kept as `key?`.
  const known = (key: string) => options.items.has(key);
  for (const { cite, noteIndex } of registered) {
    // The author-only half of a narrative citation repeats its keys.
    if (noteIndex < 0) continue;
    for (const item of cite.items) {
      if (!known(item.key)) {
        fileError(file, `citation key \`@${item.key}\` is not in the bibliography`, {
          place: item.place,
          ruleId: rules.citationUnknownKey,
          source: 'cite',
        });
      }
    }
  }

  const toInput = (item: Cite['items'][number], extra: Partial<CitationItemInput> = {}): CitationItemInput => ({
    id: item.key,
    ...(item.locator !== undefined ? { locator: shieldLocatorWords(item.locator), label: item.label } : {}),
    ...(item.prefix ? { prefix: item.prefix + ' ' } : {}),
    // A suffix that starts with punctuation follows at once (`p. 3/4`, `p. 3, and on`); an opening bracket or quote after a space.
    ...(item.suffix ? { suffix: (/^(?![([{\u201c\u2018"'])[\s\p{P}]/u.test(item.suffix) ? '' : ' ') + item.suffix } : {}),
    ...(item.suppressAuthor ? { 'suppress-author': true } : {}),
    ...extra,
  });

  // The author alone ("Morehouse and Blomfield"), made apart from the
  // tracked clusters so it changes no position; '' when the style prints
  // nothing for it. Asked for once per cluster that needs it, in reading
  // order, after the tracked clusters.
  const linked = options.metadata.linkCitations && options.style.hasBibliography;
  // The name reads as it does in the citation it stands for: in full the
  // first time ("John Doe¹"), short after ("Doe⁴"), as in Pandoc. The first
  // tracked cluster of each key, in reading order:
  const firstCluster = new Map<string, number>();
  registered.forEach((entry, index) => {
    if (entry.noteIndex < 0) return;
    for (const item of entry.cite.items) if (!firstCluster.has(item.key)) firstCluster.set(item.key, index);
  });
  const authorRequests: CitationItemInput[][] = [];
  const authorSlot = new Map<Registered, number>();
  registered.forEach((entry, index) => {
    if (entry.noteIndex >= 0 && !(entry.cite.mode === 'author-in-text' && (!noteStyle || entry.inAuthorNote))) return;
    // In a note style the author half comes right after its own cluster.
    const own = entry.noteIndex < 0 ? index - 1 : index;
    // `@a [-@b; @c]`: the author in the text is the first item's only.
    const named = entry.cite.mode === 'author-in-text' ? entry.cite.items.slice(0, 1) : entry.cite.items;
    const later = (key: string) => (firstCluster.get(key) ?? own) < own;
    const items = named
      .filter((item) => known(item.key))
      .map((item): CitationItemInput => ({ id: item.key, 'author-only': true, ...(later(item.key) ? { position: citeprocPositionSubsequent } : {}) }));
    if (items.length === 0) return;
    authorSlot.set(entry, authorRequests.length);
    authorRequests.push(items);
  });
  let authorRenderings: string[] = [];
  const authorAlone = (entry: Registered): string => {
    const slot = authorSlot.get(entry);
    const rendered = slot === undefined ? '' : authorRenderings[slot];
    if (rendered.includes('[NO_PRINTED_FORM]') || rendered.includes('[CSL STYLE ERROR:')) return '';
    // The author alone keeps no delimiter the style meant for what follows
    // it ("Smith, Jones," in GOST R 7.0.5): Pandoc prints "Smith, Jones [2018]".
    return rendered.replace(/[\s,;:]+((?:<\/[^>]+>)*)$/, '$1');
  };

  // The clusters the engine tracks positions for, in reading order. An
  // author-only rendering (noteIndex -1) is made apart, without state.
  const citations: CitationInput[] = [];
  // Which engine citation each registered cluster became.
  const citationOf = new Map<Registered, CitationInput>();
  registered.forEach((entry, position) => {
    if (entry.noteIndex < 0) return;
    const items = entry.cite.items.filter((item) => known(item.key));
    if (items.length === 0) return;
    // In-text styles print a narrative citation as "Author (Year)": the
    // cluster without the author, the author made apart below. Inside an
    // author's note in a note style, as in Pandoc, "Author, " is joined to
    // the reference without its author; the author is rendered in the form
    // of the citation's position (first or later).
    const narrative = entry.cite.mode === 'author-in-text' && (!noteStyle || entry.inAuthorNote);
    citations.push({
      citationID: `c${position}`,
      citationItems: items.map((item) => toInput(item, narrative && item === entry.cite.items[0] ? { 'suppress-author': true } : {})),
      properties: { noteIndex: entry.noteIndex },
    });
    citationOf.set(entry, citations[citations.length - 1]);
  });

  const nocite = options.metadata.nocite.includes('*') ? [...options.items.keys()] : options.metadata.nocite.filter(known);
  for (const key of options.metadata.nocite) {
    if (key !== '*' && !known(key)) {
      fileError(file, `\`nocite\` key \`@${key}\` is not in the bibliography`, {
        ruleId: rules.citationUnknownKey,
        source: 'cite',
      });
    }
  }
  const request: CiteprocRequest = {
    styleXml: options.style.xml,
    lang: options.lang,
    locales: options.locales,
    items: options.items,
    linkCitations: linked,
    collation: options.collation,
    citations,
    nocite,
    authors: authorRequests,
    bibliography: options.style.hasBibliography && !options.metadata.suppressBibliography,
  };
  let result = options.cache?.get(request);
  timing(result ? 'citation cache hit' : options.cache ? 'citation cache missed' : 'no citation cache');
  if (!result) {
    result = runCiteproc(request);
    timing('citeproc ran (engine, clusters, bibliography)');
    options.cache?.set(request, result);
  }
  authorRenderings = result.authors;
  const affixes = linked ? citationLayoutAffixes(options.style.xml) : { prefix: '', suffix: '' };
  const output = new Map<string, string>(
    result.clusters.map(([id, html]) => [id, html ? affixes.prefix + unshieldLocatorWords(html) + affixes.suffix : html]),
  );

  let affixesOfLayout: { prefix: string; suffix: string } | undefined;
  const layoutAffixes = () => (affixesOfLayout ??= citationLayoutAffixes(options.style.xml));
  let ibidTerms: Set<string> | undefined;
  // A style that asks for "Ibid" capitalised (`text-case="capitalize-first"`) gets it.
  const styleCapitalisesIbid = () => {
    const read = readCslXml(options.style.xml);
    return read.root !== undefined && descendants(read.root, 'text').some((text) => text.attributes.term === 'ibid' && /^capitalize-/.test(String(text.attributes['text-case'] ?? '')));
  };
  const lowercaseTerms = () =>
    (ibidTerms ??= styleCapitalisesIbid() ? new Set() : new Set(
      [...localeTerms(options.locales.get(options.lang) ?? ''), ...styleLocaleTerms(options.style.xml, options.lang)]
        .filter((term) => term.name === 'ibid')
        .flatMap((term) => [term.single, term.multiple ?? ''])
        .filter((text) => /^\p{Ll}/u.test(text)),
    ));
  let termsOfLabels: CslTerm[] | undefined;
  const labelTerms = () => (termsOfLabels ??= [...localeTerms(options.locales.get(options.lang) ?? ''), ...styleLocaleTerms(options.style.xml, options.lang)]);
  const rendered: Array<{ cite: Cite; html: string }> = [];
  for (const entry of registered) {
    const { cite } = entry;
    const missing = cite.items.filter((item) => !known(item.key)).map((item) => item.key);
    let html = '';
    if (entry.noteIndex < 0) {
      html = authorAlone(entry);
    } else {
      const citation = citationOf.get(entry);
      html = citation ? (output.get(citation.citationID) ?? '') : '';
      // citeproc-js's placeholder for a cluster that prints nothing (an
      // author-suppressed MLA citation without a locator): Pandoc prints nothing.
      html = html.replace(/\s*\[NO_PRINTED_FORM\]\s*/g, '');
      // A style's group delimiter and an affix of the same comma meet in
      // some styles ("(Smith, 2015, , p. 12)" in DIN 1505-2, "(2005,, p. 20)"
      // with the author suppressed): Pandoc prints the comma once.
      html = html.replace(/,\s*,(\s*)/g, ',$1');
      if (cite.mode === 'author-in-text' && !noteStyle) {
        const author = authorAlone(entry);
        html = author && html ? `${author} ${html}` : author || html;
      }
      // citeproc-js capitalises a term that opens a cluster in a note style
      // ("Ibid."); within an author's note Pandoc keeps "ibid" as the locale
      // writes it ("Smith and Jones, ibid.", "(там же)").
      if (noteStyle && entry.inAuthorNote) html = uncapitaliseTerm(html, lowercaseTerms());
      if (cite.mode === 'author-in-text' && noteStyle && entry.inAuthorNote) {
        // In an author's note: "Roe, Remittances", the author and the
        // reference without it, joined by a comma, as in Pandoc. A reference
        // that prints nothing without its author (Chicago's "Roe" for a
        // repeated one) leaves the delimiter before the next item.
        const author = authorAlone(entry);
        const rest = html.replace(/\[CSL STYLE ERROR: reference with no printed form\.\]/g, '').replace(/^((?:<[^>]+>)*)[;,]\s*/, '$1');
        html = author && rest ? `${author}, ${rest}` : author || rest;
      }
    }
    // In a note style the note shows the unknown key; the author half in the text is left empty, as in Pandoc.
    if (missing.length > 0 && entry.noteIndex >= 0) html = withMissing(html, missing, layoutAffixes());
    if (entry.ownNote) html = capitaliseFirst(html);
    // Pandoc sets a plain citation inside an author's note, in a note style,
    // in parentheses, so it reads as an aside within the note's sentence.
    // The note's own full stop ends the sentence, not the aside.
    if (noteStyle && entry.opensNote && html) {
      // Its full stop and the note's own are one (`^[[@a].]`).
      const siblings = entry.container?.children ?? [];
      const next = siblings[siblings.indexOf(cite) + 1] as Nodes | undefined;
      if (next?.type === 'text' && /\.((?:<\/[^>]+>|[”’"])*)$/.test(html) && next.value.startsWith('.')) next.value = next.value.slice(1);
    } else if (noteStyle && entry.inAuthorNote && html) {
      html = html.replace(/\.((?:<\/[^>]+>|[”’"])*)$/, '$1');
      if (cite.mode === 'normal') html = `(${html})`;
    }
    if (entry.noteIndex >= 0) html = pluralLabels(html, cite, labelTerms());
    rendered.push({ cite, html: stylesToClasses(html) });
  }
  const bibliography = result.bibliography;
  const fragments = htmlFragmentsToHast(rendered.map((r) => r.html));
  rendered.forEach(({ cite }, index) => {
    cite.data = {
      hName: 'span',
      hProperties: { className: ['citation'], dataCites: cite.items.map((item) => item.key).join(' ') },
      hChildren: fragments[index],
    };
  });
  return bibliography;
}

/**
 * Unknown keys as Pandoc prints them, so nothing is silently dropped: the
 * key and a question mark in bold, inside the citation's own brackets
 * (`(nobody?)`, `(Doe 2005; nobody?)`); a full stop after the question mark
 * goes, as citeproc collapses it.
 */
function withMissing(html: string, keys: string[], affixes: { prefix: string; suffix: string }): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const marks = keys.map((key) => `<span class="citation-missing"><b>${escape(key)}?</b></span>`).join('; ');
  let out: string;
  if (html === '') out = affixes.prefix + marks + affixes.suffix;
  else if (affixes.suffix && html.endsWith(affixes.suffix)) out = `${html.slice(0, -affixes.suffix.length)}; ${marks}${affixes.suffix}`;
  else out = `${html}; ${marks}`;
  return out.replace(/\?(<\/b><\/span>)\./g, '?$1');
}

/**
 * citeproc-js reads a short lower-case word inside a locator (`no`, `p.`,
 * `sec.`) as a label of its own and may drop it (`{no comma, no label}` →
 * "no comma, label"); Pandoc prints a locator as written. The space that
 * makes such a word a label (before it, or after it at the start) is handed
 * to citeproc-js as a stand-in character, and put back in its output.
 * Roman numerals and "and" are left alone: citeproc-js reads lists with them.
 */
const locatorSpace = '\uE1E0';
function shieldLocatorWords(locator: string): string {
  if (!/(?:^|\s)[a-z]{1,4}(?:[.\s]|$)/.test(locator)) return locator;
  const plain = (word: string) => word === 'and' || /^[ivxlcdm]+$/.test(word);
  return locator
    .replace(/(\s)([a-z]{1,4})(?=[.\s]|$)/g, (match, _space: string, word: string) => (plain(word) ? match : locatorSpace + word))
    .replace(/^([a-z]{1,4})(\.?)\s/, (match, word: string, stop: string) => (plain(word) ? match : `${word}${stop}${locatorSpace}`));
}
function unshieldLocatorWords(html: string): string {
  return html.includes(locatorSpace) ? html.replaceAll(locatorSpace, ' ') : html;
}

/**
 * A locator label in the plural where Pandoc has it: for a locator with a
 * space, comma, dash or ampersand in it (`ss 123(4)–(6)`, `pp. iv, vi`).
 * citeproc-js makes a label plural only for numbers it can read as a range
 * or list, so `123(4)–(6)` gets "s": the singular label right before the
 * locator is put in the plural.
 */
function pluralLabels(html: string, cite: Cite, terms: CslTerm[]): string {
  let out = html;
  for (const item of cite.items) {
    const locator = item.locator?.trim();
    if (!locator || !item.label || !/[\s,&\-\u2013]/.test(locator)) continue;
    const name = item.label === 'sub-verbo' ? 'sub verbo' : item.label;
    const start = escapeHtml(locator.slice(0, Math.min(3, locator.length))).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const term of terms) {
      if (term.name !== name || !term.multiple || term.multiple === term.single) continue;
      const single = escapeHtml(term.single).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // The singular label, then spaces and tags, up to a few characters (`{`, `(`) before the locator.
      const pattern = new RegExp(`(^|[\\s(>\\[])${single}(?=(?:\\s|\u00a0|&#160;|<[^>]+>)+[^\\s<]{0,2}${start})`, 'g');
      const found = out.match(pattern);
      if (found?.length === 1) {
        out = out.replace(pattern, (_, before: string) => before + escapeHtml(term.multiple as string));
        break;
      }
    }
  }
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
}

/** Lower-case the first letter of the visible text when it starts one of `terms` capitalised (`Ibid.` → `ibid.`). */
function uncapitaliseTerm(html: string, terms: Set<string>): string {
  const match = /^((?:<[^>]+>)*)(\p{Lu})/u.exec(html);
  if (!match) return html;
  const text = html.slice(match[1].length).replace(/<[^>]+>/g, '');
  for (const term of terms) {
    const capitalised = term[0].toUpperCase() + term.slice(1);
    if (text.startsWith(capitalised) && !/^[\p{L}\p{N}]/u.test(text.slice(capitalised.length))) {
      return match[1] + match[2].toLowerCase() + html.slice(match[0].length);
    }
  }
  return html;
}

/** Upper-case the first letter of the visible text (`see` → `See`). */
function capitaliseFirst(html: string): string {
  return html.replace(/^((?:<[^>]+>)*)(\p{Ll})/u, (_, tags: string, letter: string) => tags + letter.toUpperCase());
}
