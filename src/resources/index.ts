/**
 * Files a manuscript names, confined to the folders the user trusts.
 *
 * Every image, SVG, stylesheet or other file a manuscript points at (an
 * `![](…)` image, a raw HTML `src`, `srcset`, `poster`, `data` or `href`,
 * a CSS `url()` or `@import`) goes through `resolveReference`: the one
 * place that decides whether Colophon reads it.
 *
 * - Relative paths are looked up in the manuscript's folder, then in each
 *   `--resource-path` folder (as Pandoc does); an absolute path only when
 *   it lies inside one of them.
 * - A path that leaves those folders (`..`, an absolute path, a symbolic
 *   link whose real path is elsewhere) or a `file:` URL is refused:
 *   `resource-outside`.
 * - A device, FIFO, folder or socket, a malformed `%`-escape or a file over
 *   the `resource-size` limit is refused without blocking: `resource-unreadable`
 *   (or `limit-resource-size`).
 * - Remote URLs are never fetched: the web page keeps them as links, the
 *   ebook and the print edition report them (`resource-remote`).
 * - With `sandbox`, only the manuscript's folder counts, whatever else is
 *   asked for.
 *
 * `confineResources` runs once per document, after the model is made: it
 * reads every local file the editions may use into `model.resources`, and
 * the edition writers take the bytes from there and from nowhere else.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import type { Nodes as MdastNodes, Root as MdastRoot } from 'mdast';
import type { VFile } from 'vfile';
import { defaultLimits, limitRule, overLimit, type Limits } from '../limits.js';
import { rules } from '../rules.js';
import { readRegularFile } from './read.js';
import { fileError, fileWarn } from '../messages.js';
import type { RuleId } from '../rules.js';

export { readRegularFile, type ReadResult } from './read.js';

export interface ResourcePolicy {
  /** Real paths of the trusted folders, the manuscript's first. */
  roots: string[];
  /** Only the manuscript's folder (`roots[0]`) counts. */
  sandbox: boolean;
  limits: Limits;
}

/** A file the editions may use, read once. */
export interface LocalResource {
  /** Real path of the file. */
  path: string;
  data: Buffer;
}

export type Resolution =
  | { kind: 'file'; resource: LocalResource }
  | { kind: 'remote'; url: string }
  /** `data:` URLs, fragments and empty references: nothing to read. */
  | { kind: 'inline' }
  /** `mailto:`, `javascript:` … : not a file (the sanitiser deals with these). */
  | { kind: 'other' }
  | { kind: 'missing'; path: string }
  | { kind: 'refused'; ruleId: RuleId; reason: string };

/** The rule ids of this module (also in `src/rules.ts`). */
export const resourceRules = {
  outside: rules.resourceOutside,
  unreadable: rules.resourceUnreadable,
  missing: rules.resourceMissing,
  remote: rules.resourceRemote,
} as const;

function realFolder(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** The policy for a manuscript at `manuscript`. */
export function resourcePolicy(manuscript: string, options: { resourcePath?: string[]; sandbox?: boolean; limits: Limits }): ResourcePolicy {
  const own = realFolder(path.dirname(path.resolve(manuscript)));
  const others = options.sandbox ? [] : (options.resourcePath ?? []).map((dir) => realFolder(dir));
  return { roots: [...new Set([own, ...others])], sandbox: options.sandbox ?? false, limits: options.limits };
}

export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' ? false : !relative.startsWith('..') && !path.isAbsolute(relative);
}

function trustedFolders(policy: ResourcePolicy): string[] {
  return policy.sandbox ? policy.roots.slice(0, 1) : policy.roots;
}

/** How the refusal of an outside file ends: where files may come from. */
function whereFrom(policy: ResourcePolicy): string {
  if (policy.sandbox) return 'with --sandbox, files are read only from the manuscript\'s folder';
  return policy.roots.length > 1
    ? 'files are read only from the manuscript\'s folder and the --resource-path folders'
    : 'files are read only from the manuscript\'s folder (name other trusted folders with --resource-path DIR)';
}

