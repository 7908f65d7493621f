/**
 * Punctuation stays outside quotation marks typed in a field: a title
 * `Abhandlung: “Über den Intellekt”` followed by the style's full stop
 * prints `“Über den Intellekt”.`, as in Pandoc, which moves punctuation only
 * inside the quotation marks a style adds (`quotes="true"`). citeproc-js
 * reads typed quotation marks as its own and, in American English, moves
 * the full stop inside them as well (`“Über den Intellekt.”`).
 *
 * citeproc-js turns typed quotation marks into output blobs with a
 * `@quotes` decoration (its "flip-flopper", which also swaps them for inner
 * marks inside a quoted title); Colophon marks those blobs, and hides their
 * decoration from the four passes that move punctuation (`upward`,
 * `leftward`, `downward`, `fix`), restoring it before the text is written.
 */

interface Blob {
  blobs?: Blob[] | string;
  decorations?: Array<[string, unknown]>;
  colophonTyped?: boolean;
}

type Pass = (this: unknown, blob: Blob) => unknown;

interface Adjust {
  upward: Pass;
  leftward: Pass;
  downward: Pass;
  fix: Pass;
}

export interface TypedQuoteGlobals {
  Output: { Queue: { adjust: new (punctuationInQuote?: unknown) => Adjust } };
}

/** What `keepPunctuationOutsideTypedQuotes` reads of one engine. */
export interface FlipFlopperEngine {
  fun: { flipflopper: { processTags: (blob: Blob) => unknown } };
}

const isQuote = (decoration: [string, unknown]) => decoration[0] === '@quotes' && decoration[1] !== 'false';

/** Whether any blob was marked in this process: until one is, there is nothing to hide. */
let anyTyped = false;

function markTyped(blob: Blob): void {
  const children = blob.blobs;
  if (!Array.isArray(children)) return;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.decorations?.some(isQuote)) child.colophonTyped = anyTyped = true;
    markTyped(child);
  }
}

/** A decoration hidden: its list, its place there, and its value. */
type Hidden = Array<[Array<[string, unknown]>, number, unknown]>;

/**
 * Hide the quote decorations of typed quotation marks under `blob`; returns
 * them, to be restored. Indexed loops: the walk runs four times for every
 * piece of output, and citeproc-js runs unoptimised in a build.
 */
function hideTyped(blob: Blob): Hidden | undefined {
  let hidden: Hidden | undefined;
  const stack: Blob[] = [blob];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const decorations = node.decorations;
    if (node.colophonTyped && decorations) {
      for (let index = 0; index < decorations.length; index++) {
        const decoration = decorations[index]!;
        if (isQuote(decoration)) {
          (hidden ??= []).push([decorations, index, decoration[1]]);
          decoration[1] = 'false';
        }
      }
    }
    const children = node.blobs;
    if (Array.isArray(children)) for (let i = 0; i < children.length; i++) stack.push(children[i]!);
  }
  return hidden;
}

function restoreTyped(hidden: Hidden): void {
  for (const [decorations, index, value] of hidden) decorations[index]![1] = value;
}

/** Teach citeproc-js's punctuation passes to leave typed quotation marks alone. */
export function keepPunctuationOutsideTypedQuotes(CSL: TypedQuoteGlobals): void {
  const Adjust = CSL.Output.Queue.adjust;
  const Patched = function (this: unknown, punctuationInQuote?: unknown): Adjust {
    const adjust = new Adjust(punctuationInQuote);
    for (const name of ['upward', 'leftward', 'downward', 'fix'] as const) {
      const pass = adjust[name];
      // A pass calls itself on the children: the decorations are hidden
      // once, at the top, and the pass's own calls go to it directly.
      const hiding: Pass = function (blob) {
        const hidden = anyTyped && blob && typeof blob === 'object' ? hideTyped(blob) : undefined;
        adjust[name] = pass;
        try {
          return pass.call(this, blob);
        } finally {
          adjust[name] = hiding;
          if (hidden) restoreTyped(hidden);
        }
      };
      adjust[name] = hiding;
    }
    return adjust;
  };
  CSL.Output.Queue.adjust = Patched as unknown as TypedQuoteGlobals['Output']['Queue']['adjust'];
}

/** Mark the blobs an engine makes from typed quotation marks. */
export function markTypedQuotes(engine: FlipFlopperEngine): void {
  const flipflopper = engine.fun.flipflopper;
  const processTags = flipflopper.processTags;
  flipflopper.processTags = function (blob) {
    const result = processTags.call(this, blob);
    markTyped(blob);
    return result;
  };
}

/** The source of this module's functions, for the citation cache's key (`engineFingerprint`). */
export const typedQuotesSource = (): string => [isQuote, markTyped, hideTyped, restoreTyped, keepPunctuationOutsideTypedQuotes, markTypedQuotes].map(String).join('\n');
