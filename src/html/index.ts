/**
 * Stage `html` and the screen edition.
 *
 * `toDocumentModel` turns the cited mdast into the document model every
 * edition starts from; `writeHtmlEdition` writes the accessible web page
 * (`NAME.html` and `NAME_files/`) from it.
 */
export { toDocumentModel, sanitizeSchema, type ModelOptions } from './model.js';
export { writeHtmlEdition, removeStale, type HtmlEditionOptions } from './edition.js';
export { buildHtmlPage, renderHtmlPage, type HtmlPageOptions } from './page.js';
export type { HtmlLabels } from './labels.js';