const schemePattern = /^([a-z][a-z0-9+.-]*):/i;

/** Resolve a file path (already decoded) against the trusted folders and read it. */
export function readConfined(file: string, policy: ResourcePolicy, display = file): Resolution {
  const folders = trustedFolders(policy);
  const candidates = path.isAbsolute(file) ? [path.normalize(file)] : folders.map((root) => path.resolve(root, file));
  let missing: string | undefined;
  for (const candidate of candidates) {
    if (!folders.some((root) => isInside(candidate, root))) continue;
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        missing ??= candidate;
        continue;
      }
      return { kind: 'refused', ruleId: resourceRules.unreadable, reason: `\`${display}\` cannot be read (${code ?? String(error)})` };
    }
    if (!folders.some((root) => isInside(real, root))) {
      return { kind: 'refused', ruleId: resourceRules.outside, reason: `\`${display}\` is a link to a file outside the trusted folders; ${whereFrom(policy)}` };
    }
    const read = readRegularFile(real, policy.limits['resource-size'], { expectReal: true });
    if (read.ok) return { kind: 'file', resource: { path: real, data: read.data } };
    if (read.why === 'missing') {
      missing ??= candidate;
      continue;
    }
    if (read.why === 'large') {
      return { kind: 'refused', ruleId: limitRule('resource-size'), reason: `\`${display}\` is too large: ${overLimit('resource-size', policy.limits)}` };
    }
    return { kind: 'refused', ruleId: resourceRules.unreadable, reason: `\`${display}\` cannot be used: ${read.reason}` };
  }
  if (missing !== undefined) return { kind: 'missing', path: missing };
  return { kind: 'refused', ruleId: resourceRules.outside, reason: `\`${display}\` is outside the manuscript's folder; ${whereFrom(policy)}` };
}

/** Decide what a reference (`src`, `href`, `url()`) as written in the manuscript is, and read it when it is a local file. */
export function resolveReference(reference: string, policy: ResourcePolicy): Resolution {
  const ref = reference.trim();
  if (ref === '' || ref.startsWith('#')) return { kind: 'inline' };
  if (ref.startsWith('//')) return { kind: 'remote', url: `https:${ref}` };
  const scheme = schemePattern.exec(ref)?.[1]?.toLowerCase();
  // A one-letter "scheme" is a Windows drive (`C:\…`): an absolute path.
  if (scheme && scheme.length > 1) {
    if (scheme === 'file') return { kind: 'refused', ruleId: resourceRules.outside, reason: `\`${ref}\` is a file: URL; ${whereFrom(policy)}, by relative paths` };
    if (scheme === 'http' || scheme === 'https' || scheme === 'ftp') return { kind: 'remote', url: ref };
    if (scheme === 'data') return { kind: 'inline' };
    return { kind: 'other' };
  }
  if (scheme && /^[a-z]:[\\/]/i.test(ref)) return { kind: 'refused', ruleId: resourceRules.outside, reason: `\`${ref}\` is an absolute path; ${whereFrom(policy)}` };
  const bare = ref.split(/[?#]/)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    return { kind: 'refused', ruleId: resourceRules.unreadable, reason: `\`${ref}\` has a malformed %-escape (write a literal % as %25)` };
  }
  if (decoded.includes('\0')) return { kind: 'refused', ruleId: resourceRules.unreadable, reason: `\`${ref}\` has a NUL character` };
  if (decoded === '') return { kind: 'inline' };
  return readConfined(decoded, policy, ref);
}

// ---------------------------------------------------------------------------
// The references in a document model

/** Attributes (hast property names) that name a file to load. */
const loadingAttributes = ['src', 'poster', 'data', 'background', 'lowsrc', 'dynsrc'];
/** Elements whose `href` is loaded (not merely linked to). */
const loadingHref = new Set(['link', 'image', 'use', 'feImage', 'script', 'base']);

const cssReference = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)|@import\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gi;

