/**
 * Pandoc's attributes on the tree: fenced-div fences paired into
 * `pandocDiv` containers (nested as written), and each inline attribute
 * block attached to what it belongs to, as Pandoc reads it:
 *
 * - right after a link or image (`[a](u){.x}`, `![a](i.png){width=50%}`);
 * - right after a bracketed span `[text]{lang=fr}`;
 * - after display math `$$…$$ {#eq-x}` (a space may stand between);
 * - at the end of a heading `# Title {#id .class}` / `{-}`.
 *
 * A block that belongs to nothing is put back as text with a warning, so
 * nothing is silently literal. Table captions and figures take theirs in
 * `figures.ts`, so leftovers are reported by `reportLeftoverAttributes`.
 */
import type { Properties } from 'hast';
import type { Heading, Nodes, Parent, PhrasingContent, Root, RootContent, Text } from 'mdast';
import type { VFile } from 'vfile';
import { fileWarn } from '../../messages.js';
import { rules } from '../../rules.js';
import type { Attributes, PandocAttributes, PandocDiv } from './from-markdown.js';

/** HTML attributes that keep their name; other keys become `data-key`, as Pandoc's HTML5 writer does. */
const htmlAttributes = new Set(['lang', 'dir', 'title', 'role', 'width', 'height', 'style', 'align', 'colspan', 'rowspan', 'start', 'type', 'headers', 'scope']);

/** hast properties for Pandoc attributes. */
export function attributesToProperties(attributes: Attributes, kind: 'image' | 'other' = 'other'): Properties {
  const properties: Properties = {};
  if (attributes.id) properties.id = attributes.id;
  if (attributes.classes.length > 0) properties.className = [...attributes.classes];
  const styles: string[] = [];
  for (const [key, value] of attributes.pairs) {
    if (kind === 'image' && (key === 'width' || key === 'height')) {
      // Pandoc: a bare number is pixels (an HTML attribute); any unit or % is CSS.
      if (/^\d+$/.test(value)) properties[key] = value;
      else if (/^\d+(?:\.\d+)?px$/.test(value)) properties[key] = value.replace(/px$/, '');
      else if (/^\d+(?:\.\d+)?(?:%|cm|mm|in|em|rem|pt|pc|vw)$/.test(value)) styles.push(`${key}:${value}`);
      continue;
    }
    if (key === 'style') {
      styles.push(value);
      continue;
    }
    if (htmlAttributes.has(key)) properties[key] = value;
    else properties[`data-${key.toLowerCase().replace(/[^a-z0-9\-_.:]/g, '-')}`] = value;
  }
  if (styles.length > 0) properties.style = styles.join(';');
  return properties;
}

function merge(node: Nodes, properties: Record<string, unknown>): void {
  const data = (node.data ??= {}) as { hProperties?: Record<string, unknown> };
  const before = data.hProperties ?? {};
  const className = [...((before.className as string[] | undefined) ?? []), ...((properties.className as string[] | undefined) ?? [])];
  data.hProperties = { ...before, ...properties };
  if (className.length > 0) data.hProperties.className = className;
}

/** Pair fences into divs (per parent, nested), then attach inline attributes. */
export function attributesTransform(tree: Root, file: VFile): void {
  nestDivs(tree, file);
  attach(tree);
}

function nestDivs(parent: Parent, file: VFile): void {
  const children = parent.children as RootContent[];
  if (children.some((child) => child.type === 'pandocDivFence')) {
    const result: RootContent[] = [];
    const stack: PandocDiv[] = [];
    const target = () => (stack.length > 0 ? (stack[stack.length - 1].children as RootContent[]) : result);
    for (const child of children) {
      if (child.type !== 'pandocDivFence') {
        target().push(child);
        continue;
      }
      if (child.attributes) {
        const div: PandocDiv = {
          type: 'pandocDiv',
          attributes: child.attributes,
          children: [],
          position: child.position ? { start: child.position.start, end: child.position.end } : undefined,
          data: { hName: 'div', hProperties: attributesToProperties(child.attributes) },
        };
        target().push(div as RootContent);
        stack.push(div);
      } else if (stack.length > 0) {
        const div = stack.pop()!;
        if (div.position && child.position) div.position.end = child.position.end;
      } else {
        fileWarn(file, 'closing `:::` fence without an open fenced div; it is shown as text', {
          place: child.position,
          ruleId: rules.divUnmatched,
          source: 'parse',
        });
        target().push({ type: 'paragraph', children: [{ type: 'text', value: child.value, position: child.position }], position: child.position });
      }
    }
    for (const open of stack) {
      fileWarn(file, 'fenced div is never closed with `:::`; it runs to the end of its container', {
        place: open.position?.start,
        ruleId: rules.divUnmatched,
        source: 'parse',
      });
    }
    parent.children = result as typeof parent.children;
  }
  for (const child of parent.children) if ('children' in child) nestDivs(child as Parent, file);
}

function attach(parent: Parent): void {
  for (const child of parent.children) if ('children' in child) attach(child as Parent);
  const children = parent.children as Nodes[];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node.type !== 'pandocAttributes') continue;
    const consumed = attachOne(parent, i, node);
    if (consumed !== null) i = consumed;
  }
}

