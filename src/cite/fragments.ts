/**
 * citeproc's HTML output (citations, bibliography entries) as hast.
 */
import type { ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';

export function htmlToHast(html: string): ElementContent[] {
  return fromHtml(html, { fragment: true }).children as ElementContent[];
}

/**
 * Many small HTML fragments (one per citation or entry) parsed at once: one
 * parser run instead of one per fragment, which is most of the cost.
 */
export function htmlFragmentsToHast(fragments: string[]): ElementContent[][] {
  if (fragments.length === 0) return [];
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
