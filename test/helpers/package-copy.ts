/**
 * A copy of the package for the tests of the launcher (`bin/colophon.cjs`):
 * its `build/` holds the named bundle files only, so its code caches are its
 * own, and the rest links to this checkout.
 */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');

/** A package copy with the launcher and `bundles` (names under `build/`); its folder. */
export function packageCopy(bundles: string[]): string {
  const pkg = mkdtempSync(path.join(tmpdir(), 'colophon-pkg-'));
  for (const name of ['node_modules', 'templates', 'package.json']) symlinkSync(path.join(root, name), path.join(pkg, name));
  mkdirSync(path.join(pkg, 'bin'));
  mkdirSync(path.join(pkg, 'build'));
  copyFileSync(path.join(root, 'bin', 'colophon.cjs'), path.join(pkg, 'bin', 'colophon.cjs'));
  for (const name of bundles) copyFileSync(path.join(root, 'build', name), path.join(pkg, 'build', name));
  symlinkSync(path.join(root, 'build', 'src'), path.join(pkg, 'build', 'src'));
  return pkg;
}
