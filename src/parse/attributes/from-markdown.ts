/**
 * mdast for Pandoc's attributes: `pandocAttributes` (an inline attribute
 * block, attached to its owner by `transform.ts`) and `pandocDivFence` (one
 * fence line, paired into `pandocDiv` containers by `transform.ts`).
 */
import type { Data, Literal, Parent } from 'mdast';
import type { Extension as FromMarkdownExtension, Token } from 'mdast-util-from-markdown';

/** Attributes as Pandoc reads them: one identifier, classes, key-value pairs in order. */
export interface Attributes {
  id?: string;
  classes: string[];
  pairs: Array<[string, string]>;
  /** `{=format}`: a raw block or span for another output format. */
  rawFormat?: string;
}

export interface PandocAttributes extends Literal {
  type: 'pandocAttributes';
  /** The block as written, braces included. */
  value: string;
  attributes: Attributes;
}

export interface PandocDivFence extends Literal {
  type: 'pandocDivFence';
  value: string;
  /** Null for a closing fence. */
  attributes: Attributes | null;
}

export interface PandocDivData extends Data {
  hName?: string;
  hProperties?: import('hast').Properties;
}

export interface PandocDiv extends Parent {
  type: 'pandocDiv';
  attributes: Attributes;
  children: import('mdast').BlockContent[];
  data?: PandocDivData;
}

declare module 'mdast' {
  interface PhrasingContentMap {
    pandocAttributes: PandocAttributes;
  }
  interface RootContentMap {
    pandocAttributes: PandocAttributes;
    pandocDivFence: PandocDivFence;
    pandocDiv: PandocDiv;
  }
  interface BlockContentMap {
    pandocDivFence: PandocDivFence;
    pandocDiv: PandocDiv;
  }
}

/** Read `{#id .class key=value}` (braces included or not). */
export function parseAttributes(text: string): Attributes {
  const result: Attributes = { classes: [], pairs: [] };
  const inner = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const item = /\s*(?:#([^\s{}"']+)|\.([^\s{}"']+)|=([^\s{}"']+)|(-)(?=\s|$)|([\w:.\-\u0080-\uffff]+)=(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s{}"']+)))/gu;
  for (const match of inner.matchAll(item)) {
    if (match[1] !== undefined) result.id = match[1];
    else if (match[2] !== undefined) result.classes.push(match[2]);
    else if (match[3] !== undefined) result.rawFormat = match[3];
    else if (match[4] !== undefined) result.classes.push('unnumbered');
    else if (match[5] !== undefined) {
      const value = match[6] ?? match[7] ?? match[8] ?? '';
      result.pairs.push([match[5], value.replace(/\\(.)/g, '$1')]);
    }
  }
  return result;
}

/** A fence line's attributes: `{…}`, one class word, or null (a closing fence). */
export function parseFence(line: string): Attributes | null {
  const rest = line.trim().replace(/^:{3,}\s*/, '').replace(/\s*:*\s*$/, '');
  if (rest === '') return null;
  if (rest.startsWith('{')) return parseAttributes(rest);
  return { classes: [rest], pairs: [] };
}

export function pandocAttributesFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocAttributes(token: Token) {
        const value = this.sliceSerialize(token);
        this.enter({ type: 'pandocAttributes', value, attributes: parseAttributes(value) } as never, token);
      },
      pandocDivFence(token: Token) {
        const value = this.sliceSerialize(token);
        this.enter({ type: 'pandocDivFence', value, attributes: parseFence(value) } as never, token);
      },
    },
    exit: {
      pandocAttributes(token: Token) {
        this.exit(token);
      },
      pandocDivFence(token: Token) {
        this.exit(token);
      },
    },
  };
}
