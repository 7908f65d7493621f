/**
 * Stage `parse`: a loaded manuscript (VFile) in, an mdast tree out.
 *
 * remark-parse with GFM (footnotes, tables, autolinks, `~~strikethrough~~`),
 * Pandoc's `~subscript~` and `^superscript^`, and
 * front matter (the YAML block is kept as a `yaml` node, already validated by
 * `load`), then Pandoc's citation syntax into `cite` nodes. Footnote
 * references without a definition are reported here (GFM leaves them as
 * text), and definitions nobody references are warned about.
 */
import type { Root, Text } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { blankMetadataBlocks } from '../load/metadata-blocks.js';
import { rules } from '../rules.js';
import { citationsTransform } from './citations.js';
import type { LabelTable } from './locator.js';
import { scriptsTransform } from './scripts.js';
import { fileError, fileWarn } from '../messages.js';

export type { Cite, CiteItem } from './types.js';
export { citationsTransform, findCitations } from './citations.js';
export { englishLabels, labelsFromTerms, parseSuffix, type LabelTable } from './locator.js';
export { narrativeSuffix } from './citations.js';
export { scriptsTransform } from './scripts.js';

const processor = unified().use(remarkParse).use(remarkGfm, { singleTilde: false }).use(remarkFrontmatter, ['yaml']).freeze();

export interface ParseOptions {
  /** Locator label words (the document locale's terms and the style's); default: English. */
  labels?: LabelTable;
}

/** Parse a manuscript into mdast with `cite` nodes; locators are read once, with `labels`. */
export function parse(file: VFile, options: ParseOptions = {}): Root {
  // Metadata blocks (top or below the text) are not text: parse without them.
  const tree = processor.parse(blankMetadataBlocks(String(file.value)));
  citationsTransform(tree, file, options.labels);
  scriptsTransform(tree);
  checkFootnotes(tree, file);
  return tree;
}

/** Report `[^x]` left as text (no definition) and definitions never used. */
export function checkFootnotes(tree: Root, file: VFile): void {
  const referenced = new Set<string>();
  visit(tree, 'footnoteReference', (node) => {
    referenced.add(node.identifier);
  });
  visit(tree, 'text', (node: Text) => {
    for (const match of node.value.matchAll(/\[\^([^\]\s]+)\]/g)) {
      const start = node.position?.start;
      const before = node.value.slice(0, match.index);
      const lines = before.split('\n');
      const place = start
        ? {
            line: start.line + lines.length - 1,
            column: (lines.length === 1 ? start.column : 1) + lines[lines.length - 1].length,
          }
        : undefined;
      fileError(file, `footnote \`[^${match[1]}]\` is referenced but never defined`, {
        place,
        ruleId: rules.footnoteUndefined,
        source: 'parse',
      });
    }
  });
  visit(tree, 'footnoteDefinition', (node) => {
    if (!referenced.has(node.identifier)) {
      fileWarn(file, `footnote \`[^${node.label ?? node.identifier}]\` is defined but never referenced`, {
        node,
        ruleId: rules.footnoteUnused,
        source: 'parse',
      });
    }
  });
}
