/**
 * What one manuscript's build reads and writes, named before anything is
 * written: the guard compares the two, the lock covers the writes.
 */
import path from 'node:path';
import { localImages } from '../web/edition.js';
import type { DocumentModel } from '../model/types.js';
import type { BuildInput } from './guard.js';
import { foreignNames } from './manifest.js';

/** Name of the folder beside `NAME.html` that holds its assets. */
export const assetsFolder = (name: string) => `${name}_files`;

/** The files a manuscript's build reads: the manuscript, its bibliographies, a style file, its images. */
export function documentInputs(model: DocumentModel): BuildInput[] {
  const inputs: BuildInput[] = [];
  if (model.file.path) inputs.push({ path: model.file.path, kind: 'manuscript' });
  for (const file of model.metadata.bibliography) inputs.push({ path: file, kind: 'bibliography' });
  const csl = model.metadata.csl;
  if (csl && path.isAbsolute(csl)) inputs.push({ path: csl, kind: 'style' });
  for (const image of localImages(model, assetsFolder(model.name)).values()) inputs.push({ path: image.source, kind: 'image' });
  return inputs;
}

/**
 * The paths a build of `model` may write into `outDir` for `formats`
 * (besides temporary files beside them): the editions, the lock, and for
 * the web page its assets folder's fixed files and image copies.
 */
export function documentTargets(model: DocumentModel, formats: readonly string[], outDir: string): string[] {
  const targets = [path.join(outDir, `${model.name}.lock`)];
  for (const format of formats) targets.push(path.join(outDir, `${model.name}.${format}`));
  if (formats.includes('html')) {
    const assets = path.join(outDir, assetsFolder(model.name));
    targets.push(path.join(assets, 'screen.css'), path.join(assets, 'LICENSE-Tinos.txt'), path.join(assets, '.colophon-manifest'));
    const images = localImages(model, assetsFolder(model.name), foreignNames(assets, 'images'));
    for (const image of images.values()) targets.push(path.join(outDir, image.target));
  }
  return targets;
}
