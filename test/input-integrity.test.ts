/**
 * Nothing in the input is dropped silently: a byte-order mark is skipped,
 * an unclosed front matter and bytes that are not UTF-8 are located errors,
 * and raw HTML can neither forge notes nor leak a <style> or <script>'s
 * text into the editions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../src/document.js';
import { decodeUtf8 } from '../src/load/text.js';
import { manuscript, references } from './helpers/manuscript.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

function colophon(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const outFiles = (dir: string) => (existsSync(path.join(dir, 'out')) ? readdirSync(path.join(dir, 'out')) : []);

describe('front matter', () => {
  it('is read after a byte-order mark', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    writeFileSync(path.join(dir, 'bom.md'), '\uFEFF---\ntitle: After the Mark\nbibliography: refs.json\ncsl: apa\n---\n\nText [@guild2009].\n');
    const result = colophon(['build', 'bom.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const html = readFileSync(path.join(dir, 'out', 'bom.html'), 'utf8');
    expect(html).toContain('<title>After the Mark</title>');
    expect(html).toContain('(Guild, 2009)');
    expect(html).not.toContain('\uFEFF');
  });

  it('that is never closed is an error at its opening line, and nothing else is reported', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    writeFileSync(path.join(dir, 'open.md'), '---\ntitle: Open\nbibliography: refs.json\n\nText [@guild2009] and [@yunusov2009].\n');
    const result = colophon(['build', 'open.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('open.md:1:1  front matter opened here is never closed: end it with a line `---` (or `...`)  front-matter-unclosed');
    expect(outFiles(dir)).toEqual([]);
  });

  it('is not opened by a rule followed by a blank line', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    writeFileSync(path.join(dir, 'rule.md'), '---\n\nA text that starts with a rule.\n');
    const result = colophon(['build', 'rule.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'rule.html'), 'utf8')).toContain('<hr>');
  });
});

describe('invalid UTF-8', () => {
  it('in the manuscript is an error with its line, column and byte offset', () => {
    const dir = path.dirname(manuscript('title: T', 'x'));
    // 18 bytes of front matter and blank line, "Ça caf" is 7 more: the lone 0xE9 (Latin-1 é) at byte 25 is not UTF-8.
    const bytes = Buffer.concat([Buffer.from('---\ntitle: T\n---\n\nÇa caf', 'utf8'), Buffer.from([0xe9]), Buffer.from(' noir.\n')]);
    writeFileSync(path.join(dir, 'latin1.md'), bytes);
    const result = colophon(['build', 'latin1.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'latin1.md:5:7  the manuscript is not valid UTF-8: byte 25 (line 5) cannot be decoded; save the file as UTF-8  encoding-invalid',
    );
    expect(outFiles(dir)).toEqual([]);
  });

  it('in a bibliography is an error at its place in that file', () => {
    const file = manuscript('title: T\nbibliography: refs.json', 'Text [@guild2009].');
    const dir = path.dirname(file);
    const json = JSON.stringify(references, null, 2).replace('Readmission Agreements', 'Readmission \u0000Agreements');
    const at = Buffer.from(json.slice(0, json.indexOf('\u0000')), 'utf8').length;
    const bytes = Buffer.from(json, 'utf8');
    bytes[at] = 0xff;
    writeFileSync(path.join(dir, 'refs.json'), bytes);
    const line = json.slice(0, json.indexOf('\u0000')).split('\n').length;
    const result = colophon(['build', 'input.md', '--format', 'html', '--out', 'out'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^refs\\.json:${line}:\\d+ {2}the bibliography file is not valid UTF-8: byte ${at} \\(line ${line}\\) cannot be decoded; save the file as UTF-8 {2}encoding-invalid$`, 'm'),
    );
    expect(outFiles(dir)).toEqual([]);
  });

  it('is found at the first bad byte, whatever kind of bad', () => {
    const at = (...bytes: number[]) => decodeUtf8(Uint8Array.from(bytes)).invalid;
    expect(decodeUtf8(Buffer.from('\uFEFFok 😀 é', 'utf8'))).toEqual({ text: 'ok 😀 é' });
    expect(at(0x61, 0xc0, 0x80)).toEqual({ offset: 1, line: 1, column: 2 }); // overlong
    expect(at(0x61, 0x0a, 0x62, 0xed, 0xa0, 0x80)).toEqual({ offset: 3, line: 2, column: 2 }); // a surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toEqual({ offset: 0, line: 1, column: 1 }); // above U+10FFFF
    expect(at(0xf0, 0x9f, 0x98, 0x80, 0xe2, 0x82)).toEqual({ offset: 4, line: 1, column: 3 }); // cut short at the end
    expect(at(0xef, 0xbb, 0xbf, 0x78, 0x80)).toEqual({ offset: 4, line: 1, column: 2 }); // after a BOM
  });
});

describe('raw HTML', () => {
  const text = [
    'Text with a real note.[^a]',
    '[^a]: The real note.',
    '<div data-note="1" data-note-kind="citation">SPOOFED NOTE</div>',
    '<p><a data-note-call="2" data-note-extra="x" data-cites="guild2009">SPOOFED CALL</a></p>',
    '<style>body { display: none } .secret::after { content: "STYLE TEXT" }</style>',
    '<script>var SCRIPT_TEXT = 1;</script>',
    '<span data-x="kept">ordinary</span>',
  ].join('\n\n');

  for (const unsafeHtml of [false, true]) {
    it(`cannot make notes${unsafeHtml ? ', even with --unsafe-html' : ''}`, async () => {
      const model = await buildDocument({ input: manuscript('title: T', text), unsafeHtml });
      expect(model.notes).toHaveLength(1);
      expect(toString({ type: 'root', children: model.notes[0]!.children })).toContain('The real note.');
      const body = JSON.stringify(model.body);
      expect(body).toContain('SPOOFED NOTE');
      expect(body).toContain('SPOOFED CALL');
      // The model's attributes exist only where the model made them: one call.
      expect(body.match(/"dataNoteCall"/g)).toHaveLength(1);
      expect(body).not.toMatch(/"dataNote"|"dataNoteKind"|"dataNoteExtra"|"dataCites"/);
    });
  }

  it('loses a removed <style> or <script> with its contents', async () => {
    const model = await buildDocument({ input: manuscript('title: T', text) });
    const body = toString(model.body);
    expect(body).not.toContain('STYLE TEXT');
    expect(body).not.toContain('display: none');
    expect(body).not.toContain('SCRIPT_TEXT');
    expect(body).toContain('ordinary');
  });

  it('keeps the model’s own citation and note attributes when the text has raw HTML', async () => {
    const model = await buildDocument({
      input: manuscript('title: T\nbibliography: refs.json\ncsl: chicago-note-bibliography', `Cited [@guild2009].\n\n<span class="x">raw</span>`),
    });
    expect(model.notes.map((n) => n.kind)).toEqual(['citation']);
    expect(JSON.stringify(model.body)).toContain('"dataNoteCall":1');
  });
});
