/**
 * The pieces behind the hostile-input suite, one by one: the resolver's
 * verdicts, safe reads of special files, limit settings, the style check
 * and how an exception becomes a message.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { exceptionMessage } from '../../src/build.js';
import { defaultLimits, parseLimitSettings, pdfDeadline } from '../../src/limits.js';
import { checkStyleXml } from '../../src/load/style-check.js';
import { cssReferences, readRegularFile, resolveReference, resourcePolicy } from '../../src/resources/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'colophon-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const book = path.join(dir, 'book');
mkdirSync(path.join(book, 'figs'), { recursive: true });
writeFileSync(path.join(book, 'paper.md'), 'x');
writeFileSync(path.join(book, 'figs', 'a b.png'), 'PNG');
writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
symlinkSync(path.join(dir, 'secret.txt'), path.join(book, 'out.png'));
symlinkSync(path.join(book, 'figs', 'a b.png'), path.join(book, 'in.png'));
execFileSync('mkfifo', [path.join(book, 'fifo.png')]);
const policy = resourcePolicy(path.join(book, 'paper.md'), { limits: defaultLimits });

describe('resolveReference', () => {
  it('reads a file inside the folder, %-escapes decoded, query and fragment ignored', () => {
    const found = resolveReference('figs/a%20b.png?v=2#x', policy);
    expect(found.kind).toBe('file');
    if (found.kind === 'file') expect(found.resource.data.toString()).toBe('PNG');
  });

  it('follows a link that stays inside', () => {
    expect(resolveReference('in.png', policy).kind).toBe('file');
  });

  it.each([
    ['/etc/passwd', 'resource-outside'],
    ['../secret.txt', 'resource-outside'],
    ['figs/../../secret.txt', 'resource-outside'],
    ['%2e%2e/secret.txt', 'resource-outside'],
    ['out.png', 'resource-outside'],
    ['file:///etc/passwd', 'resource-outside'],
    ['FILE:secret.txt', 'resource-outside'],
    ['C:\\Windows\\win.ini', 'resource-outside'],
    ['fifo.png', 'resource-unreadable'],
    ['figs', 'resource-unreadable'],
    ['bad%zz.png', 'resource-unreadable'],
    ['a%00b.png', 'resource-unreadable'],
  ])('refuses %s (%s)', (reference, ruleId) => {
    const found = resolveReference(reference, policy);
    expect(found).toMatchObject({ kind: 'refused', ruleId });
  });

  it('tells remote, inline and other references apart without reading anything', () => {
    expect(resolveReference('https://example.org/a.png', policy)).toEqual({ kind: 'remote', url: 'https://example.org/a.png' });
    expect(resolveReference('//example.org/a.png', policy)).toEqual({ kind: 'remote', url: 'https://example.org/a.png' });
    expect(resolveReference('data:image/png;base64,AAAA', policy)).toEqual({ kind: 'inline' });
    expect(resolveReference('#top', policy)).toEqual({ kind: 'inline' });
    expect(resolveReference('mailto:a@example.org', policy)).toEqual({ kind: 'other' });
    expect(resolveReference('missing.png', policy)).toMatchObject({ kind: 'missing' });
  });

  it('looks in --resource-path folders after the manuscript folder, and not with --sandbox', () => {
    const shared = path.join(dir, 'shared');
    mkdirSync(shared, { recursive: true });
    writeFileSync(path.join(shared, 'logo.png'), 'LOGO');
    const wider = resourcePolicy(path.join(book, 'paper.md'), { resourcePath: [shared], limits: defaultLimits });
    expect(resolveReference('logo.png', wider).kind).toBe('file');
    expect(resolveReference(path.join(shared, 'logo.png'), wider).kind).toBe('file');
    const sandboxed = resourcePolicy(path.join(book, 'paper.md'), { resourcePath: [shared], sandbox: true, limits: defaultLimits });
    expect(resolveReference('logo.png', sandboxed).kind).toBe('missing');
    expect(resolveReference(path.join(shared, 'logo.png'), sandboxed)).toMatchObject({ kind: 'refused', ruleId: 'resource-outside' });
  });

  it('applies the resource-size limit', () => {
    const small = resourcePolicy(path.join(book, 'paper.md'), { limits: { ...defaultLimits, 'resource-size': 2 } });
    expect(resolveReference('figs/a%20b.png', small)).toMatchObject({ kind: 'refused', ruleId: 'limit-resource-size' });
  });
});

describe('readRegularFile', () => {
  it('never blocks on a FIFO or reads a device', () => {
    expect(readRegularFile(path.join(book, 'fifo.png'), 100)).toMatchObject({ ok: false, why: 'special' });
    expect(readRegularFile('/dev/zero', 100)).toMatchObject({ ok: false, why: 'special' });
    expect(readRegularFile(book, 100)).toMatchObject({ ok: false, why: 'special', reason: 'it is a folder' });
  });

  it('stops past the limit even where the file claims no size', () => {
    expect(readRegularFile('/proc/self/status', 16)).toMatchObject({ ok: false, why: 'large' });
  });
});

describe('CSS references', () => {
  it('finds url() and @import in every spelling', () => {
    expect(cssReferences(`a{background:url(a.png)} b{background:url( "b.png" )} @import 'c.css'; @import url(d.css); e{x:url('e\\'s.png')}`)).toEqual([
      'a.png',
      'b.png',
      'c.css',
      'd.css',
      "e's.png",
    ]);
  });
});

describe('limits', () => {
  it('reads NAME=N with size suffixes, and refuses what it does not know', () => {
    expect(parseLimitSettings(['nesting=200', 'input-size=2M', 'resource-size=512k'])).toEqual({ nesting: 200, 'input-size': 2 * 1024 * 1024, 'resource-size': 512 * 1024 });
    expect(() => parseLimitSettings(['depth=3'])).toThrow(/unknown limit `depth`/);
    expect(() => parseLimitSettings(['nesting'])).toThrow(/NAME=N/);
    expect(() => parseLimitSettings(['nesting=0'])).toThrow(/positive/);
  });

  it('gives the print edition more time for a longer document', () => {
    expect(pdfDeadline(defaultLimits, 360_000)).toBe(420_000);
    expect(pdfDeadline({ ...defaultLimits, 'pdf-seconds': 5 }, 0)).toBe(5_000);
  });
});

describe('checkStyleXml', () => {
  const style = (body: string) => `<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n${body}\n</style>`;
  it('accepts a complete style and a dependent one', () => {
    expect(checkStyleXml(style('<citation><layout><text variable="title"/></layout></citation>'))).toBeNull();
    expect(checkStyleXml(style('<info><link rel="independent-parent" href="http://www.zotero.org/styles/apa"/></info>'))).toBeNull();
  });
  it('places each problem at its line and column', () => {
    expect(checkStyleXml(style('<citation/>'))).toMatchObject({ reason: 'its <citation> has no <layout>', line: 2, column: 1 });
    expect(checkStyleXml(style('<bibliography/><citation><layout/></citation>'))).toMatchObject({ reason: 'its <bibliography> has no <layout>', line: 2 });
    expect(checkStyleXml(style('<citation><layout><text macro="x"/></layout></citation>'))).toMatchObject({ line: 2, column: 19 });
    expect(checkStyleXml('<style>')).toMatchObject({ reason: expect.stringMatching(/does not parse/) });
    expect(checkStyleXml(`<style>${'<group>'.repeat(5000)}`)).toMatchObject({ reason: expect.stringMatching(/nested more than/) });
  });
});

describe('exceptions as messages', () => {
  it('turns a stack overflow into the nesting limit and anything else into an internal error with its cause', () => {
    const file = new VFile({ path: 'paper.md' });
    exceptionMessage(file, new RangeError('Maximum call stack size exceeded'), defaultLimits, 'reading the manuscript');
    const bug = new TypeError('x is undefined');
    exceptionMessage(file, bug, defaultLimits, 'writing the editions');
    expect(file.messages.map((m) => [m.ruleId, m.fatal])).toEqual([
      ['limit-nesting', true],
      ['internal-error', true],
    ]);
    expect(file.messages[1].reason).toMatch(/internal error while writing the editions: x is undefined \(this is a bug in Colophon: please report it/);
    expect(file.messages[1].cause).toBe(bug);
  });
});

describe('the emphasis bound', () => {
  it('counts within a block only: a long list of items that each open an emphasis is no attack', async () => {
    const { checkMarkdownText } = await import('../../src/guard.js');
    const file = new VFile({ path: 'paper.md' });
    const list = Array.from({ length: 200 }, (_, i) => `- *Note ${i}: see the table`).join('\n');
    expect(checkMarkdownText(file, list, defaultLimits)).toBe(true);
    expect(checkMarkdownText(file, '*a '.repeat(100), defaultLimits)).toBe(false);
    expect(file.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['limit-nesting', 1, 193]]);
  });
});

describe('the house form of a message', () => {
  it('stays one line when the value it quotes holds line breaks or control characters', async () => {
    const { formatMessage } = await import('../../src/cli/report.js');
    const file = new VFile({ path: 'refs.json' });
    const message = file.message('field "type" must be a CSL item type, not "a\nb\u0007c"', { place: { line: 4, column: 5 }, ruleId: 'bibliography-invalid' });
    const line = formatMessage(message, 'refs.json', true);
    expect(line).toBe('refs.json:4:5  field "type" must be a CSL item type, not "a\\nb\\u0007c"  bibliography-invalid');
    expect(line.split('\n')).toHaveLength(1);
  });
});
