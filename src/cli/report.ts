/**
 * Messages for people: `file:line:column  message  rule-id`, one a line,
 * warnings marked as such, then a count.
 */
import { displayPath } from '../shared/paths.js';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';

export function formatMessage(message: VFileMessage, fallbackFile: string, isError: boolean): string {
  const file = displayPath(message.file || fallbackFile);
  const place = message.place;
  const point = place ? ('start' in place ? place.start : place) : undefined;
  const where = point ? `${file}:${point.line}:${point.column}` : file;
  const reason = isError ? message.reason : `warning: ${message.reason}`;
  const line = `${where}  ${reason}${message.ruleId ? `  ${message.ruleId}` : ''}`;
  // A hint (what a CSL date looks like, …) goes on the lines below, indented.
  return message.note ? `${line}\n${message.note.replace(/^/gm, '    ')}` : line;
}

/** Lines for the messages of a file that `shown` keeps (default: all), errors and warnings in source order. */
export function report(file: VFile, isError: (message: VFileMessage) => boolean, shown: (message: VFileMessage) => boolean = () => true): string[] {
  const ordered = file.messages.filter(shown).sort((a, b) => {
    if ((a.file || '') !== (b.file || '')) return (a.file || '') < (b.file || '') ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  });
  return ordered.map((message) => formatMessage(message, file.path, isError(message)));
}
