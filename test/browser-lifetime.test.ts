/**
 * Every wait on the browser has a deadline, and no browser outlives its
 * build: a stage that misses its deadline is an environment error (exit 3)
 * naming the stage; a browser that never answers fails in seconds; a page
 * that navigates itself away cannot hang the print; a build killed with
 * SIGKILL leaves no Chromium behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser } from '../src/browser.js';
import { buildDocument } from '../src/document.js';
import { closePageWithin, endBrowser, StageTimeoutError, withDeadline } from '../src/output/deadline.js';
import { PrintTimeoutError, renderPdf } from '../src/pdf/index.js';
import { manuscript } from './helpers/manuscript.js';
import { hasCommand, requireTool } from './helpers/tools.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

function colophon(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const hasBrowser =
  requireTool('Chromium', (await findBrowser().catch(() => null)) !== null, 'the browser deadline and lifetime tests are skipped') &&
  requireTool('pdftotext (poppler-utils)', hasCommand('pdftotext', ['-v']), 'the browser deadline and lifetime tests are skipped');

/** Processes by pid: parent pid and command line, from /proc. */
function processes(): Map<number, { ppid: number; cmdline: string }> {
  const found = new Map<number, { ppid: number; cmdline: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      found.set(Number(entry), { ppid, cmdline });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function descendants(root: number): Array<{ pid: number; cmdline: string }> {
  const all = processes();
  const result: Array<{ pid: number; cmdline: string }> = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, info] of all) {
      if (info.ppid === parent) {
        result.push({ pid, cmdline: info.cmdline });
        queue.push(pid);
      }
    }
  }
  return result;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pdfText = (file: string) => spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;

