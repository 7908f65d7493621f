/**
 * The output folder is safe: no input is written over, two builds at once
 * never mix editions, only files Colophon wrote are removed. Runs the
 * compiled bin (`npm test` compiles first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hostname } from 'node:os';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser.js';
import { hasCommand, requireTool } from './helpers/tools.js';
import { manuscript, references } from './helpers/manuscript.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

/** Run the bin without waiting: resolves with its status and output. */
function colophonAsync(args: string[], cwd: string, onStderr?: (text: string) => void) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr })),
  );
  return { child, done };
}

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

  it('refuses to copy an image over itself: an image its last build copied', () => {
    const file = manuscript('title: T', '![A figure](fig.png)');
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'fig.png'), png);
    expect(colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir).status).toBe(0);
    writeFileSync(file, '---\ntitle: T\n---\n\n![A figure](out/input_files/images/fig.png)\n');
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^colophon: out\/input_files\/images\/fig\.png would be written over the image out\/input_files\/images\/fig\.png/m);
    expect(readFileSync(path.join(dir, 'out', 'input_files', 'images', 'fig.png'))).toEqual(png);
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

const printing =
  requireTool('Chromium', (await findBrowser().catch(() => null)) !== null, 'the concurrent-build test with PDF editions is skipped') &&
  requireTool('pdftotext (poppler-utils)', hasCommand('pdftotext', ['-v']), 'the concurrent-build test with PDF editions is skipped');

