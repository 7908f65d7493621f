/**
 * Citations against the reference: Pandoc's `--citeproc` on the same
 * manuscript, bibliography and CSL file. For each fixture and style, every
 * note's text and every bibliography entry must match Pandoc's, whitespace
 * and quotation marks aside, for at least 90% of them; the differences are
 * printed so a regression is easy to read.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../src/index.js';
import { hasCommand, requireTool } from './helpers/tools.js';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'pandoc');
const styles = path.join(import.meta.dirname, '..', 'templates', 'csl', 'styles');
const cases = readdirSync(fixtures);
const styleIds = ['chicago-note-bibliography-with-ibid', 'chicago-note-bibliography', 'apa', 'chicago-author-date', 'modern-language-association', 'harvard-cite-them-right', 'vancouver'];
const havePandoc = requireTool('pandoc', hasCommand('pandoc'), 'the comparison with Pandoc is skipped (apt-get install pandoc)');

/** Whitespace and quotation marks aside; the backlink arrow Pandoc adds goes too. */
export function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/↩︎?/g, '')
    .replace(/[“”„"«»]/g, '"')
    .replace(/[‘’‚']/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:)])/g, '$1')
    .replace(/\(\s+/g, '(')
    .trim();
}

function byClass(tree: Root, test: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (element) => {
    if (test(element)) found.push(element);
  });
  return found;
}

function pandoc(dir: string, style: string): { notes: string[]; entries: string[] } {
  const html = execFileSync(
    'pandoc',
    ['input.md', '--citeproc', '--csl', path.join(styles, `${style}.csl`), '-t', 'html', '--wrap=none'],
    { cwd: dir, encoding: 'utf8' },
  );
  const tree = fromHtml(html, { fragment: true });
  const notes = byClass(tree, (e) => e.tagName === 'li' && String(e.properties.id ?? '').startsWith('fn'));
  const entries = byClass(tree, (e) => (e.properties.className as string[] | undefined)?.includes('csl-entry') ?? false);
  return { notes: notes.map((n) => normalise(toString(n))), entries: entries.map((e) => normalise(toString(e))) };
}

function share(ours: string[], theirs: string[]): { same: number; total: number; differences: string[] } {
  const total = Math.max(ours.length, theirs.length);
  const differences: string[] = [];
  let same = 0;
  for (let i = 0; i < total; i++) {
    if (ours[i] === theirs[i]) same++;
    else differences.push(`  #${i + 1}\n    colophon: ${ours[i] ?? '(none)'}\n    pandoc:   ${theirs[i] ?? '(none)'}`);
  }
  return { same, total, differences };
}

describe.skipIf(!havePandoc)('citations match Pandoc --citeproc', () => {
  for (const name of cases) {
    for (const style of styleIds) {
      it(`${name} with ${style}`, async () => {
        const dir = path.join(fixtures, name);
        const model = await buildDocument({ input: path.join(dir, 'input.md'), style: path.join(styles, `${style}.csl`) });
        expect(model.file.messages.filter((m) => m.fatal)).toEqual([]);
        const reference = pandoc(dir, style);
        const notes = share(model.notes.map((n) => normalise(toString({ type: 'root', children: n.children }))), reference.notes);
        const entries = share(
          model.bibliography ? byClass({ type: 'root', children: [model.bibliography] }, (e) => (e.properties.className as string[] | undefined)?.includes('csl-entry') ?? false).map((e) => normalise(toString(e))) : [],
          reference.entries,
        );
        const report = [...notes.differences, ...entries.differences].join('\n');
        if (report) console.log(`${name} / ${style}: notes ${notes.same}/${notes.total}, entries ${entries.same}/${entries.total}\n${report}`);
        expect(notes.total).toBeGreaterThan(0);
        expect(notes.same / notes.total).toBeGreaterThanOrEqual(0.9);
        expect(entries.total).toBeGreaterThan(0);
        expect(entries.same / entries.total).toBeGreaterThanOrEqual(0.9);
      });
    }
  }
});
