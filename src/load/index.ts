/**
 * Stage `load`: a manuscript path in, a VFile with validated metadata out.
 *
 * Reads the Markdown file, parses its YAML front matter (`---` … `---` at the
 * top) and validates it against the one schema in `schema.ts`. Paths in the
 * front matter (`bibliography`, a `csl` that names a file) are resolved
 * relative to the manuscript. Problems are messages on the file with the
 * line and column of the offending key; the caller decides to stop.
 *
 * Plain YAML is read without the `yaml` package (`quick-yaml.ts`); the
 * package parses a block only when the quick reader leaves it, or when a
 * message needs the place of a key in it.
 */
import path from 'node:path';
import * as YAML from 'yaml';
import type { LineCounter, Document } from 'yaml';
import { VFile } from 'vfile';
import { rules } from '../rules.js';
import { defaultLimits, limitRule, overLimit, type Limits } from '../limits.js';
import { valueTooDeep } from '../guard.js';
import { readRegularFile } from '../resources/read.js';
import { readMetadataBlocks, type ReadBlock } from './metadata-blocks.js';
import { looksLikePath } from '../shared/paths.js';
import { cleanStrings } from '../shared/text.js';
import { isFrontMatterKey, parseFrontMatter, type FrontMatterData, type Metadata } from './schema.js';
import { fileError, fileWarn } from '../messages.js';
import type { RuleId } from '../rules.js';
import { decodeUtf8, invalidUtf8Reason } from './text.js';

export type { Metadata, Author, Series, FrontMatter } from './schema.js';
export { frontMatterKeys, frontMatterSchema, metadataDefaults, parseFrontMatter } from './schema.js';

export interface LoadOptions {
  /** Override the front matter's `csl`. Default: the front matter's. */
  style?: string;
  /** Override the citation locale (`--locale`). Default: `locale`, then `lang`, then `en-US`. */
  locale?: string;
  /** Override the front matter's bibliography files (paths relative to the cwd). */
  bibliography?: string[];
  /** Size, nesting and alias limits. Default: `defaultLimits`. */
  limits?: Limits;
  /** `--toc`: a contents list whatever the front matter says. */
  toc?: boolean;
}

export interface LoadedManuscript {
  file: VFile;
  /** Null when the front matter is missing or invalid (messages say why). */
  metadata: Metadata | null;
}

/** Read and validate one manuscript. Never throws for problems in the input. */
export async function load(input: string, options: LoadOptions = {}): Promise<LoadedManuscript> {
  const file = new VFile({ path: path.resolve(input), cwd: process.cwd() });
  const limits = options.limits ?? defaultLimits;
  // Never blocks (a FIFO, a device) and never reads more than the limit.
  const read = readRegularFile(file.path, limits['input-size']);
  if (!read.ok) {
    const large = read.why === 'large';
    fileError(file, large ? `manuscript too large: ${overLimit('input-size', limits)}` : `cannot read manuscript: ${read.reason}`, {
      ruleId: large ? limitRule('input-size') : rules.fileUnreadable,
      source: 'load',
    });
    return { file, metadata: null };
  }
  // A byte-order mark is dropped here, so the front matter after it is seen.
  const decoded = decodeUtf8(read.data);
  if (decoded.invalid) {
    const { offset, line, column } = decoded.invalid;
    file.value = '';
    fileError(file, invalidUtf8Reason('the manuscript', decoded.invalid), {
      place: { line, column, offset },
      ruleId: rules.encodingInvalid,
      source: 'load',
    });
    return { file, metadata: null };
  }
  file.value = decoded.text;
  const metadata = readFrontMatter(file, options);
  return { file, metadata };
}

