/**
 * Outside tools the suites use (Pandoc, poppler, EPUBCheck, Chromium …):
 * a suite that lacks one skips with a visible notice on a developer's
 * machine, and fails in CI (`CI=true`), where every tool must be there.
 */
import { spawnSync } from 'node:child_process';

export function hasCommand(command: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * True when the suite may run. Without the tool: a warning and false
 * locally, an error in CI.
 */
export function requireTool(name: string, available: boolean, consequence: string): boolean {
  if (available) return true;
  const message = `${name} is not installed: ${consequence}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required in CI)`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}
