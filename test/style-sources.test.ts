/**
 * Styles by id from every source: bundled, the user's CSL folder
 * (`$XDG_DATA_HOME/csl/styles`), the system's CSL packages; dependent styles
 * by their own id; the listing with sources; close matches from all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cslTemplatesDir, listAllStyles, resolveStyle } from '../src/load/styles.js';
import { requireTool } from './helpers/tools.js';

let root: string;
let user: string;
let system: string;

const dependent = (id: string, parent: string, locale = 'en-GB') =>
  `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="${locale}">
  <info><title>Journal of ${id}</title><id>http://www.zotero.org/styles/${id}</id>
    <link href="http://www.zotero.org/styles/${id}" rel="self"/>
    <link href="http://www.zotero.org/styles/${parent}" rel="independent-parent"/>
  </info>
</style>`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'colophon-style-sources-'));
  user = path.join(root, 'data');
  system = path.join(root, 'system');
  await mkdir(path.join(user, 'csl', 'styles', 'dependent'), { recursive: true });
  await mkdir(path.join(system, 'dependent'), { recursive: true });
  const apa = await readFile(path.join(cslTemplatesDir(), 'styles', 'apa.csl'), 'utf8');
  const note = await readFile(path.join(cslTemplatesDir(), 'styles', 'chicago-note-bibliography.csl'), 'utf8');
  // An independent style only the system has, and one the user overrides.
  await writeFile(path.join(system, 'system-note.csl'), note.replace(/<title>[^<]*<\/title>/, '<title>System Note</title>'));
  await writeFile(path.join(system, 'shared-style.csl'), note.replace(/<title>[^<]*<\/title>/, '<title>System copy</title>'));
  await writeFile(path.join(user, 'csl', 'styles', 'shared-style.csl'), apa.replace(/<title>[^<]*<\/title>/, '<title>User copy</title>'));
  // Dependent styles: one on a system parent, one on a bundled parent.
  await writeFile(path.join(system, 'dependent', 'journal-of-notes.csl'), dependent('journal-of-notes', 'system-note', 'de-DE'));
  await writeFile(path.join(user, 'csl', 'styles', 'dependent', 'journal-of-psychology.csl'), dependent('journal-of-psychology', 'apa'));
  process.env.XDG_DATA_HOME = user;
  process.env.COLOPHON_CSL_SYSTEM_STYLES = system;
});

describe('styles by id', () => {
  it('finds a style in the system folder', async () => {
    const result = await resolveStyle('system-note', { baseDir: root });
    expect(result).toMatchObject({ ok: true, style: { id: 'system-note', title: 'System Note', class: 'note', path: path.join(system, 'system-note.csl') } });
  });

  it('prefers the user folder to the system folder', async () => {
    const result = await resolveStyle('shared-style', { baseDir: root });
    expect(result).toMatchObject({ ok: true, style: { title: 'User copy', class: 'in-text' } });
  });

  it('uses a dependent style by its own id, with its parent from any source', async () => {
    const notes = await resolveStyle('journal-of-notes', { baseDir: root });
    expect(notes).toMatchObject({ ok: true, style: { id: 'journal-of-notes', title: 'Journal of journal-of-notes', class: 'note', defaultLocale: 'de-DE' } });
    if (notes.ok) expect(notes.style.xml).toContain('<title>System Note</title>');
    const psychology = await resolveStyle('journal-of-psychology', { baseDir: root });
    expect(psychology).toMatchObject({ ok: true, style: { class: 'in-text', defaultLocale: 'en-GB' } });
    if (psychology.ok) expect(psychology.style.xml).toContain('American Psychological Association');
  });

  it('suggests close ids from every source', async () => {
    const result = await resolveStyle('journal-of-note', { baseDir: root });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.suggestions).toContain('journal-of-notes');
    const misspelt = await resolveStyle('sytem-note', { baseDir: root });
    if (!misspelt.ok) expect(misspelt.suggestions).toEqual(['system-note']);
  });

  it('lists every style with where it is from', async () => {
    const listed = await listAllStyles();
    const find = (id: string) => listed.find((style) => style.id === id);
    expect(find('apa')).toMatchObject({ source: 'bundled', class: 'in-text' });
    expect(find('shared-style')).toMatchObject({ source: 'user', title: 'User copy' });
    expect(find('system-note')).toMatchObject({ source: 'system', class: 'note' });
    expect(find('journal-of-notes')).toMatchObject({ source: 'system', class: 'note', parent: 'system-note' });
    expect(find('journal-of-psychology')).toMatchObject({ source: 'user', class: 'in-text', parent: 'apa' });
  });
});

const debianStyles = '/usr/share/citation-style-language/styles';
const haveDebian = requireTool('citation-style-language-styles', existsSync(path.join(debianStyles, 'ieee.csl')), 'styles from the system package are not checked (apt-get install citation-style-language-styles)');

describe.skipIf(!haveDebian)("the system's CSL package", () => {
  it('gives IEEE and a dependent Nature journal by id', async () => {
    process.env.COLOPHON_CSL_SYSTEM_STYLES = debianStyles;
    const ieee = await resolveStyle('ieee', { baseDir: root });
    expect(ieee).toMatchObject({ ok: true, style: { title: 'IEEE', class: 'in-text' } });
    const journal = await resolveStyle('nature-communications', { baseDir: root });
    expect(journal).toMatchObject({ ok: true, style: { title: 'Nature Communications', class: 'in-text' } });
    if (journal.ok) expect(journal.style.xml).toContain('<title>Nature</title>');
    process.env.COLOPHON_CSL_SYSTEM_STYLES = system;
  });

  it('colophon styles --all lists them with their source', () => {
    const bin = path.join(import.meta.dirname, '..', 'src', 'cli', 'bin.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', bin, 'styles', '--all'], {
      encoding: 'utf8',
      env: { ...process.env, COLOPHON_CSL_SYSTEM_STYLES: debianStyles, XDG_DATA_HOME: user },
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = (id: string) => out.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    expect(line('ieee')).toMatch(/^ieee\s+in-text\s+system\s+IEEE$/);
    expect(line('nature-communications')).toMatch(/in-text\s+system, uses nature\s+Nature Communications$/);
    expect(line('apa')).toMatch(/bundled/);
  });
});
