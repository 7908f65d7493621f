/**
 * The title block of every edition, made from the one template
 * `templates/carim/title-block.html`: series banner, title, subtitle, each
 * author with their affiliation and ORCID link, series designation and
 * module, date, and the blocks the edition adds (the abstract, the print
 * edition's contents list). What differs between editions is said in the
 * template (`data-edition`) and in each edition's stylesheet.
 *
 * In: the front matter. Out: the `<header class="title-block">` element,
 * every value a text node or an attribute value.
 */
import path from 'node:path';
import type { Element, ElementContent } from 'hast';
import type { Metadata } from '../load/schema.js';
import { orcidUrl } from './orcid.js';
import { templatesDir } from './package.js';
import { readTemplateSync, templateToHast, type TemplateValues } from './template.js';

export type Edition = 'web' | 'epub' | 'print';

export interface TitleBlockOptions {
  /** Which edition the block is for (the template's `data-edition`). */
  edition: Edition;
  /** `id` of the title's `<h1>`. Default: none. */
  titleId?: string;
  /** The abstract section, when there is one. */
  abstract?: Element | null;
  /** The contents list, when the edition sets it in the title block. */
  contents?: Element | null;
  /** Folder with `title-block.html`. Default: the package's `templates/carim/`. */
  templatesDir?: string;
}

/** A date as written, split into its ISO parts when it is an ISO date (`2013`, `2013-03`, `2013-03-01`). */
export function parseIsoDate(date: string | undefined): { year: string; month?: string; day?: string } | null {
  if (!date) return null;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(date.trim());
  if (!match) return null;
  return { year: match[1] as string, month: match[2], day: match[3] };
}

/**
 * The languages in which a year alone is written in Western digits, in
 * every region (Intl's answer, checked by the tests): `2013` is then shown
 * as it is, without making the first `Intl` object of a build, which loads
 * the runtime's locale data and costs more than the rest of the web page.
 */
export const plainYearLanguages = new Set(
  ('aa ab ae af ak am an av ay az ba be bi bm bo br ca ce ch co cr cs cu cv cy da de dv ee el en eo es et eu ff fi fj fo fr fy ga ' +
    'gd gl gn gu gv ha he hi ho ht hy hz ia id ie ig ii ik in io is it iu iw ji jv jw ka kg ki kj kk kl km kn kr ku kv kw ky la lb lg ' +
    'li ln lo lt lu mg mh mi ml mn mo ms mt na nb nd ng nl nn no nr nv ny oc oj om or os pi pl pt qu rm rn ro ru rw sc se sg si sk sl ' +
    'sm sn so sq ss st su sv sw ta te tg ti tk tl tn to tr ts tt tw ty ug uk ve vi vo wa wo xh yi yo za zu').split(' '),
);

/** A date as the title block shows it: an ISO date in words in the document's language (and its `datetime`), anything else as written. */
export function shownDate(date: string | undefined, lang: string): { text: string; datetime?: string } | undefined {
  if (!date) return undefined;
  const iso = parseIsoDate(date);
  if (!iso) return { text: date };
  const { year, month, day } = iso;
  const datetime = [year, month, day].filter(Boolean).join('-');
  const tag = /^([A-Za-z]{2})(?:-[A-Za-z]{2})?$/.exec(lang);
  if (!month && year >= '1000' && tag && plainYearLanguages.has(tag[1].toLowerCase())) return { text: year, datetime };
  const format: Intl.DateTimeFormatOptions = { timeZone: 'UTC', year: 'numeric' };
  if (month) format.month = 'long';
  if (day) format.day = 'numeric';
  try {
    const when = new Date(Date.UTC(Number(year), month ? Number(month) - 1 : 0, day ? Number(day) : 1));
    return { text: new Intl.DateTimeFormat(lang, format).format(when), datetime };
  } catch {
    // An unknown locale tag: the date as written.
    return { text: date, datetime };
  }
}

/** The values `title-block.html` can use, all from the front matter. */
export function titleBlockValues(metadata: Metadata, titleId?: string): TemplateValues {
  const date = shownDate(metadata.date, metadata.lang);
  return {
    'title-id': titleId,
    title: metadata.title,
    subtitle: metadata.subtitle,
    authors: metadata.authors.map((author) => {
      const url = orcidUrl(author.orcid);
      return {
        name: author.name,
        affiliation: author.affiliation,
        'orcid-url': url,
        orcid: url?.replace(/^https?:\/\/orcid\.org\//, ''),
      };
    }),
    banner: metadata.series?.banner,
    funding: metadata.funding,
    designation: metadata.series?.designation,
    module: metadata.series?.module,
    date: date?.text,
    datetime: date?.datetime,
    publisher: metadata.publisher,
  };
}

/** The title block for one edition. */
export function titleBlock(metadata: Metadata, options: TitleBlockOptions): Element {
  const file = path.join(options.templatesDir ?? templatesDir('carim'), 'title-block.html');
  const nodes: ElementContent[] = templateToHast(readTemplateSync(file), titleBlockValues(metadata, options.titleId), {
    edition: options.edition,
    slots: { abstract: options.abstract ? [options.abstract] : [], contents: options.contents ? [options.contents] : [] },
  });
  const header = nodes.find((node): node is Element => node.type === 'element');
  if (!header) throw new Error(`${file} has no element`);
  dropLayoutWhitespace(header);
  return header;
}

/** The template's indentation between its blocks (the header and its groups, not the slots' content) is not text. */
function dropLayoutWhitespace(node: Element): void {
  node.children = node.children.filter((child) => child.type !== 'text' || child.value.trim() !== '');
  for (const child of node.children) if (child.type === 'element' && child.tagName === 'div') dropLayoutWhitespace(child);
}
