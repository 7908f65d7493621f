/**
 * The quick readers of the citation stage give the trees of the conforming
 * parsers, or leave the text to them: the XML reader of CSL styles and
 * locales (`src/load/xml.ts`, against `xast-util-from-xml`) and the reader
 * of citeproc's HTML (`src/cite/fragments.ts`, against parse5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Nodes as HastNodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { describe, expect, it } from 'vitest';
import { fromXml } from 'xast-util-from-xml';
import type { CitationCache } from '../src/cache/index.js';
import { htmlFragmentsToHast, quickFragment } from '../src/cite/fragments.js';
import { stylesToClasses } from '../src/cite/engine.js';
import { runCiteproc, type CiteprocRequest } from '../src/cite/process.js';
import { buildDocument } from '../src/document.js';
import { readXml } from '../src/load/xml.js';
import { fieldKinds, plainlyValid, schemaOf, type FieldKind } from '../src/load/bibliography.js';
import { cslTemplatesDir } from '../src/load/styles.js';
import { checkStyleXml } from '../src/load/style-check.js';
import { manuscript } from './helpers/manuscript.js';

/** A tree without `position`s (the quick readers make none). */
function bare<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'position' && typeof value === 'object' && value !== null && 'start' in value ? undefined : value))) as T;
}

describe('the quick XML reader', () => {
  const files = ['styles', 'locales'].flatMap((folder) =>
    readdirSync(path.join(cslTemplatesDir(), folder))
      .filter((name) => /\.(csl|xml)$/.test(name))
      .map((name) => path.join(cslTemplatesDir(), folder, name)),
  );
  files.push(path.join(cslTemplatesDir(), 'carim-note.csl'), path.join(import.meta.dirname, 'fixtures', 'engine', 'editor-translator.csl'));

  it('reads every bundled style and locale as the conforming parser does', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const xml = readFileSync(file, 'utf8');
      const quick = readXml(xml);
      expect(quick, file).toBeDefined();
      expect(quick, file).toEqual(bare(fromXml(xml)));
    }
  });

  it('keeps comments, CDATA, references and attribute whitespace as the conforming parser does', () => {
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<!-- a style -->',
      '<style xmlns="http://purl.org/net/xbiblio/csl" class=\'note\'>',
      '  <info><title>A &amp; B &#8211; &#x201C;C&#x201d; &lt;&gt;&quot;&apos;</title></info>',
      '  <locale xml:lang="en"><terms><term name="and" form="symbol">&#38;</term><term name="x">a<!-- c -->b<![CDATA[<i>&amp;</i>]]>c</term></terms></locale>',
      '  <citation><layout prefix="(" suffix="&#41;" delimiter="; &#10;"><text value="tab\there&#9;" /></layout></citation>',
      '</style>',
      '<!-- after -->',
      '',
    ].join('\n');
    const quick = readXml(xml);
    expect(quick).toBeDefined();
    expect(quick).toEqual(bare(fromXml(xml)));
  });

  it('leaves to the conforming parser what it does not take, and anything not well-formed', () => {
    const cases = [
      '<!DOCTYPE style><style/>',
      '<style>&nbsp;</style>',
      '<style>a & b</style>',
      '<style>&#0;</style>',
      '<style>&#X41;</style>',
      '<style>\r\n</style>',
      '\uFEFF<style/>',
      '<?xml-stylesheet href="a"?><style/>',
      '<style><a></b></style>',
      '<style><a></style>',
      '<style/><style/>',
      'text<style/>',
      '<style a="1" a="2"/>',
      '<style a="1"b="2"/>',
      '<style a=1/>',
      '<style>]]></style>',
      '<style><!-- a -- b --></style>',
      '<style><!-- a ---></style>',
      '<style xml:space="both"/>',
      '<style __proto__="x"/>',
      '<stÿle/>',
      '',
    ];
    for (const xml of cases) expect(readXml(xml), JSON.stringify(xml)).toBeUndefined();
  });

  it('places a fault in a style at its line and column, as before', () => {
    expect(checkStyleXml('<style xmlns="http://purl.org/net/xbiblio/csl">\n  <citation>\n  </citation>\n</style>')).toEqual({
      reason: 'its <citation> has no <layout>',
      line: 2,
      column: 3,
    });
    const broken = checkStyleXml('<style xmlns="http://purl.org/net/xbiblio/csl">\n  <citation>\n</style>');
    expect(broken?.reason).toMatch(/^the XML does not parse/);
    expect(broken?.line).toBe(3);
  });
});

