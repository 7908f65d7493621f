/**
 * The CARIM layout's small HTML templates (`templates/carim/*.html`: the
 * title block, the running head, the rights statement), made into trees.
 *
 * A template is HTML with `{{key}}` (the value, as text) and
 * `{{#key}}…{{/key}}` (kept only when the key has a value). That is all the
 * logic a title block needs, and it keeps the looks in `templates/` where
 * they can change without touching code. The template is parsed as HTML
 * first and the values go into the tree as text and attribute values, so a
 * value can never become markup: the serialiser escapes it for where it
 * stands. Comments are dropped.
 */
import { readFile } from 'node:fs/promises';
import type { ElementContent, Nodes, Properties } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';

export type TemplateValues = Record<string, string | undefined>;

const placeholder = /\{\{([\w-]+)\}\}/g;

function fill(text: string, values: TemplateValues): string {
  return text.replace(placeholder, (_all, key: string) => values[key] ?? '');
}

function fillTree(node: Nodes, values: TemplateValues): void {
  if (node.type === 'text') {
    node.value = fill(node.value, values);
    return;
  }
  if (node.type !== 'element' && node.type !== 'root') return;
  if (node.type === 'element') {
    const properties: Properties = node.properties;
    for (const [name, value] of Object.entries(properties)) {
      if (typeof value === 'string') properties[name] = fill(value, values);
      else if (Array.isArray(value)) properties[name] = value.map((v) => (typeof v === 'string' ? fill(v, values) : v));
    }
  }
  node.children = node.children.filter((child) => child.type !== 'comment') as typeof node.children;
  for (const child of node.children) fillTree(child, values);
}

/** A template with its values, as hast; missing values drop their sections. */
export function templateToHast(template: string, values: TemplateValues): ElementContent[] {
  const withoutComments = template.replace(/<!--[\s\S]*?-->/g, '');
  // Sections only keep or drop template text: no value is inserted here.
  const sections = withoutComments.replace(/\{\{#([\w-]+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_all, key: string, inner: string) => (values[key] ? inner : ''));
  const tree = fromHtml(sections.trim(), { fragment: true });
  fillTree(tree, values);
  return tree.children as ElementContent[];
}

/** A template with its values, serialised as HTML. */
export function fillTemplate(template: string, values: TemplateValues): string {
  return toHtml({ type: 'root', children: templateToHast(template, values) });
}

const cache = new Map<string, Promise<string>>();

/** Read a template file once per process. */
export function readTemplate(file: string): Promise<string> {
  let text = cache.get(file);
  if (!text) {
    text = readFile(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** Forget the templates read so far (a long-running preview, after a template changed). */
export function forgetTemplateReads(): void {
  cache.clear();
}
