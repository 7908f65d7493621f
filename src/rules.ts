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
  /** The front matter's opening `---` has no closing `---` or `...`. */
  frontMatterUnclosed: 'front-matter-unclosed',
  /** A manuscript or bibliography file is not valid UTF-8. */
  encodingInvalid: 'encoding-invalid',
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
  /** Brackets nested deeper than the parser reads; the deeper ones are text (a warning). */
  bracketsTooDeep: 'brackets-too-deep',
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
  /** A stage of the browser's work (start, load, pagination, printing, closing) missed its deadline: exit status 3. */
  browserTimeout: 'browser-timeout',
  /** Another build holds the output name's lock too long, or a `NAME.lock` Colophon did not make is in the way: exit status 3. */
  outputLocked: 'output-locked',
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

  // Files a manuscript names, and hostile or runaway input (src/resources, src/limits.ts)
  /** A file the manuscript names lies outside the trusted folders (absolute path, `..`, a link out, a `file:` URL). */
  resourceOutside: 'resource-outside',
  /** A file the manuscript names is a device, FIFO or folder, or its name has a malformed %-escape. */
  resourceUnreadable: 'resource-unreadable',
  /** An image the manuscript shows is found in none of the trusted folders; no edition can show it (a warning). */
  resourceMissing: 'resource-missing',
  /** A remote image or file is not fetched; the ebook or the print edition goes without it (a warning). */
  resourceRemote: 'resource-remote',
  /** A manuscript, bibliography or style file is over the `input-size` limit. */
  limitInputSize: 'limit-input-size',
  /** A file the manuscript names is over the `resource-size` limit. */
  limitResourceSize: 'limit-resource-size',
  /** Markdown, HTML, JSON or YAML nested deeper than the `nesting` limit. */
  limitNesting: 'limit-nesting',
  /** More YAML aliases than the `yaml-aliases` limit (an alias bomb). */
  limitYamlAliases: 'limit-yaml-aliases',
  /** More bibliography entries than the `bibliography-entries` limit. */
  limitBibliographyEntries: 'limit-bibliography-entries',
  /** More table cells than the `table-cells` limit. */
  limitTableCells: 'limit-table-cells',
  /** More notes than the `notes` limit. */
  limitNotes: 'limit-notes',
  /** More citations than the `citations` limit. */
  limitCitations: 'limit-citations',
  /** The print edition took longer than its deadline (`pdf-seconds` plus the document's allowance). */
  limitPdfSeconds: 'limit-pdf-seconds',
  /** citeproc-js failed on a citation (the message names it). */
  citationFailed: 'citation-failed',
  /** `SOURCE_DATE_EPOCH` is not a whole number of seconds (exit status 3). */
  sourceDateInvalid: 'source-date-invalid',
  /** A failure inside Colophon itself: a bug to report. */
  internalError: 'internal-error',
} as const;

export type RuleId = (typeof rules)[keyof typeof rules];
