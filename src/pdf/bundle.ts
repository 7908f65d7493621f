/**
 * The paginator as one script for the print page: `src/pdf/paginator/`
 * bundled by esbuild into an IIFE that defines `colophonPaginate`. The
 * page runs no script of its own (JavaScript is off and its content
 * security policy allows none); this source is evaluated in it through the
 * DevTools protocol, which neither setting stops. Bundled at install
 * (`build/paginator.js`), or once per process when that file is missing or
 * older than the compiled paginator.
 */
import type { BuildOptions } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | undefined;

/**
 * Where the paginator's entry module is: beside this module (`.ts` under
 * tsx and vitest, `.js` once compiled), else, when this module was bundled
 * into one file elsewhere, in the package it came from.
 */
export function paginatorEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'paginator')];
  for (let dir = here; ; dir = path.dirname(dir)) {
    const packaged = ['build', 'src'].some((top) => existsSync(path.join(dir, top, top === 'build' ? 'src' : '', 'pdf', 'paginator')));
    if (existsSync(path.join(dir, 'package.json')) && packaged) {
      candidates.push(path.join(dir, 'build', 'src', 'pdf', 'paginator'), path.join(dir, 'src', 'pdf', 'paginator'));
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of candidates) {
    for (const name of ['index.js', 'index.ts']) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`the print paginator's sources are missing (looked in ${candidates.join(', ')})`);
}

/** How the paginator is bundled: at install (`scripts/bundle.mjs`, into `build/paginator.js`) and, without that file, at run time. */
export function paginatorBuildOptions(entry: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    legalComments: 'none',
    logLevel: 'silent',
  };
}

/**
 * The paginator bundled at install, `build/paginator.js`, when this module
 * runs from `build/` (compiled or bundled) and the file is newer than every
 * compiled paginator module; else null. Starting esbuild for it at run
 * time costs a print 50 ms or more.
 */
export function prebuiltPaginator(entry: string): string | null {
  const dir = path.dirname(entry);
  const build = path.resolve(dir, '..', '..', '..');
  if (path.basename(build) !== 'build' || path.relative(build, entry) !== path.join('src', 'pdf', 'paginator', 'index.js')) return null;
  try {
    const file = path.join(build, 'paginator.js');
    const made = statSync(file).mtimeMs;
    for (const name of readdirSync(dir)) if (name.endsWith('.js') && statSync(path.join(dir, name)).mtimeMs > made) return null;
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The bundled paginator's source text. */
export function paginatorScript(): Promise<string> {
  cached ??= (async () => {
    const entry = paginatorEntry();
    const prebuilt = prebuiltPaginator(entry);
    if (prebuilt !== null) return prebuilt;
    const { build } = await import('esbuild');
    const result = await build({ ...paginatorBuildOptions(entry), write: false });
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined) throw new Error('esbuild made no paginator script');
    return text;
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
