/**
 * The screen edition: `writeHtmlEdition` writes the accessible web page
 * (`NAME.html` and `NAME_files/`) from the document model.
 */
export { writeHtmlEdition, type HtmlEditionOptions } from './edition.js';
export { buildHtmlPage, renderHtmlPage, type HtmlPageOptions } from './page.js';
export type { HtmlLabels } from '../shared/labels.js';
