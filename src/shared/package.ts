/**
 * Colophon's own package: where it is installed, its templates, its version.
 *
 * The code runs from `src/` under tsx or vitest and from `build/src/` once
 * compiled (also inside a global `npm install`), so the package root is
 * found by walking up from this module, never from the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root: the nearest folder above this module with a `package.json` and a `templates/` folder. */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates', 'csl'))) {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package root with templates/csl above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A folder or file in the package's `templates/`: `templatesDir('carim')`, `templatesDir('csl')`. */
export function templatesDir(...parts: string[]): string {
  return path.join(packageRoot(), 'templates', ...parts);
}

/** The package's version, from its `package.json`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
