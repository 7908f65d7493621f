/**
 * The style and locale registry: ids and paths in, styles and locales out;
 * every bundled style is also run through citeproc with every bundled locale,
 * and the licence and attribution files are checked against the styles.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundledLocales,
  cslTemplatesDir,
  listStyles,
  loadLocale,
  packageRoot,
  resolveStyle,
  suggestStyles,
  type CslStyle,
} from '../src/load/styles.js';
import { rules } from '../src/rules.js';

const baseDir = process.cwd();

// Only the bundled styles here: no user folder, no system CSL packages
// (test/style-sources.test.ts covers those).
process.env.COLOPHON_CSL_SYSTEM_STYLES = '';
process.env.XDG_DATA_HOME = path.join(os.tmpdir(), 'colophon-no-user-styles');

const requiredStyles: Array<[string, CslStyle['class']]> = [
  ['carim-note', 'note'],
  ['chicago-note-bibliography', 'note'],
  ['chicago-note-bibliography-with-ibid', 'note'],
  ['chicago-author-date', 'in-text'],
  ['apa', 'in-text'],
  ['harvard-cite-them-right', 'in-text'],
  ['modern-language-association', 'in-text'],
  ['vancouver', 'in-text'],
];

async function resolved(idOrPath: string, options = { baseDir }): Promise<CslStyle> {
  const result = await resolveStyle(idOrPath, options);
  if (!result.ok) throw new Error(`${idOrPath}: ${result.reason}`);
  return result.style;
}

describe('bundled styles', () => {
  it.each(requiredStyles)('%s resolves as a %s style with a bibliography', async (id, styleClass) => {
    const style = await resolved(id);
    expect(style.id).toBe(id);
    expect(style.class).toBe(styleClass);
    expect(style.hasBibliography).toBe(true);
    expect(style.title).not.toBe('');
    expect(style.xml).toMatch(/<style\b/);
    expect(path.dirname(style.path).startsWith(cslTemplatesDir())).toBe(true);
  });

  it('lists every bundled style with its title and class', async () => {
    const styles = await listStyles();
    expect(styles.map((s) => s.id)).toEqual(expect.arrayContaining(requiredStyles.map(([id]) => id)));
    expect(styles.find((s) => s.id === 'chicago-note-bibliography-with-ibid')).toEqual({
      id: 'chicago-note-bibliography-with-ibid',
      title: 'Chicago Manual of Style 17th edition (note, with Ibid.)',
      class: 'note',
    });
    expect(styles.map((s) => s.id)).toEqual([...styles.map((s) => s.id)].sort());
  });

  it('reads the default locale a style declares', async () => {
    expect((await resolved('harvard-cite-them-right')).defaultLocale).toBe('en-GB');
    expect((await resolved('apa')).defaultLocale).toBeUndefined();
  });

  it('finds templates from the package root, not the cwd', () => {
    expect(packageRoot()).toBe(path.resolve(import.meta.dirname, '..'));
    expect(cslTemplatesDir()).toBe(path.join(packageRoot(), 'templates', 'csl'));
  });
});

describe('unknown ids', () => {
  it('suggests close bundled ids', async () => {
    const result = await resolveStyle('chicago', { baseDir });
    expect(result).toMatchObject({ ok: false, ruleId: rules.styleUnknown, reason: expect.stringContaining('"chicago"') });
    expect(result.ok ? [] : result.suggestions).toEqual([
      'chicago-author-date',
      'chicago-note-bibliography',
      'chicago-note-bibliography-with-ibid',
    ]);
  });

  it.each([
    ['vancover', ['vancouver']],
    ['apa7', ['apa']],
    ['mla', ['modern-language-association']],
    ['harvard', ['harvard-cite-them-right']],
    ['aap', ['apa']],
    ['chicago-notes', ['chicago-note-bibliography', 'chicago-note-bibliography-with-ibid']],
    ['modern-language', ['modern-language-association']],
    ['ieee', []],
  ])('%s → %j', (query, expected) => {
    expect(suggestStyles(query, requiredStyles.map(([id]) => id))).toEqual(expected);
  });
});

describe('styles by path', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'colophon-styles-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves a .csl file relative to the base folder, then the cwd', async () => {
    const apa = await readFile(path.join(cslTemplatesDir(), 'styles', 'apa.csl'), 'utf8');
    await mkdir(path.join(dir, 'styles'), { recursive: true });
    await writeFile(path.join(dir, 'styles', 'my-apa.csl'), apa);
    const style = await resolved('styles/my-apa.csl', { baseDir: dir });
    expect(style).toMatchObject({ id: 'my-apa', class: 'in-text', path: path.join(dir, 'styles', 'my-apa.csl') });

    const fromCwd = await resolved(path.join('templates', 'csl', 'styles', 'vancouver.csl'), { baseDir: dir });
    expect(fromCwd.path).toBe(path.join(packageRoot(), 'templates', 'csl', 'styles', 'vancouver.csl'));
  });

  it('takes a bare NAME.csl that is no file as the bundled id', async () => {
    const style = await resolved('chicago-author-date.csl', { baseDir: dir });
    expect(style.id).toBe('chicago-author-date');
  });

  it('reports a missing file with suggestions from its name', async () => {
    const result = await resolveStyle('./vancuver.csl', { baseDir: dir });
    expect(result).toMatchObject({ ok: false, ruleId: rules.styleUnknown, suggestions: ['vancouver'] });
  });

  it('rejects a file that is not a CSL style', async () => {
    await writeFile(path.join(dir, 'not-csl.csl'), '<html><body>nope</body></html>');
    const result = await resolveStyle('not-csl.csl', { baseDir: dir });
    expect(result).toMatchObject({ ok: false, ruleId: rules.styleInvalid, reason: expect.stringMatching(/no <style> element/) });
  });

  it('resolves a dependent style to its bundled parent, keeping its own title and locale', async () => {
    await writeFile(
      path.join(dir, 'journal-of-migration.csl'),
      `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-GB">
  <info>
    <title>Journal of Migration &amp; Borders</title>
    <id>http://www.zotero.org/styles/journal-of-migration</id>
    <link href="http://www.zotero.org/styles/journal-of-migration" rel="self"/>
    <link href="http://www.zotero.org/styles/chicago-author-date" rel="independent-parent"/>
    <category citation-format="author-date"/>
    <updated>2020-01-01T00:00:00+00:00</updated>
  </info>
</style>
`,
    );
    const style = await resolved('journal-of-migration.csl', { baseDir: dir });
    const parent = await resolved('chicago-author-date');
    expect(style).toMatchObject({
      id: 'journal-of-migration',
      title: 'Journal of Migration & Borders',
      class: 'in-text',
      hasBibliography: true,
      defaultLocale: 'en-GB',
      path: path.join(dir, 'journal-of-migration.csl'),
    });
    expect(style.xml).toBe(parent.xml);
  });

  it('reports a dependent style whose parent is nowhere', async () => {
    await writeFile(
      path.join(dir, 'orphan.csl'),
      `<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info><title>Orphan</title>
<link href="http://www.zotero.org/styles/ieee" rel="independent-parent"/></info></style>`,
    );
    const result = await resolveStyle('orphan.csl', { baseDir: dir });
    expect(result).toMatchObject({ ok: false, ruleId: rules.styleUnknown, reason: expect.stringContaining('"ieee"') });
  });

  it('finds styles in the top folder and in styles/ of a templates folder', async () => {
    const templates = path.join(dir, 'templates');
    await mkdir(path.join(templates, 'styles'), { recursive: true });
    const note = await readFile(path.join(cslTemplatesDir(), 'styles', 'chicago-note-bibliography.csl'), 'utf8');
    await writeFile(path.join(templates, 'house.csl'), note);
    await writeFile(path.join(templates, 'styles', 'other.csl'), note);
    const options = { baseDir: dir, templatesDir: templates };
    expect((await resolveStyle('house', options)).ok).toBe(true);
    expect((await resolveStyle('other', options)).ok).toBe(true);
    expect((await listStyles({ templatesDir: templates })).map((s) => s.id)).toEqual(['house', 'other']);
  });
});

describe('locales', () => {
  it.each([
    ['en-US', 'en-US'],
    ['en-GB', 'en-GB'],
    ['ru-RU', 'ru-RU'],
    ['de-DE', 'de-DE'],
    ['fr-FR', 'fr-FR'],
    ['en', 'en-US'],
    ['fr', 'fr-FR'],
    ['ru', 'ru-RU'],
    ['en_gb', 'en-GB'],
  ])('%s loads %s', async (requested, loaded) => {
    const locale = await loadLocale(requested);
    expect(locale.lang).toBe(loaded);
    expect(locale.fallback).toBe(false);
    expect(locale.xml).toContain(`xml:lang="${loaded}"`);
  });

  it.each([
    ['de-LU', 'de-DE'],
    ['fr-BE', 'fr-FR'],
    ['sw-KE', 'en-US'],
    ['az-AZ', 'en-US'],
  ])('%s falls back to %s', async (requested, loaded) => {
    const locale = await loadLocale(requested);
    expect(locale).toMatchObject({ lang: loaded, fallback: true });
  });

  it('bundles the required locales', async () => {
    expect(await bundledLocales()).toEqual(expect.arrayContaining(['de-DE', 'en-GB', 'en-US', 'fr-FR', 'ru-RU']));
  });
});

describe('every bundled style formats with citeproc in every bundled locale', async () => {
  // citeproc is CommonJS without types; only the calls below are used.
  const CSL = createRequire(import.meta.url)('citeproc') as {
    Engine: new (
      sys: { retrieveLocale(lang: string): string; retrieveItem(id: string): unknown },
      style: string,
      lang: string,
      forceLang: boolean,
    ) => {
      updateItems(ids: string[]): void;
      makeBibliography(): [unknown, string[]] | false;
      previewCitationCluster(citation: unknown, before: unknown[], after: unknown[], format: string): string;
    };
  };
  const langs = await bundledLocales();
  const xmlByLang = new Map<string, string>();
  for (const lang of langs) xmlByLang.set(lang, (await loadLocale(lang)).xml);
  const items: Record<string, unknown> = {
    yunusov2009: {
      id: 'yunusov2009',
      type: 'book',
      author: [{ family: 'Yunusov', given: 'Arif' }],
      title: 'Migration Processes in Azerbaijan',
      publisher: 'Adiloglu',
      'publisher-place': 'Baku',
      issued: { 'date-parts': [[2009]] },
    },
  };
  const styles = await listStyles();

  it.each(styles.flatMap((s) => langs.map((lang) => [s.id, lang])))('%s in %s', async (id, lang) => {
    const style = await resolved(id);
    const sys = {
      retrieveLocale: (l: string) => xmlByLang.get(l) ?? xmlByLang.get('en-US')!,
      retrieveItem: (key: string) => items[key],
    };
    const engine = new CSL.Engine(sys, style.xml, lang, true);
    engine.updateItems(['yunusov2009']);
    const citation = { citationItems: [{ id: 'yunusov2009', locator: '138', label: 'page' }], properties: { noteIndex: 1 } };
    const cluster = engine.previewCitationCluster(citation, [], [], 'text');
    // Numeric styles (vancouver) cite by number.
    expect(cluster).toMatch(style.xml.includes('citation-number') ? /\b1\b/ : /Yunusov|Migration Processes/);
    const bibliography = engine.makeBibliography();
    expect(bibliography).not.toBe(false);
    expect((bibliography as [unknown, string[]])[1].join('')).toContain('Migration Processes in Azerbaijan');
  });
});

describe('licence and attribution', () => {
  const dir = cslTemplatesDir();

  it('ships the CC BY-SA 3.0 licence text', async () => {
    const licence = await readFile(path.join(dir, 'LICENSE'), 'utf8');
    expect(licence).toContain('Creative Commons Attribution-ShareAlike 3.0');
    expect(licence).toContain('https://creativecommons.org/licenses/by-sa/3.0/');
    // The legal code itself, not only a notice.
    expect(licence).toContain('"License Elements" means the following high-level license attributes as');
  });

  it('names in README.md every bundled style and locale from the CSL project with its authors', async () => {
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('https://citationstyles.org/');
    expect(readme).toMatch(/citation-style-language-styles` 0~\d{8}/);
    const files = [
      ...(await listStyles()).filter((s) => s.id !== 'carim-note').map((s) => path.join(dir, 'styles', `${s.id}.csl`)),
      ...(await bundledLocales()).map((lang) => path.join(dir, 'locales', `locales-${lang}.xml`)),
    ];
    for (const file of files) {
      const xml = await readFile(file, 'utf8');
      expect(xml, file).toContain('http://creativecommons.org/licenses/by-sa/3.0/');
      expect(readme, file).toContain(`\`${path.basename(file).replace(/\.csl$/, '')}\``);
      const info = /<info>([\s\S]*?)<\/info>/.exec(xml)?.[1] ?? '';
      for (const name of info.matchAll(/<name>([^<]+)<\/name>/g)) {
        expect(readme, `${file}: ${name[1]}`).toContain(name[1].replace(/&apos;/g, "'"));
      }
    }
  });
});
