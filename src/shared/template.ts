/**
 * The CARIM layout's small HTML templates (`templates/carim/*.html`: the
 * title block, the running head, the rights statement), made into trees.
 *
 * A template is HTML with `{{key}}` (the value, as text),
 * `{{#key}}…{{/key}}` (kept only when the key has a value; over a list,
 * once for each item, whose keys are then in reach), `{{^key}}…{{/key}}`
 * (kept only when it has none), `<slot name="key">` (where the edition's
 * own blocks go, gone when it has none) and `data-edition="print epub"` (an
 * element only those editions show). That is all the logic a title block
 * needs, and it keeps the looks in `templates/` where they can change
 * without touching code. The template is parsed as HTML
 * first and the values go into the tree as text and attribute values, so a
 * value can never become markup: the serialiser escapes it for where it
 * stands. An attribute that is one placeholder without a value is left
 * out. Comments are dropped.
 */
import { readFileSync, promises as fsp } from 'node:fs';
import type { ElementContent, Nodes, Properties, Root } from 'hast';
import { fromHtml } from './html-parser.js';
import { quickHtml } from './quick-html.js';
import { toHtml } from 'hast-util-to-html';

export interface TemplateValues {
  [key: string]: string | undefined | TemplateValues[];
}

export interface TemplateOptions {
  /** Blocks for `<slot name="…">`, by name. Default: none (every slot is left out). */
  slots?: Record<string, ElementContent[] | null | undefined>;
  /** The edition the tree is for, as `data-edition` names it. Default: every element is kept. */
  edition?: string;
}

const placeholder = /\{\{([\w.-]+)\}\}/g;
const section = /\{\{([#^])([\w.-]+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;

function fill(text: string, values: Record<string, string>): string {
  return text.replace(placeholder, (_all, key: string) => values[key] ?? '');
}

/** The values, with each list item's keys as `list.N.key`. */
function flatten(values: TemplateValues, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') into[prefix + key] = value;
    else if (Array.isArray(value)) value.forEach((item, i) => flatten(item, `${prefix}${key}.${i}.`, into));
  }
  return into;
}

/**
 * Keep or drop the sections' template text, a list's once per item with
 * its keys renamed `list.N.key`: no value is inserted here.
 */
function expandSections(text: string, values: TemplateValues, prefix = ''): string {
  return text.replace(section, (_all, kind: string, key: string, inner: string) => {
    const value = values[key];
    const present = Array.isArray(value) ? value.length > 0 : Boolean(value);
    if (kind === '^') return present ? '' : expandSections(inner, values, prefix);
    if (!present) return '';
    if (!Array.isArray(value)) return expandSections(inner, values, prefix);
    return value
      .map((item, i) => {
        const scope = `${prefix}${key}.${i}.`;
        const local = expandSections(inner, item, scope);
        // The item's own keys are reached under its name; the others stay as they are.
        return local.replace(/\{\{([\w-]+)\}\}/g, (all, name: string) => (name in item ? `{{${scope}${name}}}` : all));
      })
      .join('');
  });
}

function fillTree(node: Nodes, values: Record<string, string>, options: TemplateOptions): void {
  if (node.type === 'text') {
    node.value = fill(node.value, values);
    return;
  }
  if (node.type !== 'element' && node.type !== 'root') return;
  if (node.type === 'element') {
    const properties: Properties = node.properties;
    for (const [name, value] of Object.entries(properties)) {
      const empty = typeof value === 'string' && placeholder.test(value) && fill(value, values) === '';
      placeholder.lastIndex = 0;
      if (empty) delete properties[name];
      else if (typeof value === 'string') properties[name] = fill(value, values);
      else if (Array.isArray(value)) properties[name] = value.map((v) => (typeof v === 'string' ? fill(v, values) : v));
    }
    delete properties.dataEdition;
  }
  const kept: Nodes[] = [];
  for (const child of node.children) {
    if (child.type === 'comment') continue;
    if (child.type === 'element') {
      const editions = child.properties.dataEdition;
      if (options.edition && typeof editions === 'string' && !editions.split(/\s+/).includes(options.edition)) continue;
      if (child.tagName === 'slot') {
        kept.push(...(options.slots?.[String(child.properties.name)] ?? []));
        continue;
      }
    }
    fillTree(child, values, options);
    kept.push(child);
  }
  node.children = kept as typeof node.children;
}

/** The HTML a template's tree is read from: comments gone, sections kept or dropped for `values`, none inserted. */
export function templateHtml(template: string, values: TemplateValues): string {
  return expandSections(template.replace(/<!--[\s\S]*?-->/g, ''), values).trim();
}

/** A template with its values, as hast; missing values drop their sections. */
export function templateToHast(template: string, values: TemplateValues, options: TemplateOptions = {}): ElementContent[] {
  const html = templateHtml(template, values);
  // The layout's own templates are in the quick reader's part of HTML; any other goes to the parser.
  const quick = quickHtml(html);
  const tree: Root = quick ? { type: 'root', children: quick } : fromHtml(html, { fragment: true });
  fillTree(tree, flatten(values), options);
  return tree.children as ElementContent[];
}

/** A template with its values, serialised as HTML. */
export function fillTemplate(template: string, values: TemplateValues): string {
  return toHtml({ type: 'root', children: templateToHast(template, values) });
}

const cache = new Map<string, Promise<string>>();
const cacheSync = new Map<string, string>();

/** Read a template file once per process. */
export function readTemplate(file: string): Promise<string> {
  let text = cache.get(file);
  if (!text) {
    text = fsp.readFile(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** `readTemplate` for the writers that read their files synchronously. */
export function readTemplateSync(file: string): string {
  let text = cacheSync.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cacheSync.set(file, text);
  }
  return text;
}

/** Forget the templates read so far (a long-running preview, after a template changed). */
export function forgetTemplateReads(): void {
  cache.clear();
  cacheSync.clear();
}
