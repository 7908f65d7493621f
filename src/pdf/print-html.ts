/**
 * The print HTML: the document model turned into one page of material for
 * the paginator.
 *
 * In: a DocumentModel. Out: an HTML string whose `<body>` holds two hidden
 * stores, `#print-flow` (title block, the text's top-level blocks, the rights
 * statement) and `#print-notes` (one `.footnote` per note), plus the running
 * head as a `<template>`. Each top-level block carries `data-block` (its
 * index in `model.body.children`) so that page starts can be reported in
 * the model's terms. Note calls become `<sup class="note-call">`; text is
 * hyphenated for the document language; URLs become breakable `.url` spans.
 */
import { abstractSection, contentsList } from '../shared/front-matter.js';
import path from 'node:path';
import type { Element, ElementContent, Root, RootContent, Text } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import type { DocumentModel } from '../model/types.js';
import { hyphenatorFor, type Hyphenator } from './hyphenate.js';
import { defaultIds } from '../shared/ids.js';
import { templatesDir } from '../shared/package.js';
import { readTemplate, templateToHast, type TemplateValues } from '../shared/template.js';
import { titleBlock, titleBlockValues } from '../shared/title-block.js';

/** The CARIM templates: `templates/carim/` of the package. */
export const defaultTemplatesDir: string = templatesDir('carim');

/** Elements whose text is never hyphenated nor scanned for URLs. */
const verbatim = new Set(['pre', 'code', 'kbd', 'samp', 'script', 'style', 'math', 'svg']);

const urlPattern = /(?:https?:\/\/|ftp:\/\/|www\.|doi:|urn:)[^\s<>"]+/g;

function classList(node: Element): string[] {
  const value: unknown = node.properties?.className;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/) : [];
}

function addClass(node: Element, name: string): void {
  node.properties = { ...node.properties, className: [...classList(node), name] };
}

function isUrlText(text: string): boolean {
  return /^(?:https?:\/\/|ftp:\/\/|www\.|doi:|urn:)\S+$/.test(text.trim());
}

/** Split a text into plain parts and `.url` spans; hyphenate the plain parts. */
function transformText(node: Text, hyphenate: Hyphenator | null): ElementContent[] {
  const out: ElementContent[] = [];
  let last = 0;
  const push = (value: string) => {
    if (value) out.push({ type: 'text', value: hyphenate ? hyphenate(value) : value });
  };
  for (const match of node.value.matchAll(urlPattern)) {
    let url = match[0];
    // Sentence punctuation after a URL belongs to the sentence.
    const trail = /[.,;:!?)\]]+$/.exec(url);
    if (trail && !(trail[0].startsWith(')') && url.includes('('))) url = url.slice(0, -trail[0].length);
    if (!url) continue;
    push(node.value.slice(last, match.index));
    out.push(h('span.url', url));
    last = match.index + url.length;
  }
  push(node.value.slice(last));
  return out;
}

/** Rewrite a subtree in place for print. */
function transformChildren(parent: Element | Root, hyphenate: Hyphenator | null): void {
  const next: RootContent[] = [];
  for (const child of parent.children) {
    if (child.type === 'text') {
      next.push(...transformText(child, hyphenate));
      continue;
    }
    if (child.type !== 'element') {
      next.push(child);
      continue;
    }
    const call = child.properties?.dataNoteCall;
    if (child.tagName === 'a' && call !== undefined && call !== null) {
      const number = Number(call);
      next.push(
        h('sup.note-call', { dataCall: number }, [h('a', { href: `#${defaultIds.note(number)}`, id: defaultIds.noteCall(number) }, String(number))]),
      );
      continue;
    }
    if (verbatim.has(child.tagName)) {
      next.push(child);
      continue;
    }
    if (child.tagName === 'a') {
      // A link is printed as its text; a link whose text is a URL breaks anywhere.
      const text = child.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
      if (isUrlText(text)) {
        addClass(child, 'url');
        next.push(child);
        continue;
      }
    }
    // A span or div in another language is hyphenated by that language's patterns.
    const lang = typeof child.properties?.lang === 'string' ? child.properties.lang : undefined;
    transformChildren(child, lang && hyphenate ? hyphenatorFor(lang) : hyphenate);
    next.push(child);
  }
  parent.children = next as typeof parent.children;
}

