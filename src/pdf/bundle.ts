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

/** Where the paginator's entry module is: `.ts` under tsx and vitest, `.js` once compiled. */
export function paginatorEntry(): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'paginator');
  const js = path.join(dir, 'index.js');
  return existsSync(js) ? js : path.join(dir, 'index.ts');
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
