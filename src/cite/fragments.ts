/**
 * citeproc's HTML output (citations, bibliography entries) as hast.
 *
 * citeproc-js writes a small, well-formed part of HTML: `i`, `b`, `span`,
 * `div` and `a` elements with a class, a style or a link, text, and a few
 * character references (`&#38;`). The quick reader of Colophon's own markup
 * (`src/shared/quick-html.ts`) reads all of it into the tree the HTML parser
 * (parse5, through `hast-util-from-html`) makes of it, without positions:
 * the parser's set-up and first use in a process cost more than the rest of
 * the citation stage's own work. Anything else goes to the parser, which
 * decides as before.
 */
import type { ElementContent } from 'hast';
import { fromHtml } from '../shared/html-parser.js';
import { quickHtml } from '../shared/quick-html.js';

export function htmlToHast(html: string): ElementContent[] {
  return fromHtml(html, { fragment: true }).children as ElementContent[];
}

/**
 * Many small HTML fragments (one per citation or entry) parsed at once: one
 * parser run instead of one per fragment, which is most of the cost.
 */
export function htmlFragmentsToHast(fragments: string[]): ElementContent[][] {
  if (fragments.length === 0) return [];
  const quick = fragments.map(quickHtml);
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
