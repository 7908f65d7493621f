/**
 * The output folder is safe: no input is written over, two builds at once
 * never mix editions, only files Colophon wrote are removed. Runs the
 * compiled bin (`npm test` compiles first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript, references } from './helpers/manuscript.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

function colophon(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('outputs never overwrite an input', () => {
  it('refuses to write the web page over a manuscript named .html, exit 2', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    const text = '---\ntitle: Draft\n---\n\nThe draft.\n';
    writeFileSync(path.join(dir, 'draft.html'), text);
    const result = colophon(['build', 'draft.html', '--format', 'html', '--out', '.'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^colophon: draft\.html would be written over the manuscript draft\.html; choose another --out folder$/m);
    expect(readFileSync(path.join(dir, 'draft.html'), 'utf8')).toBe(text);
    expect(existsSync(path.join(dir, 'draft_files'))).toBe(false);
  });

  it('sees through a symbolic link to the manuscript’s folder', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    const text = '---\ntitle: Draft\n---\n\nThe draft.\n';
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'draft.html'), text);
    symlinkSync(path.join(dir, 'sub'), path.join(dir, 'link'));
    const result = colophon(['build', 'sub/draft.html', '--format', 'html', '--out', 'link'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('would be written over the manuscript');
    expect(readFileSync(path.join(dir, 'sub', 'draft.html'), 'utf8')).toBe(text);
  });

  it('refuses an edition over a bibliography given on the command line', () => {
    const file = manuscript('title: T', 'Text [@guild2009].');
    const dir = path.dirname(file);
    const bib = JSON.stringify(references);
    writeFileSync(path.join(dir, 'input.epub'), bib);
    const result = colophon(['build', 'input.md', '--format', 'html,epub', '--bibliography', 'input.epub', '--out', '.'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^colophon: input\.epub would be written over the bibliography input\.epub/m);
    expect(readFileSync(path.join(dir, 'input.epub'), 'utf8')).toBe(bib);
    expect(existsSync(path.join(dir, 'input.html'))).toBe(false);
  });

  it('refuses an edition over a bibliography named in the front matter', () => {
    const file = manuscript('title: T\nbibliography: out/input.html', 'Text [@guild2009].');
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'out'));
    const bib = JSON.stringify(references);
    writeFileSync(path.join(dir, 'out', 'input.html'), bib);
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^colophon: out\/input\.html would be written over the bibliography out\/input\.html/m);
    expect(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8')).toBe(bib);
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['input.html']);
  });

  it('refuses to copy an image onto itself inside the assets folder', () => {
    const file = manuscript('title: T', '![A figure](out/input_files/images/fig.png)');
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'out', 'input_files', 'images'), { recursive: true });
    writeFileSync(path.join(dir, 'out', 'input_files', 'images', 'fig.png'), png);
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/would be written over the image out\/input_files\/images\/fig\.png/);
    expect(readFileSync(path.join(dir, 'out', 'input_files', 'images', 'fig.png'))).toEqual(png);
    expect(existsSync(path.join(dir, 'out', 'input.html'))).toBe(false);
  });

  it('refuses two manuscripts of one name into one folder, writing nothing', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    for (const sub of ['x', 'y']) {
      mkdirSync(path.join(dir, sub));
      writeFileSync(path.join(dir, sub, 'paper.md'), `---\ntitle: Paper ${sub}\n---\n\nText ${sub}.\n`);
    }
    const result = colophon(['build', 'x/paper.md', 'y/paper.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^colophon: x\/paper\.md and y\/paper\.md would both write out\/paper\.\*; build them one at a time with distinct --out folders$/m);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    // One at a time, each into its own folder, both build.
    expect(colophon(['build', 'x/paper.md', '--format', 'html', '--out', 'out-x'], dir).status).toBe(0);
    expect(colophon(['build', 'y/paper.md', '--format', 'html', '--out', 'out-y'], dir).status).toBe(0);
    expect(readFileSync(path.join(dir, 'out-y', 'paper.html'), 'utf8')).toContain('Text y.');
  });

  it('builds a manuscript named twice once', () => {
    const file = manuscript('title: T', 'Once.');
    const result = colophon(['build', 'input.md', './input.md', '--format', 'html', '--out', 'out'], path.dirname(file));
    expect(result.status).toBe(0);
    expect(result.stdout.match(/^wrote out\/input\.html$/gm)).toHaveLength(1);
  });
});
