/**
 * Turning URLs and DOIs written as plain text into links.
 *
 * In: a hast tree (the bibliography, a note). Out: the same tree, changed in
 * place, with every `http(s)://…`, `www.…`, `doi:10.…` and bare `10.NNNN/…`
 * in its text wrapped in `<a href>`. citeproc prints URLs and DOIs as text,
 * and a reader of the screen edition expects to follow them. Text inside an
 * existing link, `code`, `pre`, `script` or `style` is left alone; running
 * it twice changes nothing more.
 */
import type { Element, ElementContent, Parent, Root, Text } from 'hast';

const skip = new Set(['a', 'code', 'pre', 'script', 'style', 'kbd', 'samp']);

// One alternation so matches come out in text order. Angle brackets,
// quotes and whitespace end a URL; trailing punctuation is trimmed after.
const pattern = /\b(?:https?:\/\/|www\.)[^\s<>"“”‘’]+|\bdoi:\s?10\.\d{4,9}\/[^\s<>"“”]+|(?<![\w/.])10\.\d{4,9}\/[^\s<>"“”]+/giu;

/** Characters that end a sentence rather than a URL when they come last. */
const trailing = new Set(['.', ',', ';', ':', '!', '?', "'", '’', '”', '»', ')', ']', '}']);
const opening: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The URL without the punctuation after it; a closing bracket the URL itself opened (`…/Foo_(bar)`) stays. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url[url.length - 1];
    if (last === undefined || !trailing.has(last)) return url;
    const open = opening[last];
    if (open && count(url, open) >= count(url, last)) return url;
    url = url.slice(0, -1);
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * The `href` for a matched URL or DOI, or null when it is not a URL a
 * browser can follow. Characters that validators reject in a URL (`|`, `[`,
 * `]`, `{`, `}`, `^`, backslash) are percent-encoded.
 */
export function hrefFor(text: string): string | null {
  let candidate: string;
  if (/^doi:/i.test(text)) candidate = 'https://doi.org/' + text.replace(/^doi:\s?/i, '');
  else if (/^10\./.test(text)) candidate = 'https://doi.org/' + text;
  else if (/^www\./i.test(text)) candidate = 'http://' + text;
  else candidate = text;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname.includes('.')) return null;
  return url.href.replace(/[|[\]{}^\\`]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** What every match holds: most texts hold none, and this test is quicker than the pattern's. */
const mayMatch = /https?:\/\/|www\.|10\./i;

function splitText(node: Text): ElementContent[] | null {
  const value = node.value;
  if (!mayMatch.test(value)) return null;
  const out: ElementContent[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    const text = trimUrl(match[0]);
    const href = hrefFor(text);
    if (!href) continue;
    if (match.index > last) out.push({ type: 'text', value: value.slice(last, match.index) });
    out.push({ type: 'element', tagName: 'a', properties: { href, className: ['url'] }, children: [{ type: 'text', value: text }] });
    last = match.index + text.length;
    pattern.lastIndex = last;
  }
  if (out.length === 0) return null;
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
  return out;
}

/** Wrap plain-text URLs and DOIs under `tree` in links, in place. */
export function linkifyTransform(tree: Root | Element): void {
  walk(tree);
}

function walk(parent: Parent): void {
  for (let i = 0; i < parent.children.length; i++) {
    const child = parent.children[i];
    if (!child) continue;
    if (child.type === 'element') {
      if (!skip.has(child.tagName)) walk(child);
    } else if (child.type === 'text') {
      const parts = splitText(child);
      if (parts) {
        parent.children.splice(i, 1, ...parts);
        i += parts.length - 1;
      }
    }
  }
}