describe('the quick reader of citeproc’s HTML', () => {
  const text = [
    'As @yunusov2009 [p. 12] argues, return is rare [@morehouse2011, 3-4; @guild2009].[^1] See @safarov2012.',
    '',
    '[^1]: As @guild2009 [chap. 2] and [-@yunusov2009] show; also [see @morehouse2011, sec. 4 and passim].',
  ].join('\n');

  /** Every fragment citeproc makes for the manuscript in `style`. */
  async function fragments(style: string): Promise<string[]> {
    let request: CiteprocRequest | undefined;
    const capture: CitationCache = { dir: '', stats: { hits: 0, misses: 0 }, get: (r) => void (request = structuredClone(r)), set: () => undefined };
    await buildDocument({ input: manuscript(`title: Quick\nlang: en-GB\nbibliography: refs.json\ncsl: ${style}\nlink-citations: true`, text), cache: capture });
    const result = runCiteproc(request!);
    const entries = result.bibliography ? result.bibliography[1].map((html) => stylesToClasses(html.trim())) : [];
    return [...result.clusters.map(([, html]) => html), ...result.authors, ...entries];
  }

  const styles = readdirSync(path.join(cslTemplatesDir(), 'styles'))
    .filter((name) => name.endsWith('.csl'))
    .map((name) => name.slice(0, -4));
  for (const style of ['carim-note', ...styles]) {
    it(`reads what citeproc writes as parse5 does (${style})`, async () => {
      const html = await fragments(style);
      expect(html.length).toBeGreaterThan(6);
      for (const fragment of html) {
        const quick = quickFragment(fragment);
        // citeproc's markup is all in the quick reader's part of HTML.
        expect(quick, fragment).toBeDefined();
        expect(quick, fragment).toEqual(bare(fromHtml(fragment, { fragment: true }).children));
      }
      expect(bare(htmlFragmentsToHast(html))).toEqual(html.map((fragment) => bare(fromHtml(fragment, { fragment: true }).children)));
    });
  }

  it('leaves other markup to parse5, in the order given', () => {
    const cases = [
      '<a href="#x"><a href="#y">z</a></a>',
      'x &copy; y',
      '&amp',
      '<span class="">a</span>',
      '<span class="a" class="b">x</span>',
      '<span data-x="1">x</span>',
      '&#128;',
      '&#0;',
      '<br>',
      '<p>a</p>',
      '<i>a<b>b</i>c</b>',
      '<I>a</I>',
      '<span class=a>x</span>',
      '<span/>',
      'a\r\nb',
      '<i>a',
    ];
    for (const fragment of cases) expect(quickFragment(fragment), fragment).toBeUndefined();
    const mixed = ['<i>a</i>', ...cases, '&#38; <b>b</b>'];
    const parsed = htmlFragmentsToHast(mixed);
    expect(parsed).toHaveLength(mixed.length);
    mixed.forEach((fragment, index) => {
      const expected = fromHtml(`<template>${fragment}</template>`, { fragment: true }).children[0] as HastNodes & { content: { children: unknown[] } };
      expect(bare(parsed[index]), fragment).toEqual(bare(expected.content.children));
    });
  });

  it('decodes the references citeproc and Colophon write', () => {
    expect(quickFragment('A &#38; B&#160;&#x2013;&nbsp;&lt;i&gt; &quot;&apos;')).toEqual([{ type: 'text', value: 'A & B\u00A0\u2013\u00A0<i> "\'' }]);
    expect(quickFragment('<a href="https://example.org/?a=1&amp;b=2" class="citation-link x">l</a>')).toEqual([
      { type: 'element', tagName: 'a', properties: { href: 'https://example.org/?a=1&b=2', className: ['citation-link', 'x'] }, children: [{ type: 'text', value: 'l' }] },
    ]);
  });
});

