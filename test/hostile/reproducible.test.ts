/**
 * Reproducible builds: the same inputs and `SOURCE_DATE_EPOCH` give the same
 * bytes, HTML, EPUB and PDF alike, built twice through the command into
 * two folders (the staging folders of a build must leave no trace either).
 * With a figure, a note style and a bibliography, so every part of each
 * edition takes part.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const work = mkdtempSync(path.join(tmpdir(), 'colophon-repro-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const browser = existsSync('/usr/bin/chromium') || Boolean(process.env.PUPPETEER_EXECUTABLE_PATH);

function listing(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listing(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

describe('reproducible editions', () => {
  it('gives byte-identical HTML, EPUB and PDF for the same SOURCE_DATE_EPOCH', { timeout: 240_000 }, (context) => {
    if (!requireTool('Chromium', browser, 'the PDF and EPUB editions are not checked for reproducibility')) {
      context.skip();
      return;
    }
    const manuscript = path.join(work, 'paper.md');
    copyFileSync(path.join(root, 'test', 'fixtures', 'epub', 'migration-chart.png'), path.join(work, 'chart.png'));
    copyFileSync(path.join(root, 'bibliography', 'readmission-azerbaijan.json'), path.join(work, 'refs.json'));
    const body = readFileSync(path.join(root, 'manuscript', 'readmission-azerbaijan.md'), 'utf8')
      .replace('../bibliography/readmission-azerbaijan.json', 'refs.json')
      .replace(/\n\n/, '\n\n![A chart of readmission requests](chart.png)\n\n');
    writeFileSync(manuscript, body);
    const builds = ['first', 'second'].map((name) => {
      const result = spawnSync(process.execPath, [cli, 'build', 'paper.md', '--out', name, '-q'], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, SOURCE_DATE_EPOCH: '1362355200' },
        timeout: 180_000,
      });
      expect(result.status, result.stderr).toBe(0);
      return path.join(work, name);
    });
    const files = listing(builds[0]);
    expect(files).toEqual(listing(builds[1]));
    expect(files).toEqual(expect.arrayContaining(['paper.html', 'paper.epub', 'paper.pdf', 'paper_files/images/chart.png', 'paper_files/screen.css']));
    expect(files.some((name) => name.startsWith('.colophon-'))).toBe(false);
    for (const name of files) {
      const [a, b] = builds.map((dir) => readFileSync(path.join(dir, name)));
      expect(a.equals(b), `${name} differs between the two builds`).toBe(true);
    }
    // The date is the epoch's, not the build's.
    expect(readFileSync(path.join(builds[0], 'paper.pdf')).toString('latin1')).toContain('/CreationDate (D:20130304');
  });
});
