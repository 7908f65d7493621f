/**
 * citeproc-js's reading of the bundled styles and locales, made at install
 * (scripts/csl-trees.mjs, src/cite/trees.ts): each tree is exactly what
 * citeproc-js makes of the text it stands for, and only that text, read by
 * that citeproc-js, gets it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { citeprocTree, treesDir } from '../src/cite/trees.js';

const root = path.join(import.meta.dirname, '..');
const CSL = createRequire(import.meta.url)('citeproc') as { PROCESSOR_VERSION: string; setupXml: (xml: string) => { dataObj: object } };
const made = existsSync(path.join(treesDir(), 'index.json'));
if (!made && process.env.CI === 'true') throw new Error('build/csl-trees is missing: run `npm run compile`');
if (!made) console.warn('skipped: no build/csl-trees (run `npm run compile`)');

const bundled: string[] = [];
const walk = (dir: string) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (/\.(?:csl|xml)$/.test(entry.name)) bundled.push(file);
  }
};
walk(path.join(root, 'templates', 'csl'));

describe.runIf(made)('citeproc-js trees of the bundled styles and locales', () => {
  it('are, for every bundled style and locale, what citeproc-js itself makes of its text', () => {
    expect(bundled.length).toBeGreaterThan(50);
    for (const file of bundled) {
      const xml = readFileSync(file, 'utf8');
      const tree = citeprocTree(xml, CSL.PROCESSOR_VERSION);
      expect(tree, path.relative(root, file)).toEqual(CSL.setupXml(xml).dataObj);
    }
  });

  it('are a fresh copy at each use (citeproc-js writes into what it is given)', () => {
    const xml = readFileSync(path.join(root, 'templates', 'csl', 'carim-note.csl'), 'utf8');
    const first = citeprocTree(xml, CSL.PROCESSOR_VERSION) as { children: unknown[] };
    first.children.length = 0;
    expect((citeprocTree(xml, CSL.PROCESSOR_VERSION) as { children: unknown[] }).children.length).toBeGreaterThan(0);
  });

  it('are not used for another text, another citeproc-js, or a damaged folder', () => {
    const xml = readFileSync(path.join(root, 'templates', 'csl', 'carim-note.csl'), 'utf8');
    expect(citeprocTree(xml, CSL.PROCESSOR_VERSION)).toBeDefined();
    // The same length, one letter changed.
    const edited = xml.replace('<title>', '<titlf>').replace('</title>', '</titlf>');
    expect(edited.length).toBe(xml.length);
    expect(citeprocTree(edited, CSL.PROCESSOR_VERSION)).toBeUndefined();
    expect(citeprocTree(`${xml} `, CSL.PROCESSOR_VERSION)).toBeUndefined();
    expect(citeprocTree(xml, `${CSL.PROCESSOR_VERSION}.0`)).toBeUndefined();

    const damaged = mkdtempSync(path.join(tmpdir(), 'colophon-trees-'));
    cpSync(treesDir(), damaged, { recursive: true });
    const index = JSON.parse(readFileSync(path.join(damaged, 'index.json'), 'utf8')) as { byLength: Record<string, string[]> };
    for (const name of index.byLength[String(xml.length)]) writeFileSync(path.join(damaged, name), '{"xml": "not json');
    expect(citeprocTree(xml, CSL.PROCESSOR_VERSION, damaged)).toBeUndefined();
    const noIndex = mkdtempSync(path.join(tmpdir(), 'colophon-trees-'));
    writeFileSync(path.join(noIndex, 'index.json'), '{"citeproc": 1}');
    expect(citeprocTree(xml, CSL.PROCESSOR_VERSION, noIndex)).toBeUndefined();
  });

  it('leave the editions as they were: a build without the folder writes the same bytes', () => {
    const launcher = path.join(root, 'build', 'src', 'cli', 'bin.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-trees-build-'));
    cpSync(path.join(root, 'bibliography', 'readmission-azerbaijan.json'), path.join(dir, 'refs.json'));
    const text = readFileSync(path.join(root, 'manuscript', 'readmission-azerbaijan.md'), 'utf8').replace('../bibliography/readmission-azerbaijan.json', 'refs.json');
    writeFileSync(path.join(dir, 'paper.md'), text);
    // The same manuscript in German: its locale comes from a tree too.
    writeFileSync(path.join(dir, 'papier.md'), text.replace(/^lang: .*$/m, 'lang: de-DE'));
    const build = (entry: string, out: string) => {
      const result = spawnSync(process.execPath, [entry, 'build', 'paper.md', 'papier.md', '--format', 'html', '--out', out, '--no-cache', '-q'], { cwd: dir, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return ['paper.html', 'papier.html'].map((name) => readFileSync(path.join(dir, out, name), 'utf8'));
    };
    const withTrees = build(launcher, 'with');
    // A package copy without build/csl-trees reads every style and locale from its XML.
    const copy = mkdtempSync(path.join(tmpdir(), 'colophon-trees-pkg-'));
    for (const name of ['package.json', 'templates', 'node_modules']) symlinkSync(path.join(root, name), path.join(copy, name));
    cpSync(path.join(root, 'build', 'src'), path.join(copy, 'build', 'src'), { recursive: true });
    const withoutTrees = build(path.join(copy, 'build', 'src', 'cli', 'bin.js'), 'without');
    expect(existsSync(path.join(copy, 'build', 'csl-trees'))).toBe(false);
    expect(withTrees[0]).toContain('Irregular Migration');
    expect(withTrees).toEqual(withoutTrees);
    expect(withTrees[1]).not.toEqual(withTrees[0]);
  }, 120_000);
});