/** The files a stylesheet (or `style` attribute) loads. */
export function cssReferences(css: string): string[] {
  const found: string[] = [];
  for (const match of css.matchAll(cssReference)) {
    const value = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5] ?? '';
    found.push(value.replace(/\\(.)/g, '$1'));
  }
  return found;
}

function srcsetReferences(srcset: string): string[] {
  return srcset
    .split(',')
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

interface Found {
  element: Element;
  attribute: string;
  reference: string;
  /** An `<img>`'s `src`: the one kind the editions copy. */
  image: boolean;
}

function textOf(element: Element): string {
  return element.children.map((child) => (child.type === 'text' ? child.value : '')).join('');
}

/** Every reference to a file under `tree`, without recursion on the stack. */
export function findReferences(tree: Root | Element): Found[] {
  const found: Found[] = [];
  const stack: Array<Root | Element | ElementContent> = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'element' && node.type !== 'root') continue;
    if (node.type === 'element') {
      const properties = node.properties ?? {};
      for (const attribute of loadingAttributes) {
        const value = properties[attribute];
        if (typeof value === 'string') found.push({ element: node, attribute, reference: value, image: node.tagName === 'img' && attribute === 'src' });
      }
      for (const attribute of ['srcSet', 'imageSrcSet']) {
        const value = properties[attribute];
        const text = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : undefined;
        if (text !== undefined) for (const reference of srcsetReferences(text)) found.push({ element: node, attribute, reference, image: false });
      }
      for (const attribute of ['href', 'xLinkHref']) {
        const value = properties[attribute];
        if (typeof value === 'string' && (attribute === 'xLinkHref' || loadingHref.has(node.tagName))) {
          found.push({ element: node, attribute, reference: value, image: false });
        }
      }
      if (typeof properties.style === 'string') {
        for (const reference of cssReferences(properties.style)) found.push({ element: node, attribute: 'style', reference, image: false });
      }
      if (node.tagName === 'style') {
        for (const reference of cssReferences(textOf(node))) found.push({ element: node, attribute: 'style', reference, image: false });
      }
      if (node.tagName === 'template' && node.content) stack.push(node.content);
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ElementContent);
  }
  return found;
}

/** What `confineResources` found. */
export interface ResourceTable {
  /** Local files by the reference as written (`src` of an `<img>`, `url()` …). */
  files: Map<string, LocalResource>;
  /** Remote URLs the manuscript loads (images, stylesheets …), as written, with where the first use is. */
  remote: Map<string, Element['position']>;
  policy: ResourcePolicy;
}

/**
 * Resolve every reference in the document's body and notes: read the local
 * files into the table, report refusals (fatal) on `file` at the element,
 * and strip a refused reference from the tree so no edition can load it.
 */
export function confineResources(trees: Array<Root | Element>, file: VFile, policy: ResourcePolicy): ResourceTable {
  const table: ResourceTable = { files: new Map(), remote: new Map(), policy };
  const decided = new Map<string, Resolution>();
  for (const tree of trees) {
    for (const { element, attribute, reference, image } of findReferences(tree)) {
      let resolution = decided.get(reference);
      const first = !resolution;
      if (!resolution) {
        resolution = resolveReference(reference, policy);
        decided.set(reference, resolution);
      }
      if (resolution.kind === 'file') table.files.set(reference, resolution.resource);
      else if (resolution.kind === 'missing' && image && first) {
        // Every edition would show a broken image: say so once, for all of them.
        fileWarn(file, `image \`${reference}\` is not found; ${whereFrom(policy)}`, { node: element, ruleId: resourceRules.missing, source: 'resources' });
      }
      else if (resolution.kind === 'remote') {
        if (!table.remote.has(reference)) table.remote.set(reference, element.position);
      }
      else if (resolution.kind === 'refused') {
        fileError(file, resolution.reason, { node: element, ruleId: resolution.ruleId, source: 'resources' });
        scrub(element, attribute);
      }
    }
  }
  return table;
}

