/**
 * CSL styles and locales, read once as XML (`xast-util-from-xml`, a
 * conforming parser: comments, CDATA, entities and attribute order are its
 * business), and asked for the few facts Colophon needs: a style's title,
 * class and parent, its citation layout's affixes, the terms of a locale
 * or of a style's own `<locale>` blocks, a locale's style options.
 *
 * citeproc reads the same XML itself to format citations; this module is
 * for everything around that: the style registry (`load`), the citation
 * wrapper (`cite`), locator labels (`parse`).
 */
import type { Element, Root } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { readXml } from '../load/xml.js';

/** The CSL namespace. */
export const cslNamespace = 'http://purl.org/net/xbiblio/csl';

export type CslXml = { root: Root; error?: undefined } | { root?: undefined; error: string };

const cache = new Map<string, CslXml>();

/** Parse CSL XML (cached by text: styles and locales are read many times per build). */
export function readCslXml(xml: string): CslXml {
  let parsed = cache.get(xml);
  if (!parsed) {
    try {
      // The quick reader takes plain CSL; anything else goes to the conforming parser.
      parsed = { root: readXml(xml) ?? fromXml(xml) };
    } catch (error) {
      parsed = { error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'not well-formed XML' };
    }
    if (cache.size > 64) cache.clear();
    cache.set(xml, parsed);
  }
  return parsed;
}

/** Child elements of a node, optionally of one name. */
export function childElements(node: Root | Element, name?: string): Element[] {
  const elements: Element[] = [];
  for (const child of node.children) if (child.type === 'element' && (name === undefined || child.name === name)) elements.push(child);
  return elements;
}

/** Every element below a node (depth first, document order) of one name. */
export function descendants(node: Root | Element, name: string, found: Element[] = []): Element[] {
  for (const child of childElements(node)) {
    if (child.name === name) found.push(child);
    descendants(child, name, found);
  }
  return found;
}

/** The text content of an element. */
export function textOf(node: Element): string {
  let text = '';
  for (const child of node.children) {
    if (child.type === 'text' || child.type === 'cdata') text += child.value;
    else if (child.type === 'element') text += textOf(child);
  }
  return text;
}

/** The document element, if the XML has one. */
function documentElement(xml: string): Element | undefined {
  const parsed = readCslXml(xml);
  return parsed.root ? childElements(parsed.root)[0] : undefined;
}

// ---------------------------------------------------------------------------
// Styles

export interface StyleFacts {
  title: string;
  class?: 'note' | 'in-text';
  hasBibliography: boolean;
  hasCitation: boolean;
  defaultLocale?: string;
  /** Id of the independent parent, for a dependent style. */
  parent?: string;
  version?: string;
}

/** The facts of a style, or a reason it is not a CSL style. */
export function styleFacts(xml: string): StyleFacts | { invalid: string } {
  const parsed = readCslXml(xml);
  if (parsed.error !== undefined) return { invalid: `it is not well-formed XML (${parsed.error})` };
  const style = childElements(parsed.root)[0];
  if (!style || style.name !== 'style') return { invalid: 'it has no <style> element' };
  const attributes = style.attributes;
  if (!Object.entries(attributes).some(([name, value]) => (name === 'xmlns' || name.startsWith('xmlns:')) && String(value).includes('purl.org/net/xbiblio/csl'))) {
    return { invalid: `its <style> element is not in the CSL namespace (${cslNamespace})` };
  }
  const info = childElements(style, 'info')[0];
  const titleElement = info ? childElements(info, 'title')[0] : undefined;
  let parent: string | undefined;
  for (const link of info ? childElements(info, 'link') : []) {
    if (link.attributes.rel === 'independent-parent' && link.attributes.href) parent = String(link.attributes.href).replace(/\/+$/, '').split('/').pop();
  }
  const styleClass = attributes.class;
  return {
    title: titleElement ? textOf(titleElement).trim() : '',
    class: styleClass === 'note' || styleClass === 'in-text' ? styleClass : undefined,
    hasBibliography: childElements(style, 'bibliography').length > 0,
    hasCitation: childElements(style, 'citation').length > 0,
    defaultLocale: attributes['default-locale'] ?? undefined,
    parent,
    version: attributes.version ?? undefined,
  };
}

/**
 * The citation layout's own prefix and suffix (`(` and `)` in APA). With
 * the citation wrapper on, citeproc-js leaves them to the wrapper, which
 * wraps single items; the caller puts them back around the cluster.
 */
export function citationLayoutAffixes(styleXml: string): { prefix: string; suffix: string } {
  const style = documentElement(styleXml);
  const citation = style ? childElements(style, 'citation')[0] : undefined;
  const layout = citation ? childElements(citation, 'layout')[0] : undefined;
  return { prefix: layout?.attributes.prefix ?? '', suffix: layout?.attributes.suffix ?? '' };
}

// ---------------------------------------------------------------------------
// Locales and terms

export interface CslTerm {
  name: string;
  /** `long` (the default), `short`, `verb`, `verb-short` or `symbol`. */
  form: string;
  /** The singular, or the whole text of a term without `<single>`. */
  single: string;
  /** The plural, when the term has one. */
  multiple?: string;
}

function termsIn(locale: Element): CslTerm[] {
  const terms = childElements(locale, 'terms')[0];
  if (!terms) return [];
  return childElements(terms, 'term').map((term) => {
    const single = childElements(term, 'single')[0];
    const multiple = childElements(term, 'multiple')[0];
    return {
      name: String(term.attributes.name ?? ''),
      form: String(term.attributes.form ?? 'long'),
      single: single ? textOf(single) : textOf(term),
      multiple: multiple ? textOf(multiple) : undefined,
    };
  });
}

/** The terms of a locale file (`locales-xx-XX.xml`). */
export function localeTerms(localeXml: string): CslTerm[] {
  const locale = documentElement(localeXml);
  return locale && locale.name === 'locale' ? termsIn(locale) : [];
}

/** The terms of a style's own `<locale>` blocks that apply to `lang` (no `xml:lang`, its language, or itself), in document order. */
export function styleLocaleTerms(styleXml: string, lang: string): CslTerm[] {
  const style = documentElement(styleXml);
  if (!style) return [];
  const primary = lang.split('-')[0];
  return childElements(style, 'locale')
    .filter((locale) => {
      const of = locale.attributes['xml:lang'];
      return of === undefined || of === null || of === lang || of === primary;
    })
    .flatMap(termsIn);
}

/** A locale's style option (`punctuation-in-quote`, `limit-day-ordinals-to-day-1`), or undefined. */
export function localeStyleOption(localeXml: string, name: string): string | undefined {
  const locale = documentElement(localeXml);
  const options = locale ? childElements(locale, 'style-options')[0] : undefined;
  const value = options?.attributes[name];
  return value === null || value === undefined ? undefined : String(value);
}
