/**
 * Which Tinos web-font files the screen edition needs, and the `@font-face`
 * rules that load them.
 *
 * In: the page's `<body>` as hast. Out: the faces (weight × style × subset)
 * the text actually uses, each with its source file in `@fontsource/tinos`
 * and its CSS rule.
 *
 * Tinos comes in eight unicode subsets and four faces; shipping all 32 files
 * beside every page would be ~600 kB for an English note that needs three.
 * A face is needed when some text is set in it: bold comes from headings,
 * `strong`, `b` and `th` (the browser's own defaults — screen.css adds no
 * other bold or italic), italic from `em`, `i`, `cite`, `dfn`, `var`. A
 * subset is needed when a character of that face's text lies in its
 * unicode-range and no subset already chosen covers it. Latin regular is
 * always shipped, because CSS-generated text (list numbers, the backlink
 * arrow's neighbours) is set in it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Element, Root, RootContent } from 'hast';
import { packageRoot } from './package.js';

/** Subsets in order of preference: a character covered by an earlier one does not pull in a later one. */
const subsetRanges: Record<string, string> = {
  latin:
    'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD',
  'latin-ext':
    'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF',
  cyrillic: 'U+0301,U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116',
  'cyrillic-ext': 'U+0460-052F,U+1C80-1C8A,U+20B4,U+2DE0-2DFF,U+A640-A69F,U+FE2E-FE2F',
  greek: 'U+0370-0377,U+037A-037F,U+0384-038A,U+038C,U+038E-03A1,U+03A3-03FF',
  'greek-ext': 'U+1F00-1FFF',
  vietnamese:
    'U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,U+0300-0301,U+0303-0304,U+0308-0309,U+0323,U+0329,U+1EA0-1EF9,U+20AB',
  hebrew: 'U+0307-0308,U+0590-05FF,U+200C-2010,U+20AA,U+25CC,U+FB1D-FB4F',
};

type Range = [number, number];

function parseRanges(spec: string): Range[] {
  return spec.split(',').map((part) => {
    const [from, to] = part.replace(/^U\+/i, '').split('-');
    const start = parseInt(from as string, 16);
    return [start, to === undefined ? start : parseInt(to, 16)];
  });
}

const parsedRanges = Object.fromEntries(Object.entries(subsetRanges).map(([k, v]) => [k, parseRanges(v)]));

function covers(subset: string, codePoint: number): boolean {
  const ranges = parsedRanges[subset] ?? [];
  for (let i = 0; i < ranges.length; i++) if (codePoint >= ranges[i][0] && codePoint <= ranges[i][1]) return true;
  return false;
}

function coveredBy(subsets: Set<string>, codePoint: number): boolean {
  for (const subset of subsets) if (covers(subset, codePoint)) return true;
  return false;
}

export interface FontFace {
  weight: 400 | 700;
  style: 'normal' | 'italic';
  subset: string;
  /** File name, e.g. `tinos-latin-400-normal.woff2`. */
  file: string;
  /** Absolute path of the file in `@fontsource/tinos`. */
  source: string;
}

const boldTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'th']);
const italicTags = new Set(['em', 'i', 'cite', 'dfn', 'var']);
const silentTags = new Set(['script', 'style', 'template']);

/**
 * Every character from U+0000 to U+00FF lies in the Latin subset and in no
 * other, so one stands for them all. Where it comes among the others does
 * not matter: Latin is the first subset tried, so a character it covers
 * takes Latin whenever it comes.
 */
const latin1 = 0;
const firstLatin1 = /[\0-\xFF]/;
// One code point per match (a surrogate pair, or a lone surrogate, as the string has it).
const beyondLatin1 = /[^\0-\xFF]/gu;

/**
 * The characters of `tree`'s text grouped by face key (`400-normal`,
 * `700-italic` …), with `latin1` for all of U+0000–U+00FF, in the order
 * they first come. Regular expressions step over the text: a script's
 * loop over every character was most of this scan's time.
 */
function textByFace(tree: Root | Element): Map<string, Set<number>> {
  const faces = new Map<string, Set<number>>();
  const visit = (node: Root | RootContent, bold: boolean, italic: boolean): void => {
    if (node.type === 'text') {
      const key = `${bold ? 700 : 400}-${italic ? 'italic' : 'normal'}`;
      let set = faces.get(key);
      if (!set) faces.set(key, (set = new Set()));
      const text = node.value;
      if (!set.has(latin1) && firstLatin1.test(text)) set.add(latin1);
      beyondLatin1.lastIndex = 0;
      for (let found = beyondLatin1.exec(text); found !== null; found = beyondLatin1.exec(text)) set.add(found[0].codePointAt(0) as number);
      return;
    }
    if (node.type !== 'element' && node.type !== 'root') return;
    if (node.type === 'element') {
      if (silentTags.has(node.tagName)) return;
      bold ||= boldTags.has(node.tagName);
      italic ||= italicTags.has(node.tagName);
    }
    for (const child of node.children) visit(child, bold, italic);
  };
  visit(tree, false, false);
  return faces;
}

let fontsource: string | undefined;

/** The font files' folder: in the package's own node_modules as a rule, else wherever Node resolves the package. */
function fontsourceDir(): string {
  if (fontsource) return fontsource;
  const own = path.join(packageRoot(), 'node_modules', '@fontsource', 'tinos');
  const dir = existsSync(path.join(own, 'package.json')) ? own : path.dirname(createRequire(import.meta.url).resolve('@fontsource/tinos/package.json'));
  fontsource = path.join(dir, 'files');
  return fontsource;
}

/** The faces the text of `body` needs, regular Latin always among them. */
export function fontFacesFor(body: Root | Element): FontFace[] {
  return facesForText(textByFace(body));
}

/** The faces for characters grouped by face key, in the order they come (exported for tests). */
export function facesForText(faces: Map<string, Set<number>>): FontFace[] {
  if (!faces.has('400-normal')) faces.set('400-normal', new Set());
  const dir = fontsourceDir();
  const result: FontFace[] = [];
  for (const [key, codePoints] of [...faces].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [weight, style] = key.split('-') as [string, 'normal' | 'italic'];
    const chosen = new Set<string>(key === '400-normal' ? ['latin'] : []);
    for (const cp of codePoints) {
      if (coveredBy(chosen, cp)) continue;
      const subset = Object.keys(subsetRanges).find((s) => covers(s, cp));
      if (subset) chosen.add(subset);
    }
    for (const subset of Object.keys(subsetRanges)) {
      if (!chosen.has(subset)) continue;
      const file = `tinos-${subset}-${weight}-${style}.woff2`;
      result.push({ weight: Number(weight) as 400 | 700, style, subset, file, source: path.join(dir, file) });
    }
  }
  return result;
}

/** Path of the font licence that must travel with the files. */
export function fontLicensePath(): string {
  return path.join(path.dirname(fontsourceDir()), 'LICENSE');
}

/** `@font-face` rules for `faces`, with URLs relative to the stylesheet (`prefix` + file name). */
export function fontFaceCss(faces: FontFace[], prefix = ''): string {
  return faces
    .map(
      (f) =>
        `@font-face {\n  font-family: 'Tinos';\n  font-style: ${f.style};\n  font-weight: ${f.weight};\n  font-display: swap;\n` +
        `  src: url('${prefix}${f.file}') format('woff2');\n  unicode-range: ${subsetRanges[f.subset]};\n}\n`,
    )
    .join('');
}
