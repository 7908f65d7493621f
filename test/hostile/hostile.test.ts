/**
 * The hostile-input suite: every case of `cases.ts` through the `colophon`
 * command (compiled, as users run it), one folder a case.
 *
 * For each case: the exit status; a message with the expected rule id at
 * the expected place, in the house form; no stack trace and no internal
 * error; nothing left in the output folder after a failure (and only the
 * expected editions after a success); no request reaching the loopback
 * server the remote URLs point at; and no byte of the secret files outside
 * the case's folder in any edition (the EPUB unzipped, the PDF's text
 * through pdftotext).
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../helpers/tools.js';
import { cases, type FixtureFile, type HostileCase } from './cases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'build', 'src', 'cli', 'bin.js');
const png = readFileSync(path.join(root, 'test', 'fixtures', 'epub', 'migration-chart.png'));
const secret = `COLOPHON-SECRET-${process.pid}-7f3a9c`;

let work: string;
let outside: string;
let server: Server;
let remote: string;
const requests: string[] = [];
const browser = existsSync('/usr/bin/chromium') || Boolean(process.env.PUPPETEER_EXECUTABLE_PATH);
const pdftotext = hasCommand('pdftotext', ['-v']);

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run compile\` first`);
  work = mkdtempSync(path.join(tmpdir(), 'colophon-hostile-'));
  outside = path.join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), `${secret}\n`);
  writeFileSync(path.join(outside, 'secret.svg'), `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20"><text x="0" y="15">${secret}</text></svg>\n`);
  writeFileSync(path.join(outside, 'secret.css'), `body::before { content: "${secret}"; }\n`);
  writeFileSync(path.join(outside, 'secret.json'), JSON.stringify([{ id: 'a', type: 'book', title: secret }]));
  writeFileSync(
    path.join(outside, 'secret.csl'),
    `<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><info><title>${secret}</title><id>s</id><updated>2020-01-01T00:00:00+00:00</updated></info><citation><layout><text value="${secret}"/></layout></citation></style>\n`,
  );
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('remote');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

function fill(text: string): string {
  return text.replaceAll('{{secret}}', path.join(outside, 'secret.txt')).replaceAll('{{outside}}', outside).replaceAll('{{remote}}', remote);
}

function writeFixture(dir: string, name: string, spec: FixtureFile): void {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  if (typeof spec === 'string') writeFileSync(target, fill(spec));
  else if ('symlink' in spec) symlinkSync(fill(spec.symlink), target);
  else if ('fifo' in spec) execFileSync('mkfifo', [target]);
  else if ('folder' in spec) mkdirSync(target);
  else if ('png' in spec) writeFileSync(target, png);
  else writeFileSync(target, (spec.before ?? '') + spec.repeat.repeat(spec.times) + (spec.after ?? ''));
}

interface Run {
  status: number | null;
  stderr: string;
  stdout: string;
}

function run(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, stdout });
    });
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

/** Every text and byte the editions hold, with where it came from. */
function editionContents(file: string): Array<[string, Buffer | string]> {
  const data = readFileSync(file);
  const parts: Array<[string, Buffer | string]> = [[file, data]];
  if (file.endsWith('.epub')) for (const [name, bytes] of Object.entries(unzipSync(data))) parts.push([`${file}!${name}`, Buffer.from(bytes)]);
  if (file.endsWith('.pdf') && pdftotext) parts.push([`${file} (text)`, execFileSync('pdftotext', [file, '-']).toString('utf8')]);
  return parts;
}

/** Lines of the house form: `where  reason  rule-id`. */
function messageLines(stderr: string): Array<{ where: string; rule: string; line: string }> {
  return stderr
    .split('\n')
    .filter((line) => /\S  [a-z][a-z0-9-]+$/.test(line) && !line.startsWith(' '))
    .map((line) => ({ where: line.startsWith('colophon: ') ? 'colophon' : line.slice(0, line.indexOf('  ')), rule: line.slice(line.lastIndexOf('  ') + 2), line }));
}

