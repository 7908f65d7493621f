/**
 * A quick reader for the plain part of HTML that Colophon's own markup is
 * written in: the layout's templates (`templates/carim/*.html`) and
 * citeproc's output (`src/cite/fragments.ts`). It gives the tree the HTML
 * parser (parse5, through `hast-util-from-html`) makes of a fragment,
 * without positions, and gives up (undefined) on anything outside that part,
 * which then goes to the parser: the parser's set-up and first run cost more
 * than a short build's own work on its templates.
 *
 * The part: start and end tags in lower case that nest as written, with
 * attributes in double quotes; text; the character references `&amp;`,
 * `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric ones. An element
 * the parser would close, move or rebuild (a block inside a paragraph, a
 * link inside a link, a list item, a table, a formatting element around a
 * block) is not in it; nor is a comment, a doctype, a self-closing tag, a
 * carriage return or a control character the parser rewrites.
 */
import type { ElementContent, Properties } from 'hast';
import { h } from 'hastscript';

/** Thrown inside the reader when the text leaves the quick part. */
const notQuick = Symbol('not quick');

/** Characters the parser rewrites or reports (NUL, CR, other C0 and C1 controls, lone surrogates). */
const rewritten = /[\0-\x08\x0B-\x1F\x7F-\x9F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const references = /&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g;
const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };

/** `text` with its character references decoded; `notQuick` for any other `&` or a code point the parser would change. */
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  // A decoded `&` is held as U+FFFF (a noncharacter no quick text may hold) until the lone `&` check.
  const decoded = text.replace(references, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return name === 'amp' ? '\uFFFF' : named[name];
    const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
    const plain =
      code === 0x9 || code === 0xa || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfdcf) ||
      (code >= 0xfdf0 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff && (code & 0xfffe) !== 0xfffe);
    if (!plain) throw notQuick;
    return code === 0x26 ? '\uFFFF' : String.fromCodePoint(code);
  });
  if (decoded.includes('&')) throw notQuick;
  return decoded.replace(/\uFFFF/g, '&');
}

// Phrasing elements: they hold only phrasing content here. None is
// special to the parser's tree building; the formatting ones among them
// (a, b, code, em, i, s, small, strong, u) come out as written when they
// nest and hold no block.
const phrasing = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'slot', 'small',
  'span', 'strong', 'sub', 'sup', 'time', 'u', 'var',
]);
// Elements that hold phrasing content only, and that a block start tag
// would close: paragraphs and headings.
const paragraphs = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
// Blocks that hold blocks, paragraphs and phrasing, and close nothing.
const blocks = new Set(['address', 'article', 'aside', 'blockquote', 'div', 'figcaption', 'figure', 'footer', 'header', 'hgroup', 'main', 'nav', 'section']);
// Void elements taken: phrasing, with no end tag.
const voids = new Set(['br', 'wbr']);

// A start tag (name, attributes), an end tag (name), or text up to the next tag.
const tokens = /<([a-z][a-z0-9]*)((?:[ \t\n\f]+[a-z][a-z0-9-]*="[^"<]*")*)[ \t\n\f]*>|<\/([a-z][a-z0-9]*)>|([^<]+)/y;
const attributePattern = /([a-z][a-z0-9-]*)="([^"]*)"/g;

interface Open {
  name: string;
  attributes: Record<string, string>;
  children: ElementContent[];
}

function attributesOf(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (!source) return attributes;
  for (const [, name, raw] of source.matchAll(attributePattern)) {
    // A repeated attribute, or one the tree builder leaves out (a name of Object.prototype's).
    if (Object.hasOwn(attributes, name) || Object.hasOwn(Object.prototype, name)) throw notQuick;
    attributes[name] = decodeReferences(raw);
  }
  return attributes;
}

/**
 * The hast of an HTML fragment in the quick part, built as the parser's
 * tree builder builds it (`hastscript`'s `h`, from the attributes as
 * written), or undefined for the parser.
 */
export function quickHtml(html: string): ElementContent[] | undefined {
  if (html.includes('\uFFFF') || rewritten.test(html)) return undefined;
  try {
    return read(html);
  } catch (error) {
    if (error === notQuick) return undefined;
    throw error;
  }
}

function read(html: string): ElementContent[] {
  const top: ElementContent[] = [];
  const open: Open[] = [];
  // How many open elements hold phrasing only, and whether a link is open.
  let phrasingDepth = 0;
  let inLink = false;
  tokens.lastIndex = 0;
  while (tokens.lastIndex < html.length) {
    const at = tokens.lastIndex;
    const match = tokens.exec(html);
    if (!match || match.index !== at) throw notQuick;
    // By index, not destructured (which steps an iterator through the match).
    const name = match[1];
    const attributes = match[2];
    const endName = match[3];
    const text = match[4];
    const siblings = open.length > 0 ? open[open.length - 1].children : top;
    if (name !== undefined) {
      if (voids.has(name)) {
        siblings.push(h(name, attributesOf(attributes)) as ElementContent);
        continue;
      }
      const isPhrasing = phrasing.has(name);
      if (!isPhrasing && !paragraphs.has(name) && !blocks.has(name)) throw notQuick;
      // Only phrasing inside a paragraph, a heading or a phrasing element; no link in a link.
      if (phrasingDepth > 0 && !isPhrasing) throw notQuick;
      if (name === 'a' && inLink) throw notQuick;
      open.push({ name, attributes: attributesOf(attributes), children: [] });
      if (isPhrasing || paragraphs.has(name)) phrasingDepth++;
      if (name === 'a') inLink = true;
    } else if (endName !== undefined) {
      const element = open.pop();
      if (element?.name !== endName) throw notQuick;
      if (phrasing.has(endName) || paragraphs.has(endName)) phrasingDepth--;
      if (endName === 'a') inLink = false;
      const parent = open.length > 0 ? open[open.length - 1].children : top;
      parent.push(h(element.name, element.attributes as Properties, element.children) as ElementContent);
    } else {
      siblings.push({ type: 'text', value: decodeReferences(text) });
    }
  }
  if (open.length > 0) throw notQuick;
  return top;
}
