/**
 * Writing the screen edition to disk.
 *
 * In: a `DocumentModel` and an output folder. Out, beside each other:
 *
 *   OUT/NAME.html                   the page (renderHtmlPage)
 *   OUT/NAME_files/screen.css       @font-face rules for the faces the text
 *                                   uses, then templates/carim/screen.css
 *   OUT/NAME_files/tinos-*.woff2    those faces, from @fontsource/tinos
 *   OUT/NAME_files/LICENSE-Tinos.txt  the fonts' licence (SIL OFL 1.1)
 *   OUT/NAME_files/images/…         local images the text shows, copied
 *   OUT/NAME_files/.colophon-manifest  the files above: a rebuild removes
 *                                   only what the last one listed
 *
 * The assets sit in a folder named after the page (as browsers save a page
 * "complete") so two manuscripts built into one `dist/` never share or
 * overwrite each other's files. Every file goes through `writeFileAtomic`
 * (or the build's staging folder); one already in place with the same bytes
 * is left as it is.
 */
import { needsPandocCss } from '../shared/pandoc-css.js';
import { hasMath, mathCharacters, mathCss, mathFontFile, mathFontLicense, mathFontLicenseFile, mathFontSubset } from '../shared/math-font.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element } from 'hast';
import type { DocumentModel } from '../model/types.js';
import { foreignNames, replaceManifest } from '../output/manifest.js';
import { writeFileAtomic, type WriteFile } from '../shared/fs.js';
import { templatesDir } from '../shared/package.js';
import { fontFaceCss, fontFacesFor, fontLicensePath } from '../shared/fonts.js';
import { modelResources } from '../resources/index.js';
import { buildHtmlPage, imageSources, serialise, type HtmlPageOptions } from './page.js';

export interface HtmlEditionOptions extends Omit<HtmlPageOptions, 'assetsHref' | 'stylesheet' | 'imageSources'> {
  /** Folder the page is written to; created when missing. No default: the CLI passes `--out` (`dist/`). */
  outDir: string;
  /** Where the page ends up when `outDir` is a staging folder moved there later. Default: `outDir`. */
  finalDir?: string;
  /** How each file is written. Default: `writeFileAtomic`. */
  write?: WriteFile;
  /** Folder with the layout's `screen.css`. Default: the package's `templates/carim`. */
  templateDir?: string;
  /**
   * Announce a PDF edition built beside the page (`citation_pdf_url` →
   * `NAME.pdf`). Default: false. `pdfUrl` (absolute) wins over this.
   */
  pdf?: boolean;
}

/** Default folder of the CARIM screen layout. */
export function defaultTemplateDir(): string {
  return templatesDir('carim');
}

export interface LocalImage {
  /** Real path of the image in a trusted folder. */
  source: string;
  /** Its bytes, as read by the resource resolver. */
  data: Uint8Array;
  /** Path of the copy, relative to the output folder. */
  target: string;
  /** URL of the copy, relative to the page. */
  href: string;
}

/**
 * Images the text shows that the resource resolver read from the trusted
 * folders (`model.resources`): they must travel with the page, since
 * `dist/` is not the manuscript's folder. Remote and `data:` images are
 * left as written; nothing else is read from disk here.
 */
export function localImages(model: DocumentModel, assetsName: string, avoid: ReadonlySet<string> = new Set()): Map<string, LocalImage> {
  const found = new Map<string, LocalImage>();
  const files = modelResources(model).files;
  const sources = [...imageSources(model.body), ...model.notes.flatMap((n) => imageSources({ type: 'root', children: n.children }))];
  const names = new Map<string, string>();
  for (const src of sources) {
    const resource = files.get(src);
    if (found.has(src) || !resource) continue;
    const file = resource.path;
    // One copy per file; two files with one name get numbered copies, and
    // so does a file whose name a file not written by Colophon has.
    let name = names.get(file);
    if (!name) {
      const taken = new Set([...names.values(), ...avoid]);
      const ext = path.extname(file);
      const stem = path.basename(file, ext);
      name = `${stem}${ext}`;
      for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${ext}`;
      names.set(file, name);
    }
    found.set(src, {
      source: file,
      data: resource.data,
      target: path.join(assetsName, 'images', name),
      href: `${encodeURIComponent(assetsName)}/images/${encodeURIComponent(name)}`,
    });
  }
  return found;
}

/** Write `NAME.html` and its assets; resolves to the paths written, the page first. */
export async function writeHtmlEdition(model: DocumentModel, options: HtmlEditionOptions): Promise<string[]> {
  const { outDir, templateDir = defaultTemplateDir(), pdf = false, write: writeFile = writeFileAtomic, ...pageOptions } = options;
  const assetsName = `${model.name}_files`;
  const assetsDir = path.join(outDir, assetsName);
  // Written into a staging folder, the page ends up in `finalDir`: the files
  // of its assets folder there that Colophon did not write keep their names.
  const finalAssetsDir = path.join(options.finalDir ?? outDir, assetsName);
  const images = localImages(model, assetsName, foreignNames(finalAssetsDir, 'images'));
  const page = buildHtmlPage(model, {
    ...pageOptions,
    imageSources: new Map([...images].map(([src, image]) => [src, image.href])),
    pdfUrl: pageOptions.pdfUrl ?? (pdf ? `${model.name}.pdf` : undefined),
    assetsHref: encodeURIComponent(assetsName),
    stylesheet: 'screen.css',
  });

  const html = page.children.find((c): c is Element => c.type === 'element' && c.tagName === 'html');
  const body = html?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'body');
  const faces = body ? fontFacesFor(body) : [];
  const layout =
    readFileSync(path.join(templateDir, 'screen.css'), 'utf8') +
    (body && needsPandocCss(body) ? `\n${readFileSync(path.join(templateDir, 'pandoc-screen.css'), 'utf8')}` : '');
  const withMath = hasMath(model);
  const css =
    `/* Tinos (SIL Open Font License 1.1, see LICENSE-Tinos.txt): only the faces and subsets this page uses. */\n` +
    fontFaceCss(faces) +
    '\n' +
    (withMath ? `${mathCss(mathFontFile)}\n` : '') +
    layout;

  const written: string[] = [];
  const write = async (target: string, data: string | Uint8Array): Promise<void> => {
    await writeFile(target, data);
    written.push(target);
  };
  // Assets first, so a page never appears before the files it links to.
  for (const image of new Map([...images.values()].map((i) => [i.target, i])).values())
    await write(path.join(outDir, image.target), image.data);
  for (const face of faces) await write(path.join(assetsDir, face.file), readFileSync(face.source));
  await write(path.join(assetsDir, 'LICENSE-Tinos.txt'), readFileSync(fontLicensePath()));
  if (withMath) {
    await write(path.join(assetsDir, mathFontFile), await mathFontSubset(mathCharacters(model)));
    await write(path.join(assetsDir, mathFontLicenseFile), await mathFontLicense());
  }
  await write(path.join(assetsDir, 'screen.css'), css);
  const pagePath = path.join(outDir, `${model.name}.html`);
  await writeFile(pagePath, serialise(page));
  // Staged, the manifest is replaced when the files are moved into place.
  if (finalAssetsDir === assetsDir) await replaceManifest(assetsDir, written);
  return [pagePath, ...written];
}
