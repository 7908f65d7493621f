/**
 * The lock per output name excludes: many processes taking the same lock
 * at once (over a stale one left by a killed build) hold it one at a time.
 * And a browser that does not close in time is killed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { closeBrowserWithin } from '../src/output/deadline.js';

const lockModule = path.join(import.meta.dirname, '..', 'build', 'src', 'output', 'lock.js');

describe('the lock per output name', () => {
  it('is held by one process at a time, also when they all break a stale lock together', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-lock-race-'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'paper.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), token: 'stale' }));
    const log = path.join(dir, 'log');
    const script = `
      import { appendFileSync } from 'node:fs';
      import { lockOutput } from ${JSON.stringify(lockModule)};
      const lock = await lockOutput(${JSON.stringify(dir)}, 'paper');
      appendFileSync(${JSON.stringify(log)}, 'enter ' + process.pid + '\\n');
      await new Promise((resolve) => setTimeout(resolve, 30));
      appendFileSync(${JSON.stringify(log)}, 'leave ' + process.pid + '\\n');
      await lock.release();
    `;
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' }));
    const codes = await Promise.all(children.map((child) => new Promise<number | null>((resolve) => child.on('close', resolve))));
    expect(codes).toEqual(Array(8).fill(0));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(16);
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i]!.split(' ')[1];
      expect([lines[i], lines[i + 1]]).toEqual([`enter ${pid}`, `leave ${pid}`]);
    }
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(8);
  }, 60_000);
});

describe('closing the browser', () => {
  it('kills a browser that does not close within its deadline', async () => {
    // A stand-in for a browser process that never exits by itself.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const stuck = { close: () => new Promise<void>(() => undefined), process: () => child } as unknown as Browser;
    const scale = process.env.COLOPHON_TIMEOUT_SCALE;
    process.env.COLOPHON_TIMEOUT_SCALE = '0.01';
    try {
      await closeBrowserWithin(stuck);
    } finally {
      if (scale === undefined) delete process.env.COLOPHON_TIMEOUT_SCALE;
      else process.env.COLOPHON_TIMEOUT_SCALE = scale;
    }
    expect(await exited).toBe('SIGKILL');
  });
});

describe('the random bytes of locks and nonces', () => {
  it('come from the system in the size asked, and do not repeat', async () => {
    const { randomBytes } = await import('../src/shared/random.js');
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(16);
      expect(bytes.length).toBe(16);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(1000);
    // Every byte value turns up over many draws (not, say, only letters or zeros).
    const values = new Set(randomBytes(64 * 1024));
    expect(values.size).toBe(256);
  });

  it('give each lock a token of its own', async () => {
    const { lockOutput } = (await import(lockModule)) as typeof import('../src/output/lock.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-lock-token-'));
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const lock = await lockOutput(dir, 'paper');
      const holder = JSON.parse(readFileSync(lock.file, 'utf8')) as { token: string };
      expect(holder.token).toMatch(/^[0-9a-f]{32}$/);
      tokens.add(holder.token);
      await lock.release();
    }
    expect(tokens.size).toBe(20);
  });
});
