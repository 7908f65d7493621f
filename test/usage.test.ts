/**
 * Usage errors exit 2 with one clear line; Node's own warnings are not the
 * user's business.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript } from './helpers/manuscript.js';

const bin = path.join(import.meta.dirname, '..', 'build', 'src', 'cli', 'bin.js');

function run(nodeArgs: string[], args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('usage errors', () => {
  for (const format of [',', '', ' , ', ',,']) {
    it(`--format ${JSON.stringify(format)} names no edition: exit 2, nothing written`, () => {
      const dir = path.dirname(manuscript('title: T', 'Text.'));
      const result = run([], ['build', 'input.md', '--format', format, '--out', 'out'], dir);
      expect(result.status).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe('colophon: `--format` names no edition (use html, epub, pdf)');
      expect(existsSync(path.join(dir, 'out'))).toBe(false);
    });
  }
  it('--format= (empty, joined) is one too', () => {
    const dir = path.dirname(manuscript('title: T', 'Text.'));
    const result = run([], ['build', 'input.md', '--format=', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('`--format` names no edition');
  });
});

describe("Node's warnings", () => {
  it('are not shown to users, and are with COLOPHON_DEBUG', () => {
    const dir = path.dirname(manuscript('title: T', 'Text.'));
    // Something that warns while the build runs, as a dependency using a deprecated API does.
    const warn = path.join(dir, 'warn.cjs');
    writeFileSync(warn, "process.once('beforeExit', () => process.emitWarning('an API this dependency uses is deprecated', 'DeprecationWarning', 'DEP0999'));\n");
    const args = ['build', 'input.md', '--format', 'html', '--out', 'out'];
    const quiet = run(['--require', warn], args, dir);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toMatch(/DeprecationWarning|DEP0999|trace-warnings/);
    const debug = run(['--require', warn], args, dir, { COLOPHON_DEBUG: '1' });
    expect(debug.stderr).toContain('[DEP0999] DeprecationWarning: an API this dependency uses is deprecated');
  });
});
