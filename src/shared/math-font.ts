/**
 * The math font: TeX Gyre Termes Math, a Times design like the text face
 * Tinos, with the OpenType MATH table Chromium and reading systems lay out
 * MathML with. It ships in `templates/fonts/` with its licence (GUST Font
 * License). Each edition that has formulas carries a subset holding only the
 * characters its formulas use (HarfBuzz keeps their size variants and
 * stretchy parts), as WOFF2.
 */
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import type { Element, Root } from 'hast';
import type { DocumentModel } from '../model/types.js';
import { templatesDir } from './package.js';

// (In the CLI bundle this line goes, and `require` is the bundle's own: scripts/bundle.mjs.)
const require = createRequire(import.meta.url);

async function fontPath(name: string): Promise<string> {
  return templatesDir('fonts', name);
}

export const mathFontFile = 'texgyretermes-math.woff2';
export const mathFontLicenseFile = 'LICENSE-TeX-Gyre-Termes-Math.txt';
export const mathFontFamily = 'TeX Gyre Termes Math';

/** Does the document have formulas (a `<math>` element in the text or the notes)? */
export function hasMath(model: DocumentModel): boolean {
  return mathCharacters(model).length > 0 || hasMathElement(model.body) || model.notes.some((note) => note.children.some((child) => child.type === 'element' && hasMathElement(child)));
}

function hasMathElement(tree: Root | Element): boolean {
  for (const child of tree.children) {
    if (child.type !== 'element') continue;
    if (child.tagName === 'math' || hasMathElement(child)) return true;
  }
  return false;
}

/** Every character inside the document's `<math>` elements, sorted. */
export function mathCharacters(model: DocumentModel): string {
  const chars = new Set<string>();
  const collect = (node: Root | Element, inMath: boolean) => {
    for (const child of node.children) {
      if (child.type === 'text' && inMath) for (const char of child.value) chars.add(char);
      else if (child.type === 'element' && child.tagName !== 'annotation') collect(child, inMath || child.tagName === 'math');
    }
  };
  collect(model.body, false);
  for (const note of model.notes) for (const child of note.children) if (child.type === 'element') collect(child, false);
  // A one-letter <mi> is shown in its italic form (MathML's auto-italic):
  // the subset needs those code points too.
  for (const char of [...chars]) {
    const italic = mathItalic(char);
    if (italic) chars.add(italic);
  }
  return [...chars].sort().join('');
}

/** The Mathematical Italic form of a Latin or Greek letter, as MathML Core maps a one-letter `<mi>`. */
export function mathItalic(char: string): string | undefined {
  const code = char.codePointAt(0)!;
  if (char === 'h') return '\u210E';
  if (code >= 0x41 && code <= 0x5a) return String.fromCodePoint(0x1d434 + code - 0x41);
  if (code >= 0x61 && code <= 0x7a) return String.fromCodePoint(0x1d44e + code - 0x61);
  if (code >= 0x391 && code <= 0x3a9 && code !== 0x3a2) return String.fromCodePoint(0x1d6e2 + code - 0x391);
  if (code >= 0x3b1 && code <= 0x3c9) return String.fromCodePoint(0x1d6fc + code - 0x3b1);
  if (code === 0x131) return '\u{1D6A4}';
  if (code === 0x237) return '\u{1D6A5}';
  return undefined;
}

const subsets = new Map<string, Promise<Uint8Array>>();

/** The math font cut down to `characters` (plus digits and basic operators), as WOFF2. */
export function mathFontSubset(characters: string): Promise<Uint8Array> {
  const text = `${characters}0123456789+-=()[]{}|/.,:;−×·∑∫∏√∞`;
  let subset = subsets.get(text);
  if (!subset) {
    subset = (async () => {
      const source = await fsp.readFile(await fontPath('texgyretermes-math.otf'));
      // HarfBuzz and the WOFF2 coder are WebAssembly, set up when loaded: only a book with formulas loads them.
      const subsetFont = require('subset-font') as typeof import('subset-font').default;
      const out = await subsetFont(source, text, { targetFormat: 'woff2' });
      return new Uint8Array(out);
    })();
    subsets.set(text, subset);
  }
  return subset;
}

/** The font's licence text. */
export async function mathFontLicense(): Promise<Uint8Array> {
  return fsp.readFile(await fontPath(mathFontLicenseFile));
}

/** `@font-face` for the math font at `url`, and the MathML rules every edition shares. */
export function mathCss(url: string): string {
  return (
    `/* ${mathFontFamily} (GUST Font License, see ${mathFontLicenseFile}): only the characters of this edition's formulas. */\n` +
    `@font-face {\n  font-family: '${mathFontFamily}';\n  font-style: normal;\n  font-weight: 400;\n  src: url(${url}) format('woff2');\n}\n` +
    `math {\n  font-family: '${mathFontFamily}', math;\n}\n`
  );
}
