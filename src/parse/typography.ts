/**
 * Pandoc's `smart` extension: curly quotes and apostrophes, `--` (en dash),
 * `---` (em dash) and `...` (ellipsis), never inside code, math, URLs or
 * raw HTML. remark-smartypants reads the quotes (matched across emphasis
 * and links); the quote marks are then those of the language of the text,
 * which a span or div with `lang` changes: “…” ‘…’ in English, „…“ ‚…‘ in
 * German, « … » in French, «…» „…“ in Russian.
 *
 * Dashes and dots are read left to right, as Pandoc reads them: `----` is
 * an em dash and a hyphen, `---------` three em dashes, `....` an ellipsis
 * and a full stop. An escaped character is itself (`\...` stays three
 * dots, `\"` a straight quote), and ends the run it stands in.
 */
import type { Nodes, Parent, Root, Text } from 'mdast';
import remarkSmartypants from 'remark-smartypants';
import type { Attributes } from './attributes/from-markdown.js';

// Stand-ins chosen while the language is not yet known.
const openDouble = '\uE1F0';
const openSingle = '\uE1F1';
const closeDouble = '\uE1F2';
const closeSingle = '\uE1F3';

interface Marks {
  open: [string, string];
  close: [string, string];
}

const marks: Record<string, Marks> = {
  en: { open: ['“', '‘'], close: ['”', '’'] },
  de: { open: ['„', '‚'], close: ['“', '‘'] },
  fr: { open: ['«\u00a0', '“'], close: ['\u00a0»', '”'] },
  ru: { open: ['«', '„'], close: ['»', '“'] },
  uk: { open: ['«', '„'], close: ['»', '“'] },
  pl: { open: ['„', '«'], close: ['”', '»'] },
  cs: { open: ['„', '‚'], close: ['“', '‘'] },
  it: { open: ['«', '“'], close: ['»', '”'] },
  es: { open: ['«', '“'], close: ['»', '”'] },
  nl: { open: ['“', '‘'], close: ['”', '’'] },
  sv: { open: ['”', '’'], close: ['”', '’'] },
};

/** The quote marks of a language (BCP 47 tag); English ones for the rest. */
export function quoteMarks(lang: string): Marks {
  const tag = lang.toLowerCase();
  if (tag === 'de-ch' || tag === 'fr-ch') return { open: ['«', '‹'], close: ['»', '›'] };
  return marks[tag.split('-')[0]] ?? marks.en;
}

// Escaped punctuation, hidden from the reader until it is done.
const escapes: Record<string, string> = { '.': '\uE1F4', '-': '\uE1F5', '"': '\uE1F6', "'": '\uE1F7' };
const unescapes: Record<string, string> = Object.fromEntries(Object.entries(escapes).map(([char, mark]) => [mark, char]));

const smartypants = (remarkSmartypants as unknown as (options: object) => (tree: Root) => void)({
  dashes: false,
  ellipses: false,
  backticks: false,
  openingQuotes: { double: openDouble, single: openSingle },
  closingQuotes: { double: closeDouble, single: closeSingle },
}) as unknown as (tree: Root) => void;

/**
 * Smart punctuation in the whole tree, with the quote marks of `lang` and
 * of each `lang` span or div. `source` (the manuscript the tree was parsed
 * from) tells which characters were escaped.
 */
