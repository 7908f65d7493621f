/**
 * Stage `model`: formatted mdast in, the `DocumentModel` out.
 *
 * remark-rehype turns the tree into hast (the `cite` stage's nodes carry
 * their own hast through `data.hName`/`hChildren`); raw HTML in the
 * manuscript is parsed (rehype-raw) and, unless the manuscript is trusted
 * (`unsafeHtml`), sanitised: no scripts, no event handlers, no `javascript:`
 * URLs. Headings get ids; notes are lifted out of the body into
 * `DocumentModel.notes`.
 */
import type { Element, ElementContent, Root as HastRoot, RootContent } from 'hast';
import type { Root } from 'mdast';
import { toString } from 'hast-util-to-string';
import { rehypeRaw } from '../shared/html-parser.js';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { Metadata } from '../load/schema.js';
import type { CitationStyleInfo, DocumentModel, Note } from './types.js';

export type { CitationStyleInfo, DocumentModel, Note, PageStart } from './types.js';
import { attachTableCaptions } from '../parse/figures.js';
import { mathmlAttributes, mathmlTagNames } from '../parse/mathml-schema.js';
import { rules } from '../rules.js';
import { fileError, fileWarn } from '../messages.js';
import { isLanguageTag, languageTagProblem } from '../shared/lang.js';
import { withoutUnusableCharacters } from '../shared/text.js';
import { modelAttributeGuard } from './own-attributes.js';
import { HeadingSlugs } from './slugs.js';

export interface ModelOptions {
  /** Manuscript name, used for the editions' file names. */
  name: string;
  metadata: Metadata;
  style: CitationStyleInfo;
  /** Let raw HTML through unsanitised (a trusted manuscript). Default: false. */
  unsafeHtml?: boolean;
}

/** What the sanitiser keeps: GitHub's safe subset plus what the pipeline itself writes. */
export const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  // What a removed <style> or <script> held is not text to show.
  strip: [...(defaultSchema.strip ?? []), 'style', 'script', 'template'],
  // Ids are the manuscript's own anchors (`#refs`, heading ids); the editions
  // run no script that DOM clobbering could mislead.
  clobber: [],
  clobberPrefix: '',
  tagNames: [
    ...(defaultSchema.tagNames ?? []),
    'section', 'aside', 'figure', 'figcaption', 'abbr', 'cite', 'mark', 'small', 'u', 'dfn', 'time', 'bdi', 'bdo', 'wbr', 'caption', 'colgroup', 'col',
    ...mathmlTagNames,
  ],
  attributes: {
    // Classes are free on every element (citeproc's and the manuscript's
    // own); GitHub's per-element lists would otherwise narrow them.
    ...Object.fromEntries(
      Object.entries(defaultSchema.attributes ?? {}).map(([tag, list]) => [
        tag,
        list.filter((entry) => !(Array.isArray(entry) && entry[0] === 'className')),
      ]),
    ),
    '*': [
      ...(defaultSchema.attributes?.['*'] ?? []),
      'className', 'id', 'role', 'lang', 'dir', 'title',
      'ariaLabel', 'ariaLabelledBy', 'ariaDescribedBy', 'ariaHidden',
      'data*',
    ],
    ...mathmlAttributes,
    img: [...(defaultSchema.attributes?.img ?? []), 'width', 'height', 'style'],
    time: ['dateTime'],
    abbr: ['title'],
    col: ['span'],
  },
};

const risky = /<\s*(script|style|iframe|object|embed)\b|\son[a-z]+\s*=|javascript:/i;

