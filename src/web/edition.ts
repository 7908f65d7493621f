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
 *
 * The assets sit in a folder named after the page (as browsers save a page
 * "complete") so two manuscripts built into one `dist/` never share or
 * overwrite each other's files. Every file goes through `writeFileAtomic`.
 */
import { needsPandocCss } from '../shared/pandoc-css.js';
import { hasMath, mathCharacters, mathCss, mathFontFile, mathFontLicense, mathFontLicenseFile, mathFontSubset } from '../shared/math-font.js';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Element } from 'hast';
import type { DocumentModel } from '../model/types.js';
import { writeFileAtomic } from '../shared/fs.js';
import { templatesDir } from '../shared/package.js';
import { fontFaceCss, fontFacesFor, fontLicensePath } from '../shared/fonts.js';
import { buildHtmlPage, imageSources, serialise, type HtmlPageOptions } from './page.js';

export interface HtmlEditionOptions extends Omit<HtmlPageOptions, 'assetsHref' | 'stylesheet' | 'imageSources'> {
  /** Folder the page is written to; created when missing. No default: the CLI passes `--out` (`dist/`). */
  outDir: string;
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

interface LocalImage {
  /** Absolute path of the image beside the manuscript. */
  source: string;
  /** Path of the copy, relative to the output folder. */
  target: string;
  /** URL of the copy, relative to the page. */
  href: string;
}

/**
 * Images the manuscript refers to by a relative path that exists beside
 * it: they must travel with the page, since `dist/` is not the manuscript's
 * folder. Remote and `data:` images, and missing files, are left as written.
 */
function localImages(model: DocumentModel, assetsName: string): Map<string, LocalImage> {
  const found = new Map<string, LocalImage>();
  if (!model.file.path) return found;
  const base = path.dirname(path.resolve(model.file.path));
  const sources = [...imageSources(model.body), ...model.notes.flatMap((n) => imageSources({ type: 'root', children: n.children }))];
  const names = new Map<string, string>();
  for (const src of sources) {
    if (found.has(src) || /^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(src)) continue;
    let file: string;
    try {
      file = path.resolve(base, decodeURIComponent(src.split(/[?#]/)[0] as string));
    } catch {
      continue;
    }
    if (!existsSync(file)) continue;
    // One copy per file; two files with one name get numbered copies.
    let name = names.get(file);
    if (!name) {
      const taken = new Set(names.values());
      const ext = path.extname(file);
      const stem = path.basename(file, ext);
      name = `${stem}${ext}`;
      for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${ext}`;
      names.set(file, name);
    }
    found.set(src, {
      source: file,
      target: path.join(assetsName, 'images', name),
      href: `${encodeURIComponent(assetsName)}/images/${encodeURIComponent(name)}`,
    });
  }
  return found;
}

/** Write `NAME.html` and its assets; resolves to the paths written, the page first. */
export async function writeHtmlEdition(model: DocumentModel, options: HtmlEditionOptions): Promise<string[]> {
  const { outDir, templateDir = defaultTemplateDir(), pdf = false, ...pageOptions } = options;
  const assetsName = `${model.name}_files`;
  const assetsDir = path.join(outDir, assetsName);
  const images = localImages(model, assetsName);
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
    (await readFile(path.join(templateDir, 'screen.css'), 'utf8')) +
    (body && needsPandocCss(body) ? `\n${await readFile(path.join(templateDir, 'pandoc-screen.css'), 'utf8')}` : '');
  const withMath = hasMath(model);
  const css =
    `/* Tinos (SIL Open Font License 1.1, see LICENSE-Tinos.txt): only the faces and subsets this page uses. */\n` +
    fontFaceCss(faces) +
    '\n' +
    (withMath ? `${mathCss(mathFontFile)}\n` : '') +
    layout;

  const written: string[] = [];
  const write = async (target: string, data: string | Uint8Array): Promise<void> => {
    await writeFileAtomic(target, data);
    written.push(target);
  };
  // Assets first, so a page never appears before the files it links to.
  for (const image of new Map([...images.values()].map((i) => [i.target, i])).values())
    await write(path.join(outDir, image.target), await readFile(image.source));
  for (const face of faces) await write(path.join(assetsDir, face.file), await readFile(face.source));
  await write(path.join(assetsDir, 'LICENSE-Tinos.txt'), await readFile(fontLicensePath()));
  if (withMath) {
    await write(path.join(assetsDir, mathFontFile), await mathFontSubset(mathCharacters(model)));
    await write(path.join(assetsDir, mathFontLicenseFile), await mathFontLicense());
  }
  await write(path.join(assetsDir, 'screen.css'), css);
  const pagePath = path.join(outDir, `${model.name}.html`);
  await writeFileAtomic(pagePath, serialise(page));
  await removeStale(assetsDir, new Set(written));
  return [pagePath, ...written];
}

/**
 * Font subsets and images an earlier build of this page wrote but this one
 * did not: left behind they would be shipped with the page for nothing.
 * Only files of the kinds this writer makes are touched.
 */
async function removeStale(assetsDir: string, keep: Set<string>): Promise<void> {
  const candidates: string[] = [];
  for (const [dir, pattern] of [
    [assetsDir, /^(tinos-.*|texgyretermes-math)\.woff2$/],
    [path.join(assetsDir, 'images'), /./],
  ] as const) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (pattern.test(name)) candidates.push(path.join(dir, name));
  }
  await Promise.all(candidates.filter((file) => !keep.has(file)).map((file) => rm(file, { force: true, recursive: false })));
}
