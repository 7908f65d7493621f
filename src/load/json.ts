/**
 * JSON with positions, over `jsonc-parser` in strict mode (no comments, no
 * trailing commas): where each value and key starts, for messages about a
 * field, and a syntax error in words with the offset it is at.
 */
import type { Node } from 'jsonc-parser';
// A namespace: in the bundle it loads jsonc-parser on first use
// (scripts/bundle.mjs), so a bibliography that parses needs none of it.
import * as jsonc from 'jsonc-parser';

export type JsonNode = Node;

export interface JsonSyntaxError {
  /** `expected "," or "}", found "\""` and the like. */
  message: string;
  offset: number;
}

const strict = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

/** What comes next, in words, for a syntax error: depends on where the parser stood. */
type Expecting = 'value' | 'property' | 'colon' | 'object-next' | 'array-next' | 'end';

/** A byte-order mark as a space: JSON whitespace of the same length, so offsets stay those of the file. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  return JSON.stringify(String.fromCodePoint(text.codePointAt(offset) ?? 0));
}

const expectedWords: Record<Expecting, string> = {
  value: 'a JSON value',
  property: 'a property name in double quotes',
  colon: '":"',
  'object-next': '"," or "}"',
  'array-next': '"," or "]"',
  end: 'end of file',
};

/** The first syntax error of `text`, or null when it is JSON (RFC 8259). */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  const source = withoutBom(text);
  const stack: Array<'object' | 'array'> = [];
  let expecting: Expecting = 'value';
  const afterValue = () => {
    const top = stack.at(-1);
    expecting = top === 'object' ? 'object-next' : top === 'array' ? 'array-next' : 'end';
  };
  // The parser closes an unclosed object or array before it says so: what was expected then.
  let beforeEnd: Expecting = 'value';
  let found: JsonSyntaxError | null = null;
  const fail = (offset: number, message?: string) => {
    found ??= { message: message ?? `expected ${expectedWords[expecting]}, found ${describeAt(source, offset)}`, offset };
  };
  try {
    jsonc.visit(
      source,
      {
        onObjectBegin: () => {
          stack.push('object');
          expecting = 'property';
        },
        onObjectProperty: () => {
          expecting = 'colon';
        },
        onObjectEnd: () => {
          beforeEnd = expecting;
          stack.pop();
          afterValue();
        },
        onArrayBegin: () => {
          stack.push('array');
          expecting = 'value';
        },
        onArrayEnd: () => {
          beforeEnd = expecting;
          stack.pop();
          afterValue();
        },
        onLiteralValue: () => afterValue(),
        onSeparator: (character) => {
          expecting = character === ':' ? 'value' : stack.at(-1) === 'object' ? 'property' : 'value';
        },
        onError: (error, offset, length) => {
          if (found) return;
          switch (error) {
            case jsonc.ParseErrorCode.UnexpectedEndOfString: {
              const end = offset + length;
              const c = source.charCodeAt(end);
              if (end < source.length && c < 32) fail(end, 'unescaped control character in string (a line break inside quotes?)');
              else fail(offset, 'string is never closed');
              break;
            }
            case jsonc.ParseErrorCode.InvalidCharacter: {
              // The parser points at the string; the message points at the character.
              let at = offset + 1;
              while (at < source.length && source.charCodeAt(at) >= 32) at++;
              fail(at < source.length ? at : offset, 'unescaped control character in string (a line break inside quotes?)');
              break;
            }
            case jsonc.ParseErrorCode.CloseBraceExpected:
            case jsonc.ParseErrorCode.CloseBracketExpected:
              expecting = beforeEnd;
              fail(offset);
              break;
            case jsonc.ParseErrorCode.UnexpectedEndOfNumber:
            case jsonc.ParseErrorCode.InvalidNumberFormat: {
              // What reads as a number ends the value (`1.` is `1`, then an unexpected `.`).
              numberPattern.lastIndex = offset;
              const number = numberPattern.exec(source);
              if (number) afterValue();
              fail(offset + (number?.[0].length ?? 0));
              break;
            }
            case jsonc.ParseErrorCode.InvalidEscapeCharacter:
            case jsonc.ParseErrorCode.InvalidUnicode:
              // The offset of the string that holds it, as the parser gives it.
              fail(offset, 'invalid escape sequence in string');
              break;
            case jsonc.ParseErrorCode.PropertyNameExpected:
              expecting = 'property';
              fail(offset);
              break;
            case jsonc.ParseErrorCode.ColonExpected:
              expecting = 'colon';
              fail(offset);
              break;
            case jsonc.ParseErrorCode.EndOfFileExpected:
              expecting = 'end';
              fail(offset);
              break;
            default:
              fail(offset);
          }
        },
      },
      strict,
    );
  } catch (error) {
    // The parser recurses per level: input nested deeper than any
    // bibliography needs overflows the stack.
    if (error instanceof RangeError) return { message: 'nesting too deep', offset: 0 };
    throw error;
  }
  return found;
}

/** The tree of a text that is known to be JSON, with offsets (a byte-order mark counted), or null when too deep to walk. */
export function jsonTree(text: string): JsonNode | null {
  try {
    return jsonc.parseTree(withoutBom(text), [], { ...strict, allowEmptyContent: true }) ?? null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * The offset of what `keyPath` names inside `node`, as deep as the path
 * resolves: an object member's key, an array element's value. Where a key
 * is given twice, the last one counts, as in `JSON.parse`.
 */
export function jsonOffsetOf(node: JsonNode, keyPath: readonly PropertyKey[]): number {
  let current: JsonNode | undefined = node;
  let offset = node.offset;
  for (const key of keyPath) {
    if (current.type === 'object') {
      const member: JsonNode | undefined = current.children?.findLast((m) => m.children?.[0]?.value === String(key));
      if (!member?.children?.[0] || !member.children[1]) break;
      offset = member.children[0].offset;
      current = member.children[1];
    } else if (current.type === 'array' && typeof key === 'number' && key < (current.children?.length ?? 0)) {
      current = jsonc.findNodeAtLocation(current, [key]);
      if (!current) break;
      offset = current.offset;
    } else break;
  }
  return offset;
}