export function typographyTransform(tree: Root, lang: string, source?: string): void {
  const texts: Text[] = [];
  // Text that follows an inline element (`@doe's`, `*Doe*'s`).
  const afterElement = new Set<Text>();
  const collect = (node: Nodes) => {
    if (node.type === 'text') texts.push(node);
    else if ('children' in node) {
      const children = (node as Parent).children as Nodes[];
      children.forEach((child, index) => {
        const before = children[index - 1];
        if (child.type === 'text' && before && before.type !== 'text' && before.type !== 'break') afterElement.add(child);
        collect(child);
      });
    }
  };
  collect(tree);
  if (source !== undefined) for (const text of texts) hideEscapes(text, source);
  // A quote mark right after an element, before a letter, is an apostrophe, as in Pandoc.
  for (const text of afterElement) if (/^'\p{L}/u.test(text.value)) text.value = `\u2019${text.value.slice(1)}`;

  // An autolink's text is its URL: hide it from the reader as if it were code.
  const hidden: Text[] = [];
  const hide = (node: Nodes) => {
    if (node.type === 'link' && node.children.length === 1 && node.children[0].type === 'text') {
      const text = node.children[0];
      if (text.value === node.url || `mailto:${text.value}` === node.url || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text.value)) {
        (text as unknown as { type: string }).type = 'inlineCode';
        hidden.push(text);
      }
    }
    if ('children' in node) for (const child of (node as Parent).children) hide(child as Nodes);
  };
  hide(tree);
  smartypants(tree);
  for (const text of hidden) (text as unknown as { type: string }).type = 'text';
  const urls = new Set(hidden);
  for (const text of texts) {
    if (!urls.has(text)) text.value = dashesAndDots(text.value);
    if (/[\uE1F4-\uE1F7]/.test(text.value)) text.value = text.value.replace(/[\uE1F4-\uE1F7]/g, (mark) => unescapes[mark]);
  }

  const apply = (node: Nodes, current: Marks) => {
    const own = (node as { attributes?: Attributes }).attributes?.pairs.find(([key]) => key === 'lang')?.[1];
    const here = own ? quoteMarks(own) : current;
    if (node.type === 'text' && /[\uE1F0-\uE1F3]/.test(node.value)) node.value = localise(node.value, here);
    // A citation's prefix and suffix are text too (`s.v. "apple"`): their
    // quotes are the text's, not the citation style's.
    if (node.type === 'cite') {
      for (const item of node.items) {
        item.prefix = smartQuotes(item.prefix, here);
        item.suffix = smartQuotes(item.suffix, here);
      }
    }
    if ('children' in node) for (const child of (node as Parent).children) apply(child as Nodes, here);
  };
  apply(tree, quoteMarks(lang));
}

function localise(value: string, to: Marks): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === openDouble) out += to.open[0];
    else if (char === openSingle) out += to.open[1];
    else if (char === closeDouble) out += to.close[0];
    else if (char === closeSingle) {
      // Between letters (don't, l'homme) it is an apostrophe, in any language.
      const apostrophe = /\p{L}/u.test(value[i - 1] ?? '') && /\p{L}/u.test(value[i + 1] ?? '');
      out += apostrophe ? '’' : to.close[1];
    } else out += char;
  }
  return out;
}

/** `---` em dash, `--` en dash, `...` ellipsis, read left to right. */
export function dashesAndDots(value: string): string {
  if (!value.includes('--') && !value.includes('...')) return value;
  return value.replace(/---|--/g, (dash) => (dash === '---' ? '\u2014' : '\u2013')).replace(/\.\.\./g, '\u2026');
}

/**
 * Mark the characters of a text node that were escaped in the source
 * (`\.`, `\-`, `\"`, `\'`): each character of the value is found in the
 * source in order (what the parser removed, such as the backslashes, is
 * skipped), and one after an odd number of backslashes was escaped.
 */
function hideEscapes(node: Text, source: string): void {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  // A node cut from a longer one (around a citation) may start after its backslash.
  if (start === undefined || end === undefined || !/[.\-"']/.test(node.value) || !source.slice(Math.max(0, start - 1), end).includes('\\')) return;
  let at = start;
  let out = '';
  for (const char of node.value) {
    while (at < end && source[at] !== char) at++;
    let slashes = 0;
    while (at - slashes - 1 >= 0 && source[at - slashes - 1] === '\\') slashes++;
    out += slashes % 2 === 1 && escapes[char] ? escapes[char] : char;
    at += char.length;
  }
  node.value = out;
}

/**
 * Straight quotes in a short text (a citation's affix) made curly: one
 * after a space, an opening bracket or dash, or at the start, opens; any
 * other closes; `'` between letters is an apostrophe.
 */
export function smartQuotes(value: string, to: Marks): string {
  if (!value.includes('"') && !value.includes("'")) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char !== '"' && char !== "'") {
      out += char;
      continue;
    }
    const before = i === 0 ? '' : value[i - 1];
    const opens = before === '' || /[\s([{\u2014\u2013\u201c\u2018-]/u.test(before);
    if (char === '"') out += opens ? to.open[0] : to.close[0];
    else if (/[\p{L}\p{N}]/u.test(before) && /\p{L}/u.test(value[i + 1] ?? '')) out += '\u2019';
    else out += opens ? to.open[1] : /\p{L}/u.test(before) ? '\u2019' : to.close[1];
  }
  return out;
}
