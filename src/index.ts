/**
 * Colophon's library face: `buildDocument` makes the document model of one
 * manuscript; `build` writes its editions (what the CLI calls).
 */
export { buildDocument, defaultStyle, type DocumentOptions } from './document.js';
export type { DocumentModel, Note, PageStart, CitationStyleInfo } from './model/types.js';
export { metadataDefaults, type Metadata, type Author, type Series } from './load/schema.js';
export { rules, type RuleId } from './rules.js';
