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
  const text = oneLine(message.reason);
  const reason = isError ? text : `warning: ${text}`;
  const line = `${where}  ${reason}${message.ruleId ? `  ${message.ruleId}` : ''}`;
  // A hint (what a CSL date looks like, …) goes on the lines below, indented.
  return message.note ? `${line}\n${message.note.replace(/^/gm, '    ')}` : line;
}

/**
 * A message is one line, whatever the manuscript put into the values it
 * quotes: line breaks and other control characters are shown escaped.
 */
function oneLine(reason: string): string {
  return reason.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Lines for the messages of a file that `shown` keeps (default: all), errors and warnings in source order. */
export function report(file: VFile, isError: (message: VFileMessage) => boolean, shown: (message: VFileMessage) => boolean = () => true): string[] {
  const ordered = file.messages.filter(shown).sort((a, b) => {
    if ((a.file || '') !== (b.file || '')) return (a.file || '') < (b.file || '') ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  });
  return ordered.map((message) => formatMessage(message, file.path, isError(message)));
}
