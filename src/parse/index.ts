/**
 * Stage `parse`: a loaded manuscript (VFile) in, an mdast tree out.
 *
 * remark-parse (micromark) with GFM (footnotes, tables, autolinks,
 * `~~strikethrough~~`), math, definition lists, Pandoc's attributes,
 * Pandoc's `~subscript~` and `^superscript^`, and
 * front matter (the YAML block is kept as a `yaml` node, already validated by
 * `load`), then Pandoc's citation syntax into `cite` nodes. Footnote
 * references without a definition are reported here (GFM leaves them as
 * text), and definitions nobody references are warned about.
 */
import type { FootnoteDefinition, Nodes, Parent, Root, Text } from 'mdast';
import { defListFromMarkdown } from 'mdast-util-definition-list';
import type { Extension as MdastExtension } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { mathFromMarkdown } from 'mdast-util-math';
import { defList } from 'micromark-extension-definition-list';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { math } from 'micromark-extension-math';
import { combineExtensions } from 'micromark-util-combine-extensions';
import type { Extension } from 'micromark-util-types';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import type { VFile } from 'vfile';
import { findMetadataBlocks, blankMetadataBlocks } from '../load/metadata-blocks.js';
import { rules } from '../rules.js';
import { shieldBrackets } from './brackets.js';
import { parseRemembering, type Remembered } from './memory.js';
import { pandocAttributes } from './attributes/syntax.js';
import { pandocAttributesFromMarkdown } from './attributes/from-markdown.js';
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
 * The Markdown syntax: GFM (autolinks, footnotes, `~~strikethrough~~`,
 * tables, task lists; `~` alone is no strikethrough), YAML front matter,
 * math, definition lists and Pandoc's attributes, in this order.
 *
 * A syntax whose constructs can only start at characters the text does not
 * have is left out (it would change nothing, and trying it at every letter
 * is most of the parsing time): autolinks without `www`, `http` or an
 * e-mail's `x@`, footnotes without `[^`, strikethrough without `~`, tables
 * without `|`, `:-` or `-:`, task lists without `[ ]`/`[x]`, math without `$`,
 * front matter unless the text starts with `---`. Each combination is made
 * once, when first needed.
 */
const syntaxes = new Map<number, Processor<Root>>();