/** Convert the cited mdast into the document model. */
export function toDocumentModel(tree: Root, file: VFile, options: ModelOptions): DocumentModel {
  if (!options.unsafeHtml) {
    visit(tree, 'html', (node) => {
      if (risky.test(node.value)) {
        fileWarn(file, 'raw HTML with scripts, event handlers or `javascript:` URLs was removed (use --unsafe-html for a trusted manuscript)', {
          node,
          ruleId: rules.htmlSanitized,
          source: 'html',
        });
      }
    });
  }
  // rehype-raw re-parses the whole tree through an HTML parser: only worth
  // it when the manuscript has raw HTML.
  let hasRaw = false;
  visit(tree, 'html', () => {
    hasRaw = true;
    return false;
  });
  // The model's own note and citation attributes travel under a key raw
  // HTML cannot know; any the manuscript wrote are dropped (own-attributes.ts).
  const guard = modelAttributeGuard();
  const schema: SanitizeSchema = {
    ...sanitizeSchema,
    attributes: { ...sanitizeSchema.attributes, '*': [...(sanitizeSchema.attributes?.['*'] ?? []), guard.property] },
  };
  const processor = unified()
    .use(remarkRehype, { allowDangerousHtml: true })
    // Before raw HTML is read: the HTML parser drops a `<caption>` that is
    // not inside its table, and keeps only its text.
    .use(() => (hast: HastRoot) => {
      attachTableCaptions(hast);
    })
    .use(() => (hast: HastRoot) => guard.protect(hast));
  if (hasRaw) processor.use(rehypeRaw);
  if (!options.unsafeHtml) processor.use(rehypeSanitize, schema);
  processor.use(() => (hast: HastRoot) => guard.restore(hast));
  const hast = processor.runSync(tree, file) as HastRoot;
  checkText(hast, file);

  const notes: Note[] = [];
  const body: HastRoot = { type: 'root', children: [] };
  for (const node of hast.children) {
    if (node.type === 'element' && node.properties.dataNote !== undefined) {
      notes.push({
        number: Number(node.properties.dataNote),
        kind: node.properties.dataNoteKind === 'citation' ? 'citation' : 'author',
        children: trimWhitespace(node.children),
      });
    } else {
      body.children.push(node as RootContent);
    }
  }
  notes.sort((a, b) => a.number - b.number);
  // Text between blocks is only the line breaks remark-rehype adds.
  body.children = trimWhitespace(body.children as ElementContent[]) as RootContent[];

  addHeadingIds(body, notes);
  let bibliography: Element | null = null;
  visit(body, 'element', (node) => {
    if (node.tagName === 'section' && node.properties.id === 'refs') {
      bibliography = node;
      return false;
    }
  });
  return { name: options.name, metadata: options.metadata, body, notes, bibliography, style: options.style, file };
}

function trimWhitespace(nodes: ElementContent[]): ElementContent[] {
  return nodes.filter((node) => !(node.type === 'text' && node.value.trim() === ''));
}

/** Give every heading a unique id from its text (kept when it has one). */
function addHeadingIds(body: HastRoot, notes: Note[]): void {
  const slugger = new HeadingSlugs();
  const taken = new Set<string>();
  const collect = (node: HastRoot | Element) =>
    visit(node, 'element', (element) => {
      if (typeof element.properties.id === 'string') taken.add(element.properties.id);
    });
  collect(body);
  for (const note of notes) for (const child of note.children) if (child.type === 'element') collect(child);
  visit(body, 'element', (element) => {
    if (!/^h[1-6]$/.test(element.tagName) || element.properties.id) return;
    let id = slugger.slug(toString(element)) || 'section';
    while (taken.has(id)) id = slugger.slug(id);
    taken.add(id);
    element.properties.id = id;
  });
}

/**
 * What the text says reaches the editions as text: characters no edition
 * can carry are dropped (raw HTML brings them as it is written), and a
 * `lang` that is not a BCP 47 tag is reported where it stands and dropped
 * (`Intl` and every reader would choke on it).
 */
function checkText(tree: HastRoot, file: VFile): void {
  visit(tree, (node) => {
    if (node.type === 'text') {
      node.value = withoutUnusableCharacters(node.value);
      return;
    }
    if (node.type !== 'element') return;
    for (const [key, value] of Object.entries(node.properties)) {
      if (typeof value === 'string') node.properties[key] = withoutUnusableCharacters(value);
    }
    for (const key of ['lang', 'xmlLang'] as const) {
      const lang = node.properties[key];
      if (lang === undefined || lang === null) continue;
      if (typeof lang === 'string' && (lang === '' || isLanguageTag(lang))) continue;
      fileError(file, `\`lang\`: ${languageTagProblem(String(lang))}`, { node, ruleId: rules.langInvalid, source: 'model' });
      delete node.properties[key];
    }
  });
}