/** A paper long enough that two builds of it overlap. */
function paper(dir: string, which: string): void {
  mkdirSync(path.join(dir, which), { recursive: true });
  const paragraphs = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1} of paper ${which}, with a note.[^n${i}]\n\n[^n${i}]: Note ${i + 1} of paper ${which}.`);
  writeFileSync(path.join(dir, which, 'paper.md'), `---\ntitle: Paper ${which}\n---\n\n${paragraphs.join('\n\n')}\n`);
}

/** Which paper an edition comes from, or a list when it holds more than one. */
function whose(text: string): string {
  const found = new Set([...text.matchAll(/of paper ([A-Z])\b/g)].map((m) => m[1]));
  return [...found].sort().join(',');
}

describe('builds into one folder at once', () => {
  it.runIf(printing)('never mix two papers of one name: each edition set is one paper’s', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-lock-'));
    paper(dir, 'A');
    paper(dir, 'B');
    const a = colophonAsync(['build', 'A/paper.md', '--out', 'out'], dir);
    const b = colophonAsync(['build', 'B/paper.md', '--out', 'out'], dir);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.status, rb.status]).toEqual([0, 0]);
    const out = path.join(dir, 'out');
    expect(readdirSync(out).sort()).toEqual(['paper.epub', 'paper.html', 'paper.pdf', 'paper_files']);
    const html = whose(readFileSync(path.join(out, 'paper.html'), 'utf8'));
    const pdf = whose(spawnSync('pdftotext', [path.join(out, 'paper.pdf'), '-'], { encoding: 'utf8' }).stdout.replace(/-\n/g, ''));
    const epub = unzipSync(readFileSync(path.join(out, 'paper.epub')));
    const epubText = Object.entries(epub)
      .filter(([name]) => name.endsWith('.xhtml'))
      .map(([, data]) => new TextDecoder().decode(data))
      .join('\n');
    expect(html).toMatch(/^[AB]$/);
    expect(pdf).toBe(html);
    expect(whose(epubText)).toBe(html);
  }, 120_000);

  it('waits while a live build holds the name, then writes', async () => {
    const file = manuscript('title: T', 'Waited for.');
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'out'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(path.join(dir, 'out', 'input.lock'), JSON.stringify({ pid: holder.pid, host: hostname(), token: 'someone-else' }));
    let waiting = false;
    const seen = new Promise<void>((resolve) => {
      const build = colophonAsync(['build', 'input.md', '--format', 'html', '--out', 'out'], dir, (stderr) => {
        if (!waiting && stderr.includes(`waiting for another build (pid ${holder.pid}) to finish writing out/input.*`)) {
          waiting = true;
          resolve();
        }
      });
      void build.done.then((result) => results.push(result));
    });
    const results: Array<{ status: number | null }> = [];
    await seen;
    expect(existsSync(path.join(dir, 'out', 'input.html'))).toBe(false);
    holder.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      const check = () => (results.length > 0 ? resolve() : setTimeout(check, 50));
      check();
    });
    expect(results[0]?.status).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8')).toContain('Waited for.');
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['input.html', 'input_files']);
  }, 60_000);

  it('takes over the lock of a build that was killed', () => {
    const file = manuscript('title: T', 'After a crash.');
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'out'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'out', 'input.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), token: 'dead' }));
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('waiting');
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['input.html', 'input_files']);
  });

  it('leaves a file of that name that is not its lock alone, exit 3', () => {
    const file = manuscript('title: T', 'Text.');
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'out'));
    writeFileSync(path.join(dir, 'out', 'input.lock'), 'my own notes\n');
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^colophon: out\/input\.lock is in the way: it is not a lock Colophon made; move it elsewhere  output-locked$/m);
    expect(readFileSync(path.join(dir, 'out', 'input.lock'), 'utf8')).toBe('my own notes\n');
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['input.lock']);
  });
});

describe('only what Colophon wrote is removed', () => {
  const build = (dir: string) => colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
  const assets = (dir: string, ...parts: string[]) => path.join(dir, 'out', 'input_files', ...parts);

  it('keeps a figure and a note put into the assets folder by hand; lists what it wrote', () => {
    const file = manuscript('title: T', '![First](one.png)');
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'one.png'), png);
    expect(build(dir).status).toBe(0);
    writeFileSync(assets(dir, 'images', 'by-hand.png'), png);
    writeFileSync(assets(dir, 'README.txt'), 'mine');
    // The manuscript now shows another image: the old copy goes, the hand-placed files stay.
    cpSync(path.join(dir, 'one.png'), path.join(dir, 'two.png'));
    writeFileSync(file, '---\ntitle: T\n---\n\n![Second](two.png)\n');
    expect(build(dir).status).toBe(0);
    expect(readdirSync(assets(dir, 'images')).sort()).toEqual(['by-hand.png', 'two.png']);
    expect(readFileSync(assets(dir, 'README.txt'), 'utf8')).toBe('mine');
    const manifest = readFileSync(assets(dir, '.colophon-manifest'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(manifest).toContain('images/two.png');
    expect(manifest).toContain('screen.css');
    expect(manifest).toContain('LICENSE-Tinos.txt');
    expect(manifest.some((l) => /^tinos-latin-400-normal\.woff2$/.test(l))).toBe(true);
    expect(manifest).not.toContain('images/by-hand.png');
    expect(manifest).not.toContain('README.txt');
  });

  it('never writes over a file of the image’s name that it did not write: the copy is numbered', () => {
    const file = manuscript('title: T', '![A figure](fig.png)');
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'fig.png'), png);
    mkdirSync(assets(dir, 'images'), { recursive: true });
    writeFileSync(assets(dir, 'images', 'fig.png'), 'a figure of my own');
    expect(build(dir).status).toBe(0);
    expect(readFileSync(assets(dir, 'images', 'fig.png'), 'utf8')).toBe('a figure of my own');
    expect(readFileSync(assets(dir, 'images', 'fig-2.png'))).toEqual(png);
    expect(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8')).toContain('src="input_files/images/fig-2.png"');
    // Rebuilt, it keeps its own copy's name and still leaves the other alone.
    expect(build(dir).status).toBe(0);
    expect(readdirSync(assets(dir, 'images')).sort()).toEqual(['fig-2.png', 'fig.png']);
    expect(readFileSync(assets(dir, 'images', 'fig.png'), 'utf8')).toBe('a figure of my own');
  });

  it('ignores manifest entries that leave the folder or go through a link', () => {
    const file = manuscript('title: T', 'Text.');
    const dir = path.dirname(file);
    expect(build(dir).status).toBe(0);
    writeFileSync(path.join(dir, 'precious.txt'), 'keep');
    mkdirSync(path.join(dir, 'elsewhere'));
    writeFileSync(path.join(dir, 'elsewhere', 'x.png'), 'keep too');
    symlinkSync(path.join(dir, 'elsewhere'), assets(dir, 'linked'));
    writeFileSync(
      assets(dir, '.colophon-manifest'),
      ['../../precious.txt', path.join(dir, 'precious.txt'), 'images/../../../precious.txt', 'linked/x.png', 'linked', '.'].join('\n'),
    );
    expect(build(dir).status).toBe(0);
    expect(readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(path.join(dir, 'elsewhere', 'x.png'), 'utf8')).toBe('keep too');
    expect(existsSync(assets(dir, 'linked'))).toBe(true);
  });
});

describe('a rebuild writes only what changed', () => {
  const build = (dir: string, ...args: string[]) => colophon(['build', 'input.md', '--format', 'html', '--out', 'out', ...args], dir);
  /** Every file under `out`, relative, with its inode. */
  const inodes = (dir: string) => {
    const out = path.join(dir, 'out');
    const result: Record<string, number> = {};
    const walk = (sub: string) => {
      for (const entry of readdirSync(path.join(out, sub), { withFileTypes: true })) {
        const relative = path.posix.join(sub, entry.name);
        if (entry.isDirectory()) walk(relative);
        else result[relative] = lstatSync(path.join(out, relative)).ino;
      }
    };
    walk('');
    return result;
  };

  it('keeps the assets and their manifest as they are after a text edit, and replaces the page', () => {
    const file = manuscript('title: T', 'First words.');
    const dir = path.dirname(file);
    expect(build(dir).status).toBe(0);
    const first = inodes(dir);
    const manifest = readFileSync(path.join(dir, 'out', 'input_files', '.colophon-manifest'), 'utf8');
    writeFileSync(file, '---\ntitle: T\n---\n\nOther words.\n');
    expect(build(dir).status).toBe(0);
    const second = inodes(dir);
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    for (const [name, ino] of Object.entries(first)) {
      if (name === 'input.html') expect(second[name], name).not.toBe(ino);
      else expect(second[name], name).toBe(ino);
    }
    expect(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8')).toContain('Other words.');
    expect(readFileSync(path.join(dir, 'out', 'input_files', '.colophon-manifest'), 'utf8')).toBe(manifest);
  });

  it('adds, lists and removes an image as the text gains and loses it; a failed build changes nothing', () => {
    const file = manuscript('title: T', 'No figure.');
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'fig.png'), png);
    expect(build(dir).status).toBe(0);
    const plain = inodes(dir);
    writeFileSync(file, '---\ntitle: T\n---\n\n![A figure](fig.png)\n');
    expect(build(dir).status).toBe(0);
    const withImage = inodes(dir);
    expect(Object.keys(withImage)).toContain('input_files/images/fig.png');
    expect(withImage['input_files/.colophon-manifest']).not.toBe(plain['input_files/.colophon-manifest']);
    expect(readFileSync(path.join(dir, 'out', 'input_files', '.colophon-manifest'), 'utf8')).toContain('images/fig.png');
    expect(withImage['input_files/LICENSE-Tinos.txt']).toBe(plain['input_files/LICENSE-Tinos.txt']);
    // A failed build: everything stays as it was, inode for inode.
    const contents = (names: string[]) => names.map((name) => readFileSync(path.join(dir, 'out', name)).toString('hex'));
    const before = contents(Object.keys(withImage));
    writeFileSync(file, '---\ntitle: T\n---\n\n![A figure](fig.png) [@nobody]\n');
    expect(build(dir, '--bibliography', 'refs.json').status).toBe(1);
    expect(inodes(dir)).toEqual(withImage);
    expect(contents(Object.keys(withImage))).toEqual(before);
    // The image goes again, and the manifest with it.
    writeFileSync(file, '---\ntitle: T\n---\n\nNo figure.\n');
    expect(build(dir).status).toBe(0);
    expect(Object.keys(inodes(dir)).sort()).toEqual(Object.keys(plain).sort());
    expect(readFileSync(path.join(dir, 'out', 'input_files', '.colophon-manifest'), 'utf8')).not.toContain('images/fig.png');
  });

  it('keeps an unchanged ebook built with SOURCE_DATE_EPOCH, dated by the new build', () => {
    const file = manuscript('title: T', 'An ebook.');
    const dir = path.dirname(file);
    const ebook = (...env: string[]) =>
      spawnSync(process.execPath, [bin, 'build', 'input.md', '--format', 'epub', '--out', 'out', '-q'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...Object.fromEntries(env.map((e) => e.split('='))) },
      });
    expect(ebook().status).toBe(0);
    const epub = path.join(dir, 'out', 'input.epub');
    const first = lstatSync(epub);
    const bytes = readFileSync(epub);
    utimesSync(epub, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    expect(ebook().status).toBe(0);
    expect(lstatSync(epub).ino).toBe(first.ino);
    expect(readFileSync(epub)).toEqual(bytes);
    expect(lstatSync(epub).mtime.getUTCFullYear()).toBeGreaterThan(2020);
    // Another date makes another ebook: replaced.
    expect(ebook('SOURCE_DATE_EPOCH=1700000100').status).toBe(0);
    expect(lstatSync(epub).ino).not.toBe(first.ino);
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['input.epub']);
  });
});
