/**
 * `COLOPHON_TIMINGS=1`: where a build's time goes, on stderr at the end,
 * step by step in the order the steps happened; nothing without it. (The
 * figures themselves are the benchmark's business, never asserted here.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTimings } from '../src/progress/timings.js';
import { manuscript } from './helpers/manuscript.js';

const root = path.join(import.meta.dirname, '..');
const launcher = path.join(root, 'bin', 'colophon.cjs');
const haveBundle = existsSync(path.join(root, 'build', 'colophon.cjs'));
if (!haveBundle && process.env.CI === 'true') throw new Error('build/colophon.cjs is missing: run `npm run compile`');
if (!haveBundle) console.warn('skipped: no build/colophon.cjs (run `npm run compile`)');

const text = 'Migration was debated [@morehouse2011, p. 4].\n\nAgain [@yunusov2009].';

function build(env: Record<string, string>, out: string) {
  const input = manuscript('title: Timed\nbibliography: refs.json\ncsl: chicago-note-bibliography', text);
  const cwd = path.dirname(input);
  const result = spawnSync(process.execPath, [launcher, 'build', 'input.md', '--format', 'html', '--out', out, '--no-cache', '-q'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, COLOPHON_TIMINGS: '', ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return { stderr: result.stderr, html: readFileSync(path.join(cwd, out, 'input.html'), 'utf8') };
}

describe('formatTimings', () => {
  it('gives each step its time since the start and since the step before', () => {
    const lines = formatTimings([
      ['one', 10],
      ['two', 25.5],
    ], 4).split('\n');
    expect(lines).toEqual([
      'colophon timing      4.0 ms  (+4.0)  node started',
      'colophon timing     10.0 ms  (+6.0)  one',
      'colophon timing     25.5 ms  (+15.5)  two',
      '',
    ]);
  });
});

describe.runIf(haveBundle)('COLOPHON_TIMINGS', () => {
  it('lists the build steps in order on stderr, and changes nothing else', () => {
    const timed = build({ COLOPHON_TIMINGS: '1' }, 'timed');
    const labels = timed.stderr
      .split('\n')
      .filter((line) => line.startsWith('colophon timing'))
      .map((line) => line.replace(/^colophon timing\s+[\d.]+ ms  \(\+[\d.]+\)  /, ''));
    const order = [
      'node started',
      'bundle read',
      'modules initialised',
      'manuscript read (front matter)',
      'bibliography and style read',
      'Markdown parsed (with typography)',
      'no citation cache',
      'citeproc ran (engine, clusters, bibliography)',
      'document model made',
      'web page written',
      'build done',
      'process exits',
    ];
    expect(labels.filter((label) => order.includes(label))).toEqual(order);
    expect(labels.some((label) => label.startsWith('bundle compiled'))).toBe(true);
    const plain = build({}, 'plain');
    expect(plain.stderr).toBe('');
    expect(plain.html).toBe(timed.html.replaceAll('/timed/', '/plain/'));
  });
});
