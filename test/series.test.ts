/**
 * Series builds (`--jobs`) and the progress line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser.js';
import { BuildUsageError } from '../src/output/errors.js';
import { progressLine } from '../src/progress/line.js';
import { buildSeries } from '../src/series/index.js';
import { manuscript } from './helpers/manuscript.js';
import { hasCommand } from './helpers/tools.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');
const launcher = path.join(import.meta.dirname, '..', 'bin', 'colophon.cjs');

/** Four manuscripts in one folder; `broken.md` cites a key that is not there. */
function series(): string {
  const first = manuscript('title: Note one\nbibliography: refs.json', '# One\n\nFirst note [@morehouse2011].', { name: 'one' });
  const dir = path.dirname(first);
  const write = (name: string, title: string, text: string) =>
    writeFileSync(path.join(dir, `${name}.md`), `---\ntitle: ${title}\nbibliography: refs.json\n---\n\n${text}\n`);
  write('two', 'Note two', '# Two\n\nSecond note [@yunusov2009, 3].');
  write('broken', 'Broken note', '# Broken\n\nThis one fails [@nobody].');
  write('four', 'Note four', '# Four\n\nFourth note [@guild2009].');
  return dir;
}

describe('series builds', () => {
  for (const entry of [bin, launcher]) {
    it(`builds every manuscript over workers; one error stops only its own (${path.basename(entry)})`, async () => {
      const dir = series();
      const result = spawnSync(process.execPath, [entry, 'build', 'one.md', 'two.md', 'broken.md', 'four.md', '--format', 'html', '--jobs', '2', '--out', 'out'], { cwd: dir, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^broken\.md:8:17 {2}citation key `@nobody` is not in the bibliography {2}citation-unknown-key$/m);
      const written = readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.html')).sort();
      expect(written).toEqual(['four.html', 'one.html', 'two.html']);
      expect(readFileSync(path.join(dir, 'out', 'two.html'), 'utf8')).toContain('Second note');
      expect(readFileSync(path.join(dir, 'out', 'four.html'), 'utf8')).toContain('Readmission Agreements');
      // The same bytes as one at a time.
      const single = spawnSync(process.execPath, [entry, 'build', 'one.md', 'two.md', 'four.md', '--format', 'html', '--jobs', '1', '--out', 'single'], { cwd: dir, encoding: 'utf8' });
      expect(single.status, single.stderr).toBe(0);
      for (const name of written) expect(readFileSync(path.join(dir, 'single', name)).equals(readFileSync(path.join(dir, 'out', name)))).toBe(true);
      // Not a terminal: no progress line, only the files written.
      expect(result.stdout.split('\n').filter(Boolean).every((line) => line.startsWith('wrote '))).toBe(true);
      expect(result.stderr).not.toContain('\r');
    });
  }

  it('prints with one shared browser', async () => {
    const found = await findBrowser();
    if (!found || !hasCommand('pdfinfo', ['-v'])) {
      if (process.env.CI === 'true') throw new Error('Chromium and pdfinfo are needed');
      console.warn('skipped: no Chromium or pdfinfo');
      return;
    }
    const dir = series();
    // A browser that notes each start, so the test sees how many were launched.
    const starts = path.join(dir, 'browser-starts.log');
    const wrapper = path.join(dir, 'browser.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho start >> '${starts}'\nexec '${found.executablePath}' "$@"\n`, { mode: 0o755 });
    const result = spawnSync(process.execPath, [launcher, 'build', 'one.md', 'two.md', 'broken.md', 'four.md', '--format', 'pdf,epub', '-j', '2', '--out', 'out', '-q', '--browser', wrapper], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    for (const name of ['one', 'two', 'four']) {
      const info = spawnSync('pdfinfo', [path.join(dir, 'out', `${name}.pdf`)], { encoding: 'utf8' });
      expect(info.stdout).toMatch(/^Pages:\s+1$/m);
      expect(existsSync(path.join(dir, 'out', `${name}.epub`))).toBe(true);
    }
    expect(existsSync(path.join(dir, 'out', 'broken.pdf'))).toBe(false);
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toEqual(['start']);
  });

  it('refuses two manuscripts of one name before any worker starts, as a single build does', async () => {
    const first = manuscript('title: One', 'Text one.', { name: 'paper' });
    const second = manuscript('title: Two', 'Text two.', { name: 'paper' });
    const out = path.join(path.dirname(first), 'out');
    const error = await buildSeries({ inputs: [first, second], formats: ['html'], outDir: out, jobs: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildUsageError);
    expect((error as Error).message).toMatch(/would both write .*paper\.\*; build them one at a time with distinct --out folders/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a --jobs that is not a positive whole number', () => {
    const dir = series();
    const result = spawnSync(process.execPath, [bin, 'build', 'one.md', 'two.md', '--jobs', '0'], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--jobs wants a whole number of 1 or more/);
  });
});

describe('the progress line', () => {
  const fakeTerminal = (isTTY: boolean) => {
    const chunks: string[] = [];
    const stream = { isTTY, columns: 60, write: (chunk: string) => void chunks.push(chunk) } as unknown as NodeJS.WriteStream;
    return { stream, chunks };
  };

  it('shows stage, pages and editions on one line, and wipes it', () => {
    const { stream, chunks } = fakeTerminal(true);
    const line = progressLine({ stream, enabled: true, delayMs: 0, total: 3 });
    line.update({ kind: 'stage', name: 'paper', stage: 'citations' });
    line.update({ kind: 'pages', name: 'paper', pages: 12 });
    line.update({ kind: 'written', name: 'paper', file: '/out/paper.pdf' });
    line.update({ kind: 'done', name: 'paper', ok: true, done: 1, total: 3 });
    line.print(stream, 'a message\n');
    line.stop();
    const all = chunks.join('');
    expect(chunks[0]).toBe('\r\x1b[2K[0/3] · paper · citations');
    expect(all).toContain('[1/3] · paper · citations · 12 pages · wrote pdf');
    // Messages start on a clean line; the line is gone at the end.
    expect(all).toMatch(/\r\x1b\[2Ka message\n/);
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
    expect(all.split('\r').every((part) => part.length <= 60 + 4)).toBe(true);
  });

  it('says nothing before a second has passed, when not a terminal, or when quiet', () => {
    for (const [isTTY, enabled, delayMs] of [[true, true, 60_000], [false, true, 0], [true, false, 0]] as const) {
      const { stream, chunks } = fakeTerminal(isTTY);
      const line = progressLine({ stream, enabled, delayMs });
      line.update({ kind: 'stage', name: 'paper', stage: 'citations' });
      line.stop();
      expect(chunks).toEqual([]);
    }
  });
});
