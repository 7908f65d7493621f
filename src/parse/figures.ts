/**
 * Pandoc's `implicit_figures` and `table_captions`.
 *
 * - A paragraph holding one image and nothing else becomes a figure whose
 *   caption is the image's description; the image keeps it as alt text.
 *   Its attributes' identifier (`![…](a.png){#fig-x}`) goes to the figure.
 * - A paragraph starting with `:` or `Table:` right before or after a table
 *   is that table's caption; an attribute block at its end
 *   (`: Prices {#tbl-prices}`) gives the table its identifier.
 *
 * The nodes are `figure` (hast `<figure>` with `<figcaption>`) and
 * `tableCaption` (hast `<caption>`, moved into its table by the model stage,
 * see `attachTableCaptions`).
 */
import type { Element, Root as HastRoot } from 'hast';
import type { Image, Nodes, Paragraph, Parent, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { visit } from 'unist-util-visit';
import type { Attributes } from './attributes/from-markdown.js';
import { attributesToProperties } from './attributes/transform.js';

export interface Figure extends Parent {
  type: 'figure';
  /** The image's attributes (identifier, classes, width …). */
  attributes: Attributes;
  children: Array<Image | FigureCaption>;
}

export interface FigureCaption extends Parent {
  type: 'figureCaption';
  children: PhrasingContent[];
}

export interface TableCaption extends Parent {
  type: 'tableCaption';
  children: PhrasingContent[];
  attributes: Attributes;
}

declare module 'mdast' {
  interface RootContentMap {
    figure: Figure;
    figureCaption: FigureCaption;
    tableCaption: TableCaption;
  }
  interface BlockContentMap {
    figure: Figure;
    tableCaption: TableCaption;
  }
}

function isBlank(node: Nodes): boolean {
  return node.type === 'text' && node.value.trim() === '';
}

/** Figures and table captions, in every container. */
export function figuresTransform(tree: Root): void {
  visit(tree, (node) => {
    if (!('children' in node)) return;
    const parent = node as Parent;
    const children = parent.children as RootContent[];
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.type === 'paragraph') {
        const figure = implicitFigure(child);
        if (figure) children[i] = figure as RootContent;
      } else if (child.type === 'pandocDiv') {
        const figure = divFigure(child as never);
        if (figure) children[i] = figure as RootContent;
      }
    }
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.type !== 'table') continue;
      const after = children[i + 1];
      const before = children[i - 1];
      const captionAt = after?.type === 'paragraph' && captionText(after) ? i + 1 : before?.type === 'paragraph' && captionText(before) ? i - 1 : -1;
      if (captionAt === -1) continue;
      const caption = tableCaption(children[captionAt] as Paragraph);
      applyTableAttributes(child, caption.attributes);
      // The caption sits right before its table; the model stage moves it inside.
      children.splice(captionAt, 1);
      const tableAt = children.indexOf(child);
      children.splice(tableAt, 0, caption as RootContent);
      i = tableAt + 1;
    }
  });
}

function implicitFigure(paragraph: Paragraph): Figure | null {
  const content = paragraph.children.filter((child) => !isBlank(child as Nodes));
  if (content.length !== 1 || content[0].type !== 'image') return null;
  const image = content[0];
  if (!image.alt) return null;
  const attributes = ((image.data as Record<string, unknown> | undefined)?.pandocAttributes as Attributes | undefined) ?? { classes: [], pairs: [] };
  // The identifier moves to the figure; the image keeps its size and classes.
  const imageProperties = attributesToProperties({ ...attributes, id: undefined }, 'image');
  image.data = { ...image.data, hProperties: imageProperties };
  const caption: FigureCaption = {
    type: 'figureCaption',
    children: [{ type: 'text', value: image.alt, position: image.position }],
    data: { hName: 'figcaption' },
  } as FigureCaption;
  return {
    type: 'figure',
    attributes,
    children: [image, caption],
    position: paragraph.position,
    data: { hName: 'figure', hProperties: attributes.id ? { id: attributes.id } : {} },
  } as Figure;
}

/**
 * Quarto's figure div: `::: {#fig-x}`, the content, then the caption as the
 * last paragraph, `:::`.
 */
function divFigure(div: { attributes: Attributes; children: RootContent[]; position?: Paragraph['position'] }): Figure | null {
  const id = div.attributes.id;
  if (!id || !/^fig[-:]/i.test(id) || div.children.length < 2) return null;
  const last = div.children[div.children.length - 1];
  if (last.type !== 'paragraph') return null;
  const content = div.children.slice(0, -1).map((child) => {
    // An image alone in its paragraph inside the div is the figure's image, not a figure of its own.
    if (child.type === 'figure') return (child as Figure).children[0];
    if (child.type === 'paragraph') {
      const only = child.children.filter((c) => !isBlank(c as Nodes));
      if (only.length === 1 && only[0].type === 'image') return only[0];
    }
    return child;
  });
  const caption = { type: 'figureCaption', children: last.children, position: last.position, data: { hName: 'figcaption' } } as FigureCaption;
  return {
    type: 'figure',
    attributes: div.attributes,
    children: [...content, caption] as Figure['children'],
    position: div.position,
    data: { hName: 'figure', hProperties: attributesToProperties(div.attributes) },
  } as Figure;
}

const captionStart = /^(?:Table)?:\s/;

function captionText(paragraph: Paragraph): boolean {
  const first = paragraph.children[0];
  return first?.type === 'text' && captionStart.test(first.value);
}

function tableCaption(paragraph: Paragraph): TableCaption {
  const children = [...paragraph.children] as Nodes[];
  const first = children[0] as { value: string };
  first.value = first.value.replace(captionStart, '');
  let attributes: Attributes = { classes: [], pairs: [] };
  const last = children[children.length - 1];
  if (last?.type === 'pandocAttributes') {
    attributes = last.attributes;
    children.pop();
    const tail = children[children.length - 1];
    if (tail?.type === 'text') tail.value = tail.value.replace(/\s+$/, '');
  }
  return {
    type: 'tableCaption',
    children: children as PhrasingContent[],
    attributes,
    position: paragraph.position,
    data: { hName: 'caption' },
  } as TableCaption;
}

function applyTableAttributes(table: Table, attributes: Attributes): void {
  const properties = attributesToProperties(attributes);
  if (Object.keys(properties).length > 0) table.data = { ...table.data, hProperties: { ...(table.data as { hProperties?: object })?.hProperties, ...properties } } as never;
}

/**
 * Model stage: a `<caption>` right before a `<table>` (as `parse` leaves
 * it) becomes the table's first child, where HTML wants it. This runs
 * before raw HTML is read, since the HTML parser drops a caption outside
 * its table.
 */
export function attachTableCaptions(tree: HastRoot | Element): void {
  visit(tree, (node) => {
    if (node.type !== 'root' && node.type !== 'element') return;
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.type !== 'element' || child.tagName !== 'caption') continue;
      let j = i + 1;
      while (children[j]?.type === 'text' && (children[j] as { value: string }).value.trim() === '') j++;
      const table = children[j];
      if (table?.type !== 'element' || table.tagName !== 'table') continue;
      table.children.unshift(child);
      children.splice(i, j - i);
      i--;
    }
  });
}
