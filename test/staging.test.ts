/**
 * Moving editions into place writes only what changed: a file that already
 * holds the bytes a build would write stays as it is (same inode), anything
 * else is replaced whole, and every guarantee of the staging folder holds:
 * a link at a target is replaced, never followed; a file changed by hand
 * between staging and moving is replaced; a failed build leaves the folder
 * as it was.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceManifest, manifestName } from '../src/output/manifest.js';
import { holdsBytes, stillHolds, wallClockNs, writeFileAtomic } from '../src/shared/fs.js';
import { createStaging } from '../src/staging.js';

const css = 'body { margin: 0 }\n';
const font = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));

/** An output folder as a first build left it: a page and its assets. */
function builtFolder(): string {
  const out = mkdtempSync(path.join(tmpdir(), 'colophon-staging-'));
  mkdirSync(path.join(out, 'paper_files'));
  writeFileSync(path.join(out, 'paper.html'), '<p>first</p>\n');
  writeFileSync(path.join(out, 'paper_files', 'screen.css'), css);
  writeFileSync(path.join(out, 'paper_files', 'font.woff2'), font);
  return out;
}

/** Stage the page and its assets as a build would, returning the staging and the staged paths. */
async function stageBuild(out: string, page: string, files: Record<string, string | Uint8Array> = { 'screen.css': css, 'font.woff2': font }) {
  const staging = await createStaging(out, 'paper');
  const staged: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(staging.dir, 'paper_files', name);
    staging.write(file, data);
    staged.push(file);
  }
  const pageFile = path.join(staging.dir, 'paper.html');
  staging.write(pageFile, page);
  staged.push(pageFile);
  return { staging, staged };
}

