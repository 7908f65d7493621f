/**
 * The few words the ebook adds around the author's text (navigation
 * headings, the colophon's heading), in the manuscript's language where
 * Colophon knows it, English otherwise. `EpubOptions.labels` overrides any.
 */
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

const byLanguage: Record<string, EpubLabels> = {
  en: { contents: 'Contents', landmarks: 'Landmarks', pages: 'Pages', titlePage: 'Title page', colophon: 'Colophon', text: 'Text', abstract: 'Abstract' },
  fr: { contents: 'Table des matières', landmarks: 'Repères', pages: 'Pages', titlePage: 'Page de titre', colophon: 'Colophon', text: 'Texte', abstract: 'Résumé' },
  de: { contents: 'Inhalt', landmarks: 'Orientierungspunkte', pages: 'Seiten', titlePage: 'Titelseite', colophon: 'Impressum', text: 'Text', abstract: 'Zusammenfassung' },
  es: { contents: 'Índice', landmarks: 'Puntos de referencia', pages: 'Páginas', titlePage: 'Portada', colophon: 'Colofón', text: 'Texto', abstract: 'Resumen' },
  it: { contents: 'Indice', landmarks: 'Punti di riferimento', pages: 'Pagine', titlePage: 'Frontespizio', colophon: 'Colophon', text: 'Testo', abstract: 'Sommario' },
  ru: { contents: 'Содержание', landmarks: 'Ориентиры', pages: 'Страницы', titlePage: 'Титульная страница', colophon: 'Выходные данные', text: 'Текст', abstract: 'Аннотация' },
};

/** Labels for a BCP 47 language tag, English where the language is unknown. */
export function labelsFor(lang: string): { labels: EpubLabels; lang: string } {
  const primary = lang.toLowerCase().split('-')[0];
  const known = byLanguage[primary];
  return known ? { labels: known, lang } : { labels: byLanguage.en, lang: 'en' };
}
