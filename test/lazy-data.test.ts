/**
 * Package data set up only when a build uses it (scripts/bundle.mjs,
 * `packageEdits`): the table of named character references, the SVG
 * schemas, the HTML 4 names. A build whose manuscript needs none of them
 * sets up none; one that does gets the same bytes as the compiled modules,
 * which run the packages as written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript } from './helpers/manuscript.js';

const root = path.join(import.meta.dirname, '..');
const launcher = path.join(root, 'bin', 'colophon.cjs');
const bundle = path.join(root, 'build', 'colophon.cjs');
const haveBundle = existsSync(bundle);
if (!haveBundle && process.env.CI === 'true') throw new Error('build/colophon.cjs is missing: run `npm run compile`');
if (!haveBundle) console.warn('skipped: no build/colophon.cjs (run `npm run compile`)');

const text = 'Migration was debated [@morehouse2011, p. 4].\n\nAgain [@morehouse2011, p. 5].[^a]\n\n[^a]: As @yunusov2009 says.';
/** Named references in text, a title, a link title and a code block's info; raw SVG; formulas. */
const rich = [
  text,
  'A caf&eacute; &copy; 2024 by &Aacute;lvaro &amp; Jos&eacute;, not &notanentity; nor &#233; alone.',
  'See [the caf&eacute;](https://example.org/caf%C3%A9 "Caf&eacute; &copy;").',
  '<svg width="20" height="10" viewBox="0 0 20 10" role="img" aria-label="Two dots"><circle cx="5" cy="5" r="4" fill="red"/><circle cx="15" cy="5" r="4" fill="blue"/><foreignObject x="0" y="0" width="20" height="10"><p>In SVG</p></foreignObject></svg>',
  'Energy $E = mc^2$ and $\\alpha + \\beta$.',
  '$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$',
].join('\n\n');

/**
 * Builds `input.md` in `dir` into `out`, the bundle (with a probe that
 * records which lazily set-up data the build set up) or the compiled
 * modules; the editions' bytes, and what was set up.
 */
function build(dir: string, out: string, options: { compiled?: boolean; args?: string[] } = {}) {
  const probe = path.join(dir, 'probe.cjs');
  const record = path.join(dir, `${out}.set-up.json`);
  writeFileSync(probe, 'const seen = [];\nglobalThis.__colophonSetUp = (name) => seen.push(name);\nprocess.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_RECORD, JSON.stringify(seen)));\n');
  const result = spawnSync(process.execPath, ['--require', probe, launcher, 'build', 'input.md', '--format', 'html,epub', '--out', out, '--no-cache', '--browser', path.join(dir, 'none'), ...(options.args ?? [])], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', PROBE_RECORD: record, COLOPHON_TIMINGS: '1', ...(options.compiled ? { COLOPHON_NO_BUNDLE: '1' } : {}) },
  });
  expect(result.status, result.stderr).toBe(0);
  // The bundle ran (or, asked for, the compiled modules did).
  if (options.compiled) expect(result.stderr).not.toContain('bundle compiled');
  else expect(result.stderr).toContain('bundle compiled (');
  return {
    html: readFileSync(path.join(dir, out, 'input.html')),
    epub: readFileSync(path.join(dir, out, 'input.epub')),
    files: readdirSync(path.join(dir, out, 'input_files')).sort(),
    setUp: JSON.parse(readFileSync(record, 'utf8')) as string[],
  };
}

describe.runIf(haveBundle)('package data set up on first use', () => {
  it('is not set up by a build whose manuscript needs none of it', () => {
    const input = manuscript('title: Plain\nbibliography: refs.json\ncsl: chicago-note-bibliography', `${text}\n\n| a | b |\n|---|---|\n| 1 & 2 | <b>3</b> |\n\nAT&T and R&D, \`&copy;\` in code.`);
    const dir = path.dirname(input);
    const fast = build(dir, 'fast');
    expect(fast.setUp).toEqual([]);
    const plain = build(dir, 'plain', { compiled: true });
    expect(fast.html.equals(plain.html)).toBe(true);
    expect(fast.epub.equals(plain.epub)).toBe(true);
    expect(fast.html.toString()).toContain('AT&#x26;T and R&#x26;D,');
    expect(fast.html.toString()).toContain('<code>&#x26;copy;</code>');
  });

  it('is set up when the manuscript needs it, and the editions are the bytes the packages as written make', () => {
    const input = manuscript('title: Caf&eacute; &copy; Dots\nbibliography: refs.json', rich);
    const dir = path.dirname(input);
    for (const args of [[], ['--unsafe-html']]) {
      const fast = build(dir, `fast${args.length}`, { args });
      const plain = build(dir, `plain${args.length}`, { args, compiled: true });
      expect(fast.html.equals(plain.html)).toBe(true);
      expect(fast.epub.equals(plain.epub)).toBe(true);
      expect(fast.files).toEqual(plain.files);
      const html = fast.html.toString();
      expect(html).toContain('A café © 2024 by Álvaro &#x26; José, not &#x26;notanentity; nor é alone.');
      expect(html).toContain('title="Café ©"');
      expect(html).toContain('<math');
      // The table of references and the SVG schema, each set up once.
      expect(fast.setUp.filter((name) => name === 'character-entities')).toHaveLength(1);
      expect(fast.setUp.filter((name) => name === 'svg')).toHaveLength(1);
      if (args.length > 0) {
        // Kept as written: the SVG schema gives the attributes their case, and
        // HTML in its foreignObject is HTML again.
        expect(html).toContain('<svg width="20" height="10" viewBox="0 0 20 10" role="img" aria-label="Two dots"><circle cx="5" cy="5" r="4" fill="red"></circle>');
        expect(html).toContain('<foreignObject x="0" y="0" width="20" height="10"><p>In SVG</p></foreignObject></svg>');
        // The ebook's XHTML writer has a schema of its own.
        expect(fast.setUp.filter((name) => name === 'svg-ebook')).toHaveLength(1);
      } else {
        expect(html).not.toContain('<svg');
      }
    }
  });

  it('is in the bundle in its lazy form, with the probe the tests read', () => {
    const main = readFileSync(bundle, 'latin1');
    for (const name of ['character-entities', 'svg', 'character-entities-html4']) expect(main).toContain(`globalThis.__colophonSetUp?.(${JSON.stringify(name)})`);
    expect(readFileSync(path.join(root, 'build', 'colophon-epub.cjs'), 'latin1')).toContain('globalThis.__colophonSetUp?.("svg-ebook")');
    // The named references are still in the main bundle (esbuild's set-up on first require).
    expect(main).toMatch(/zwnj:"\\u200C"/);
  });
});
