/**
 * The HTML parser (parse5, through `hast-util-from-html` and `rehype-raw`),
 * for what only some builds have: raw HTML in a manuscript, formulas, a
 * template or a citation outside the quick readers' part of HTML
 * (`quick-html.ts`). Setting the parser up costs a few milliseconds, so in
 * the CLI bundle the two namespaces below load their package on first use
 * (`scripts/bundle.mjs` makes each `import * as` here a lazy `require`);
 * the compiled modules import them as usual.
 */
import type { Root } from 'hast';
import * as fromHtmlPackage from 'hast-util-from-html';
import * as rehypeRawPackage from 'rehype-raw';
import type { Options as RawOptions } from 'rehype-raw';
import type { VFile } from 'vfile';

/** `hast-util-from-html`'s `fromHtml`. */
export const fromHtml: typeof fromHtmlPackage.fromHtml = (value, options) => fromHtmlPackage.fromHtml(value, options);

/** The `rehype-raw` plugin: raw HTML nodes parsed into the tree. */
export function rehypeRaw(options?: RawOptions | null): (tree: Root, file: VFile) => Root {
  return rehypeRawPackage.default(options);
}
