/**
 * The browser's profile folder, one per build: `TMP/colophon-browser-PID-XXXXXX`.
 *
 * It names the browser's processes (every Chromium process carries
 * `--user-data-dir=` on its command line), and it is removed when the
 * browser is done. A build killed with SIGKILL cannot remove its own, so
 * each launch first removes the folders of builds whose process is gone.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timing } from '../progress/timings.js';

const prefix = 'colophon-browser-';

/**
 * Is the build of that process id still running? A build killed while its
 * parent has not yet collected it is a zombie: signals still find it, but it
 * will never remove its folder.
 */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses: Z a zombie, X dead.
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    // No such process, or no /proc: a signal 0 tells.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove profile folders left by builds that are no longer running. */
async function removeStale(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = new RegExp(`^${prefix}(\\d+)-`).exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !(await alive(Number(pid)))) {
        await rm(path.join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
      }
    }),
  );
}

export interface BrowserProfile {
  dir: string;
  /** Remove the folder (once the browser has exited). */
  remove(): Promise<void>;
}

export async function browserProfile(): Promise<BrowserProfile> {
  // Other builds' leftovers go meanwhile: the browser need not wait for a
  // look through the whole temporary folder (this build's own is never one).
  void removeStale();
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}${process.pid}-`));
  const onExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', onExit);
  return {
    dir,
    remove: async () => {
      process.removeListener('exit', onExit);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      timing('browser profile removed');
    },
  };
}
