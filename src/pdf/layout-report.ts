/**
 * What the paginator decided, told to the user: every forced decision
 * becomes a located warning with a rule id, and a layout that ran away or
 * lost text becomes an error that stops the build before anything is
 * written. Also the page and time budgets a document of this size gets.
 */
import type { RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Point, Position } from 'unist';
import { fileError, fileWarn } from '../messages.js';
import type { DocumentModel } from '../model/types.js';
import { rules, type RuleId } from '../rules.js';
import type { InPageResult, InPageWarning } from './paginator/types.js';

/** Thrown after a fatal layout message was put on the manuscript's file. */
export class PrintLayoutError extends Error {
  /** The message is already on the file; the caller need not add one. */
  readonly reported = true;
  constructor(message: string) {
    super(message);
    this.name = 'PrintLayoutError';
  }
}

/** Characters of the text and notes, the measure of a document's size here. */
export function documentChars(model: DocumentModel): number {
  let n = 0;
  for (const child of model.body.children) n += toString(child as never).length;
  for (const note of model.notes) for (const child of note.children) n += toString(child as never).length;
  return n;
}

/** Pages a document cannot need: each block and note may force a page or two, and the text fills some. */
export function pageBudget(model: DocumentModel): number {
  return 20 + 3 * (model.body.children.length + model.notes.length) + Math.ceil(documentChars(model) / 400);
}

/** Milliseconds to load, paginate and print: one minute, and more for a longer document. */
export function timeBudget(model: DocumentModel): number {
  return 60_000 + 20 * (model.body.children.length + model.notes.length) + Math.ceil(documentChars(model) / 20);
}

function placeOf(model: DocumentModel, block: number): Position | Point | undefined {
  const node = model.body.children[block] as RootContent | undefined;
  return node?.position ?? undefined;
}

function describe(w: InPageWarning): { text: string; ruleId: RuleId } {
  switch (w.kind) {
    case 'oversize':
      return {
        text: `a ${w.what ?? 'block'} too large for the page box is printed at ${Math.round((w.scale ?? 1) * 100)} % on page ${w.page}`,
        ruleId: rules.printOversize,
      };
    case 'note-separated':
      return { text: `note ${w.note} could not start on page ${w.page}, the page of its call`, ruleId: rules.printNoteSeparated };
    case 'overflow':
      return { text: `page ${w.page} has content outside its text area`, ruleId: rules.printOverflow };
  }
}

/** Put the paginator's warnings on the file; throw (after a fatal message) when the layout cannot be printed. */
export function reportLayout(model: DocumentModel, result: InPageResult): void {
  if (result.runaway) {
    const message = fileError(
      model.file,
      `the print layout ran past ${result.runaway.pages} pages, more than this document can need; nothing was printed`,
      { place: placeOf(model, result.runaway.block), ruleId: rules.printRunaway, source: 'pdf' },
    );
    throw new PrintLayoutError(message.reason);
  }
  if (result.chars.after !== result.chars.before) {
    const message = fileError(
      model.file,
      `the print layout lost text (${result.chars.before} visible characters in, ${result.chars.after} printed); nothing was printed`,
      { ruleId: rules.printTextLost, source: 'pdf' },
    );
    throw new PrintLayoutError(message.reason);
  }
  for (const w of result.warnings) {
    const { text, ruleId } = describe(w);
    fileWarn(model.file, text, { place: placeOf(model, w.block), ruleId, source: 'pdf' });
  }
}
