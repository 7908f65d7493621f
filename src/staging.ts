/**
 * Editions appear whole or not at all, for the whole of a manuscript.
 *
 * Every edition of a manuscript is staged inside the output folder (on the
 * same file system, so moving is a rename): its assets in a staging folder
 * (`OUT/.colophon-NAME-XXXXXX/`), the editions beside their places
 * (`OUT/.colophon-NAME-XXXXXX.html`). Only when all of them succeeded are the files moved
 * into place, assets first and the page last; otherwise the staging folder
 * is removed and the output folder is as it was.
 *
 * Only what changed is written: a file whose final place already holds its
 * bytes (`holdsBytes`: a plain file, not a link) is not staged at all, and
 * is looked at again just before the moves (`stillHolds`); one changed in
 * the meantime is staged then, before anything is moved, so a failure
 * still leaves the folder as it was. The lock keeps other builds of the
 * name away for all that time. The output folder itself
 * is checked first: a file, or a folder Colophon may not write, is an
 * environment problem (exit status 3), reported once for the build.
 */
import { accessSync, constants, lutimesSync, mkdirSync, mkdtempSync, renameSync, rmSync, rmdirSync, statSync, unlinkSync, writeFileSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { rules } from './rules.js';
import { randomBytes } from './shared/random.js';
import { bytesOf, holdsBytes, stillHolds, wallClockNs } from './shared/fs.js';

/** A problem with the machine rather than the input: exit status 3. */
export class EnvironmentError extends Error {
  constructor(
    message: string,
    readonly ruleId: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'it is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

export function outputError(outDir: string, error: unknown): EnvironmentError {
  return new EnvironmentError(`cannot write to the output folder ${outDir}: ${describe(error)}`, rules.outputUnwritable);
}

/** Whether an error is the file system refusing to write (an environment problem). */
export function isWriteError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'ENOTDIR';
}

/**
 * Make sure `outDir` is a folder Colophon can write. Returns whether it was
 * created now (so that a build that writes nothing can take it away again).
 * (The folder's few calls here and in `createStaging` are synchronous: a
 * build would only wait for each in turn through the thread pool.)
 */
export async function prepareOutputFolder(outDir: string): Promise<boolean> {
  let existed = true;
  try {
    const stats = statSync(outDir);
    if (!stats.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(outDir, error);
    existed = false;
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (mkdirError) {
      throw outputError(outDir, mkdirError);
    }
  }
  try {
    accessSync(outDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw outputError(outDir, error);
  }
  return !existed;
}

/** Take away an output folder this build made, if nothing is in it. */
export async function removeIfEmpty(outDir: string): Promise<void> {
  try {
    rmdirSync(outDir);
  } catch {
    // Not empty, or gone already.
  }
}

export interface Staging {
  /**
   * The folder the editions are written into, through `write` only: no
   * folder of this name is made. `write` puts the assets' bytes in a
   * staging folder of its own, made when the first of them must be
   * written, and an edition's beside its place (see `createStaging`).
   */
  dir: string;
  /** Where a staged file ends up. */
  finalPath(staged: string): string;
  /**
   * Stage one file (a path inside `dir`). When the file in its final place
   * already holds these bytes, nothing is written: it is checked again when
   * the editions are moved into place.
   */
  write(staged: string, data: string | Uint8Array): void;
  /** Move the staged files into place (the order given: assets first, the page last) and remove what staged them. */
  commit(staged: string[]): Promise<string[]>;
  /** Remove every staged file and the staging folder. */
  discard(): Promise<void>;
}

/** A file not staged because its final place held its bytes when it was written. */
interface Kept {
  bytes: Uint8Array;
  found: BigIntStats;
  checkedAt: bigint;
}

/** Six letters for a name of one's own (made with `wx`, so a name taken is only tried again). */
const suffix = () => randomBytes(3).toString('hex');

/**
 * Stage a manuscript's editions in `outDir`. Files of the assets folder go
 * into a staging folder, `OUT/.colophon-NAME-XXXXXX/` (made by `mkdtemp`,
 * mode 0700, only when one of them must be written); an edition itself
 * (`NAME.html`, `.epub`, `.pdf`) is staged beside its place as
 * `OUT/.colophon-NAME-XXXXXX.html`, made anew (`wx`: never a file or link
 * that was there). After a text edit only the page changes, and it is
 * staged and moved with no folder made and removed (each costs about as
 * much as the rename itself).
 */
export async function createStaging(outDir: string, name: string): Promise<Staging> {
  const prefix = path.join(outDir, `.colophon-${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-`);
  // The paths the editions are given, in a folder that is never made: the
  // staging folder is made (by `mkdtemp`) when needed, and `write` maps them.
  const dir = `${prefix}${suffix()}`;
  // Staged paths are made under `dir` (path.join): the rest of the path is the place in `outDir`.
  const inDir = dir + path.sep;
  const placeIn = (folder: string, staged: string) => path.join(folder, staged.startsWith(inDir) ? staged.slice(inDir.length) : path.relative(dir, staged));
  const finalPath = (staged: string) => placeIn(outDir, staged);
  const isEdition = (staged: string) => path.dirname(staged) === dir;
  let folder: string | undefined;
  // Folders made inside the staging folder; where each staged file's bytes are.
  const folders = new Set<string>();
  const written = new Map<string, string>();
  const kept = new Map<string, Kept>();
  const stagingFolder = (): string => {
    if (folder === undefined) {
      try {
        folder = mkdtempSync(prefix);
      } catch (error) {
        throw outputError(outDir, error);
      }
      folders.add(folder);
    }
    return folder;
  };
  /** Write a staged file, made anew and written at once: no temporary file is needed, for nothing moves it into place before the build succeeded. */
  const stage = (file: string, bytes: Uint8Array) => {
    let place = written.get(file);
    if (place !== undefined) {
      // Written again: made anew at the same place.
      unlinkSync(place);
      writeFileSync(place, bytes, { flag: 'wx' });
      return;
    }
    if (isEdition(file)) {
      for (let tries = 0; ; tries++) {
        place = `${prefix}${suffix()}${path.extname(file)}`;
        try {
          writeFileSync(place, bytes, { flag: 'wx' });
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 20) throw error;
        }
      }
    } else {
      const base = stagingFolder();
      place = placeIn(base, file);
      const parent = path.dirname(place);
      if (!folders.has(parent)) {
        mkdirSync(parent, { recursive: true });
        for (let up = parent; up.length > base.length; up = path.dirname(up)) folders.add(up);
      }
      writeFileSync(place, bytes, { flag: 'wx' });
    }
    written.set(file, place);
  };
  const removeFolder = () => {
    if (folder === undefined) return;
    // The folders known, deepest first; anything else left behind (a file of a build that failed) goes with them.
    try {
      for (const made of [...folders].sort((a, b) => b.length - a.length)) rmdirSync(made);
    } catch {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  const removeStaged = () => {
    for (const place of written.values()) {
      try {
        unlinkSync(place);
      } catch {
        // Moved into place, or gone with its folder.
      }
    }
  };
  return {
    dir,
    finalPath,
    write(file, data) {
      const bytes = bytesOf(data);
      const found = written.has(file) ? null : holdsBytes(finalPath(file), bytes);
      if (found) {
        kept.set(file, { bytes, found, checkedAt: wallClockNs() });
        return;
      }
      kept.delete(file);
      stage(file, bytes);
    },
    async commit(staged) {
      const moved: string[] = [];
      try {
        // Synchronous: a handful of renames in one folder, which the build
        // would only wait for one by one through the thread pool.
        // A file left as it was must still be what it was when checked;
        // one changed since (by hand, say) is staged now, before anything
        // is moved, so that a failure still leaves the folder as it was.
        for (const file of staged) {
          // Nothing but `write` writes into `dir`, which is never made.
          if (!written.has(file) && !kept.has(file)) throw new Error(`${file} was not staged through the staging folder's write`);
          const same = kept.get(file);
          if (same && !stillHolds(finalPath(file), same.found, same.bytes, same.checkedAt)) {
            kept.delete(file);
            stage(file, same.bytes);
          }
        }
        // The output folder is there (`prepareOutputFolder`); an assets folder may not be yet.
        const made = new Set<string>([outDir]);
        const now = new Date();
        for (const file of staged) {
          const target = finalPath(file);
          if (kept.has(file)) {
            // An edition itself is dated by the build that made it (as `make` expects); an unchanged asset keeps its date.
            if (isEdition(file)) lutimesSync(target, now, now);
            moved.push(target);
            continue;
          }
          const parent = path.dirname(target);
          if (!made.has(parent)) mkdirSync(parent, { recursive: true });
          made.add(parent);
          renameSync(written.get(file)!, target);
          written.delete(file);
          moved.push(target);
        }
      } finally {
        removeStaged();
        removeFolder();
      }
      return moved;
    },
    async discard() {
      removeStaged();
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    },
  };
}
