/**
 * The browser's profile folder, one per build: `TMP/colophon-browser-PID-XXXXXX`.
 *
 * It names the browser's processes (every Chromium process carries
 * `--user-data-dir=` on its command line), and it is removed when the
 * browser is done. A build killed with SIGKILL cannot remove its own, so
 * each launch first removes the folders of builds whose process is gone.
 * Chromium keeps its singleton socket in a folder of its own in the
 * temporary folder, linked from the profile, which it removes only when it
 * shuts down in order; a browser that is ended at once leaves it, so it goes
 * with the profile.
 */
import { readlinkSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
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

/** Chromium's folder for the profile's singleton socket (`TMP/org.chromium.Chromium.XXXXXX`), if it made one. */
function singletonFolder(profile: string): string | undefined {
  try {
    const folder = path.dirname(readlinkSync(path.join(profile, 'SingletonSocket')));
    const chromiums = /^(?:org\.chromium\.Chromium|\.com\.google\.Chrome(?:\.\w+)?)\.\w+$/;
    return path.dirname(folder) === tmpdir() && chromiums.test(path.basename(folder)) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** Remove a profile folder, and the singleton folder the browser kept for it. */
function removeProfile(profile: string): void {
  const singleton = singletonFolder(profile);
  if (singleton) rmSync(singleton, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}

/** Remove profile folders left by builds that are no longer running. */
async function removeStale(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = new RegExp(`^${prefix}(\\d+)-`).exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !(await alive(Number(pid)))) {
        try {
          removeProfile(path.join(tmpdir(), name));
        } catch {
          // Another build removes it meanwhile, or it is not ours to remove.
        }
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
  const onExit = () => removeProfile(dir);
  process.once('exit', onExit);
  return {
    dir,
    remove: async () => {
      process.removeListener('exit', onExit);
      try {
        removeProfile(dir);
      } catch {
        // Left for the next build's look through the temporary folder.
      }
      timing('browser profile removed');
    },
  };
}
