/**
 * The bibliography: citeproc's entries as one `section` with
 * `role="doc-bibliography"`, placed where the manuscript asks for it
 * (`<div id="refs"></div>` or Pandoc's `::: {#refs}` … `:::`) or at the end.
 */
import type { Element, ElementContent } from 'hast';
import type { Heading, Nodes, Parent, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { htmlFragmentsToHast } from './fragments.js';
import type { BibliographyNode, CiteOptions } from './types.js';
import { normaliseLang } from '../shared/lang.js';
import { localeTerms, type CslTerm } from '../shared/csl-xml.js';
import { stylesToClasses } from './engine.js';
import type { CiteprocResult } from './process.js';

/** The entries as hast, or null when the style or the front matter wants none. */
export function makeBibliographyNode(made: CiteprocResult['bibliography'], options: CiteOptions): BibliographyNode | null {
  if (!options.style.hasBibliography || options.metadata.suppressBibliography) return null;
  if (!made) return null;
  const [params, entries] = made;
  const children: ElementContent[] = [];
  const parsed = htmlFragmentsToHast(entries.map((html) => stylesToClasses(html.trim())));
  entries.forEach((_, index) => {
    const id = params.entry_ids[index]?.[0];
    const nodes = parsed[index];
    const entry = nodes.find((n): n is Element => n.type === 'element');
    if (!entry) return;
    separateMargin(entry);
    if (id !== undefined) {
      entry.properties.id = `ref-${id}`;
      // CSL-JSON's `language` is free text (`Russian`, `rus`, `ru`): only a
      // tag that names a language becomes `lang`, in every edition.
      const language = options.items.get(String(id))?.language;
      const tag = typeof language === 'string' ? normaliseLang(language) : null;
      if (tag) entry.properties.lang = tag;
    }
    children.push(entry);
  });
  if (children.length === 0) return null;
  const classes = ['references', 'csl-bib-body'];
  if (params.hangingindent) classes.push('hanging-indent');
  return {
    type: 'bibliography',
    data: {
      hName: 'section',
      hProperties: { id: 'refs', className: classes, role: 'doc-bibliography' },
      hChildren: children,
    },
  };
}

/**
 * The heading over the bibliography: `reference-section-title`, else the
 * locale's word for it (`Bibliography` for note styles, `References` for
 * author-date), at the level of the document's own top sections.
 */
export function bibliographyTitle(options: CiteOptions, tree: Root): { text: string; depth: number } {
  let depth = 6;
  const visit = (node: Nodes) => {
    if (node.type === 'heading') depth = Math.min(depth, (node as Heading).depth);
    if ('children' in node) for (const child of (node as Parent).children) visit(child as Nodes);
  };
  visit(tree);
  if (depth === 6) depth = 2;
  const explicit = options.metadata.referenceSectionTitle;
  if (explicit) return { text: explicit, depth };
  const terms = localeTerms(options.locales.get(options.lang) ?? options.locales.get('en-US') ?? '');
  const term = (name: string) => {
    const word = terms.find((t) => t.name === name && t.form === 'long')?.single.trim();
    return word ? word[0].toLocaleUpperCase(options.lang) + word.slice(1) : undefined;
  };
  // CSL locales (as of 2023) have no "bibliography" term: note styles take
  // the language's usual word for it, then the locale's "references".
  const primary = options.lang.toLowerCase().split(/[-_]/)[0];
  const text =
    options.style.class === 'note'
      ? (term('bibliography') ?? bibliographyWords[primary] ?? pluralTerm(terms, 'reference') ?? 'Bibliography')
      : (pluralTerm(terms, 'reference') ?? referenceWords[primary] ?? 'References');
  return { text, depth };
}

/** The heading of a bibliography of works cited in notes, by language. */
const bibliographyWords: Record<string, string> = {
  en: 'Bibliography', de: 'Literaturverzeichnis', fr: 'Bibliographie', ru: 'Библиография', uk: 'Бібліографія',
  es: 'Bibliografía', it: 'Bibliografia', pt: 'Bibliografia', ca: 'Bibliografia', nl: 'Bibliografie',
  pl: 'Bibliografia', cs: 'Bibliografie', sk: 'Bibliografia', sv: 'Bibliografi', da: 'Bibliografi',
  nb: 'Bibliografi', nn: 'Bibliografi', fi: 'Lähdeluettelo', et: 'Kirjandus', tr: 'Kaynakça', el: 'Βιβλιογραφία',
  hu: 'Irodalomjegyzék', ro: 'Bibliografie', bg: 'Библиография', sr: 'Библиографија', hr: 'Bibliografija',
  sl: 'Bibliografija', lt: 'Literatūra', lv: 'Bibliogrāfija', la: 'Bibliographia', zh: '参考文献', ja: '参考文献',
  ko: '참고문헌', ar: 'المراجع', he: 'ביבליוגרפיה', fa: 'کتاب‌نامه', vi: 'Tài liệu tham khảo', id: 'Daftar pustaka',
};

/** The heading of a list of references, where the locale has no plural "reference". */
const referenceWords: Record<string, string> = { zh: '参考文献', ja: '参考文献', ko: '참고문헌' };

function pluralTerm(terms: CslTerm[], name: string): string | undefined {
  const word = terms.find((t) => t.name === name && t.form === 'long' && t.multiple !== undefined)?.multiple?.trim();
  return word ? word[0].toUpperCase() + word.slice(1) : undefined;
}

const refsHtml = /^<div\s[^>]*id=["']refs["'][^>]*>\s*(<\/div>)?\s*$/i;
const refsFence = /^:::+\s*\{\s*#refs[^}]*\}\s*\n\s*:::+\s*$/;

/** Put the bibliography at `#refs`, or at the end under a heading. */
export function placeBibliography(tree: Root, bibliography: BibliographyNode, title: { text: string; depth: number }): void {
  const heading: Element = {
    type: 'element',
    tagName: `h${title.depth}`,
    properties: { id: 'bibliography-title' },
    children: [{ type: 'text', value: title.text }],
  };
  bibliography.data.hChildren.unshift(heading);
  bibliography.data.hProperties = { ...bibliography.data.hProperties, ariaLabelledBy: ['bibliography-title'] };
  const index = tree.children.findIndex(
    (node) =>
      (node.type === 'html' && refsHtml.test(node.value.trim())) ||
      (node.type === 'paragraph' && refsFence.test(toString(node).trim())) ||
      // `::: {#refs}` … `:::`, read as a fenced div by `parse`.
      ((node as { type: string }).type === 'pandocDiv' && (node as { attributes?: { id?: string } }).attributes?.id === 'refs'),
  );
  if (index >= 0) {
    bibliography.position = tree.children[index].position;
    // A closing `</div>` written as its own block goes too.
    const next = tree.children[index + 1];
    const drop = next?.type === 'html' && /^<\/div>\s*$/i.test(next.value.trim()) && !/<\/div>/i.test((tree.children[index] as { value?: string }).value ?? '') ? 2 : 1;
    tree.children.splice(index, drop, bibliography as never);
  } else {
    tree.children.push(bibliography as never);
  }
}

/**
 * With `second-field-align`, citeproc-js writes the number and the entry as
 * two adjacent blocks (`1.` and `Smith J. …`); a space between them keeps
 * the entry's text readable where the layout is not applied (plain text,
 * screen readers, search).
 */
function separateMargin(entry: Element): void {
  const index = entry.children.findIndex(
    (child) => child.type === 'element' && ((child.properties.className as string[] | undefined) ?? []).includes('csl-left-margin'),
  );
  if (index === -1) return;
  const next = entry.children[index + 1];
  if (next && !(next.type === 'text' && /^\s/.test(next.value))) entry.children.splice(index + 1, 0, { type: 'text', value: ' ' });
}
