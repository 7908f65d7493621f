/**
 * Cross-references in Quarto's syntax (`{#fig-x}` … `@fig-x`) and
 * pandoc-crossref's (`{#fig:x}` … `@fig:x`), for figures, tables, display
 * equations and sections.
 *
 * Runs after `parse`, once the bibliography is known: a key the
 * bibliography has stays a citation, whatever it looks like. Each kind is
 * numbered on its own, in reading order; captions get their label
 * ("Figure 1: …", "Table 2: …"), equations their number "(3)" at the
 * right, and each reference becomes a link whose text is the locale's
 * label and the number ("Figure 1", "Equation (3)", "Section 2.1"). `[-@fig-x]`
 * gives the number alone; a prefix or suffix in brackets is kept around it.
 *
 * Section numbers (for `@sec-x` and `number-sections`) count the headings
 * that are not `.unnumbered`, from the highest level used.
 */
import type { Element, ElementContent } from 'hast';
import type { Heading, Nodes, Parent, PhrasingContent, Root } from 'mdast';
import type { InlineMath, Math as MathNode } from 'mdast-util-math';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { fileError, fileWarn } from '../messages.js';
import { rules } from '../rules.js';
import type { Attributes } from './attributes/from-markdown.js';
import type { Figure, TableCaption } from './figures.js';
import type { Cite } from './types.js';

export type CrossrefKind = 'fig' | 'tbl' | 'eq' | 'sec';

interface Target {
  kind: CrossrefKind;
  number: string;
}

/** Labels by language (primary subtag); English for the rest. */
const labelTable: Record<string, Record<CrossrefKind, string>> = {
  en: { fig: 'Figure', tbl: 'Table', eq: 'Equation', sec: 'Section' },
  de: { fig: 'Abbildung', tbl: 'Tabelle', eq: 'Gleichung', sec: 'Abschnitt' },
  fr: { fig: 'Figure', tbl: 'Tableau', eq: 'Équation', sec: 'Section' },
  ru: { fig: 'Рисунок', tbl: 'Таблица', eq: 'Уравнение', sec: 'Раздел' },
  es: { fig: 'Figura', tbl: 'Tabla', eq: 'Ecuación', sec: 'Sección' },
  it: { fig: 'Figura', tbl: 'Tabella', eq: 'Equazione', sec: 'Sezione' },
  pt: { fig: 'Figura', tbl: 'Tabela', eq: 'Equação', sec: 'Seção' },
  nl: { fig: 'Figuur', tbl: 'Tabel', eq: 'Vergelijking', sec: 'Sectie' },
  pl: { fig: 'Rysunek', tbl: 'Tabela', eq: 'Równanie', sec: 'Rozdział' },
  uk: { fig: 'Рисунок', tbl: 'Таблиця', eq: 'Рівняння', sec: 'Розділ' },
};

/** The word for a kind in a language (`Figure`, `Abbildung`, …). */
export function crossrefLabel(kind: CrossrefKind, lang: string): string {
  const primary = lang.toLowerCase().split('-')[0];
  return (labelTable[primary] ?? labelTable.en)[kind];
}

/** The kind a label names, by its prefix (`fig-`, `fig:`), or null. */
export function crossrefKind(id: string): CrossrefKind | null {
  // `@Fig-x` (capitalised, at the start of a sentence) names `fig-x`.
  const match = /^(fig|tbl|eq|sec)[-:]/i.exec(id);
  return match ? (match[1].toLowerCase() as CrossrefKind) : null;
}

