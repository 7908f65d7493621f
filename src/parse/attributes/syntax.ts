/**
 * micromark syntax for Pandoc's attributes:
 *
 * - an attribute block `{#id .class key=value key="a value" -}` anywhere in
 *   text (token `pandocAttributes`); what it belongs to (the heading it ends,
 *   the link or image before it, the `[bracketed span]` before it) is decided
 *   on the tree, in `transform.ts`;
 * - a fenced-div fence line: `::: {.note #id}`, `::: note`, `:::` (token
 *   `pandocDivFence`); fences are paired and their blocks nested on the tree.
 *
 * Pandoc's grammar (its manual, "Extension: attributes"): identifiers follow
 * `#`, classes `.`, key-value pairs `key=value` with an optional single or
 * double-quoted value, `-` is the class `unnumbered`, `=format` names a raw
 * format. Anything else makes the block plain text.
 */
import { markdownLineEnding, markdownLineEndingOrSpace, markdownSpace } from 'micromark-util-character';
import type { Code, Construct, Effects, Extension, State, TokenizeContext } from 'micromark-util-types';

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocAttributes: 'pandocAttributes';
    pandocDivFence: 'pandocDivFence';
  }
}

const leftBrace = 123;
const rightBrace = 125;
const colon = 58;
const numberSign = 35;
const dot = 46;
const dash = 45;
const equals = 61;
const quote = 34;
const apostrophe = 39;
const backslash = 92;

/** A character allowed in an identifier, class or bare value. */
function nameChar(code: Code): boolean {
  return code !== null && code > 0 && !markdownLineEndingOrSpace(code) && code !== rightBrace && code !== leftBrace && code !== quote && code !== apostrophe;
}

/** A character allowed in a key (letters, digits, `-_:.`). */
function keyChar(code: Code): boolean {
  if (code === null) return false;
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === dash || code === 95 || code === colon || code === dot || code > 127;
}

/**
 * Tokenize `{ … }` as one token of `type`. Starts at `{`; `ok` after `}`.
 * Line endings are not allowed inside.
 */
export function factoryAttributes(effects: Effects, ok: State, nok: State, type: 'pandocAttributes'): State {
  let marker: Code = null;
  return start;

  function start(code: Code): State | undefined {
    if (code !== leftBrace) return nok(code);
    effects.enter(type);
    effects.consume(code);
    return between;
  }

  function between(code: Code): State | undefined {
    if (markdownSpace(code)) {
      effects.consume(code);
      return between;
    }
    if (code === rightBrace) {
      effects.consume(code);
      effects.exit(type);
      return ok;
    }
    if (code === numberSign || code === dot || code === equals) {
      effects.consume(code);
      return nameStart;
    }
    if (code === dash) {
      effects.consume(code);
      return afterItem;
    }
    if (keyChar(code)) {
      effects.consume(code);
      return key;
    }
    return nok(code);
  }

  function nameStart(code: Code): State | undefined {
    if (!nameChar(code)) return nok(code);
    effects.consume(code);
    return name;
  }

  function name(code: Code): State | undefined {
    if (nameChar(code)) {
      effects.consume(code);
      return name;
    }
    return afterItem(code);
  }

  function afterItem(code: Code): State | undefined {
    if (markdownSpace(code) || code === rightBrace) return between(code);
    return nok(code);
  }

  function key(code: Code): State | undefined {
    if (keyChar(code)) {
      effects.consume(code);
      return key;
    }
    if (code === equals) {
      effects.consume(code);
      return valueStart;
    }
    return nok(code);
  }

  function valueStart(code: Code): State | undefined {
    if (code === quote || code === apostrophe) {
      marker = code;
      effects.consume(code);
      return quoted;
    }
    if (nameChar(code)) {
      effects.consume(code);
      return bare;
    }
    return nok(code);
  }

  function quoted(code: Code): State | undefined {
    if (code === null || markdownLineEnding(code)) return nok(code);
    if (code === marker) {
      effects.consume(code);
      return afterItem;
    }
    if (code === backslash) {
      effects.consume(code);
      return escaped;
    }
    effects.consume(code);
    return quoted;
  }

  function escaped(code: Code): State | undefined {
    if (code === null || markdownLineEnding(code)) return nok(code);
    effects.consume(code);
    return quoted;
  }

  function bare(code: Code): State | undefined {
    if (nameChar(code)) {
      effects.consume(code);
      return bare;
    }
    return afterItem(code);
  }
}

const attributesText: Construct = { name: 'pandocAttributes', tokenize: tokenizeAttributesText };

function tokenizeAttributesText(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  return factoryAttributes(effects, ok, nok, 'pandocAttributes');
}

const divFence: Construct = { name: 'pandocDivFence', tokenize: tokenizeDivFence };

/**
 * One fence line: at least three colons, then `{attributes}` or one class
 * word (an opening fence), optionally more colons; or colons alone (a
 * closing fence). The whole line is one token; `from-markdown` reads it.
 */
function tokenizeDivFence(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  let size = 0;
  return start;

  function start(code: Code): State | undefined {
    if (code !== colon) return nok(code);
    effects.enter('pandocDivFence');
    return sequence(code);
  }

  function sequence(code: Code): State | undefined {
    if (code === colon) {
      size++;
      effects.consume(code);
      return sequence;
    }
    if (size < 3) return nok(code);
    return afterSequence(code);
  }

  function afterSequence(code: Code): State | undefined {
    if (markdownSpace(code)) {
      effects.consume(code);
      return afterSequence;
    }
    if (code === null || markdownLineEnding(code)) return end(code);
    if (code === leftBrace) return factoryAttributesInline(code);
    if (nameChar(code) && code !== colon) {
      effects.consume(code);
      return word;
    }
    return nok(code);
  }

  // Inside the fence the attribute block is read by hand (the fence is one token).
  function factoryAttributesInline(code: Code): State | undefined {
    effects.consume(code);
    return inBraces;
  }

  function inBraces(code: Code): State | undefined {
    if (code === null || markdownLineEnding(code)) return nok(code);
    effects.consume(code);
    return code === rightBrace ? trailing : inBraces;
  }

  function word(code: Code): State | undefined {
    if (nameChar(code) && code !== colon) {
      effects.consume(code);
      return word;
    }
    return trailing(code);
  }

  function trailing(code: Code): State | undefined {
    if (markdownSpace(code) || code === colon) {
      effects.consume(code);
      return trailing;
    }
    if (code === null || markdownLineEnding(code)) return end(code);
    return nok(code);
  }

  function end(code: Code): State | undefined {
    effects.exit('pandocDivFence');
    return ok(code);
  }
}

/** The syntax extension: attribute blocks in text, fence lines in flow. */
export function pandocAttributes(): Extension {
  return {
    text: { [leftBrace]: attributesText },
    flow: { [colon]: divFence },
  };
}
