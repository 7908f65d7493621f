/**
 * Colophon deletes only what it wrote.
 *
 * The web page's assets folder (`OUT/NAME_files/`) may hold files Colophon
 * did not write: a figure put there by hand, notes, anything. So each build
 * lists the files it wrote there in `NAME_files/.colophon-manifest`, one
 * path a line relative to the folder, and the next build of the page
 * removes only files listed by the previous one that it did not write
 * again. Anything else in the folder is never touched; an image copy never
 * takes the name of a file that is not Colophon's (it is numbered instead).
 * Entries that are absolute, leave the folder (`..`) or name the manifest
 * itself are ignored, so an edited manifest cannot make a build delete
 * anything outside the folder.
 */
import { lstatSync, readFileSync, readdirSync, realpathSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../shared/fs.js';

export const manifestName = '.colophon-manifest';

const header = '# Files the last Colophon build wrote in this folder; a rebuild removes only these.';

/** A manifest entry that stays inside its folder, as a POSIX relative path; null otherwise. */
function safeEntry(line: string): string | null {
  const entry = line.trim();
  if (!entry || entry.startsWith('#') || entry.includes('\0') || entry.includes('\\')) return null;
  if (path.posix.isAbsolute(entry) || path.posix.normalize(entry) !== entry) return null;
  if (entry === '..' || entry.startsWith('../') || entry === '.' || entry === manifestName) return null;
  return entry;
}

/** The files the previous build listed in `assetsDir`, relative to it; empty when there is no manifest. */
export function readManifest(assetsDir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(assetsDir, manifestName), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => safeEntry(line) ?? []);
}

/** Names in `assetsDir/sub` that are not Colophon's: present, and not in the previous manifest. */
export function foreignNames(assetsDir: string, sub: string): Set<string> {
  const listed = new Set(readManifest(assetsDir));
  const names = (() => {
    try {
      return readdirSync(path.join(assetsDir, sub));
    } catch {
      return [];
    }
  })();
  return new Set(names.filter((name) => !listed.has(path.posix.join(sub, name))));
}

/**
 * After a build wrote `written` (absolute paths inside `assetsDir`): remove
 * what the previous build listed and this one did not write, then list
 * what this one wrote.
 */
export async function replaceManifest(assetsDir: string, written: readonly string[]): Promise<void> {
  const now = new Set(written.map((file) => path.relative(assetsDir, file).split(path.sep).join('/')).flatMap((e) => safeEntry(e) ?? []));
  for (const entry of readManifest(assetsDir)) {
    if (now.has(entry)) continue;
    const file = path.join(assetsDir, ...entry.split('/'));
    // Only a plain file, as Colophon writes; never a folder or a link, nor anything through a link.
    let info;
    try {
      info = lstatSync(file);
    } catch {
      continue;
    }
    if (!info.isFile() || !isInside(assetsDir, file)) continue;
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  // Left as it is when it lists the same files (`writeFileAtomic` compares).
  await writeFileAtomic(path.join(assetsDir, manifestName), `${header}\n${[...now].sort().join('\n')}\n`);
}

/** Whether `file`'s folder, links resolved, is inside `dir` (an `images` that links elsewhere is not). */
function isInside(dir: string, file: string): boolean {
  try {
    const relative = path.relative(realpathSync(dir), realpathSync(path.dirname(file)));
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  } catch {
    return false;
  }
}
