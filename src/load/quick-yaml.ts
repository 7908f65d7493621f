/**
 * A quick reader for the plain YAML that front matter is written in. It
 * gives the value the `yaml` package gives (`parseDocument` with the core
 * schema and `uniqueKeys: false`, then `toJS`): the same keys in the same
 * order, the same scalars and types. For anything outside its part it gives
 * up (undefined), and the `yaml` package reads the text, reports its
 * errors and decides: a front matter in the part is read without setting
 * the package up at all.
 *
 * The part, line by line (a line break is LF or CR LF):
 * - blank lines and comment lines (`#` after any indentation);
 * - block mappings `key: value` and `key:` with a nested block below it
 *   (more indented, or a block sequence at the key's own indentation);
 * - block sequences `- value`, `-` with a nested block below it, and the
 *   compact forms `- key: value` and `- - value`;
 * - single-line scalars: plain (typed as the core schema types them:
 *   null, booleans, decimal, `0o` and `0x` integers, floats, `.inf`,
 *   `.nan`; strings otherwise), in single quotes, or in double quotes
 *   without a backslash; a comment after a space;
 * - flow sequences and mappings of such scalars on one line, as values
 *   (`keywords: [a, b]`, `series: {name: S, number: 12}`), their plain
 *   scalars without any of `,[]{}#:`;
 * - keys: plain or quoted scalars (a typed key becomes its string, as
 *   `toJS` writes it; `null` and `~` the empty string); a repeated key
 *   keeps its first place and its last value.
 *
 * Not in it: tabs, nested flow collections or ones over several lines,
 * empty entries and trailing commas in them, anchors, aliases, tags, block
 * scalars, scalars over several lines, `?` keys, directives and document
 * markers, the merge key `<<`, a top level that is indented, indentation
 * that opens no block, nesting over 64 blocks deep, control characters,
 * lone surrogates, a byte-order mark, and lines a YAML parser would refuse
 * or read otherwise.
 */

/** What a YAML text holds, as `parseDocument(...).toJS()` gives it. */
export interface QuickYaml {
  /** The value `toJS` gives. */
  value: unknown;
  /** `mapping` when the document is a mapping; `empty` when it holds no node at all (only comments); `other` for a sequence or a scalar. */
  kind: 'mapping' | 'empty' | 'other';
}

/** Thrown inside the reader when the text leaves the quick part. */
const notQuick = Symbol('not quick');

/**
 * Any character outside the part: C0 and C1 controls, tab, DEL, lone or
 * unpaired surrogates, U+2028/U+2029, the byte-order mark and the
 * noncharacters U+FFFE/U+FFFF (a CR is checked on its own: only before LF).
 */
const outside = /[^\n\r\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A plain scalar must not start with an indicator; `-` starts one only before a non-space. */
const plainStart = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s])/;

/** Core-schema scalars (yaml's tests, in its order). */
const nullTest = /^(?:~|[Nn]ull|NULL)?$/;
const boolTest = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const intOct = /^0o[0-7]+$/;
const intDec = /^[-+]?[0-9]+$/;
const intHex = /^0x[0-9a-fA-F]+$/;
const floatNaN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const floatExp = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const float = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** A first character that can open a number or `.inf`/`.nan`. */
const numberStart = /^[-+.0-9]/;

