/**
 * The paginator as one script for the print page: `src/pdf/paginator/`
 * bundled by esbuild into an IIFE that defines `colophonPaginate`. The
 * page runs no script of its own (JavaScript is off and its content
 * security policy allows none); this source is evaluated in it through the
 * DevTools protocol, which neither setting stops. Bundled once per process.
 */
import { existsSync } from 'node:fs';
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

/** The bundled paginator's source text. */
export function paginatorScript(): Promise<string> {
  cached ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [paginatorEntry()],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      legalComments: 'none',
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
