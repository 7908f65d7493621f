/**
 * XHTML serialisation for EPUB content documents.
 *
 * EPUB 3 content documents are XML: every element closed, no HTML-only
 * named character references, boolean attributes with a value, and the
 * `epub:` prefix bound on the root. The hast tree goes through xast
 * (hast-util-to-xast knows HTML's attribute names) and is written by an XML
 * serialiser, so well-formedness comes from the tools, not from escaping
 * by hand. HTML's void elements are written self-closed (`<br/>`), never as
 * `<br></br>`, which an HTML parser would read as two line breaks.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toXast } from 'hast-util-to-xast';
import type { Element as XastElement, Nodes as XastNodes, Root as XastRoot } from 'xast';
import { toXml } from 'xast-util-to-xml';
import { withoutUnusableCharacters } from '../shared/text.js';

export const xhtmlNamespace = 'http://www.w3.org/1999/xhtml';
export const opsNamespace = 'http://www.idpf.org/2007/ops';

const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * Replace hast `raw` nodes (HTML a sanitiser let through) by their parsed
 * elements: XML has no place for unparsed HTML.
 */
function parseRaw(children: Array<RootContent | ElementContent>): void {
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (child.type === 'raw') {
      const parsed = fromHtml(child.value, { fragment: true }).children as ElementContent[];
      children.splice(index, 1, ...parsed);
      index += parsed.length - 1;
    } else if (child.type === 'element') {
      parseRaw(child.children);
    }
  }
}

/** Self-close void elements by turning each into a pre-serialised node. */
function closeVoids(node: XastNodes): void {
  if (node.type !== 'element' && node.type !== 'root') return;
  node.children = node.children.map((child) => {
    if (child.type === 'element' && voidElements.has(child.name) && child.children.length === 0) {
      return { type: 'raw', value: toXml(child, { closeEmptyElements: true, tightClose: true }) } as const;
    }
    closeVoids(child);
    return child;
  }) as XastElement['children'];
}

/**
 * Make text and attribute values safe for XML beyond what the serialiser
 * escapes (`&`, `<`, and `"` in attributes): the characters XML 1.0 cannot
 * carry at all are dropped, and a `>` that follows `]]` in text, which XML
 * forbids there, is written `&gt;` (a text holding `]]>` becomes a
 * pre-escaped node, since text nodes are escaped again on output).
 */
function xmlSafe(node: XastNodes): void {
  if (node.type !== 'element' && node.type !== 'root') return;
  if (node.type === 'element') {
    for (const [name, value] of Object.entries(node.attributes)) {
      if (typeof value === 'string') node.attributes[name] = withoutUnusableCharacters(value);
    }
  }
  node.children = node.children.map((child) => {
    if (child.type === 'text') {
      const value = withoutUnusableCharacters(child.value);
      if (!value.includes(']]>')) return { ...child, value };
      return { type: 'raw', value: value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') } as const;
    }
    xmlSafe(child);
    return child;
  }) as XastElement['children'];
}

/**
 * Serialise a complete `<html>` element as an XHTML content document, with
 * the XML declaration and the HTML doctype.
 */
export function toXhtml(html: Element): string {
  const copy = structuredClone(html);
  parseRaw(copy.children);
  const root: Root = { type: 'root', children: [copy] };
  const xast = toXast(root) as XastRoot;
  xmlSafe(xast);
  closeVoids(xast);
  const document: XastRoot = {
    type: 'root',
    children: [
      { type: 'instruction', name: 'xml', value: 'version="1.0" encoding="UTF-8"' },
      { type: 'text', value: '\n' },
      { type: 'doctype', name: 'html' },
      { type: 'text', value: '\n' },
      ...xast.children,
      { type: 'text', value: '\n' },
    ],
  };
  // `raw` nodes here are only what xmlSafe and closeVoids wrote, escaped.
  return toXml(document, { allowDangerousXml: true });
}

/** Serialise an XML tree (package document, container) with its declaration. */
export function toXmlDocument(element: XastElement): string {
  const safe = structuredClone(element);
  xmlSafe(safe);
  return toXml({
    type: 'root',
    children: [
      { type: 'instruction', name: 'xml', value: 'version="1.0" encoding="UTF-8"' },
      { type: 'text', value: '\n' },
      safe,
      { type: 'text', value: '\n' },
    ],
  }, { closeEmptyElements: true, allowDangerousXml: true });
}