/** The label a reference names: `Fig-x` is `fig-x`. */
function labelOf(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

export interface CrossrefOptions {
  lang: string;
  /** Keys of the bibliography: such a key stays a citation. */
  bibliography: { has(key: string): boolean };
  /** Put section numbers before the headings' text. */
  numberSections: boolean;
}

function attributesOf(node: Nodes): Attributes | undefined {
  return (node.data as { pandocAttributes?: Attributes } | undefined)?.pandocAttributes;
}

/** Number the targets, label captions and equations, and turn references into links. */
export function crossrefTransform(tree: Root, file: VFile, options: CrossrefOptions): void {
  const targets = new Map<string, Target>();
  const counters: Record<'fig' | 'tbl' | 'eq', number> = { fig: 0, tbl: 0, eq: 0 };
  const register = (id: string, target: Target, node: Nodes) => {
    if (targets.has(id)) {
      fileWarn(file, `label \`${id}\` is used twice; references go to the first`, { place: node.position, ruleId: rules.crossrefDuplicate, source: 'parse' });
      return;
    }
    targets.set(id, target);
  };

  // Sections: numbered from the highest level used.
  const headings: Heading[] = [];
  const collect = (parent: Parent) => {
    for (const child of parent.children as Nodes[]) {
      if (child.type === 'heading') headings.push(child);
      else if (child.type === 'pandocDiv' || child.type === 'blockquote') collect(child as Parent);
    }
  };
  collect(tree);
  const top = Math.min(6, ...headings.map((h) => h.depth));
  const levels = [0, 0, 0, 0, 0, 0];
  for (const heading of headings) {
    const attributes = attributesOf(heading);
    if (attributes?.classes.includes('unnumbered')) continue;
    const level = heading.depth - top;
    levels[level]++;
    for (let i = level + 1; i < levels.length; i++) levels[i] = 0;
    const number = levels.slice(0, level + 1).join('.');
    if (options.numberSections) {
      heading.children.unshift({
        type: 'sectionNumber',
        value: number,
        data: { hName: 'span', hProperties: { className: ['header-section-number'] }, hChildren: [{ type: 'text', value: number }] },
      } as never, { type: 'text', value: ' ' });
      heading.data = { ...heading.data, hProperties: { ...(heading.data as { hProperties?: object })?.hProperties, dataNumber: number } } as never;
    }
    const id = attributes?.id;
    if (id && crossrefKind(id) === 'sec') register(id, { kind: 'sec', number }, heading);
  }

  // Figures, tables and equations, in reading order.
  const walk = (node: Nodes) => {
    if (node.type === 'figure') {
      const figure = node as Figure;
      const id = figure.attributes.id;
      if (id && crossrefKind(id) === 'fig') {
        const number = String(++counters.fig);
        register(id, { kind: 'fig', number }, node);
        const caption = figure.children.find((child) => child.type === 'figureCaption') as Parent;
        caption.children.unshift({ type: 'text', value: `${crossrefLabel('fig', options.lang)} ${number}: ` } as never);
      }
    } else if (node.type === 'tableCaption') {
      const caption = node as TableCaption;
      const id = caption.attributes.id;
      if (id && crossrefKind(id) === 'tbl') {
        const number = String(++counters.tbl);
        register(id, { kind: 'tbl', number }, node);
        caption.children.unshift({ type: 'text', value: `${crossrefLabel('tbl', options.lang)} ${number}: ` });
      }
    } else if (node.type === 'inlineMath' || node.type === 'math') {
      const id = attributesOf(node)?.id;
      if (id && crossrefKind(id) === 'eq') {
        const number = String(++counters.eq);
        register(id, { kind: 'eq', number }, node);
        numberEquation(node, id, number);
      }
    }
    if ('children' in node) for (const child of (node as Parent).children) walk(child as Nodes);
  };
  walk(tree);

  // References.
  const replace = (parent: Parent) => {
    const children = parent.children as Nodes[];
    for (let i = 0; i < children.length; i++) {
      const node = children[i];
      if (node.type !== 'cite') {
        if ('children' in node) replace(node as Parent);
        continue;
      }
      const cite = node as Cite;
      const references = cite.items.filter((item) => crossrefKind(item.key) !== null && !options.bibliography.has(item.key));
      if (references.length === 0) continue;
      // `[@fig-a; @doe2020]`: the references first, then a citation of the rest.
      const citations = cite.items.filter((item) => !references.includes(item));
      const out: PhrasingContent[] = [];
      references.forEach((item, index) => {
        if (index > 0) out.push({ type: 'text', value: ', ' });
        if (item.prefix) out.push({ type: 'text', value: `${item.prefix} ` });
        const target = targets.get(item.key) ?? targets.get(labelOf(item.key));
        if (!target) {
          fileError(file, `cross-reference \`@${item.key}\` names no ${kindName(crossrefKind(item.key)!)} label in the document`, {
            place: item.place,
            ruleId: rules.crossrefUnknown,
            source: 'parse',
          });
          out.push({ type: 'strong', children: [{ type: 'text', value: `??${item.key}` }] });
        } else {
          const number = target.kind === 'eq' ? `(${target.number})` : target.number;
          const text = item.suppressAuthor ? number : `${crossrefLabel(target.kind, options.lang)}\u00a0${number}`;
          out.push({
            type: 'link',
            url: `#${targets.has(item.key) ? item.key : labelOf(item.key)}`,
            children: [{ type: 'text', value: text }],
            data: { hProperties: { className: ['crossref'], dataCrossref: target.kind } },
            position: cite.position,
          } as never);
        }
        const suffix = item.rawSuffix.replace(/^\s*,?\s*/, '').trim();
        if (suffix) out.push({ type: 'text', value: `${item.narrativeSuffix ? ' ' : ', '}${suffix}` });
      });
      if (citations.length > 0) {
        out.push({ type: 'text', value: ' ' });
        out.push({ ...cite, mode: 'normal', items: citations } as never);
      }
      children.splice(i, 1, ...(out as Nodes[]));
      i += out.length - 1;
    }
  };
  replace(tree);
}

function kindName(kind: CrossrefKind): string {
  return { fig: 'figure', tbl: 'table', eq: 'equation', sec: 'section' }[kind];
}

/** `<span class="math display" id="eq-x"><math …/><span class="equation-number">(1)</span></span>`. */
function numberEquation(node: InlineMath | MathNode, id: string, number: string): void {
  const data = node.data as { hName?: string; hProperties?: Record<string, unknown>; hChildren?: ElementContent[] };
  const label: Element = { type: 'element', tagName: 'span', properties: { className: ['equation-number'] }, children: [{ type: 'text', value: `(${number})` }] };
  if (data.hName === 'p') {
    const span = data.hChildren?.[0] as Element;
    span.properties = { ...span.properties, id };
    span.children.push(label);
    span.properties.className = ['math', 'display', 'numbered'];
  } else {
    data.hProperties = { ...data.hProperties, id, className: ['math', 'display', 'numbered'] };
    data.hChildren = [...(data.hChildren ?? []), label];
  }
}

/** Plain text of a node, for messages. */
export function textOf(node: Nodes): string {
  return toString(node);
}
