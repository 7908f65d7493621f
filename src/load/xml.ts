/**
 * A quick reader for the plain XML of CSL styles and locales.
 *
 * `xast-util-from-xml` is a conforming parser, and it checks every
 * character it reads, which makes it the slowest step of reading a style
 * and a locale in a fresh process. CSL files use a small part of XML:
 * elements with quoted attributes, text, the predefined and numeric
 * character references, comments, now and then a CDATA section, and an XML
 * declaration. This reader takes exactly that part, with regular
 * expressions (fast even in code run for the first time), and builds the
 * same xast tree, without positions. For anything else (a document type
 * declaration, a named entity, a character XML forbids, a tag out of place,
 * a line break written as CR), or anything that is not well-formed, it
 * answers `undefined`, and the conforming parser decides, with its exact
 * message and place.
 */
import type { Element, ElementContent, Root, RootContent } from 'xast';

// One token: start tag (name, attributes, self-closing slash), end tag, comment, CDATA, processing instruction, text.
const tokens =
  /<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<\/([A-Za-z_][\w.:-]*)\s*>|<!--([\s\S]*?)-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?([A-Za-z_][\w.:-]*)(?:\s([\s\S]*?))?\?>|([^<]+)/y;
const attributePattern = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
const declaration = /^<\?xml\s+version\s*=\s*(["'])(1\.[0-9]+)\1(?:\s+encoding\s*=\s*(["'])([A-Za-z][\w.-]*)\3)?(?:\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/;
// A byte order mark, characters XML does not allow, a CR (line ends are normalised by the conforming parser), unpaired surrogates.
const outsideSubset = /\uFEFF|[\0-\x08\x0B\x0C\x0E-\x1F\r\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|<!DOCTYPE|<!ENTITY/i;
const references = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const predefined: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'" };

class NotInSubset extends Error {}
const notInSubset = new NotInSubset();

function decode(text: string): string {
  if (!text.includes('&')) return text;
  const decoded = text.replace(references, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    // A marker no text can hold stands for a decoded `&`, so that a lone `&` left over is seen.
    if (name) return name === 'amp' ? '\uFFFF' : predefined[name];
    const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!valid) throw notInSubset;
    return code === 0x26 ? '\uFFFF' : String.fromCodePoint(code);
  });
  if (decoded.includes('&')) throw notInSubset;
  return decoded.replace(/\uFFFF/g, '&');
}

function attributesOf(source: string): Element['attributes'] {
  const attributes: Element['attributes'] = {};
  if (!source) return attributes;
  for (const match of source.matchAll(attributePattern)) {
    const name = match[1];
    if (name === '__proto__' || Object.prototype.hasOwnProperty.call(attributes, name)) throw notInSubset;
    const value = decode((match[2] ?? match[3]).replace(/[\n\t]/g, ' '));
    if (name === 'xml:space' && value !== 'default' && value !== 'preserve') throw notInSubset;
    attributes[name] = value;
  }
  return attributes;
}

/** The xast tree of `xml`, or `undefined` when it is not plainly well-formed XML of the subset above. */
export function readXml(xml: string): Root | undefined {
  if (outsideSubset.test(xml)) return undefined;
  try {
    return read(xml);
  } catch (error) {
    if (error === notInSubset) return undefined;
    throw error;
  }
}

function read(xml: string): Root {
  const root: Root = { type: 'root', children: [] };
  let index = 0;
  const head = declaration.exec(xml);
  if (head) {
    const value = [`version="${head[2]}"`];
    if (head[4]) value.push(`encoding="${head[4]}"`);
    if (head[6]) value.push(`standalone="${head[6]}"`);
    root.children.push({ type: 'instruction', name: 'xml', value: value.join(' ') });
    index += head[0].length;
  }
  const open: Element[] = [];
  let seenRoot = false;
  const add = (node: RootContent) => {
    if (open.length > 0) {
      const parent = open[open.length - 1];
      const last = parent.children[parent.children.length - 1];
      if (node.type === 'text' && last?.type === 'text') last.value += node.value;
      else parent.children.push(node as ElementContent);
    } else {
      root.children.push(node);
    }
  };
  tokens.lastIndex = index;
  while (tokens.lastIndex < xml.length) {
    const at = tokens.lastIndex;
    const match = tokens.exec(xml);
    if (!match || match.index !== at) throw notInSubset;
    // By index: destructuring walks the match with an iterator, a step of
    // garbage per group, thousands of times in a style and its locale.
    const name = match[1];
    const attributes = match[2];
    const selfClosing = match[3];
    const endName = match[4];
    const comment = match[5];
    const cdata = match[6];
    const target = match[7];
    const text = match[9];
    if (name !== undefined) {
      if (open.length === 0 && seenRoot) throw notInSubset;
      const element: Element = { type: 'element', name, attributes: attributesOf(attributes), children: [] };
      add(element);
      if (open.length === 0) seenRoot = true;
      if (!selfClosing) open.push(element);
    } else if (endName !== undefined) {
      if (open.pop()?.name !== endName) throw notInSubset;
    } else if (comment !== undefined) {
      if (comment.includes('--') || comment.endsWith('-')) throw notInSubset;
      add({ type: 'comment', value: comment });
    } else if (cdata !== undefined) {
      if (open.length === 0) throw notInSubset;
      add({ type: 'cdata', value: cdata });
    } else if (target !== undefined) {
      // Processing instructions other than the declaration: the conforming parser's.
      throw notInSubset;
    } else if (text !== undefined) {
      if (open.length === 0) {
        if (!/^[ \t\n]*$/.test(text)) throw notInSubset;
        continue;
      }
      if (text.includes(']]>')) throw notInSubset;
      add({ type: 'text', value: decode(text) });
    }
  }
  if (open.length > 0 || !seenRoot) throw notInSubset;
  return root;
}