describe('the quick check of bibliography fields', () => {
  /** Every CSL-JSON entry of the test fixtures and, where present, of the peer cases. */
  function entries(): Array<Record<string, unknown>> {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, name.name);
        if (name.isDirectory()) walk(file);
        else if (name.name.endsWith('.json')) files.push(file);
      }
    };
    walk(path.join(import.meta.dirname, 'fixtures'));
    const found: Array<Record<string, unknown>> = [];
    for (const file of files) {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      if (Array.isArray(data)) for (const entry of data) if (entry && typeof entry === 'object' && !Array.isArray(entry)) found.push(entry as Record<string, unknown>);
    }
    return found;
  }

  it('vouches only for values the schema accepts, and for most values of real bibliographies', () => {
    let vouched = 0;
    let checked = 0;
    for (const entry of entries()) {
      for (const [field, value] of Object.entries(entry)) {
        const kind = Object.hasOwn(fieldKinds, field) ? fieldKinds[field] : undefined;
        if (!kind) continue;
        checked++;
        if (!plainlyValid(kind, value)) continue;
        vouched++;
        expect(schemaOf(kind).safeParse(value).success, `${field}: ${JSON.stringify(value)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(vouched / checked).toBeGreaterThan(0.95);
  });

  it('leaves to the schema what it cannot vouch for', () => {
    const hole: unknown[] = [2012];
    hole[2] = 1;
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { family: 'Doe' });
    const cases: Array<[FieldKind, unknown]> = [
      ['id', ''], ['id', Number.NaN], ['id', Infinity], ['id', null],
      ['type', 'journal-article'], ['type', 1],
      ['text', Infinity], ['text', true], ['text', null], ['text', ['a']],
      ['names', [{ given: '' }]], ['names', [{ family: 'Doe', given: 1 }]], ['names', [bare]], ['names', {}], ['names', [null]],
      ['names', [{ family: 'Doe', 'comma-suffix': null }]],
      ['date', '2012-3'], ['date', '/'], ['date', { 'date-parts': [] }], ['date', { 'date-parts': [[2012, 1, 2, 3]] }],
      ['date', { 'date-parts': [[2012.5]] }], ['date', { 'date-parts': [[2 ** 60]] }], ['date', { 'date-parts': [hole] }],
      ['date', { 'date-parts': [['x']] }], ['date', { season: 1 }], ['date', new Date()],
      ['categories', ['a', 1]], ['categories', 'a'],
    ];
    cases.forEach(([kind, value], index) => expect(plainlyValid(kind, value), `case ${index} (${kind})`).toBe(false));
    // The same values, where the schema rejects them, keep their messages.
    expect(schemaOf('names').safeParse([{ given: '' }]).success).toBe(false);
    expect(schemaOf('date').safeParse({ season: 1 }).success).toBe(false);
    const accepted: Array<[FieldKind, unknown]> = [
      ['id', 'a'], ['id', 3], ['type', 'book'], ['text', 12], ['text', ''],
      ['names', [{ family: 'Doe', given: 'Jane', 'parse-names': false }, { literal: 'World Bank', extra: 1 }]], ['names', []],
      ['date', '2009/2012'], ['date', { 'date-parts': [[2012, '3', ''], [2013]], circa: true }], ['date', { literal: 'spring' }],
      ['categories', []],
    ];
    for (const [kind, value] of accepted) {
      expect(plainlyValid(kind, value), `${kind}: ${JSON.stringify(value)}`).toBe(true);
      expect(schemaOf(kind).safeParse(value).success).toBe(true);
    }
  });
});