/** The core schema's value of a plain scalar's text. */
export function plainScalar(text: string): unknown {
  if (nullTest.test(text)) return null;
  if (boolTest.test(text)) return text[0] === 't' || text[0] === 'T';
  if (!numberStart.test(text)) return text;
  if (intOct.test(text)) return parseInt(text.substring(2), 8);
  if (intDec.test(text)) return parseInt(text, 10);
  if (intHex.test(text)) return parseInt(text.substring(2), 16);
  if (floatNaN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (floatExp.test(text) || float.test(text)) return parseFloat(text);
  return text;
}

/** `text` without its trailing spaces (YAML's white space is the space and the tab; the tab is not in the part). */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** What may follow a closing quote: nothing, or spaces and perhaps a comment. */
const afterQuote = /^(?: +(?:#.*)?)?$/;
/** What may follow the closing quote of a key: its colon, then a space or the end. */
const afterQuotedKey = /^ *:(?: |$)/;

/** The inside of the quoted scalar at `start` of `text`, and where it ends (after the closing quote); undefined when it does not close on the line or holds an escape. */
function quoted(text: string, start = 0): { value: string; end: number } | undefined {
  const quote = text[start];
  if (quote === '"') {
    const close = text.indexOf('"', start + 1);
    if (close === -1) return undefined;
    const value = text.slice(start + 1, close);
    if (value.includes('\\')) return undefined;
    return { value, end: close + 1 };
  }
  let value = '';
  let at = start + 1;
  for (;;) {
    const close = text.indexOf("'", at);
    if (close === -1) return undefined;
    value += text.slice(at, close);
    if (text[close + 1] !== "'") return { value, end: close + 1 };
    value += "'";
    at = close + 2;
  }
}

/** Characters that end a plain scalar in a flow collection (or that the quick reader does not take in one). */
const flowStops = new Set([',', '[', ']', '{', '}', '#', ':']);

/**
 * A flow sequence or mapping on one line, of scalars only (`[a, 'b', 3]`,
 * `{name: S, number: 12}`); a plain scalar in it holds none of `,[]{}#:`,
 * a mapping's key is followed by `: `, and no entry is empty.
 */
function flowCollection(text: string): unknown {
  const mapping = text[0] === '{';
  const close = mapping ? '}' : ']';
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  let at = 1;
  const skipSpaces = () => {
    while (text[at] === ' ') at++;
  };
  /** A scalar entry, as its value; `key` tells a typed key by its string. */
  const scalar = (key: boolean): unknown => {
    if (text[at] === '"' || text[at] === "'") {
      const read = quoted(text, at);
      if (!read) throw notQuick;
      at = read.end;
      return read.value;
    }
    const start = at;
    while (at < text.length && !flowStops.has(text[at])) at++;
    const plain = trimSpaces(text.slice(start, at));
    if (!plainStart.test(plain) || (key && plain.length > 1000)) throw notQuick;
    const value = plainScalar(plain);
    return key ? (value === null ? '' : String(value)) : value;
  };
  skipSpaces();
  if (text[at] === close) at++;
  else {
    for (;;) {
      if (mapping) {
        const key = scalar(true) as string;
        skipSpaces();
        if (text[at] !== ':' || text[at + 1] !== ' ') throw notQuick;
        at += 2;
        skipSpaces();
        const value = scalar(false);
        if (key in map) Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
        else map[key] = value;
      } else list.push(scalar(false));
      skipSpaces();
      if (text[at] === close) {
        at++;
        break;
      }
      if (text[at] !== ',') throw notQuick;
      at++;
      skipSpaces();
      // A trailing comma, or an empty entry.
      if (text[at] === close || text[at] === ',') throw notQuick;
    }
  }
  if (!afterQuote.test(text.slice(at))) throw notQuick;
  return mapping ? map : list;
}

/** A scalar value written on one line (after a key's colon or a sequence's dash), or a flow collection of scalars; its comment dropped. */
function scalarValue(text: string): unknown {
  if (text[0] === '[' || text[0] === '{') return flowCollection(text);
  if (text[0] === '"' || text[0] === "'") {
    const read = quoted(text);
    if (!read || !afterQuote.test(text.slice(read.end))) throw notQuick;
    return read.value;
  }
  if (!plainStart.test(text)) throw notQuick;
  const comment = text.indexOf(' #');
  const plain = trimSpaces(comment === -1 ? text : text.slice(0, comment));
  // `: ` or a final `:` would open a mapping where none may be.
  if (plain.includes(': ') || plain.endsWith(':')) throw notQuick;
  return plainScalar(plain);
}

/** A line's key (as `toJS` names it) and what follows its colon; undefined when the line is no `key:` line. */
function keyOf(text: string): { key: string; rest: string } | undefined {
  // A flow collection is a value (one as a key is not in the part, and fails as a value).
  if (text[0] === '[' || text[0] === '{') return undefined;
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const read = quoted(text);
    if (!read) throw notQuick;
    const colon = afterQuotedKey.exec(text.slice(read.end));
    if (!colon) return undefined;
    key = read.value;
    after = read.end + colon[0].length;
  } else {
    let colon = text.indexOf(':');
    while (colon !== -1 && colon + 1 < text.length && text[colon + 1] !== ' ') colon = text.indexOf(':', colon + 1);
    const comment = text.indexOf(' #');
    if (colon === -1 || (comment !== -1 && comment < colon)) return undefined;
    // The yaml package reads no implicit key over 1024 characters.
    if (colon > 1000 || !plainStart.test(text)) throw notQuick;
    const plain = trimSpaces(text.slice(0, colon));
    if (plain.endsWith(':') || plain === '<<') throw notQuick;
    const value = plainScalar(plain);
    key = value === null ? '' : String(value);
    after = colon + 1;
  }
  return { key, rest: text.slice(after).replace(/^ +/, '') };
}

/** Whether a line (its text after the indentation) is a block sequence entry. */
const isEntry = (text: string) => text[0] === '-' && (text.length === 1 || text[1] === ' ');
/** Whether what follows an indicator is nothing or a comment. */
const isNothing = (text: string) => text === '' || text[0] === '#';

interface Line {
  indent: number;
  /** The text after the indentation, trailing spaces dropped. */
  text: string;
}

/** The deepest nesting of blocks the quick reader takes. */
const maxDepth = 64;

class Reader {
  private at = 0;
  constructor(private readonly lines: Line[]) {}

  /** The document's value and kind. */
  document(): QuickYaml {
    const { lines } = this;
    if (lines.length === 0) return { value: null, kind: 'empty' };
    if (lines[0].indent !== 0) throw notQuick;
    const first = lines[0].text;
    if (!isEntry(first) && keyOf(first) === undefined) {
      // A single scalar (one over several lines is not in the part).
      if (lines.length > 1) throw notQuick;
      return { value: scalarValue(first), kind: first[0] === '{' ? 'mapping' : 'other' };
    }
    const value = this.block(0);
    if (this.at !== lines.length) throw notQuick;
    return { value, kind: isEntry(first) ? 'other' : 'mapping' };
  }

  /** The indentation of the next line, or -1 at the end. */
  private next(): number {
    return this.at < this.lines.length ? this.lines[this.at].indent : -1;
  }

  /** How many blocks are open. */
  private depth = 0;

  /** A block mapping or sequence whose first line, the current one, is at `indent`. */
  private block(indent: number): unknown {
    // Deep nesting is the package's to read (and the nesting limit's to judge).
    if (++this.depth > maxDepth) throw notQuick;
    const value = isEntry(this.lines[this.at].text) ? this.sequence(indent) : this.mapping(indent);
    this.depth--;
    return value;
  }

  /** The value under an indicator with nothing after it: a more indented block, a sequence at `indent` when `sequenceHere`, or null. */
  private nested(indent: number, sequenceHere: boolean): unknown {
    const next = this.next();
    if (next > indent) return this.block(next);
    if (next === indent && sequenceHere && isEntry(this.lines[this.at].text)) return this.sequence(indent);
    return null;
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const line = this.lines[this.at];
      const pair = keyOf(line.text);
      if (!pair) throw notQuick;
      this.at++;
      let value: unknown;
      if (isNothing(pair.rest)) value = this.nested(indent, true);
      else {
        value = scalarValue(pair.rest);
        if (this.next() > indent) throw notQuick;
      }
      // As toJS sets it: a key met again (or one an object has already, such as `__proto__`) is defined in place.
      if (pair.key in map) Object.defineProperty(map, pair.key, { value, writable: true, enumerable: true, configurable: true });
      else map[pair.key] = value;
      const next = this.next();
      if (next < indent) return map;
      if (next > indent || isEntry(this.lines[this.at].text)) throw notQuick;
    }
  }

  private sequence(indent: number): unknown[] {
    const list: unknown[] = [];
    for (;;) {
      const { text } = this.lines[this.at];
      let column = 1;
      while (text[column] === ' ') column++;
      const rest = text.slice(column);
      if (isNothing(rest)) {
        this.at++;
        list.push(this.nested(indent, false));
      } else if (isEntry(rest) || keyOf(rest) !== undefined) {
        // A compact block: its first line starts after the dash.
        this.lines[this.at] = { indent: indent + column, text: rest };
        list.push(this.block(indent + column));
      } else {
        this.at++;
        list.push(scalarValue(rest));
      }
      const next = this.next();
      if (next > indent) throw notQuick;
      if (next < indent || !isEntry(this.lines[this.at].text)) return list;
    }
  }
}

/** The lines that hold nodes (blank and comment lines dropped); throws `notQuick` outside the part. */
function contentLines(text: string): Line[] {
  if (outside.test(text) || /\r(?!\n)/.test(text)) throw notQuick;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let indent = 0;
    while (line.charCodeAt(indent) === 0x20) indent++;
    const rest = trimSpaces(line.slice(indent));
    if (isNothing(rest)) continue;
    // Document markers and directives.
    if (indent === 0 && (rest.startsWith('---') || rest.startsWith('...') || rest[0] === '%')) throw notQuick;
    lines.push({ indent, text: rest });
  }
  return lines;
}

/**
 * The value of a YAML text as the `yaml` package gives it (core schema,
 * `uniqueKeys: false`, `toJS`), with whether it is a mapping; undefined
 * when the text is outside the quick part (the package then decides).
 */
export function quickYaml(text: string): QuickYaml | undefined {
  try {
    return new Reader(contentLines(text)).document();
  } catch (error) {
    if (error === notQuick) return undefined;
    throw error;
  }
}
