/**
 * Tinos, the print edition's typeface, loaded from `@fontsource/tinos`.
 *
 * Every machine must print the same pages, so the renderer never falls back
 * to whatever serif the system has: the package's @font-face rules (regular,
 * bold, italic, bold italic; one rule per script subset with its
 * `unicode-range`) are rewritten to point at `/fonts/FILE.woff2` on the
 * print page's own origin, where request interception serves the files
 * from the package. Chromium then fetches only the subsets the text uses.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The four faces a note uses, as fontsource names its CSS files. */
const faces = ['400.css', '400-italic.css', '700.css', '700-italic.css'];

let packageDir: string | undefined;

/** Folder holding the package's font files. */
export function fontFilesDir(): string {
  packageDir ??= path.dirname(require.resolve('@fontsource/tinos/400.css'));
  return path.join(packageDir, 'files');
}

let fontCss: Promise<string> | undefined;

/** @font-face rules for Tinos whose sources are `/fonts/NAME.woff2`. */
export function tinosFontFaceCss(): Promise<string> {
  fontCss ??= (async () => {
    const dir = path.dirname(fontFilesDir());
    const sheets = await Promise.all(faces.map((face) => readFile(path.join(dir, face), 'utf8')));
    // Keep only the woff2 source: Chromium reads it, and one format keeps
    // the served set small.
    return sheets
      .join('\n')
      .replace(/font-display:\s*swap;/g, 'font-display: block;')
      .replace(/src:\s*url\(\.\/files\/([\w.-]+\.woff2)\)\s*format\('woff2'\)[^;]*;/g, "src: url(/fonts/$1) format('woff2');");
  })();
  return fontCss;
}

/** The bytes of a font file named in the CSS, or null for any other name. */
export async function readFontFile(name: string): Promise<Uint8Array | null> {
  if (!/^tinos-[\w-]+\.woff2$/.test(name)) return null;
  try {
    return await readFile(path.join(fontFilesDir(), name));
  } catch {
    return null;
  }
}
