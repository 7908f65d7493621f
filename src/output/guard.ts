/**
 * Outputs never overwrite inputs.
 *
 * Before anything is written, the paths a build is about to write (each
 * edition, the page's assets, the lock and the manifest) are compared with
 * the files it reads (manuscripts, bibliographies, a style file, images),
 * after resolving symbolic links. A clash is a usage error: `build
 * draft.html --out .` would replace the manuscript by its own web page.
 * Two manuscripts with one name (`x/paper.md`, `y/paper.md`) would write
 * the same editions into one output folder: also a usage error.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { BuildUsageError } from './errors.js';

/** The real path of `file`, whether or not it exists yet: its deepest existing ancestor resolved, the rest appended. */
export function realPath(file: string): string {
  const absolute = path.resolve(file);
  const rest: string[] = [];
  let dir = absolute;
  for (;;) {
    try {
      return path.join(realpathSync(dir), ...rest);
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return absolute;
      rest.unshift(path.basename(dir));
      dir = up;
    }
  }
}

/**
 * The real path of a file about to be replaced. Editions are written to a
 * temporary file and renamed over the target, so a symbolic link at the
 * target itself is replaced, not followed: only its folder is resolved.
 */
export function targetPath(file: string): string {
  const absolute = path.resolve(file);
  return path.join(realPath(path.dirname(absolute)), path.basename(absolute));
}

/** What an output may not be. */
export interface BuildInput {
  path: string;
  /** `manuscript`, `bibliography`, `style`, `image`. */
  kind: string;
}

const relative = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Throw a `BuildUsageError` when one of `targets` is one of `inputs`.
 * `targets` are paths about to be written (or replaced).
 */
export function assertNoInputOverwritten(targets: readonly string[], inputs: readonly BuildInput[]): void {
  const byPath = new Map<string, BuildInput>();
  for (const input of inputs) byPath.set(realPath(input.path), input);
  for (const target of targets) {
    const input = byPath.get(targetPath(target));
    if (input) {
      throw new BuildUsageError(
        `${relative(target)} would be written over the ${input.kind} ${relative(input.path)}; choose another --out folder`,
      );
    }
  }
}

/**
 * The manuscripts of one build, each once (the same file named twice is
 * built once); throw a `BuildUsageError` when two of them would write the
 * same editions into `outDir`.
 */
export function distinctManuscripts(inputs: readonly string[], outDir: string, nameOf: (input: string) => string): string[] {
  const seen = new Map<string, string>();
  const byName = new Map<string, string>();
  const result: string[] = [];
  for (const input of inputs) {
    const real = realPath(input);
    if (seen.has(real)) continue;
    seen.set(real, input);
    const name = nameOf(input);
    const other = byName.get(name);
    if (other !== undefined) {
      throw new BuildUsageError(
        `${relative(other)} and ${relative(input)} would both write ${relative(path.join(outDir, name))}.*; ` +
          'build them one at a time with distinct --out folders',
      );
    }
    byName.set(name, input);
    result.push(input);
  }
  return result;
}
