/**
 * What HTML lets through and EPUB 3 does not. The sanitiser keeps
 * GitHub's list of attributes, several of them obsolete in HTML5 (`align`
 * on table cells from GFM column alignment, `valign`, `width` on cells,
 * `cellpadding`, …), and EPUBCheck rejects each of them; the cite stage
 * may carry a CSL `language` such as "English" into `lang`, which is not a
 * language tag (Ace: valid-lang). Alignment becomes a class the ebook
 * stylesheet styles; other obsolete presentation is dropped; language
 * names become tags, and what is still not a tag is dropped. GFM task-list
 * checkboxes become ballot-box characters: a form control in a book has
 * nothing to submit, and without a label Ace fails it.
 */
import type { Element, Root } from 'hast';

/** Attributes (hast property names) obsolete everywhere in HTML5. */
const obsolete = new Set([
  'axis', 'cellPadding', 'cellSpacing', 'char', 'charOff', 'clear', 'color', 'compact', 'frame',
  'hSpace', 'vSpace', 'noHref', 'noShade', 'noWrap', 'rev', 'rules', 'summary', 'bgColor', 'scheme', 'longDesc',
]);

/** Elements where `width`/`height` are still dimensions. */
const sized = new Set(['img', 'video', 'canvas', 'iframe', 'embed', 'object', 'source', 'input', 'svg', 'rect', 'image', 'foreignObject', 'use', 'pattern', 'mask', 'filter']);

/** Common language names, as CSL-JSON `language` fields write them, to BCP 47. */
const languageNames: Record<string, string> = {
  english: 'en', french: 'fr', français: 'fr', german: 'de', deutsch: 'de', russian: 'ru', русский: 'ru',
  spanish: 'es', español: 'es', italian: 'it', italiano: 'it', portuguese: 'pt', dutch: 'nl', polish: 'pl',
  ukrainian: 'uk', azerbaijani: 'az', azeri: 'az', armenian: 'hy', georgian: 'ka', turkish: 'tr', arabic: 'ar',
  persian: 'fa', chinese: 'zh', japanese: 'ja', romanian: 'ro', moldovan: 'ro', belarusian: 'be', kazakh: 'kk',
};

/** A well-formed language tag for `value`, or null when there is none. */
export function languageTag(value: string): string | null {
  const trimmed = value.trim().replace(/_/g, '-');
  const named = languageNames[trimmed.toLowerCase()];
  if (named) return named;
  return /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(trimmed) ? trimmed : null;
}

export function xhtmlCompatTransform(tree: Root | Element): void {
  tree.children.forEach((child, index) => {
    if (child.type === 'element' && child.tagName === 'input' && child.properties.type === 'checkbox') {
      (tree.children as Element['children'])[index] = {
        type: 'element',
        tagName: 'span',
        properties: { className: ['task-state'] },
        children: [{ type: 'text', value: child.properties.checked ? '☑' : '☐' }],
      };
    }
  });
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    const props = child.properties;
    for (const [name, axis] of [['align', 'align'], ['vAlign', 'valign']] as const) {
      const value = props[name];
      if (typeof value === 'string' && /^[a-z]+$/i.test(value)) {
        const classes = Array.isArray(props.className) ? props.className : props.className ? [String(props.className)] : [];
        props.className = [...classes, `${axis}-${value.toLowerCase()}`];
      }
      delete props[name];
    }
    for (const name of Object.keys(props)) if (obsolete.has(name)) delete props[name];
    if (!sized.has(child.tagName)) {
      delete props.width;
      delete props.height;
    }
    if (child.tagName !== 'table') delete props.border;
    else if (props.border !== undefined) props.border = '1';
    if (child.tagName === 'a') {
      delete props.name;
      delete props.charSet;
      delete props.coords;
      delete props.shape;
    }
    if (typeof props.lang === 'string') {
      const tag = languageTag(props.lang);
      if (tag) props.lang = tag;
      else {
        delete props.lang;
        delete props.xmlLang;
      }
    }
    xhtmlCompatTransform(child);
  }
}