const formatsOf = (c: HostileCase) => (c.formats === 'all' ? 'html,epub,pdf' : (c.formats ?? 'html'));
const needsBrowser = (c: HostileCase) => /pdf|epub/.test(formatsOf(c)) && !c.args?.includes('--browser');

describe('hostile inputs', () => {
  it('has at least 60 cases, each with a unique name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const [index, c] of cases.entries()) {
    it(c.name, async (context) => {
      if (needsBrowser(c) && !requireTool('Chromium', browser, 'the print edition of hostile cases is not checked')) {
        context.skip();
        return;
      }
      const dir = path.join(work, `case-${index}`);
      mkdirSync(dir);
      for (const [name, spec] of Object.entries(c.files)) writeFixture(dir, name, spec);
      const outDir = path.join(dir, 'out');
      const requestsBefore = requests.length;
      const args = ['build', ...(c.inputs ?? ['paper.md']), '--format', formatsOf(c), '--out', 'out', ...(c.args ?? []).map(fill)];
      const result = await run(dir, args, c.env ?? {});
      const report = `${c.name}\n$ colophon ${args.join(' ')}\nexit ${result.status}\n${result.stderr}`;

      expect(result.status, report).toBe(c.expect.exit);
      // No stack trace, no internal error, whatever happened.
      expect(result.stderr, report).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.stderr, report).not.toMatch(/internal-error|TypeError|RangeError|ReferenceError|EISDIR|ENOTDIR|EACCES/);
      if (c.expect.rule) {
        const found = messageLines(result.stderr).filter((m) => m.rule === c.expect.rule);
        expect(found.length, report).toBeGreaterThan(0);
        if (c.expect.at) expect(found.map((m) => m.where), report).toContain(c.expect.at);
      }
      // Nothing reached the loopback server: no request left the build.
      expect(requests.slice(requestsBefore), report).toEqual([]);

      const left = c.expect.outputs === undefined && c.args?.includes('--out') ? [] : filesUnder(outDir);
      const names = left.map((file) => path.relative(outDir, file));
      expect(names.filter((name) => name.startsWith('.colophon-') || name.includes('.tmp')), report).toEqual([]);
      if (c.expect.outputs) {
        const editions = names.filter((name) => !name.includes(path.sep)).sort();
        expect(editions, report).toEqual([...c.expect.outputs].sort());
      } else if (c.expect.exit !== 0) {
        expect(names, report).toEqual([]);
      }
      for (const file of left) {
        for (const [where, content] of editionContents(file)) {
          expect(content.includes(secret), `${where} holds the secret\n${report}`).toBe(false);
        }
      }
      if (c.args?.includes('--out')) {
        const target = path.join(dir, fill(c.args[c.args.indexOf('--out') + 1]));
        // An --out that is a file is left as it was.
        if (existsSync(target) && statSync(target).isFile()) expect(readFileSync(target, 'utf8')).toBe('not a folder');
      }
    });
  }
});

// A figure inside the folder reaches every edition: the confinement keeps what it should.
describe('hostile inputs: what is allowed still arrives', () => {
  it('copies an image from the manuscript folder beside the web page', async () => {
    const dir = path.join(work, 'allowed');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'paper.md'), '---\ntitle: Allowed\n---\n\n![A chart](chart.png)\n');
    copyFileSync(path.join(root, 'test', 'fixtures', 'epub', 'migration-chart.png'), path.join(dir, 'chart.png'));
    const html = await run(dir, ['build', 'paper.md', '--format', 'html', '--out', 'out'], {});
    expect(html.status, html.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'paper_files', 'images', 'chart.png')).equals(png)).toBe(true);
    expect(readFileSync(path.join(dir, 'out', 'paper.html'), 'utf8')).toContain('src="paper_files/images/chart.png"');
  });
});