/** Attach the block at `index`; returns the index to continue after, or null if left. */
function attachOne(parent: Parent, index: number, node: PandocAttributes): number | null {
  const children = parent.children as Nodes[];
  const previous = children[index - 1];
  const start = node.position?.start.offset;
  const adjacent = (other: Nodes | undefined) => other?.position?.end.offset !== undefined && other.position.end.offset === start;
  if (previous && (previous.type === 'link' || previous.type === 'image' || previous.type === 'linkReference' || previous.type === 'imageReference') && adjacent(previous)) {
    merge(previous, attributesToProperties(node.attributes, previous.type.startsWith('image') ? 'image' : 'other'));
    (previous.data as Record<string, unknown>).pandocAttributes = node.attributes;
    children.splice(index, 1);
    return index - 1;
  }
  // Display math, then a space, then `{#eq-…}`.
  const beforeMath = previous?.type === 'text' && /^[ \t]*$/.test(previous.value) ? children[index - 2] : previous;
  if (beforeMath?.type === 'inlineMath' || beforeMath?.type === 'math') {
    (beforeMath.data ??= {} as never);
    (beforeMath.data as Record<string, unknown>).pandocAttributes = node.attributes;
    const from = beforeMath === previous ? index : index - 1;
    children.splice(from, index - from + 1);
    return from - 1;
  }
  if (previous?.type === 'text' && previous.value.endsWith(']') && adjacent(previous)) {
    const span = bracketedSpan(parent, index, node);
    if (span !== null) return span;
  }
  if (parent.type === 'heading' && children.slice(index + 1).every((after) => after.type === 'text' && after.value.trim() === '')) {
    const heading = parent as Heading;
    children.splice(index);
    const last = children[children.length - 1];
    if (last?.type === 'text') {
      // `## Title ##  {#id}`: the closing hashes go too, as in Pandoc.
      last.value = last.value.replace(/[ \t]+$/, '').replace(/[ \t]+#+$/, '');
      if (last.value === '') children.pop();
    }
    merge(heading, attributesToProperties(node.attributes));
    (heading.data as Record<string, unknown>).pandocAttributes = node.attributes;
    return children.length;
  }
  return null;
}

/** `[text]{attrs}`: find the opening bracket among the siblings before and wrap what is between. */
function bracketedSpan(parent: Parent, index: number, node: PandocAttributes): number | null {
  const children = parent.children as Nodes[];
  let depth = 0;
  for (let j = index - 1; j >= 0; j--) {
    const sibling = children[j];
    if (sibling.type !== 'text') continue;
    const value = sibling.value;
    for (let k = value.length - 1; k >= 0; k--) {
      if (j === index - 1 && k === value.length - 1) {
        depth = 1;
        continue;
      }
      const char = value[k];
      if (char === ']') depth++;
      else if (char === '[') {
        depth--;
        if (depth === 0) return wrap(parent, j, k, index, node);
      }
    }
  }
  return null;
}

function wrap(parent: Parent, openNode: number, openAt: number, attributesIndex: number, node: PandocAttributes): number {
  const children = parent.children as PhrasingContent[];
  const first = children[openNode] as Text;
  const closer = children[attributesIndex - 1] as Text;
  const inner: PhrasingContent[] = [];
  if (openNode === attributesIndex - 1) {
    const text = first.value.slice(openAt + 1, first.value.length - 1);
    if (text) inner.push({ type: 'text', value: text, position: first.position });
  } else {
    const head = first.value.slice(openAt + 1);
    if (head) inner.push({ type: 'text', value: head });
    inner.push(...children.slice(openNode + 1, attributesIndex - 1));
    const tail = closer.value.slice(0, -1);
    if (tail) inner.push({ type: 'text', value: tail });
  }
  const attributes = node.attributes;
  const underline = attributes.classes.includes('underline') || attributes.classes.includes('ul');
  const properties = attributesToProperties(
    underline ? { ...attributes, classes: attributes.classes.filter((c) => c !== 'underline' && c !== 'ul') } : attributes,
  );
  const span = {
    type: 'pandocSpan',
    attributes,
    children: inner,
    position: { start: { ...(first.position?.start ?? node.position!.start) }, end: node.position!.end },
    data: { hName: underline ? 'u' : 'span', hProperties: properties },
  };
  const before = first.value.slice(0, openAt);
  const replacement: PhrasingContent[] = [];
  if (before) replacement.push({ type: 'text', value: before, position: first.position });
  replacement.push(span as never);
  children.splice(openNode, attributesIndex - openNode + 1, ...replacement);
  return openNode + replacement.length - 1;
}

/** Attribute blocks nothing took: back to text, with a warning. */
export function reportLeftoverAttributes(tree: Root, file: VFile): void {
  const visit = (parent: Parent) => {
    const children = parent.children as Nodes[];
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if ('children' in child) visit(child as Parent);
      if (child.type !== 'pandocAttributes') continue;
      fileWarn(file, `attribute block \`${child.value}\` belongs to nothing here; it is shown as text (attributes go at the end of a heading, right after a link, image or \`[span]\`, or on a \`:::\` fence)`, {
        place: child.position,
        ruleId: rules.attributesUnused,
        source: 'parse',
      });
      children[i] = { type: 'text', value: child.value, position: child.position };
    }
  };
  visit(tree);
}

export interface PandocSpan extends Parent {
  type: 'pandocSpan';
  attributes: Attributes;
  children: PhrasingContent[];
}

declare module 'mdast' {
  interface PhrasingContentMap {
    pandocSpan: PandocSpan;
  }
  interface RootContentMap {
    pandocSpan: PandocSpan;
  }
}
