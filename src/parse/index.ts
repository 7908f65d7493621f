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
import remarkDefinitionList from 'remark-definition-list';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { blankMetadataBlocks } from '../load/metadata-blocks.js';
import { rules } from '../rules.js';
import { shieldBrackets } from './brackets.js';
import { remarkPandocAttributes } from './attributes/index.js';
import { attributesTransform, reportLeftoverAttributes } from './attributes/transform.js';
import { citationsTransform } from './citations.js';
import type { LabelTable } from './locator.js';
import { definitionListsTransform } from './definition-lists.js';
import { figuresTransform } from './figures.js';
import { inlineNotesTransform } from './inline-notes.js';
import { mathTransform } from './math.js';
import { rawTransform } from './raw.js';
import { scriptsTransform } from './scripts.js';
import { typographyTransform } from './typography.js';
import { fileError, fileWarn } from '../messages.js';

export type { Cite, CiteItem } from './types.js';
export { citationsTransform, findCitations } from './citations.js';
export { englishLabels, labelsFromTerms, parseSuffix, type LabelTable } from './locator.js';
export { narrativeSuffix } from './citations.js';
export { scriptsTransform } from './scripts.js';

export { crossrefTransform, crossrefLabel, crossrefKind } from './crossref.js';
export { attachTableCaptions } from './figures.js';

/**
 * Pandoc's front matter may also end with `...`. One front-matter setting at
 * a time: two YAML settings together stop GFM footnote definitions being
 * read, so the closing line picks the processor.
 */
function makeProcessor(close: '---' | '...') {
  return unified()
    .use(remarkParse)
    .use(remarkGfm, { singleTilde: false })
    .use(remarkFrontmatter, [close === '---' ? 'yaml' : { type: 'yaml', fence: { open: '---', close: '...' } }])
    .use(remarkMath)
    .use(pandocDisplayMath)
    .use(remarkDefinitionList)
    .use(remarkPandocAttributes)
    .freeze();
}
/**
 * Display math is inline in Pandoc: `$$` on a line of its own does not open
 * a block, so `$$ … $$ {#eq-x}` over several lines is one formula in its
 * paragraph, with its attributes, as Pandoc reads it.
 */
function pandocDisplayMath(this: Processor): void {
  const data = this.data() as { micromarkExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push({ disable: { null: ['mathFlow'] } });
}

const processors = { '---': makeProcessor('---'), '...': makeProcessor('...') };
const dotsClose = /^---[ \t]*\r?\n(?:(?!---[ \t]*\r?\n)[^\n]*\n)*?\.\.\.[ \t]*(?:\r?\n|$)/;

export interface ParseOptions {
  /** Language of the text (BCP 47): the quote marks of smart punctuation. Default: `en-US`. */
  lang?: string;
  /** Locator label words (the document locale's terms and the style's); default: English. */
  labels?: LabelTable;
}

/** Parse a manuscript into mdast with `cite` nodes; locators are read once, with `labels`. */
export function parse(file: VFile, options: ParseOptions = {}): Root {
  // Metadata blocks (top or below the text) are not text: parse without them
  // (blanked, so every offset still points into the manuscript). Deep or
  // unbalanced brackets are shielded from the parser (brackets.ts).
  const shielded = shieldBrackets(file, blankMetadataBlocks(String(file.value)));
  const tree = processors['---'].parse(shielded.text);
  shielded.restore(tree);
  attributesTransform(tree, file);
  rawTransform(tree, file);
  mathTransform(tree, file);
  figuresTransform(tree);
  reportLeftoverAttributes(tree, file);
  definitionListsTransform(tree);
  inlineNotesTransform(tree);
  citationsTransform(tree, file, options.labels);
  scriptsTransform(tree);
  typographyTransform(tree, options.lang ?? 'en-US', String(file.value));
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
