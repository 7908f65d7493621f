/**
 * JSON syntax errors in words, at the offset a user must look at: what was
 * expected and what was found, as the bibliography loader reports them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manuscript } from './helpers/manuscript.js';
import { jsonOffsetOf, jsonSyntaxError, jsonTree } from '../src/load/json.js';

describe('JSON with positions', () => {
  const cases: Array<[string, string, number]> = [
    ["[{\"a\": 1 \"b\": 2}]", "expected \",\" or \"}\", found \"\\\"\"", 9],
    ["[{\"a\": \"x\ny\"}]", "unescaped control character in string (a line break inside quotes?)", 9],
    ["[1,]", "expected a JSON value, found \"]\"", 3],
    ["[\"\\q\"]", "invalid escape sequence in string", 1],
    ["[\"abc", "string is never closed", 1],
    ["{}x", "expected end of file, found \"x\"", 2],
    ["", "expected a JSON value, found end of file", 0],
    ["{a:1}", "expected a property name in double quotes, found \"a\"", 1],
    ["[tru]", "expected a JSON value, found \"t\"", 1],
    ["// c\n[]", "expected a JSON value, found \"/\"", 0],
    ["[1]]", "expected end of file, found \"]\"", 3],
    ["[{\"a\" 1}]", "expected \":\", found \"1\"", 6],
    ["{\"a\":1,}", "expected a property name in double quotes, found \"}\"", 7],
    ["﻿[1 2]", "expected \",\" or \"]\", found \"2\"", 4],
    ["[1.]", "expected \",\" or \"]\", found \".\"", 2],
    ["[", "expected a JSON value, found end of file", 1],
    ["{\"a\":1", "expected \",\" or \"}\", found end of file", 6],
    ["\"\t\"", "unescaped control character in string (a line break inside quotes?)", 1],
  ];
  for (const [text, message, offset] of cases) {
    it(`says where ${JSON.stringify(text)} goes wrong`, () => {
      expect(jsonSyntaxError(text)).toEqual({ message, offset });
    });
  }

  it('accepts JSON, with a byte-order mark too', () => {
    expect(jsonSyntaxError('[{"id": "a", "n": [1, 2.5e3, true, null]}]')).toBeNull();
    expect(jsonSyntaxError('\ufeff[]')).toBeNull();
  });

  it('finds the key of a field and the start of an entry, the last of a repeated key', () => {
    const text = '[\n  {"id": "a"},\n  {"id": "b", "issued": 1, "issued": {"x": 2}}\n]';
    const tree = jsonTree(text);
    if (!tree) throw new Error('no tree');
    expect(text.slice(jsonOffsetOf(tree, [1]))).toMatch(/^\{"id": "b"/);
    expect(text.slice(jsonOffsetOf(tree, [1, 'issued']))).toMatch(/^"issued": \{"x"/);
    expect(text.slice(jsonOffsetOf(tree, [1, 'issued', 'x']))).toMatch(/^"x": 2/);
    expect(text.slice(jsonOffsetOf(tree, [1, 'missing']))).toMatch(/^\{"id": "b"/);
  });
});

// In the bundle, jsonc-parser loads only when a bibliography needs it
// (scripts/bundle.mjs makes its namespace import lazy): the words and
// places of its problems are those of the compiled modules.
const root = path.join(import.meta.dirname, '..');
describe.runIf(existsSync(path.join(root, 'build', 'colophon.cjs')))('JSON problems in the bundled CLI', () => {
  it('are worded and placed as the compiled modules word and place them', () => {
    const dir = path.dirname(manuscript('title: JSON\nbibliography: [broken.json, odd.json]', 'Text [@a] and [@b].'));
    writeFileSync(path.join(dir, 'broken.json'), '[{"id": "a", "type": "book" "title": "x"}]');
    writeFileSync(path.join(dir, 'odd.json'), '[{"id": "b", "type": "book", "issued": {"date-parts": [["x"]]}, "author": 3}]');
    const build = (entry: string, out: string) =>
      spawnSync(process.execPath, [entry, 'build', 'input.md', '--format', 'html', '--out', out, '--no-cache', '--lenient'], { cwd: dir, encoding: 'utf8' });
    const plain = build(path.join(root, 'build', 'src', 'cli', 'bin.js'), 'plain');
    const fast = build(path.join(root, 'bin', 'colophon.cjs'), 'fast');
    expect(fast.stderr).toBe(plain.stderr);
    expect(fast.status).toBe(plain.status);
    expect(fast.stderr).toMatch(/broken\.json:1:\d+ .*invalid JSON: expected "," or "\}", found "\\""/);
    expect(fast.stderr).toMatch(/odd\.json:1:\d+/);
  });
});
