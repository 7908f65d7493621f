/**
 * The words the screen edition adds around the author's text: the skip
 * link, the notes heading, the accessible names of note calls and
 * backlinks.
 *
 * In: the document language (BCP 47) and any labels the caller overrides.
 * Out: one complete `HtmlLabels` set.
 *
 * These words are read aloud by screen readers in the page's language
 * (`<html lang>`), so an English label on a Russian page would be spoken
 * with Russian pronunciation; a few languages are built in and any can be
 * given through the options.
 */

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

const builtIn: Record<string, HtmlLabels> = {
  en: {
    lang: 'en',
    skipToText: 'Skip to text',
    notes: 'Notes',
    references: 'References',
    noteCall: (n) => `Note ${n}`,
    backlink: (n) => `Back to note call ${n}`,
    table: (n) => `Table ${n}`,
  },
  fr: {
    lang: 'fr',
    skipToText: 'Aller au texte',
    notes: 'Notes',
    references: 'Références',
    noteCall: (n) => `Note ${n}`,
    backlink: (n) => `Retour à l’appel de note ${n}`,
    table: (n) => `Tableau ${n}`,
  },
  de: {
    lang: 'de',
    skipToText: 'Zum Text springen',
    notes: 'Anmerkungen',
    references: 'Literatur',
    noteCall: (n) => `Anmerkung ${n}`,
    backlink: (n) => `Zurück zum Verweis auf Anmerkung ${n}`,
    table: (n) => `Tabelle ${n}`,
  },
  es: {
    lang: 'es',
    skipToText: 'Ir al texto',
    notes: 'Notas',
    references: 'Referencias',
    noteCall: (n) => `Nota ${n}`,
    backlink: (n) => `Volver a la llamada de nota ${n}`,
    table: (n) => `Tabla ${n}`,
  },
  it: {
    lang: 'it',
    skipToText: 'Vai al testo',
    notes: 'Note',
    references: 'Bibliografia',
    noteCall: (n) => `Nota ${n}`,
    backlink: (n) => `Torna al richiamo della nota ${n}`,
    table: (n) => `Tabella ${n}`,
  },
  ru: {
    lang: 'ru',
    skipToText: 'Перейти к тексту',
    notes: 'Примечания',
    references: 'Литература',
    noteCall: (n) => `Примечание ${n}`,
    backlink: (n) => `Назад к ссылке на примечание ${n}`,
    table: (n) => `Таблица ${n}`,
  },
};

/**
 * Labels for `lang` (its primary subtag), English when the language is not
 * built in, with `overrides` on top. Overrides without a `lang` of their
 * own are taken to be in the page's language.
 */
export function resolveLabels(lang: string, overrides: Partial<HtmlLabels> = {}): HtmlLabels {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? 'en';
  const base = builtIn[primary] ?? builtIn.en;
  const overridden = Object.keys(overrides).some((k) => k !== 'lang');
  return { ...base, ...overrides, lang: overrides.lang ?? (overridden ? lang : base?.lang) } as HtmlLabels;
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