const closedFrontMatter = /^---[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Parse and validate the front matter of a file whose `value` is set. */
export function readFrontMatter(file: VFile, options: LoadOptions = {}): Metadata | null {
  const text = String(file.value);
  // Every YAML metadata block counts, as in Pandoc: the one at the top and
  // any below the text; a key in a later block replaces an earlier one.
  // No front matter at all is a manuscript with no metadata, as in Pandoc.
  const blocks = readMetadataBlocks(text);
  // `---` on the first line and text right under it opens a front matter
  // (after a blank line it would be a rule): one that never closes would
  // otherwise lose the title, bibliography and style without a word.
  if (!closedFrontMatter.test(text) && /^---[ \t]*\r?\n[ \t]*\S/.test(text)) {
    fail(file, 'front matter opened here is never closed: end it with a line `---` (or `...`)', { line: 1, column: 1 }, rules.frontMatterUnclosed);
    return null;
  }
  let broken = false;
  for (const block of blocks) {
    if (block.quick) continue;
    const { document, lineCounter } = block.parsed();
    for (const error of document.errors) {
      const at = lineCounter.linePos(error.pos[0]);
      const where = block.start <= 1 ? 'front matter' : 'metadata block';
      fail(file, `${where}: ${error.message.split('\n')[0]}`, { line: at.line + block.yamlLine - 1, column: at.col }, rules.yamlSyntax);
      broken = true;
    }
  }
  if (broken) return null;
  const raw: Record<string, unknown> = {};
  /** Which block each top-level key was last set in. */
  const keyBlock = new Map<string, ReadBlock>();
  const limits = options.limits ?? defaultLimits;
  for (const block of blocks) {
    let js: unknown;
    try {
      js = block.quick ? block.quick.value : block.parsed().document.toJS({ maxAliasCount: limits['yaml-aliases'] });
    } catch (error) {
      // The yaml library stops an alias bomb ("billion laughs") here.
      if (!(error instanceof ReferenceError)) throw error;
      fail(file, `${block.start <= 1 ? 'front matter' : 'metadata block'}: too many YAML aliases: ${overLimit('yaml-aliases', limits)}`, { line: block.yamlLine, column: 1 }, limitRule('yaml-aliases'));
      return null;
    }
    if (valueTooDeep(js, limits.nesting)) {
      fail(file, `${block.start <= 1 ? 'front matter' : 'metadata block'} nested too deep: ${overLimit('nesting', limits)}`, { line: block.yamlLine, column: 1 }, limitRule('nesting'));
      return null;
    }
    // Control characters and lone surrogates reach no edition.
    const value: unknown = cleanStrings(js);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      if (key === '__proto__') continue;
      raw[key] = entry;
      keyBlock.set(key, block);
    }
  }
  const positionIn = (keyPath: readonly PropertyKey[]) => {
    const block = keyBlock.get(String(keyPath[0] ?? '')) ?? blocks[0];
    if (!block) return { line: 1, column: 1 };
    const { document, lineCounter } = block.parsed();
    return positionOfKey(document, lineCounter, keyPath.map(String), block.yamlLine);
  };
  // Inline references are CSL items, checked entry by entry with the bibliography.
  const references = raw.references;
  // Pandoc's template variables mean nothing to Colophon's editions: say
  // so, and build, as Pandoc would.
  for (const key of Object.keys(raw)) {
    if (!pandocTemplateVariables.has(key) || isFrontMatterKey(key)) continue;
    fileWarn(file, `front matter: \`${key}\` is a Pandoc template variable; Colophon's editions do not use it`, {
      place: positionIn([key]),
      ruleId: rules.frontMatterInvalid,
      source: 'load',
    });
    delete raw[key];
  }
  // Plainly valid front matter is told without zod; zod decides the rest and words its messages.
  const parsed = parseFrontMatter(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keyPath = issue.path.map(String);
      const at = positionIn(issue.code === 'unrecognized_keys' ? [...keyPath, issue.keys[0]] : keyPath);
      const where = keyPath.length > 0 ? `\`${keyPath.join('.')}\`: ` : '';
      const message =
        issue.code === 'unrecognized_keys'
          ? `front matter: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`
          : `front matter: ${where}${issue.message}`;
      fail(file, message, at, rules.frontMatterInvalid);
    }
    return null;
  }
  if (parsed.data.title === undefined) {
    fileWarn(file, 'no `title` in the front matter: the file name stands in for it', {
      place: { line: 1, column: 1 },
      ruleId: rules.titleMissing,
      source: 'load',
    });
  }
  const metadata = withContext(parsed.data, file, options);
  if (raw['notes-after-punctuation'] !== undefined) metadata.notesAfterPunctuationGiven = true;
  if (Array.isArray(references)) {
    metadata.references = {
      entries: references,
      at: (index, keyPath = []) => positionIn(['references', index, ...keyPath]),
    };
  }
  return metadata;
}

