/**
 * Every word Colophon adds around the author's text, in one place: the
 * screen edition's skip link, notes heading and accessible names, the
 * ebook's navigation headings and landmarks, the print edition's
 * continued-note line.
 *
 * In: the document language (BCP 47) and any labels the caller overrides.
 * Out: one complete `Labels` set, in the language's built-in words where
 * Colophon has them (its primary subtag picks them), English otherwise.
 *
 * These words are read aloud by screen readers in the page's language
 * (`<html lang>`), so an English label on a Russian page would be spoken
 * with Russian pronunciation; a few languages are built in and any can be
 * given through the options.
 */

/** The words of the screen edition. */
export interface HtmlLabels {
  /** Language the labels are in; when it differs from the page's, the elements carrying them get this `lang`. Default: the built-in set's language (`en` when the page's language has none). */
  lang?: string;
  /** Text of the skip link to the main text. Default (en): `Skip to text`. */
  skipToText: string;
  /** Heading of the notes section. Default (en): `Notes`. */
  notes: string;
  /** Heading given to a bibliography section that has none. Default (en): `References`. */
  references: string;
  /** Accessible name of the call of note `n`. Default (en): `Note n`. */
  noteCall: (n: number) => string;
  /** Accessible name of the link from note `n` back to its call. Default (en): `Back to note call n`. */
  backlink: (n: number) => string;
  /** Accessible name of the scrolling region around table `n`. Default (en): `Table n`. */
  table: (n: number) => string;
}

/** The words of the ebook. */
export interface EpubLabels {
  /** Heading of the table of contents. */
  contents: string;
  /** Heading of the landmarks list. */
  landmarks: string;
  /** Heading of the page list. */
  pages: string;
  /** Title of the title page in the landmarks. */
  titlePage: string;
  /** Heading of the colophon (rights, funding, publisher). */
  colophon: string;
  /** Landmark for the start of the text. */
  text: string;
  /** Accessible name of the abstract on the title page. */
  abstract: string;
}

/** The words of the print edition. */
export interface PrintLabels {
  /** Line over the rest of a note continued from the page before. The CARIM layout's own: `(Contd.)` in every language. */
  continued: string;
}

/** Every label, for every edition. */
export type Labels = HtmlLabels & EpubLabels & PrintLabels;

const builtIn: Record<string, Labels> = {
  en: {
    lang: 'en',
    skipToText: 'Skip to text',
    notes: 'Notes',
    references: 'References',
    noteCall: (n) => `Note ${n}`,
    backlink: (n) => `Back to note call ${n}`,
    table: (n) => `Table ${n}`,
    contents: 'Contents',
    landmarks: 'Landmarks',
    pages: 'Pages',
    titlePage: 'Title page',
    colophon: 'Colophon',
    text: 'Text',
    abstract: 'Abstract',
    continued: '(Contd.)',
  },
  fr: {
    lang: 'fr',
    skipToText: 'Aller au texte',
    notes: 'Notes',
    references: 'Références',
    noteCall: (n) => `Note ${n}`,
    backlink: (n) => `Retour à l’appel de note ${n}`,
    table: (n) => `Tableau ${n}`,
    contents: 'Table des matières',
    landmarks: 'Repères',
    pages: 'Pages',
    titlePage: 'Page de titre',
    colophon: 'Colophon',
    text: 'Texte',
    abstract: 'Résumé',
    continued: '(Contd.)',
  },
  de: {
    lang: 'de',
    skipToText: 'Zum Text springen',
    notes: 'Anmerkungen',
    references: 'Literatur',
    noteCall: (n) => `Anmerkung ${n}`,
    backlink: (n) => `Zurück zum Verweis auf Anmerkung ${n}`,
    table: (n) => `Tabelle ${n}`,
    contents: 'Inhalt',
    landmarks: 'Orientierungspunkte',
    pages: 'Seiten',
    titlePage: 'Titelseite',
    colophon: 'Impressum',
    text: 'Text',
    abstract: 'Zusammenfassung',
    continued: '(Contd.)',
  },
  es: {
    lang: 'es',
    skipToText: 'Ir al texto',
    notes: 'Notas',
    references: 'Referencias',
    noteCall: (n) => `Nota ${n}`,
    backlink: (n) => `Volver a la llamada de nota ${n}`,
    table: (n) => `Tabla ${n}`,
    contents: 'Índice',
    landmarks: 'Puntos de referencia',
    pages: 'Páginas',
    titlePage: 'Portada',
    colophon: 'Colofón',
    text: 'Texto',
    abstract: 'Resumen',
    continued: '(Contd.)',
  },
  it: {
    lang: 'it',
    skipToText: 'Vai al testo',
    notes: 'Note',
    references: 'Bibliografia',
    noteCall: (n) => `Nota ${n}`,
    backlink: (n) => `Torna al richiamo della nota ${n}`,
    table: (n) => `Tabella ${n}`,
    contents: 'Indice',
    landmarks: 'Punti di riferimento',
    pages: 'Pagine',
    titlePage: 'Frontespizio',
    colophon: 'Colophon',
    text: 'Testo',
    abstract: 'Sommario',
    continued: '(Contd.)',
  },
  ru: {
    lang: 'ru',
    skipToText: 'Перейти к тексту',
    notes: 'Примечания',
    references: 'Литература',
    noteCall: (n) => `Примечание ${n}`,
    backlink: (n) => `Назад к ссылке на примечание ${n}`,
    table: (n) => `Таблица ${n}`,
    contents: 'Содержание',
    landmarks: 'Ориентиры',
    pages: 'Страницы',
    titlePage: 'Титульная страница',
    colophon: 'Выходные данные',
    text: 'Текст',
    abstract: 'Аннотация',
    continued: '(Contd.)',
  },
};

/**
 * Labels for `lang` (its primary subtag), English when the language is not
 * built in, with `overrides` on top. Overrides without a `lang` of their
 * own are taken to be in the page's language.
 */
export function resolveLabels(lang: string, overrides: Partial<Labels> = {}): Labels {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? 'en';
  const base = builtIn[primary] ?? builtIn.en;
  const overridden = Object.keys(overrides).some((k) => k !== 'lang');
  return { ...base, ...overrides, lang: overrides.lang ?? (overridden ? lang : base?.lang) } as Labels;
}

/** The `lang` to mark on label-carrying elements: the labels' language when the page is in another one, else undefined. */
export function labelLang(labels: HtmlLabels, pageLang: string): string | undefined {
  const primary = (tag: string) => tag.toLowerCase().split(/[-_]/)[0];
  return labels.lang && primary(labels.lang) !== primary(pageLang) ? labels.lang : undefined;
}

/** Whether labels for `lang` are built in (otherwise English is used and the labels carry `lang="en"` where markup allows). */
export function hasBuiltInLabels(lang: string): boolean {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
  return primary in builtIn;
}

/** Labels for a BCP 47 language tag, English where the language is unknown, with the language they are in. */
export function labelsFor(lang: string): { labels: Labels; lang: string } {
  const primary = lang.toLowerCase().split('-')[0];
  const known = builtIn[primary];
  return known ? { labels: known, lang } : { labels: builtIn.en as Labels, lang: 'en' };
}
