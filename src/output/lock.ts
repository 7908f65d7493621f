/**
 * One build at a time per output name.
 *
 * Before a manuscript's editions are written, the build takes
 * `OUT/NAME.lock`: a small JSON file with the holder's pid, host and a
 * random token, made whole under a temporary name and then hard-linked to
 * `NAME.lock`, which fails if the lock exists, so taking it is atomic and a
 * lock is never seen half-written. A second build of the same name into the
 * same folder waits until the first one is done (and says so), so the
 * editions never mix. A lock whose holder is gone (same host, no such
 * process: a build killed with SIGKILL) is stale and taken over. The lock
 * is removed when the editions are written, and on any exit of the
 * process.
 */
import { randomBytes } from '../shared/random.js';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BuildEnvironmentError } from './errors.js';
import { rules } from '../rules.js';

export interface LockHolder {
  pid: number;
  host: string;
  token: string;
}

export interface LockOptions {
  /** Give up waiting for another build after this many milliseconds. Default: 10 minutes. */
  timeout?: number;
  /** Told once when the lock is held by another build and this one waits. */
  onWait?: (holder: LockHolder | null, lockFile: string) => void;
}

export interface OutputLock {
  file: string;
  release(): Promise<void>;
}

/** Locks this process holds: removed on exit, whatever the exit. */
const held = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, token] of held) {
      try {
        if (readHolder(readFileSync(file, 'utf8'))?.token === token) unlinkSync(file);
      } catch {
        // Gone already.
      }
    }
  });
}

/** A file's text, or `absent` when it cannot be read. */
function readOr<T>(file: string, absent: T): string | T {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return absent;
  }
}

/** Remove a file; gone already is fine. */
function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone already.
  }
}

function readHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value as LockHolder;
  } catch {
    // Not a lock of ours.
  }
  return null;
}

/** Whether the process holding a lock is gone. A lock from another host, or that is not ours, is never stale. */
function isStale(holder: LockHolder | null): boolean {
  if (!holder || holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Take `OUT/NAME.lock`, waiting while another live build holds it. The file
 * calls are synchronous (a build would only wait for each in turn through
 * the thread pool); only the wait between tries lets other work run.
 */
export async function lockOutput(outDir: string, name: string, options: LockOptions = {}): Promise<OutputLock> {
  const timeout = options.timeout ?? 10 * 60_000;
  const file = path.join(outDir, `${name}.lock`);
  mkdirSync(outDir, { recursive: true });
  const holder: LockHolder = { pid: process.pid, host: hostname(), token: randomBytes(16).toString('hex') };
  const text = `${JSON.stringify(holder)}\n`;
  const started = Date.now();
  let told = false;
  let pause = 25;
  const temporary = path.join(outDir, `.${name}.lock.${holder.token}`);
  writeFileSync(temporary, text);
  try {
    for (;;) {
      try {
        try {
          linkSync(temporary, file);
        } catch (error) {
          // A file system without hard links: create the lock in place.
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
          writeFileSync(file, text, { flag: 'wx' });
        }
        installExitHook();
        held.set(file, holder.token);
        return {
          file,
          release: async () => {
            held.delete(file);
            if (readHolder(readOr(file, ''))?.token === holder.token) unlinkQuietly(file);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const existing = readOr(file, null);
      if (existing === null) continue; // Released meanwhile: try again at once.
      const other = readHolder(existing);
      if (isStale(other)) {
        breakStale(file, existing);
        continue;
      }
      if (!other && Date.now() - started > 2000) {
        throw new BuildEnvironmentError(
          `${path.relative(process.cwd(), file) || file} is in the way: it is not a lock Colophon made; move it elsewhere`,
          rules.outputLocked,
        );
      }
      if (!told) {
        told = true;
        options.onWait?.(other, file);
      }
      if (Date.now() - started > timeout) {
        const who = other ? `another build (pid ${other.pid}${other.host === hostname() ? '' : ` on ${other.host}`})` : 'something';
        throw new BuildEnvironmentError(
          `${path.relative(process.cwd(), file) || file} is still held by ${who} after ${Math.round(timeout / 1000)} s; ` +
            'if no build is running, remove the lock file',
          rules.outputLocked,
        );
      }
      // Unparsable content may be a lock being replaced right now; a lock of
      // another host cannot be checked. Either way: wait.
      await sleep(pause);
      pause = Math.min(pause * 2, 250);
    }
  } finally {
    unlinkQuietly(temporary);
  }
}

/**
 * Remove a stale lock, but only that one: it is first renamed to a name of
 * its own (atomic, so of two builds breaking it only one gets it), and put
 * back if what was renamed turns out to be a fresh lock.
 */
function breakStale(file: string, staleText: string): void {
  const aside = `${file}.${randomBytes(8).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // Someone else broke it first.
  }
  if (readOr(aside, '') !== staleText) {
    // A fresh lock: put it back unless a third build has locked meanwhile.
    try {
      linkSync(aside, file);
    } catch {
      // A third build has locked meanwhile.
    }
  }
  unlinkQuietly(aside);
}