const inode = (file: string) => lstatSync(file).ino;
/** What a build has staged in `out` so far: the staging folder's files, and editions staged beside their places. */
function stagedIn(out: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(out, { withFileTypes: true })) {
    if (!entry.name.startsWith('.colophon-paper-')) continue;
    if (!entry.isDirectory()) found.push(`${entry.isFile() ? 'file' : 'other'} ${entry.name.replace(/-[A-Za-z0-9]{6}\./, '-XXXXXX.')}`);
    else for (const sub of readdirSync(path.join(out, entry.name), { recursive: true, encoding: 'utf8' })) found.push(`folder ${sub}`);
  }
  return found.sort();
}
/** Everything under `dir`, relative, with each file's inode and bytes. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = path.join(sub, entry.name);
      const full = path.join(dir, relative);
      if (entry.isDirectory()) walk(relative);
      else if (entry.isSymbolicLink()) result[relative] = `link ${readlinkSync(full)}`;
      else result[relative] = `${lstatSync(full).ino} ${readFileSync(full).toString('hex')}`;
    }
  };
  walk('');
  return result;
}

describe('moving editions into place', () => {
  it('leaves an identical asset as it is (same inode, same date) and replaces a changed one and the page', async () => {
    const out = builtFolder();
    const fontInode = inode(path.join(out, 'paper_files', 'font.woff2'));
    const cssInode = inode(path.join(out, 'paper_files', 'screen.css'));
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(path.join(out, 'paper_files', 'font.woff2'), old, old);
    const { staging, staged } = await stageBuild(out, '<p>second</p>\n', { 'screen.css': 'body { margin: 1em }\n', 'font.woff2': font });
    // The unchanged font was not even written into the staging folder; the page is staged beside its place.
    expect(stagedIn(out)).toEqual(['file .colophon-paper-XXXXXX.html', 'folder paper_files', `folder ${path.join('paper_files', 'screen.css')}`]);
    const moved = await staging.commit(staged);
    expect(moved.map((file) => path.relative(out, file))).toEqual([path.join('paper_files', 'screen.css'), path.join('paper_files', 'font.woff2'), 'paper.html']);
    expect(inode(path.join(out, 'paper_files', 'font.woff2'))).toBe(fontInode);
    expect(statSync(path.join(out, 'paper_files', 'font.woff2')).mtime).toEqual(old);
    expect(inode(path.join(out, 'paper_files', 'screen.css'))).not.toBe(cssInode);
    expect(readFileSync(path.join(out, 'paper_files', 'screen.css'), 'utf8')).toBe('body { margin: 1em }\n');
    expect(readFileSync(path.join(out, 'paper.html'), 'utf8')).toBe('<p>second</p>\n');
    // The staging folder is gone, and nothing else was left.
    expect(readdirSync(out).sort()).toEqual(['paper.html', 'paper_files']);
    expect(readdirSync(path.join(out, 'paper_files')).sort()).toEqual(['font.woff2', 'screen.css']);
  });

  it('dates an unchanged edition by the build, keeping its inode', async () => {
    const out = builtFolder();
    const page = path.join(out, 'paper.html');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(page, old, old);
    const before = inode(page);
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n');
    const started = Date.now();
    await staging.commit(staged);
    expect(inode(page)).toBe(before);
    expect(statSync(page).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
  });

  it('replaces a symbolic link at a target, even to a file with the same bytes, and leaves what it pointed at alone', async () => {
    const out = builtFolder();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'colophon-elsewhere-'));
    const theirs = path.join(elsewhere, 'screen.css');
    writeFileSync(theirs, css);
    unlinkSync(path.join(out, 'paper_files', 'screen.css'));
    symlinkSync(theirs, path.join(out, 'paper_files', 'screen.css'));
    const theirInode = inode(theirs);
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n');
    await staging.commit(staged);
    const target = path.join(out, 'paper_files', 'screen.css');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(css);
    expect(inode(theirs)).toBe(theirInode);
    expect(readFileSync(theirs, 'utf8')).toBe(css);
  });

  it('replaces a target with a second name (a hard link), leaving the other name’s file as it was', async () => {
    const out = builtFolder();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'colophon-elsewhere-'));
    const other = path.join(elsewhere, 'font.woff2');
    linkSync(path.join(out, 'paper_files', 'font.woff2'), other);
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n');
    await staging.commit(staged);
    expect(inode(path.join(out, 'paper_files', 'font.woff2'))).not.toBe(inode(other));
    expect(lstatSync(other).nlink).toBe(1);
    expect(readFileSync(path.join(out, 'paper_files', 'font.woff2'))).toEqual(font);
  });

  it('replaces an identical file whose permissions are not those of a new file', async () => {
    const out = builtFolder();
    const target = path.join(out, 'paper_files', 'screen.css');
    chmodSync(target, 0o600);
    const before = inode(target);
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n');
    await staging.commit(staged);
    expect(inode(target)).not.toBe(before);
    expect(lstatSync(target).mode & 0o777).toBe(lstatSync(path.join(out, 'paper.html')).mode & 0o777);
  });

  it('never opens a FIFO at a target: it is replaced', async () => {
    const out = builtFolder();
    const target = path.join(out, 'paper_files', 'screen.css');
    unlinkSync(target);
    execFileSync('mkfifo', [target]);
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n');
    await staging.commit(staged);
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(css);
  });

  it('replaces a file that was changed, removed or made a link between staging and moving into place', async () => {
    const out = builtFolder();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'colophon-elsewhere-'));
    writeFileSync(path.join(out, 'paper_files', 'notes.txt'), 'our notes\n');
    const files = { 'screen.css': css, 'font.woff2': font, 'notes.txt': 'our notes\n' };
    const { staging, staged } = await stageBuild(out, '<p>first</p>\n', files);
    // Nothing was staged: all four were in place.
    expect(stagedIn(out)).toEqual([]);
    // Changed by hand, same size, at once (its times may not even change).
    writeFileSync(path.join(out, 'paper_files', 'screen.css'), css.replace('0', '1'));
    unlinkSync(path.join(out, 'paper_files', 'font.woff2'));
    unlinkSync(path.join(out, 'paper_files', 'notes.txt'));
    writeFileSync(path.join(elsewhere, 'notes.txt'), 'our notes\n');
    symlinkSync(path.join(elsewhere, 'notes.txt'), path.join(out, 'paper_files', 'notes.txt'));
    await staging.commit(staged);
    expect(readFileSync(path.join(out, 'paper_files', 'screen.css'), 'utf8')).toBe(css);
    expect(readFileSync(path.join(out, 'paper_files', 'font.woff2'))).toEqual(font);
    expect(lstatSync(path.join(out, 'paper_files', 'notes.txt')).isFile()).toBe(true);
    expect(readFileSync(path.join(elsewhere, 'notes.txt'), 'utf8')).toBe('our notes\n');
    expect(readdirSync(out).sort()).toEqual(['paper.html', 'paper_files']);
  });

  it('leaves the output folder exactly as it was when the build fails', async () => {
    const out = builtFolder();
    const before = snapshot(out);
    const { staging } = await stageBuild(out, '<p>second</p>\n', { 'screen.css': 'changed\n', 'font.woff2': font });
    await staging.discard();
    expect(snapshot(out)).toEqual(before);
  });

  it('stages files afresh in a staging folder of its own, removed after moving even when something else was left in it', async () => {
    const out = builtFolder();
    const { staging, staged } = await stageBuild(out, '<p>second</p>\n', { 'screen.css': 'changed\n', 'font.woff2': font });
    const folder = readdirSync(out).filter((name) => name.startsWith('.colophon-paper-') && lstatSync(path.join(out, name)).isDirectory());
    expect(folder).toHaveLength(1);
    expect((lstatSync(path.join(out, folder[0])).mode & 0o777).toString(8)).toBe('700');
    writeFileSync(path.join(out, folder[0], 'paper_files', 'left-over.tmp'), 'x');
    await staging.commit(staged);
    expect(existsSync(staging.dir)).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['paper.html', 'paper_files']);
  });
});

describe('staging', () => {
  it('moves nothing when a file was not staged through it, and leaves the folder as it was', async () => {
    const out = builtFolder();
    const before = snapshot(out);
    const { staging, staged } = await stageBuild(out, '<p>second</p>\n', { 'screen.css': 'changed\n' });
    await expect(staging.commit([...staged, path.join(staging.dir, 'paper.pdf')])).rejects.toThrow(/not staged/);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('what counts as the same file', () => {
  it('reads a file changed within a second of the check again, even when its times and size did not change', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-same-'));
    const file = path.join(dir, 'a.css');
    writeFileSync(file, 'aaaa');
    const bytes = Buffer.from('aaaa');
    expect(holdsBytes(file, bytes)).not.toBeNull();
    writeFileSync(file, 'bbbb');
    // As a file system whose clock ticks coarsely would show it: the stat is that of the changed file.
    const changed = lstatSync(file, { bigint: true });
    expect(stillHolds(file, changed, bytes, wallClockNs())).toBe(false);
    expect(stillHolds(file, changed, Buffer.from('bbbb'), wallClockNs())).toBe(true);
    // Long after its last change, an unchanged stat is enough.
    expect(stillHolds(file, changed, bytes, wallClockNs() + 5_000_000_000n)).toBe(true);
  });

  it('compares a large file to its last byte', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-same-'));
    const large = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 31) % 251));
    writeFileSync(path.join(dir, 'a.pdf'), large);
    expect(holdsBytes(path.join(dir, 'a.pdf'), large)).not.toBeNull();
    const other = Buffer.from(large);
    other[other.length - 1] ^= 1;
    expect(holdsBytes(path.join(dir, 'a.pdf'), other)).toBeNull();
    other[other.length - 1] ^= 1;
    other[300_000] ^= 1;
    expect(holdsBytes(path.join(dir, 'a.pdf'), other)).toBeNull();
  });

  it('is never a link, a folder or a file of another size', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-same-'));
    writeFileSync(path.join(dir, 'a'), 'same');
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'link'));
    mkdirSync(path.join(dir, 'folder'));
    expect(holdsBytes(path.join(dir, 'a'), Buffer.from('same'))).not.toBeNull();
    expect(holdsBytes(path.join(dir, 'a'), Buffer.from('same!'))).toBeNull();
    expect(holdsBytes(path.join(dir, 'a'), Buffer.from('sane'))).toBeNull();
    expect(holdsBytes(path.join(dir, 'link'), Buffer.from('same'))).toBeNull();
    expect(holdsBytes(path.join(dir, 'folder'), Buffer.from(''))).toBeNull();
    expect(holdsBytes(path.join(dir, 'missing'), Buffer.from(''))).toBeNull();
  });
});

describe('writing a file in place', () => {
  it('leaves a file with the same bytes as it is and replaces one with others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-write-'));
    const file = path.join(dir, 'a.txt');
    await writeFileAtomic(file, 'one\n');
    const first = inode(file);
    await writeFileAtomic(file, 'one\n');
    expect(inode(file)).toBe(first);
    await writeFileAtomic(file, 'two\n');
    expect(inode(file)).not.toBe(first);
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('never writes through a link left at its temporary name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-write-'));
    const elsewhere = path.join(mkdtempSync(path.join(tmpdir(), 'colophon-elsewhere-')), 'precious.txt');
    writeFileSync(elsewhere, 'keep\n');
    symlinkSync(elsewhere, path.join(dir, `.a.txt.${process.pid}.tmp`));
    await writeFileAtomic(path.join(dir, 'a.txt'), 'ours\n');
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep\n');
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('ours\n');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('does not rewrite the assets manifest when it lists the same files', async () => {
    const out = builtFolder();
    const assets = path.join(out, 'paper_files');
    const files = [path.join(assets, 'screen.css'), path.join(assets, 'font.woff2')];
    await replaceManifest(assets, files);
    const manifest = path.join(assets, manifestName);
    const first = inode(manifest);
    const text = readFileSync(manifest, 'utf8');
    await replaceManifest(assets, [...files].reverse());
    expect(inode(manifest)).toBe(first);
    expect(readFileSync(manifest, 'utf8')).toBe(text);
    // One file fewer: the manifest is replaced and the file no longer written is removed.
    await replaceManifest(assets, files.slice(0, 1));
    expect(inode(manifest)).not.toBe(first);
    expect(readFileSync(manifest, 'utf8')).not.toContain('font.woff2');
    expect(existsSync(path.join(assets, 'font.woff2'))).toBe(false);
  });
});
