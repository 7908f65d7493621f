/**
 * The one position index: offsets in a text to 1-based line and column and
 * back, over `vfile-location` (lines end at `\n`, `\r\n` or `\r`; columns
 * count UTF-16 code units, as vfile does).
 */
import { location } from 'vfile-location';

export interface Point {
  line: number;
  column: number;
  offset: number;
}

export interface PositionIndex {
  /** The point of an offset (clamped to the text). */
  point(offset: number): Point;
  /** The offset of a 1-based line and column, clamped to that line and to the text. */
  offset(line: number, column: number): number;
}

/**
 * A position index over `text`. With `skipBom`, a byte-order mark at its
 * start is not counted as a column of the first line: no editor shows it.
 */
export function positionIndex(text: string, options: { skipBom?: boolean } = {}): PositionIndex {
  const index = location(text);
  const bom = options.skipBom && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lineStart = (line: number): number | undefined => index.toOffset({ line, column: 1 }) ?? (line > 1 && index.toPoint(text.length)?.line === line ? text.length : undefined);
  let lastLine: number | undefined;
  return {
    point(offset) {
      const at = Math.min(Math.max(offset, 0), text.length);
      const { line, column } = index.toPoint(at) ?? { line: 1, column: 1 };
      return { line, column: column - (line === 1 ? bom : 0), offset: at };
    },
    offset(line, column) {
      lastLine ??= index.toPoint(text.length)?.line ?? 1;
      const clamped = Math.min(Math.max(line, 1), lastLine);
      const start = lineStart(clamped) ?? 0;
      const next = clamped < lastLine ? (lineStart(clamped + 1) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
      return Math.min(start + Math.max(column, 1) - 1, Math.max(start, next - 1), text.length);
    },
  };
}
