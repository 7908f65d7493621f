/**
 * The document model: what the `model` stage hands to every edition writer.
 *
 * Formatting of citations is finished by then; writers only lay out. The
 * model is plain data (hast trees and metadata) so that the HTML, EPUB and
 * PDF writers can each take what they need without re-running any stage.
 *
 * Conventions inside `body`:
 * - A note call is `<a data-note-call="N">N</a>` (hast property
 *   `dataNoteCall: N`), nothing else: each writer turns it into its own
 *   markup (`<sup>`, `role="doc-noteref"`, `epub:type="noteref"`, a print
 *   footnote …). Every call has its own note; numbers run 1..n in reading
 *   order, author's notes and citation notes in one sequence.
 * - Headings carry an `id` (slug of their text) for outlines and links.
 * - The bibliography, when there is one, is a
 *   `<section id="refs" class="references" role="doc-bibliography">` with an
 *   optional heading and one `<div class="csl-entry" id="ref-KEY">` per entry,
 *   placed where the manuscript has `::: {#refs}`/`<div id="refs">` or at the
 *   end. `bibliography` below points at the same node.
 */
import type { Element, ElementContent, Root } from 'hast';
import type { VFile } from 'vfile';
import type { Metadata } from '../load/schema.js';

export interface Note {
  /** 1-based number in the document's one footnote sequence. */
  number: number;
  /** `author` for a `[^x]` footnote, `citation` for a note a note style made from a body citation. */
  kind: 'author' | 'citation';
  /** The note's content as flow content (one or more `<p>` as a rule). */
  children: ElementContent[];
}

export interface CitationStyleInfo {
  /** Id of the style (bundled id, or the file name without `.csl`). */
  id: string;
  /** Title from the style's `<info>`. */
  title: string;
  /** CSL class: note styles move body citations into footnotes. */
  class: 'note' | 'in-text';
  /** Whether the style defines a bibliography. */
  hasBibliography: boolean;
}

export interface DocumentModel {
  /** Manuscript name: its file name without `.md`; editions are `NAME.html`, `NAME.epub`, `NAME.pdf`. */
  name: string;
  /** Validated, normalised front matter. */
  metadata: Metadata;
  /** The text, including the bibliography section, as a hast root. */
  body: Root;
  /** All notes in number order. `notes[i].number === i + 1`. */
  notes: Note[];
  /** The bibliography section inside `body`, or null when there is none. */
  bibliography: Element | null;
  /** The style the citations were formatted with. */
  style: CitationStyleInfo;
  /** The manuscript file; messages about the input are attached to it. */
  file: VFile;
}

/**
 * Where a page of the print edition begins, for the EPUB page list: the
 * page starts in `body.children[block]`, `offset` characters into that
 * block's text content (hast-util-to-string, notes calls' digits included).
 */
export interface PageStart {
  /** 1-based page number as printed. */
  page: number;
  /** Index into `DocumentModel.body.children` (top-level blocks only). */
  block: number;
  /** Character offset into the block's text; 0 means at the block's start. */
  offset: number;
}