/** Pandoc's own template and writer variables, accepted (and ignored, with a warning) so a Pandoc manuscript builds. */
const pandocTemplateVariables = new Set([
  'pagetitle', 'title-prefix', 'header-includes', 'include-before', 'include-after', 'css', 'description-meta',
  'document-css', 'mainfont', 'sansfont', 'monofont', 'mathfont', 'fontsize', 'linestretch', 'geometry', 'margin-left',
  'margin-right', 'margin-top', 'margin-bottom', 'papersize', 'documentclass', 'classoption', 'fontfamily', 'colorlinks',
  'linkcolor', 'urlcolor', 'citecolor', 'toccolor', 'lof', 'lot', 'thanks', 'subject', 'author-meta', 'date-meta',
  'institute', 'cover-image', 'epub-cover-image', 'stylesheet', 'dir', 'hyphenate', 'indent', 'citation-abbreviations',
  'lang-name', 'biblio-title', 'biblio-style', 'natbiboptions', 'biblatexoptions', 'csl-refs', 'csl-entry-spacing',
]);

function fail(file: VFile, reason: string, place: { line: number; column: number }, ruleId: RuleId): void {
  fileError(file, reason, { place, ruleId, source: 'load' });
}

/** Line and column (in the manuscript) of a key path in the front matter. */
function positionOfKey(document: Document, lineCounter: LineCounter, keyPath: string[], firstLine = 2): { line: number; column: number } {
  let node: unknown = document.contents;
  let range: [number, number, number] | undefined = (node as { range?: [number, number, number] })?.range;
  for (const key of keyPath) {
    if (YAML.isMap(node)) {
      // The last of repeated keys is the one read.
      const pair = node.items.findLast((item) => YAML.isScalar(item.key) && String(item.key.value) === key);
      if (!pair) break;
      range = (pair.key as { range?: [number, number, number] }).range ?? range;
      node = pair.value;
    } else if (YAML.isSeq(node) && /^\d+$/.test(key) && Number(key) < node.items.length) {
      node = node.items[Number(key)];
      range = (node as { range?: [number, number, number] }).range ?? range;
    } else break;
  }
  if (!range) return { line: firstLine, column: 1 };
  const at = lineCounter.linePos(range[0]);
  return { line: at.line + firstLine - 1, column: at.col };
}

/** What needs the manuscript's place or the command line: paths made absolute, `--style`, `--locale`, bibliography overrides, the stand-in title. */
function withContext(data: FrontMatterData, file: VFile, options: LoadOptions): Metadata {
  const base = path.dirname(file.path);
  const bibliography = options.bibliography ? options.bibliography.map((p) => path.resolve(p)) : data.bibliography.map((p) => path.resolve(base, p));
  const csl = options.style
    ? looksLikePath(options.style)
      ? path.resolve(options.style)
      : options.style
    : data.csl && looksLikePath(data.csl)
      ? path.resolve(base, data.csl)
      : data.csl;
  return {
    ...data,
    title: data.title ?? path.basename(file.path, path.extname(file.path)),
    locale: options.locale ?? data.locale,
    localeGiven: options.locale !== undefined || data.localeGiven,
    bibliography,
    csl,
    ...(options.toc ? { toc: true } : {}),
  };
}