describe('deadlines', () => {
  it('a wait past its deadline is an error naming the stage, and stops the work', async () => {
    let stopped = false;
    const never = new Promise<void>(() => undefined);
    const error = await withDeadline('pagination', 20, never, () => (stopped = true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageTimeoutError);
    expect((error as StageTimeoutError).stage).toBe('pagination');
    expect((error as StageTimeoutError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(/^paginating the print edition took longer than 20 ms and was stopped/);
    expect(stopped).toBe(true);
    await expect(withDeadline('print', 1000, Promise.resolve('done'))).resolves.toBe('done');
  });

  describe.runIf(hasBrowser)('in the browser', () => {
    // Each case has a browser of its own: one that a case's stuck page got
    // killed cannot fail the next case.
    let browser: Browser;
    beforeEach(async () => {
      browser = await launchBrowser();
    });
    afterEach(async () => {
      if (browser) await endBrowser(browser);
    });

    it('stops a print over its whole time budget (pdf-seconds) the same way: exit 3, the stage named, the rule id of the limit', async () => {
      const file = manuscript('title: T', Array.from({ length: 1500 }, (_, i) => `Paragraph ${i} of a long text.[^n${i}]\n\n[^n${i}]: Note ${i}.`).join('\n\n'));
      const model = await buildDocument({ input: file });
      const before = (await browser.pages()).length;
      const outFile = path.join(path.dirname(file), 'late.pdf');
      const error = await renderPdf(model, { browser, outFile, timeout: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrintTimeoutError);
      expect(error).toBeInstanceOf(StageTimeoutError);
      expect((error as PrintTimeoutError).ruleId).toBe('limit-pdf-seconds');
      expect((error as PrintTimeoutError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/^the print edition took longer than 1 ms and was stopped while [a-z ]+: .*--limit pdf-seconds=N/);
      expect((await browser.pages()).length).toBe(before);
      expect(browser.connected, 'the page closed, so the browser was not killed').toBe(true);
      expect(existsSync(outFile)).toBe(false);
    });

    for (const stage of ['load', 'pagination', 'print'] as const) {
      it(`stops a print whose ${stage} misses its deadline, names it, and closes the page`, async () => {
        const file = manuscript('title: T', Array.from({ length: 40 }, (_, i) => `Paragraph ${i}.`).join('\n\n'));
        const model = await buildDocument({ input: file });
        // The stage must really wait: a pagination of 40 short paragraphs can
        // be over within a millisecond, 1,500 paragraphs with notes cannot.
        const long =
          stage === 'pagination'
            ? await buildDocument({
                input: manuscript('title: Long', Array.from({ length: 1500 }, (_, i) => `Paragraph ${i} of a long text.[^n${i}]\n\n[^n${i}]: Note ${i}.`).join('\n\n')),
              })
            : model;
        const before = (await browser.pages()).length;
        const outFile = path.join(path.dirname(file), 'stuck.pdf');
        const error = await renderPdf(long, { browser, outFile, deadlines: { [stage]: 1 } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StageTimeoutError);
        expect((error as StageTimeoutError).stage).toBe(stage);
        expect((error as StageTimeoutError).ruleId).toBe('browser-timeout');
        expect((error as StageTimeoutError).exitCode).toBe(3);
        expect((await browser.pages()).length).toBe(before);
        expect(browser.connected, 'the page closed, so the browser was not killed').toBe(true);
        expect(existsSync(outFile)).toBe(false);
        // The browser still serves the next print.
        await renderPdf(model, { browser, outFile });
        expect(pdfText(outFile)).toContain('Paragraph 39.');
      });
    }

    it('closes every page whose load was cut off, even one still loading, and the browser lives on to print', async () => {
      // Closing a page that is still loading meets its navigation being
      // committed now and then; Chromium then drops the close. Twenty
      // loads cut off in a row: every page must still go, and the browser
      // must not be killed for one that stayed.
      const file = manuscript('title: T', Array.from({ length: 40 }, (_, i) => `Paragraph ${i}.`).join('\n\n'));
      const model = await buildDocument({ input: file });
      const outFile = path.join(path.dirname(file), 'after.pdf');
      const before = (await browser.pages()).length;
      const child = browser.process();
      for (let i = 0; i < 20; i++) {
        const error = await renderPdf(model, { browser, outFile, deadlines: { load: 1 } }).catch((e: unknown) => e);
        expect((error as StageTimeoutError).stage, `print ${i + 1}`).toBe('load');
        expect(browser.connected, `print ${i + 1}: the browser was not killed`).toBe(true);
        expect((await browser.pages()).length, `print ${i + 1}: its page was closed`).toBe(before);
      }
      expect(child?.exitCode).toBeNull();
      expect(child?.signalCode).toBeNull();
      await renderPdf(model, { browser, outFile });
      expect(pdfText(outFile)).toContain('Paragraph 39.');
    }, 120_000);
  });
});

/**
 * A stand-in for a page and its browser: the browser's process is a real
 * one that never exits by itself (so a kill can be seen), the page closes
 * on the `closesOn`-th close it is asked for (Infinity: never).
 */
function standIns(closesOn: number) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const browserEvents = new EventEmitter();
  const browser = Object.assign(browserEvents, { connected: true, process: () => child }) as unknown as Browser;
  const pageEvents = new EventEmitter();
  let closed = false;
  let asked = 0;
  const page = Object.assign(pageEvents, {
    isClosed: () => closed,
    // Like Puppeteer's: resolves once the page is gone, which a dropped close never is.
    close: () =>
      new Promise<void>((resolve) => {
        asked += 1;
        if (asked < closesOn) return;
        setImmediate(() => {
          pageEvents.emit('close');
          closed = true;
          resolve();
        });
      }),
  }) as unknown as Page;
  return { browser, page, child, exited, asked: () => asked };
}

describe('closing a page', () => {
  it('asks again when Chromium dropped the close, and leaves the browser alive', async () => {
    const { browser, page, child, exited, asked } = standIns(3);
    try {
      await closePageWithin(browser, page);
      expect(page.isClosed()).toBe(true);
      expect(asked()).toBe(3);
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('kills the browser when the page never closes within its deadline, and returns', async () => {
    const { browser, page, exited, asked } = standIns(Infinity);
    await closePageWithin(browser, page, 1_500);
    expect(await exited).toBe('SIGKILL');
    expect(page.isClosed()).toBe(false);
    expect(asked()).toBeGreaterThan(1);
  });

  it('stops asking once the browser is gone', async () => {
    const { browser, page, child, exited, asked } = standIns(Infinity);
    const asking = closePageWithin(browser, page);
    (browser as unknown as { connected: boolean }).connected = false;
    (browser as unknown as EventEmitter).emit('disconnected');
    await asking;
    expect(asked()).toBe(1);
    // Gone already: nothing of it is killed.
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
  });
});

describe.runIf(hasBrowser)('a page that navigates itself away', () => {
  for (const delay of ['0', '0.3', '0.9']) {
    it(`is printed whole (meta refresh after ${delay} s, --unsafe-html)`, () => {
      const paragraphs = Array.from({ length: 80 }, (_, i) => `Paragraph ${i + 1} of the refreshing text.[^n${i}]\n\n[^n${i}]: Note ${i + 1}.`);
      paragraphs.splice(3, 0, `<meta http-equiv="refresh" content="${delay}; url=http://colophon.invalid/print.html">`);
      const file = manuscript('title: Refreshing', paragraphs.join('\n\n'));
      const result = colophon(['build', 'input.md', '--format', 'pdf,epub', '--out', 'out', '--unsafe-html'], path.dirname(file));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const text = spawnSync('pdftotext', [path.join(path.dirname(file), 'out', 'input.pdf'), '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('Paragraph 1 of the refreshing text.');
      expect(text).toContain('Paragraph 80 of the refreshing text.');
    }, 60_000);
  }
});

describe.runIf(hasBrowser)('a browser that does not start', () => {
  it('that never answers is given up in seconds, killed, and named on one line (exit 3)', async () => {
    const file = manuscript('title: T', 'Text.');
    const dir = path.dirname(file);
    const fake = path.join(dir, 'silent-browser');
    writeFileSync(fake, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(path.join(dir, 'pid'))}, String(process.pid));\nsetInterval(() => {}, 1000);\n`);
    chmodSync(fake, 0o755);
    const result = colophon(['build', 'input.md', '--format', 'pdf', '--out', 'out', '--browser', fake], dir);
    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toEqual([
      `colophon: the browser ${fake} (given with --browser) did not start: it did not answer within 15 s; name another with --browser PATH or PUPPETEER_EXECUTABLE_PATH  browser-missing`,
    ]);
    const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
    for (let i = 0; i < 50 && processes().has(pid); i++) await pause(100);
    expect(processes().has(pid)).toBe(false);
  }, 60_000);

  it('that exits at once says so on one line, naming PUPPETEER_EXECUTABLE_PATH (exit 3)', () => {
    const file = manuscript('title: T', 'Text.');
    const dir = path.dirname(file);
    const fake = path.join(dir, 'broken-browser');
    writeFileSync(fake, '#!/bin/sh\necho "cannot open display" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const result = colophon(['build', 'input.md', '--format', 'pdf', '--out', 'out'], dir, { PUPPETEER_EXECUTABLE_PATH: fake });
    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toEqual([
      `colophon: the browser ${fake} (named by PUPPETEER_EXECUTABLE_PATH) did not start: it exited before answering; name another with --browser PATH or PUPPETEER_EXECUTABLE_PATH  browser-missing`,
    ]);
  });
});

describe.runIf(hasBrowser)('a browser gone with bytes of ours unread on its pipe', () => {
  // Its pipe is reset, and the next read of it fails with ECONNRESET. Puppeteer
  // no longer listens once it has let the browser go (after a close, or a
  // disconnect), so the error must be taken by the build, not thrown from
  // the event loop. In a process of its own, where a throw is seen as its exit
  // (test/helpers/browser-gone-unread.mjs).
  it('does not end the build with an uncaught ECONNRESET', () => {
    const result = spawnSync(process.execPath, [path.join(import.meta.dirname, 'helpers', 'browser-gone-unread.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('went on\n');
    expect(result.status).toBe(0);
  }, 60_000);
});

describe.runIf(hasBrowser)('a build killed with SIGKILL', () => {
  it('leaves no Chromium process of its own behind', async () => {
    const paragraphs = Array.from({ length: 1500 }, (_, i) => `Paragraph ${i} with words to set on the page and a note.[^n${i}]\n\n[^n${i}]: Note ${i}.`);
    const file = manuscript('title: Long', paragraphs.join('\n\n'));
    const child = spawn(process.execPath, [bin, 'build', 'input.md', '--format', 'pdf', '--out', 'out', '-q'], {
      cwd: path.dirname(file),
      stdio: 'ignore',
    });
    // Wait until the browser is at work: its renderer is up.
    let profile: string | undefined;
    for (let i = 0; i < 300 && !profile; i++) {
      await pause(100);
      const family = descendants(child.pid as number);
      if (family.some((p) => p.cmdline.includes('--type=renderer'))) {
        profile = family.map((p) => /--user-data-dir=(\S+)/.exec(p.cmdline)?.[1]).find(Boolean);
      }
    }
    expect(profile, 'the build started a browser').toBeDefined();
    expect(path.basename(profile as string)).toMatch(new RegExp(`^colophon-browser-${child.pid}-`));
    await pause(500);
    expect(child.exitCode, 'the build was still printing').toBeNull();
    child.kill('SIGKILL');
    const ours = () => [...processes().values()].filter((p) => p.cmdline.includes(profile as string));
    for (let i = 0; i < 100 && ours().length > 0; i++) await pause(100);
    expect(ours().map((p) => p.cmdline.slice(0, 120))).toEqual([]);
    // Its profile folder, left behind, goes with the next build's browser.
    expect(existsSync(profile as string)).toBe(true);
    writeFileSync(path.join(path.dirname(file), 'short.md'), '---\ntitle: Short\n---\n\nA short text.\n');
    const next = colophon(['build', 'short.md', '--format', 'pdf', '--out', 'again', '-q'], path.dirname(file));
    expect(next.status).toBe(0);
    expect(existsSync(profile as string)).toBe(false);
  }, 90_000);

  it("leaves a profile folder the next build removes, also while the killed build is a zombie its parent has not collected", () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const left = path.join(tmpdir(), `colophon-browser-${child.pid}-left`);
    mkdirSync(path.join(left, 'Default'), { recursive: true });
    writeFileSync(path.join(left, 'Default', 'Preferences'), '{}');
    child.kill('SIGKILL');
    // This test gives the event loop no turn until the next build is done,
    // so this process does not collect its killed child: a zombie, which a
    // signal still finds.
    const state = () => {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        return 'gone';
      }
    };
    for (let i = 0; i < 1000 && state() !== 'Z'; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    expect(state()).toBe('Z');
    const dir = path.dirname(manuscript('title: Short', 'A short text.'));
    const next = colophon(['build', 'input.md', '--format', 'pdf', '--out', 'out', '-q'], dir);
    expect(next.status).toBe(0);
    expect(existsSync(left)).toBe(false);
  });

  it('removes its profile folder when done', async () => {
    const browser = await launchBrowser();
    // This browser's own profile, from its command line: other suites in the
    // same process may be starting browsers of their own meanwhile.
    const flag = browser.process()?.spawnargs.find((arg) => arg.startsWith('--user-data-dir='));
    const profile = flag?.slice('--user-data-dir='.length);
    expect(profile && path.basename(profile)).toMatch(new RegExp(`^colophon-browser-${process.pid}-`));
    expect(existsSync(profile as string)).toBe(true);
    await browser.close();
    for (let i = 0; i < 50 && existsSync(profile as string); i++) await pause(100);
    expect(existsSync(profile as string)).toBe(false);
  });

  it('is ended at once when the build is done: none of its processes are left, nor its profile', async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setContent('<p>Printed.</p>');
    const pdf = await page.pdf();
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const profile = browser.process()?.spawnargs.find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length) as string;
    const ours = () => [...processes().values()].filter((p) => p.cmdline.includes(profile));
    expect(ours().length).toBeGreaterThan(1);
    await endBrowser(browser);
    // The browser itself is gone when endBrowser returns; its helpers die with its process group.
    expect(browser.process()?.exitCode !== null || browser.process()?.signalCode !== null).toBe(true);
    for (let i = 0; i < 50 && (ours().length > 0 || existsSync(profile)); i++) await pause(100);
    expect(ours().map((p) => p.cmdline.slice(0, 120))).toEqual([]);
    expect(existsSync(profile)).toBe(false);
    // Ending it again does nothing.
    await endBrowser(browser);
  });

  it('is gone with its profile folder once the command has exited, which it does as soon as the build is done', () => {
    const dir = path.dirname(manuscript('title: Gone', 'One paragraph.'));
    // A temporary folder of this case's own: the profile is made in it, and nothing else is.
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    const result = colophon(['build', 'input.md', '--format', 'pdf', '--out', 'out', '--no-cache'], dir, { TMPDIR: tmp });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote out/input.pdf');
    expect(readdirSync(tmp)).toEqual([]);
  });
});
