/**
 * The `colophon` command as a user meets it: exit status, messages as
 * `file:line:column  message  rule-id`, nothing half-written in the output
 * folder. Runs the compiled bin (`npm test` compiles first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript } from './helpers/manuscript.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

function colophon(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(file: string) {
  return path.dirname(file);
}

describe('colophon build: problems in the input', () => {
  const cases: Array<{ name: string; front: string; text: string; setup?: (dir: string) => void; expected: RegExp }> = [
    { name: 'an unknown citation key', front: 'title: T\nbibliography: refs.json', text: 'Text [@nobody].', expected: /^input\.md:6:7 {2}citation key `@nobody` is not in the bibliography {2}citation-unknown-key$/m },
    { name: 'a YAML error', front: 'title: [T\nbibliography: refs.json', text: 'Text.', expected: /^input\.md:3:\d+ {2}front matter: .+ {2}yaml-syntax$/m },
    { name: 'a front-matter key of the wrong kind', front: 'title: T\nlink-citations: often', text: 'Text.', expected: /^input\.md:3:1 {2}front matter: `link-citations`: .+ {2}front-matter-invalid$/m },
    { name: 'a missing bibliography', front: 'title: T\nbibliography: nowhere.json', text: 'Text.', expected: /nowhere\.json.* {2}.*file-unreadable$/m },
    {
      name: 'invalid CSL-JSON',
      front: 'title: T\nbibliography: bad.json',
      text: 'Text.',
      setup: (dir) => writeFileSync(path.join(dir, 'bad.json'), '[\n  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "type": "book", "issued": "last year"}\n]\n'),
      expected: /^bad\.json:3:\d+ {2}.*"b".*issued.* {2}bibliography-invalid$/m,
    },
    { name: 'an unknown style', front: 'title: T\ncsl: chicago-notes', text: 'Text.', expected: /^input\.md:3:1 {2}.*chicago-notes.*did you mean .*chicago-note-bibliography.* {2}style-unknown$/m },
    { name: 'an undefined footnote', front: 'title: T', text: 'Text.[^gone]', expected: /^input\.md:5:6 {2}footnote `\[\^gone\]` is referenced but never defined {2}footnote-undefined$/m },
  ];
  for (const c of cases) {
    it(`reports ${c.name} with its place and exits 1, writing nothing`, () => {
      const file = manuscript(c.front, c.text);
      c.setup?.(folder(file));
      const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], folder(file));
      expect(result.stderr).toMatch(c.expected);
      expect(result.status).toBe(1);
      expect(existsSync(path.join(folder(file), 'out')) ? readdirSync(path.join(folder(file), 'out')) : []).toEqual([]);
    });
  }

  it('exits 3 without a browser for the print edition, writing no edition at all', () => {
    const file = manuscript('title: T', 'Text.');
    const result = colophon(['build', 'input.md', '--out', 'out', '--browser', path.join(folder(file), 'no-such-browser')], folder(file));
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^input\.md {2}print edition: No browser at .*no-such-browser\. {2}browser-missing$/m);
    expect(existsSync(path.join(folder(file), 'out')) ? readdirSync(path.join(folder(file), 'out')) : []).toEqual([]);
  });

  it('prints only errors with --quiet, whatever the text of a warning', () => {
    const file = manuscript('title: T', 'Text.[^a] warning: in the text.\n\n[^a]: A note.\n\n[^b]: Never called.');
    const loud = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], folder(file));
    expect(loud.status).toBe(0);
    expect(loud.stderr).toMatch(/warning: footnote `\[\^b\]` is defined but never referenced {2}footnote-unused/);
    const quiet = colophon(['build', 'input.md', '--format', 'html', '--out', 'out', '--quiet'], folder(file));
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('');
    const failing = colophon(['build', 'input.md', '--format', 'html', '--out', 'out', '--quiet', '--bibliography', 'missing.json'], folder(file));
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/missing\.json.*file-unreadable/);
    expect(failing.stderr).not.toMatch(/footnote-unused/);
  });

  it('prints its version from any folder', () => {
    const result = colophon(['--version'], tmpdir());
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')).version);
  });

  it('shows an unknown key as key? and exits 0 with --lenient', () => {
    const file = manuscript('title: T\nbibliography: refs.json', 'Text [@nobody].');
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out', '--lenient'], folder(file));
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/input\.md:6:7 {2}warning: citation key `@nobody`/);
    expect(readFileSync(path.join(folder(file), 'out', 'input.html'), 'utf8')).toContain('<b>nobody?</b>');
  });

  it('builds a manuscript without front matter, with a warning, using --bibliography', () => {
    const file = manuscript('title: T', 'x');
    const dir = folder(file);
    writeFileSync(path.join(dir, 'plain.md'), 'No front matter here [@guild2009, 195].\n');
    const result = colophon(['build', 'plain.md', '--format', 'html', '--out', 'out', '--bibliography', 'refs.json', '--style', 'apa'], dir);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^plain\.md:1:1 {2}warning: no `title` in the front matter: the file name stands in for it {2}title-missing$/m);
    const html = readFileSync(path.join(dir, 'out', 'plain.html'), 'utf8');
    expect(html).toContain('<title>plain</title>');
    expect(html).toContain('(Guild, 2009, p. 195)');
  });

  it('warns about an unused footnote and still builds', () => {
    const file = manuscript('title: T', 'Text.\n\n[^spare]: Never called.');
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], folder(file));
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^input\.md:7:1 {2}warning: footnote `\[\^spare\]` is defined but never referenced {2}footnote-unused$/m);
  });
});

describe('colophon build: usage', () => {
  it('exits 2 on an unknown option, command or format', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-cli-'));
    expect(colophon(['build', '--colour'], dir).status).toBe(2);
    expect(colophon(['publish'], dir).status).toBe(2);
    const bad = colophon(['build', 'x.md', '--format', 'docx'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown format `docx`');
  });

  it('prints help and the style list', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-cli-'));
    expect(colophon(['--help'], dir).stdout).toContain('colophon build [FILE.md ...]');
    const styles = colophon(['styles'], dir);
    expect(styles.status).toBe(0);
    for (const id of ['carim-note', 'chicago-note-bibliography', 'chicago-note-bibliography-with-ibid', 'chicago-author-date', 'apa', 'harvard-cite-them-right', 'modern-language-association', 'vancouver']) {
      expect(styles.stdout).toMatch(new RegExp(`^${id} +(note|in-text) `, 'm'));
    }
  });
});

describe('colophon build: raw HTML', () => {
  const text = 'Safe <span class="x">span</span>.\n\n<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="alert(3)">link</a>\n\n<img src="x.png" onerror="alert(4)" alt="x">';
  it('is sanitised by default, with a warning', () => {
    const file = manuscript('title: T', text);
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], folder(file));
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('html-sanitized');
    const html = readFileSync(path.join(folder(file), 'out', 'input.html'), 'utf8');
    expect(html).toContain('<span class="x">span</span>');
    expect(html).not.toMatch(/<script(?![^>]*application\/ld\+json)|alert\(|onclick|onerror|javascript:/);
  });

  it('passes through with --unsafe-html', () => {
    const file = manuscript('title: T', text);
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out', '--unsafe-html'], folder(file));
    expect(result.status).toBe(0);
    const html = readFileSync(path.join(folder(file), 'out', 'input.html'), 'utf8');
    expect(html).toContain('<script>alert(1)</script>');
    expect(html).toContain('onclick="alert(3)"');
  });

  it('leaves a table its caption (the HTML parser drops a caption outside its table)', () => {
    const table = '| Year | Returns |\n|------|---------|\n| 2011 | 1,519   |\n\n: Returns per year {#tbl-returns}';
    for (const unsafe of [[], ['--unsafe-html']]) {
      const file = manuscript('title: T', `See @tbl-returns.\n\n${table}\n\n<div class="x">raw</div>`);
      const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out', ...unsafe], folder(file));
      expect(result.status, result.stderr).toBe(0);
      const html = readFileSync(path.join(folder(file), 'out', 'input.html'), 'utf8');
      expect(html).toMatch(/<table[^>]*><caption>Table 1: Returns per year<\/caption>/);
      expect(html).toContain('aria-label="Table 1: Returns per year"');
      expect(html).toContain('<div class="x">raw</div>');
    }
  });
});

describe('colophon: a reader that stops reading', () => {
  // `colophon styles --all | head -1`: the pipe closes after the first line.
  const closedEarly = (entry: string, args: string[], cwd?: string) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [entry, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
  const launcher = path.join(import.meta.dirname, '..', 'bin', 'colophon.cjs');

  it('is no error: the listing stops quietly, with exit status 0', async () => {
    for (const entry of [bin, launcher]) {
      const { code, stderr } = await closedEarly(entry, ['styles', '--all']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });

  it('does not stop a build: its editions are all in place, and no staging is left', async () => {
    const input = manuscript('title: Piped\nbibliography: refs.json', 'Migration was debated [@morehouse2011, p. 4].');
    const dir = path.dirname(input);
    // Each file written is a line on stdout: the first one closes the pipe.
    const { code, stderr } = await closedEarly(bin, ['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['input.html', 'input_files']);
    expect(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8')).toContain('Irregular Migration in Europe');
  });
});
