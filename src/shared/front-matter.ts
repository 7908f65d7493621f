/**
 * Front-matter blocks the screen and print editions share: the abstract
 * (`abstract:`, read as Markdown) and the contents list (`toc`, `toc-depth`,
 * `toc-title`), headed with the words of `labels.ts`.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { h } from 'hastscript';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { Metadata } from '../load/schema.js';
import { resolveLabels } from './labels.js';

/** The headings of the abstract and the contents list, from the one table of added words. */
export function frontLabels(lang: string): { abstract: string; contents: string } {
  const labels = resolveLabels(lang);
  return { abstract: labels.abstract, contents: labels.contents };
}

const markdown = unified().use(remarkParse).use(remarkRehype);

/** The abstract as a `doc-abstract` section, its text read as Markdown; null without one. */
export function abstractSection(metadata: Metadata, headingTag = 'h2'): Element | null {
  if (!metadata.abstract) return null;
  const tree = markdown.runSync(markdown.parse(metadata.abstract)) as Root;
  const content = tree.children.filter((child) => child.type === 'element') as ElementContent[];
  return h('section.abstract', { role: 'doc-abstract', ariaLabelledBy: 'abstract-title' }, [
    h(headingTag, { id: 'abstract-title' }, frontLabels(metadata.lang).abstract),
    ...content,
  ]);
}

/** The contents list of the headings under `tree` (to `toc-depth` levels), or null when not asked for. */
export function contentsList(tree: Root | Element, metadata: Metadata): Element | null {
  if (!metadata.toc) return null;
  const depth = metadata.tocDepth ?? 3;
  const headings: Element[] = [];
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.properties.role === 'doc-endnotes' || child.tagName === 'nav') continue;
      if (/^h[1-6]$/.test(child.tagName) && child.properties.id) headings.push(child);
      else walk(child);
    }
  };
  walk(tree);
  if (headings.length === 0) return null;
  const top = Math.min(...headings.map((heading) => Number(heading.tagName[1])));
  const root: Element = h('ol');
  const stack: Array<{ level: number; list: Element }> = [{ level: top, list: root }];
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    if (level - top + 1 > depth) continue;
    while (stack.length > 1 && stack[stack.length - 1].level > level) stack.pop();
    let current = stack[stack.length - 1];
    if (level > current.level) {
      const parentItem = current.list.children[current.list.children.length - 1] as Element | undefined;
      const list = h('ol');
      if (parentItem) parentItem.children.push(list);
      else current.list.children.push(h('li', [list]));
      stack.push({ level, list });
      current = stack[stack.length - 1];
    }
    current.list.children.push(h('li', [h('a', { href: `#${String(heading.properties.id)}` }, toString(heading))]));
  }
  return h('nav.toc', { id: 'TOC', role: 'doc-toc', ariaLabelledBy: 'toc-title' }, [
    h('h2', { id: 'toc-title' }, metadata.tocTitle ?? frontLabels(metadata.lang).contents),
    root,
  ]);
}
