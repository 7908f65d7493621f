/**
 * The one way a stage reports a problem in the user's input: a vfile
 * message with a rule id (from `rules.ts`), the stage as its `source`, a
 * place (a node, a position or a point) and a severity.
 *
 *   fileError(file, 'citation key `@x` is not in the bibliography', { node, ruleId: rules.citationUnknownKey, source: 'cite' });
 *   fileWarn(file, 'no `title` in the front matter …', { place: { line: 1, column: 1 }, ruleId: rules.titleMissing, source: 'load' });
 *
 * Errors (`fatal: true`) stop the manuscript's build (exit 1); warnings
 * (`fatal: false`) are printed and the build goes on.
 */
import type { Node, Point, Position } from 'unist';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { rules, type RuleId } from './rules.js';

export interface MessageOptions {
  /** The node the message is about; its position becomes the place. */
  node?: Node | null;
  /** Where, when there is no node: a point or a position. */
  place?: Point | Position | null;
  /** The rule broken; listed in `rules.ts` and the README. */
  ruleId: RuleId;
  /** The stage that found it: `load`, `parse`, `cite`, `model`, `epub`, `build` … */
  source: string;
  /** Whether it stops the build. Default: false (a warning). */
  fatal?: boolean;
  /** A hint printed on the lines under the message. */
  note?: string;
}

/** Attach a message to `file` and return it. */
export function fileMessage(file: VFile, reason: string, options: MessageOptions): VFileMessage {
  const place = options.node?.position ?? options.place ?? undefined;
  const message = file.message(reason, { place, ruleId: options.ruleId, source: options.source });
  message.fatal = options.fatal ?? false;
  if (options.note) message.note = options.note;
  return message;
}

/** A problem that stops the build of the manuscript. */
export function fileError(file: VFile, reason: string, options: Omit<MessageOptions, 'fatal'>): VFileMessage {
  return fileMessage(file, reason, { ...options, fatal: true });
}

/** A problem worth saying that does not stop the build. */
export function fileWarn(file: VFile, reason: string, options: Omit<MessageOptions, 'fatal'>): VFileMessage {
  return fileMessage(file, reason, { ...options, fatal: false });
}

/** Whether a message stops the build (`--lenient`: an unknown citation key does not). */
export function isError(message: { fatal?: boolean | null; ruleId?: string | null }, lenient = false): boolean {
  if (lenient && message.ruleId === rules.citationUnknownKey) return false;
  return message.fatal === true;
}
