/**
 * Rule ids for every problem Colophon reports about a user's input.
 *
 * Each message the pipeline attaches to a file carries one of these ids, so
 * that the CLI can print `file:line:column  message  rule-id` and a user can
 * search the README for the id.
 */
export const rules = {
  /** The YAML front matter does not parse. */
  yamlSyntax: 'yaml-syntax',
  /** A front-matter key has a value of the wrong shape. */
  frontMatterInvalid: 'front-matter-invalid',
  /** The front matter has no title; the file name stands in (a warning). */
  titleMissing: 'title-missing',
  /** A manuscript or bibliography file cannot be read. */
  fileUnreadable: 'file-unreadable',
  /** A bibliography file is not valid JSON, BibTeX or CSL-JSON. */
  bibliographyInvalid: 'bibliography-invalid',
  /** Two bibliography entries share one id. */
  bibliographyDuplicateId: 'bibliography-duplicate-id',
  /** A citation names a key the bibliography lacks. */
  citationUnknownKey: 'citation-unknown-key',
  /** The style id matches no bundled style and no file. */
  styleUnknown: 'style-unknown',
  /** The style file is not a CSL style citeproc can use. */
  styleInvalid: 'style-invalid',
  /** The requested locale is not bundled; CSL falls back. */
  localeFallback: 'locale-fallback',
  /** A footnote reference `[^x]` has no definition. */
  footnoteUndefined: 'footnote-undefined',
  /** A footnote definition is never referenced. */
  footnoteUnused: 'footnote-unused',
  /** An image is remote or missing, so an edition shows its alt text instead. */
  imageUnusable: 'image-unusable',
  /** A `lang` in the text is not a BCP 47 language tag. */
  langInvalid: 'lang-invalid',
  /** Raw HTML was removed by the sanitiser. */
  htmlSanitized: 'html-sanitized',
  /** A Pandoc attribute block `{…}` belongs to no heading, link, image, span, figure or table. */
  attributesUnused: 'attributes-unused',
  /** A `:::` fence closes no open fenced div, or a fenced div is never closed. */
  divUnmatched: 'div-unmatched',
  /** A formula's TeX does not parse; it is shown as its source. */
  mathError: 'math-error',
  /** Raw TeX (`\command`) in the text, which no edition can show as TeX would. */
  rawTex: 'raw-tex',
  /** Raw content for another format (`{=latex}`), left out as Pandoc leaves it out of HTML. */
  rawFormatSkipped: 'raw-format-skipped',
  /** A cross-reference (`@fig-x`, `@tbl:x`) names no label and no bibliography entry. */
  crossrefUnknown: 'crossref-unknown',
  /** Two figures, tables, equations or sections share one label. */
  crossrefDuplicate: 'crossref-duplicate',
  /** The browser needed for the print edition is missing or failed. */
  browserMissing: 'browser-missing',
  /** An edition could not be written to the output folder (permissions, a full disk). */
  outputUnwritable: 'output-unwritable',
  /** No browser, so the EPUB page list is left out. */
  pageListOmitted: 'page-list-omitted',
  /** A block too large for the page box is printed scaled down (a warning). */
  printOversize: 'print-oversize',
  /** A note could not start on the page of its call (a warning). */
  printNoteSeparated: 'print-note-separated',
  /** A page has content outside its text area (a warning). */
  printOverflow: 'print-overflow',
  /** The print layout ran past the pages the document can need (an error). */
  printRunaway: 'print-runaway',
  /** The print layout lost text (an error). */
  printTextLost: 'print-text-lost',
} as const;

export type RuleId = (typeof rules)[keyof typeof rules];
