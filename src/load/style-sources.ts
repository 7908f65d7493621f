/**
 * Where styles are found by id, in order: the bundled styles, the user's
 * folder (`$XDG_DATA_HOME/csl/styles`, else `~/.local/share/csl/styles`),
 * then the system's CSL packages (`/usr/share/citation-style-language/styles`,
 * Debian's `citation-style-language-styles`). In the user and system folders
 * a style is `ID.csl` or, for a dependent style, `dependent/ID.csl`.
 *
 * `COLOPHON_CSL_SYSTEM_STYLES` (a list of folders, separated as `PATH` is)
 * replaces the system folder, for systems that keep CSL styles elsewhere.
 */
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type StyleSourceName = 'bundled' | 'user' | 'system';

export interface StyleSource {
  name: StyleSourceName;
  /** Folders holding `ID.csl`, searched in order. */
  dirs: string[];
}

/** The user's CSL styles folder. */
export function userStylesDir(): string {
  const dataHome = process.env.XDG_DATA_HOME && path.isAbsolute(process.env.XDG_DATA_HOME) ? process.env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'csl', 'styles');
}

/** The system's CSL styles folders. */
export function systemStylesDirs(): string[] {
  const override = process.env.COLOPHON_CSL_SYSTEM_STYLES;
  if (override !== undefined) return override.split(path.delimiter).filter(Boolean);
  return ['/usr/share/citation-style-language/styles'];
}

/** Every source, in the order a style id is looked up. */
export function styleSources(templatesDir: string): StyleSource[] {
  const withDependent = (dir: string) => [dir, path.join(dir, 'dependent')];
  return [
    { name: 'bundled', dirs: [templatesDir, path.join(templatesDir, 'styles')] },
    { name: 'user', dirs: withDependent(userStylesDir()) },
    { name: 'system', dirs: systemStylesDirs().flatMap(withDependent) },
  ];
}

/** A safe style id: no path, no dot at the start. */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The file of style `id` in the user's or the system's folders, with where it was found. */
export function findStyleOutsideBundle(id: string, templatesDir: string): { file: string; source: StyleSourceName } | undefined {
  if (!idPattern.test(id)) return undefined;
  for (const source of styleSources(templatesDir)) {
    if (source.name === 'bundled') continue;
    for (const dir of source.dirs) {
      const file = path.join(dir, `${id}.csl`);
      if (existsSync(file)) return { file, source: source.name };
    }
  }
  return undefined;
}

export interface ListedStyleFile {
  id: string;
  file: string;
  source: StyleSourceName;
}

/** Every style file of every source; an id found earlier hides the same id later. */
export async function allStyleFiles(templatesDir: string): Promise<ListedStyleFile[]> {
  const seen = new Set<string>();
  const found: ListedStyleFile[] = [];
  for (const source of styleSources(templatesDir)) {
    for (const dir of source.dirs) {
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (!name.endsWith('.csl')) continue;
        const id = name.slice(0, -'.csl'.length);
        if (seen.has(id)) continue;
        seen.add(id);
        found.push({ id, file: path.join(dir, name), source: source.name });
      }
    }
  }
  return found;
}