function scrub(element: Element, attribute: string): void {
  if (attribute === 'style' && element.tagName === 'style') element.children = [];
  else delete element.properties[attribute];
}

/**
 * Whether a data file the front matter names (`bibliography`, `csl`) may be
 * read: inside the manuscript's folder, the working folder or a
 * `--resource-path` folder; with `sandbox`, the manuscript's folder only.
 * A refusal is reported (fatal) at the key and the file is not read.
 */
export function confineDataFile(file: VFile, dataFile: string, key: string, policy: ResourcePolicy): boolean {
  const folders = policy.sandbox ? policy.roots.slice(0, 1) : [...policy.roots, realFolder(process.cwd())];
  let real: string;
  try {
    real = realpathSync(dataFile);
  } catch {
    // A missing file is reported where it is read; its place must still be inside.
    real = path.resolve(dataFile);
  }
  if (folders.some((root) => isInside(real, root))) return true;
  const where = policy.sandbox
    ? 'with --sandbox, the front matter may name files in the manuscript\'s folder only'
    : 'the front matter may name files in the manuscript\'s folder, the working folder and --resource-path folders (or give it with --' + (key === 'csl' ? 'style' : 'bibliography') + ')';
  fileError(file, `\`${key}\` names \`${dataFile}\`, outside the trusted folders; ${where}`, {
    place: frontMatterKeyPlace(String(file.value ?? ''), key),
    ruleId: rules.resourceOutside,
    source: 'resources',
  });
  return false;
}

/** Line and column of a top-level front-matter key, if it is there. */
export function frontMatterKeyPlace(text: string, key: string): { line: number; column: number } | undefined {
  const lines = text.slice(0, 200_000).split('\n');
  if (!/^---\s*$/.test(lines[0] ?? '')) return undefined;
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)\s*$/.test(lines[i])) break;
    if (lines[i].startsWith(`${key}:`)) return { line: i + 1, column: 1 };
  }
  return undefined;
}

/**
 * The model's resource table; for a model made without `buildDocument` (by
 * hand, in a library), it is made now, from the manuscript's folder only.
 */
export function modelResources(model: {
  body: Root;
  notes: Array<{ children: ElementContent[] }>;
  file: VFile;
  resources?: ResourceTable;
  limits?: Limits;
}): ResourceTable {
  if (!model.resources) {
    const manuscript = model.file.path ? path.resolve(model.file.path) : path.join(process.cwd(), 'manuscript.md');
    const policy = resourcePolicy(manuscript, { limits: model.limits ?? defaultLimits });
    model.resources = confineResources([model.body, ...model.notes.map((note) => ({ type: 'root' as const, children: note.children }))], model.file, policy);
  }
  return model.resources;
}

/**
 * Images of the Markdown (`![](…)`, `![][ref]`) whose URL the HTML
 * sanitiser would drop without a word (a `file:` URL): refused here, at
 * their place, so the author learns why the image is missing.
 */
export function checkMarkdownImages(tree: MdastRoot, file: VFile, policy: ResourcePolicy): void {
  const definitions = new Map<string, string>();
  const images: Array<{ url: string; node: MdastNodes }> = [];
  const stack: MdastNodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'definition') definitions.set(node.identifier, node.url);
    else if (node.type === 'image') images.push({ url: node.url, node });
    else if (node.type === 'imageReference') images.push({ url: `\0${node.identifier}`, node });
    if ('children' in node) stack.push(...(node.children as MdastNodes[]));
  }
  for (const { url, node } of images) {
    const reference = url.startsWith('\0') ? definitions.get(url.slice(1)) : url;
    if (reference === undefined || !/^\s*file:/i.test(reference)) continue;
    const resolution = resolveReference(reference, policy);
    if (resolution.kind === 'refused') {
      fileError(file, resolution.reason, { node, ruleId: resolution.ruleId, source: 'resources' });
    }
  }
}
