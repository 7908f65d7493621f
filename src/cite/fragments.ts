/**
 * citeproc's HTML output (citations, bibliography entries) as hast.
 *
 * citeproc-js writes a small, well-formed part of HTML: `i`, `b`, `span`,
 * `div` and `a` elements with a class, a style or a link, text, and a few
 * character references (`&#38;`). `quickFragment` reads exactly that part,
 * with regular expressions, into the tree the HTML parser (parse5, through
 * `hast-util-from-html`) makes of it, without positions: the parser's first
 * use in a process costs more than the rest of the citation stage's own
 * work. Anything outside that part (another element or attribute, a named
 * reference, tags that do not nest, a character the parser rewrites) goes to
 * the parser, which decides as before.
 */
import type { Element, ElementContent, Properties } from 'hast';
import { fromHtml } from '../shared/html-parser.js';
import { decodeReferences, notQuick, rewritten } from '../shared/quick-html.js';

export function htmlToHast(html: string): ElementContent[] {
  return fromHtml(html, { fragment: true }).children as ElementContent[];
}

/**
 * Many small HTML fragments (one per citation or entry) parsed at once: one
 * parser run instead of one per fragment, which is most of the cost.
 */
export function htmlFragmentsToHast(fragments: string[]): ElementContent[][] {
  if (fragments.length === 0) return [];
  const quick = fragments.map(quickFragment);
  const rest = fragments.filter((_, index) => quick[index] === undefined);
  if (rest.length === 0) return quick as ElementContent[][];
  const parsed = parseFragments(rest);
  let next = 0;
  return quick.map((nodes) => nodes ?? parsed[next++]);
}

function parseFragments(fragments: string[]): ElementContent[][] {
  const joined = fragments.map((html) => `<template>${html}</template>`).join('');
  const templates = fromHtml(joined, { fragment: true }).children;
  const result = templates.map((node) => {
    if (node.type !== 'element' || node.tagName !== 'template' || !node.content) return null;
    return node.content.children as ElementContent[];
  });
  // A fragment that broke out of its wrapper (it cannot, with citeproc's
  // markup, but the fallback costs nothing) is parsed alone.
  if (result.length !== fragments.length || result.some((r) => r === null)) return fragments.map(htmlToHast);
  return result as ElementContent[][];
}

// Elements the quick reader takes: none is void, none closes another, and
// well-nested formatting elements come out of the parser as written.
const quickElements = new Set(['a', 'b', 'i', 'em', 'strong', 'small', 'span', 'sup', 'sub', 'div']);
// Attributes with their hast property name; `class` is a list.
const quickAttributes: Record<string, string> = { class: 'className', href: 'href', style: 'style', id: 'id', title: 'title', lang: 'lang', dir: 'dir' };
// A start tag (name, attributes), an end tag (name), or text up to the next tag.
const tokens = /<([a-z]+)((?:[ \t\n\f]+[a-z]+="[^"<]*")*)>|<\/([a-z]+)>|([^<]+)/y;
const attributePattern = /([a-z]+)="([^"]*)"/g;

function propertiesOf(source: string): Properties {
  const properties: Properties = {};
  if (!source) return properties;
  const seen = new Set<string>();
  for (const [, name, raw] of source.matchAll(attributePattern)) {
    const property = quickAttributes[name];
    if (!property || seen.has(name)) throw notQuick;
    seen.add(name);
    const value = decodeReferences(raw);
    if (name === 'class') {
      const classes = value.split(/[ \t\n\f\r]+/).filter(Boolean);
      if (classes.length === 0) throw notQuick;
      properties.className = classes;
    } else {
      properties[property] = value;
    }
  }
  return properties;
}

/** The hast of one fragment in the quick reader's part of HTML, or undefined for the parser. */
export function quickFragment(html: string): ElementContent[] | undefined {
  if (html.includes('\uFFFF') || rewritten.test(html)) return undefined;
  try {
    return readFragment(html);
  } catch (error) {
    if (error === notQuick) return undefined;
    throw error;
  }
}

function readFragment(html: string): ElementContent[] {
  const top: ElementContent[] = [];
  const open: Element[] = [];
  let inLink = false;
  tokens.lastIndex = 0;
  while (tokens.lastIndex < html.length) {
    const at = tokens.lastIndex;
    const match = tokens.exec(html);
    if (!match || match.index !== at) throw notQuick;
    const [, name, attributes, endName, text] = match;
    const siblings = open.length > 0 ? open[open.length - 1].children : top;
    if (name !== undefined) {
      if (!quickElements.has(name) || (name === 'a' && inLink)) throw notQuick;
      const element: Element = { type: 'element', tagName: name, properties: propertiesOf(attributes), children: [] };
      siblings.push(element);
      open.push(element);
      if (name === 'a') inLink = true;
    } else if (endName !== undefined) {
      if (open.pop()?.tagName !== endName) throw notQuick;
      if (endName === 'a') inLink = false;
    } else {
      siblings.push({ type: 'text', value: decodeReferences(text) });
    }
  }
  if (open.length > 0) throw notQuick;
  return top;
}