/** The authors' names as one phrase (`A and B`) in the document language. */
export function authorLine(model: DocumentModel): string | undefined {
  const names = model.metadata.authors.map((a) => a.name);
  if (names.length === 0) return undefined;
  try {
    return new Intl.ListFormat(model.metadata.lang, { type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

/** Values the running head and the rights statement can use (the title block's, and more), all taken from the front matter. */
export function templateValues(model: DocumentModel): TemplateValues {
  const m = model.metadata;
  return { ...titleBlockValues(m), author: authorLine(model), series: m.series?.name, rights: m.rights };
}

export interface PrintHtmlOptions {
  /** Folder with `title-block.html`, `running-head.html`, `rights-statement.html`. Default: the package's `templates/carim/`. */
  templatesDir?: string;
  /** Put soft hyphens into the text for the document language. Default: true. */
  hyphenate?: boolean;
  /** Extra CSS put after the print stylesheet link (the font faces). Default: none. */
  headCss?: string;
  /** URL of the print stylesheet as the page will request it. Default: `print.css`. */
  stylesheetHref?: string;
}

/** Note numbers called from `tree` (`sup.note-call[data-call]` after `transformChildren`). */
function callsIn(tree: Root | Element): number[] {
  const found: number[] = [];
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.properties?.dataCall !== undefined) found.push(Number(child.properties.dataCall));
      walk(child);
    }
  };
  walk(tree);
  return found;
}

/**
 * A note called only from another note goes to the foot of the page with
 * that note, right after it: the pages are made from the calls in the text,
 * and this note has none there.
 */
function nestNotesCalledFromNotes(body: Root, notes: Element[]): void {
  const inBody = new Set(callsIn(body));
  const byNumber = new Map(notes.map((note) => [Number(note.properties.dataNote), note]));
  const moved = new Set<number>();
  const place = (parent: Element) => {
    for (const number of callsIn(parent)) {
      const child = byNumber.get(number);
      if (!child || inBody.has(number) || moved.has(number) || child === parent) continue;
      moved.add(number);
      child.properties = { ...child.properties, className: ['footnote', 'footnote-in-note'] };
      parent.children.push(child);
      place(child);
    }
  };
  for (const note of notes) if (inBody.has(Number(note.properties.dataNote))) place(note);
  for (let i = notes.length - 1; i >= 0; i--) if (moved.has(Number(notes[i].properties.dataNote))) notes.splice(i, 1);
}

/** Build the print HTML for a model. */
export async function printHtml(model: DocumentModel, options: PrintHtmlOptions = {}): Promise<string> {
  const dir = options.templatesDir ?? defaultTemplatesDir;
  const hyphenate = options.hyphenate === false ? null : hyphenatorFor(model.metadata.lang);
  const values = templateValues(model);
  const [runningHead, rights] = await Promise.all(['running-head.html', 'rights-statement.html'].map((name) => readTemplate(path.join(dir, name))));

  const body = structuredClone(model.body);
  body.children.forEach((child, index) => {
    if (child.type === 'element') child.properties = { ...child.properties, dataBlock: index };
  });
  transformChildren(body, hyphenate);

  const notes: Element[] = model.notes.map((note) => {
    const content = h('div.footnote', { id: defaultIds.note(note.number), dataNote: note.number, role: 'doc-footnote' }, [
      h('span.note-number', String(note.number)),
      ...structuredClone(note.children),
    ]);
    transformChildren(content, hyphenate);
    return content;
  });
  nestNotesCalledFromNotes(body, notes);

  const nl = (): Text => ({ type: 'text', value: '\n' });
  // The abstract and the contents list close the title block.
  const [abstract, contents] = [abstractSection(model.metadata), contentsList(model.body, model.metadata)];
  for (const block of [abstract, contents]) if (block) transformChildren(block, hyphenate);
  const header = titleBlock(model.metadata, { edition: 'print', abstract, contents, templatesDir: dir });
  header.properties = { ...header.properties, dataBlock: -1, dataNosplit: true };
  const rightsNodes = values.rights || values.funding ? templateToHast(rights, values) : [];
  const footer = rightsNodes.find((n): n is Element => n.type === 'element' && n.tagName === 'footer');
  if (footer) footer.properties = { ...footer.properties, dataNosplit: true };

  // The page is a tree: every value from the manuscript is a text node or an
  // attribute value, escaped by the serialiser for where it stands.
  const head = h('head', [
    nl(),
    h('meta', { charSet: 'utf-8' }),
    nl(),
    h('meta', { httpEquiv: 'x-dns-prefetch-control', content: 'off' }),
    nl(),
    // No icon to fetch: every request the page makes is one we expect.
    h('link', { rel: 'icon', href: 'data:,' }),
    nl(),
    h('title', model.metadata.title),
    nl(),
    h('link', { rel: 'stylesheet', href: options.stylesheetHref ?? 'print.css' }),
    nl(),
    ...(options.headCss ? [h('style', options.headCss), nl()] : [nl()]),
  ]);
  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      nl(),
      // `papersize: letter` selects the stylesheet's named page of that size.
      h('html', { lang: model.metadata.lang, ...(model.metadata.papersize && model.metadata.papersize !== 'a4' ? { dataPapersize: model.metadata.papersize } : {}) }, [
        head,
        nl(),
        h('body', [
          nl(),
          h('template', { id: 'print-running-head' }, templateToHast(runningHead, values)),
          nl(),
          h('div', { id: 'print-flow', className: ['print-source'] }, [nl(), header, nl(), ...(body.children as ElementContent[]), nl(), ...rightsNodes, nl()]),
          nl(),
          h('div', { id: 'print-notes', className: ['print-source'] }, notes),
          nl(),
          nl(),
        ]),
      ]),
    ],
  };
  return toHtml(page);
}