/** Which of the syntaxes above `text` can use, as a number. */
function syntaxKey(text: string): number {
  // An escape (`a\\@b.org`) or a character reference (`&#64;`) may make an autolink's text.
  const autolinks = /[\w+\-.\\]@|www|http|&[#a-z]/i.test(text);
  const footnotes = text.includes('[^');
  const strikethrough = text.includes('~');
  // A table's delimiter row has a `|`, or a colon by a dash (`:-`).
  const tables = text.includes('|') || text.includes(':-') || text.includes('-:');
  const tasks = /\[[\sxX]\]/.test(text);
  const dollars = text.includes('$');
  const yaml = /^\uFEFF?---/.test(text);
  return +autolinks | (+footnotes << 1) | (+strikethrough << 2) | (+tables << 3) | (+tasks << 4) | (+dollars << 5) | (+yaml << 6);
}

/** remark-parse with the syntaxes of `key` (`syntaxKey`). */
function syntaxFor(key: number): Processor<Root> {
  let syntax = syntaxes.get(key);
  if (syntax) return syntax;
  const has = (bit: number) => (key & (1 << bit)) !== 0;
  const [autolinks, footnotes, strikethrough, tables, tasks, dollars, yaml] = [0, 1, 2, 3, 4, 5, 6].map(has);
  const gfm: Extension[] = [];
  const gfmTrees: MdastExtension[] = [];
  if (autolinks) gfm.push(gfmAutolinkLiteral()), gfmTrees.push(gfmAutolinkLiteralFromMarkdown());
  if (footnotes) gfm.push(gfmFootnote()), gfmTrees.push(gfmFootnoteFromMarkdown());
  if (strikethrough) gfm.push(gfmStrikethrough({ singleTilde: false })), gfmTrees.push(gfmStrikethroughFromMarkdown());
  if (tables) gfm.push(gfmTable()), gfmTrees.push(gfmTableFromMarkdown());
  if (tasks) gfm.push(gfmTaskListItem()), gfmTrees.push(gfmTaskListItemFromMarkdown());
  const extensions: Extension[] = [combineExtensions(gfm)];
  const mdastExtensions: Array<MdastExtension | MdastExtension[]> = [gfmTrees];
  if (yaml) extensions.push(frontmatter(['yaml'])), mdastExtensions.push(frontmatterFromMarkdown(['yaml']));
  // Display math is inline in Pandoc: `$$` on a line of its own does not
  // open a block, so `$$ … $$ {#eq-x}` over several lines is one formula in
  // its paragraph, with its attributes, as Pandoc reads it.
  if (dollars) extensions.push(math(), { disable: { null: ['mathFlow'] } }), mdastExtensions.push(mathFromMarkdown());
  extensions.push(defList, pandocAttributes());
  mdastExtensions.push(defListFromMarkdown, pandocAttributesFromMarkdown());
  syntax = unified().use(remarkParse).data({ micromarkExtensions: extensions, fromMarkdownExtensions: mdastExtensions }).freeze() as unknown as Processor<Root>;
  syntaxes.set(key, syntax);
  return syntax;
}

/**
 * The metadata blocks blanked: the one at the top needs no reading (it is
 * metadata whatever its YAML); a later one is metadata only if its YAML is
 * a mapping, so then they are all read.
 */
function withoutMetadata(text: string): string {
  const blocks = findMetadataBlocks(text);
  if (blocks.length === 0) return text;
  return blocks.every((block) => block.start <= 1) ? blankMetadataBlocks(text, blocks) : blankMetadataBlocks(text);
}

export interface ParseOptions {
  /** Language of the text (BCP 47): the quote marks of smart punctuation. Default: `en-US`. */
  lang?: string;
  /** Locator label words (the document locale's terms and the style's); default: English. */
  labels?: LabelTable;
  /**
   * The last parse of this manuscript, and where to keep this one
   * (`src/cache/parses.ts`): only the blocks around an edit are parsed
   * again (`memory.ts`). The tree is the same without it.
   */
  memory?: ParseMemory;
}

/** Where a manuscript's last parse is kept; `syntax` tells parses with other syntaxes apart. */
export interface ParseMemory {
  recall(syntax: string): Remembered | undefined;
  keep(syntax: string, memory: Remembered): void;
}

/** Parse a manuscript into mdast with `cite` nodes; locators are read once, with `labels`. */
export function parse(file: VFile, options: ParseOptions = {}): Root {
  // Metadata blocks (top or below the text) are not text: parse without them
  // (blanked, so every offset still points into the manuscript). Deep or
  // unbalanced brackets are shielded from the parser (brackets.ts).
  const shielded = shieldBrackets(file, withoutMetadata(String(file.value)));
  const key = syntaxKey(shielded.text);
  const processor = syntaxFor(key);
  let tree: Root;
  // Shielded brackets are put back into the tree: a remembered tree would have them already.
  if (options.memory && !shielded.shielded) {
    const remembered = parseRemembering(shielded.text, (text) => processor.parse(text), options.memory.recall(String(key)));
    if (remembered.memory) options.memory.keep(String(key), remembered.memory);
    tree = remembered.tree;
  } else {
    tree = processor.parse(shielded.text);
    shielded.restore(tree);
  }
  // Passes over the whole tree are skipped when the text has nothing for
  // them: attribute blocks and fenced divs need `{` or `:::`; raw TeX a
  // backslash (written, or as a character reference), raw blocks `{=`.
  const text = shielded.text;
  const attributes = text.includes('{') || text.includes(':::');
  if (attributes) attributesTransform(tree, file);
  if (text.includes('\\') || text.includes('&') || text.includes('{=')) rawTransform(tree, file);
  // Math nodes come only from the math syntax, read only where there are dollars.
  if (text.includes('$')) mathTransform(tree, file);
  figuresTransform(tree);
  if (attributes) reportLeftoverAttributes(tree, file);
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
  // One walk (in document order): the references, the text that still
  // reads `[^`, the definitions; reported in that order.
  const referenced = new Set<string>();
  const leftovers: Text[] = [];
  const definitions: FootnoteDefinition[] = [];
  const walk = (node: Nodes) => {
    if (node.type === 'footnoteReference') referenced.add(node.identifier);
    else if (node.type === 'text') {
      if (node.value.includes('[^')) leftovers.push(node);
    } else if (node.type === 'footnoteDefinition') definitions.push(node);
    if ('children' in node) for (const child of (node as Parent).children) walk(child as Nodes);
  };
  walk(tree);
  for (const node of leftovers) {
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
  }
  for (const node of definitions) {
    if (!referenced.has(node.identifier)) {
      fileWarn(file, `footnote \`[^${node.label ?? node.identifier}]\` is defined but never referenced`, {
        node,
        ruleId: rules.footnoteUnused,
        source: 'parse',
      });
    }
  }
}
