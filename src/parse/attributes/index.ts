/**
 * remark plugin for Pandoc's attributes, bracketed spans and fenced divs:
 * the micromark syntax (`syntax.ts`) and its mdast (`from-markdown.ts`).
 * The tree transforms in `transform.ts` then attach and nest them.
 */
import type { Processor } from 'unified';
import { pandocAttributesFromMarkdown } from './from-markdown.js';
import { pandocAttributes } from './syntax.js';

export type { Attributes, PandocAttributes, PandocDiv, PandocDivFence } from './from-markdown.js';
export { parseAttributes, parseFence, pandocAttributesFromMarkdown } from './from-markdown.js';
export { pandocAttributes, factoryAttributes } from './syntax.js';

export function remarkPandocAttributes(this: Processor): void {
  const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push(pandocAttributes());
  (data.fromMarkdownExtensions ??= []).push(pandocAttributesFromMarkdown());
}
