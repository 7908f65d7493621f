/**
 * The quick readers of the citation stage give the trees of the conforming
 * parsers, or leave the text to them: the XML reader of CSL styles and
 * locales (`src/load/xml.ts`, against `xast-util-from-xml`), the reader
 * of citeproc's HTML (`src/cite/fragments.ts`, against parse5) and the
 * reader of the layout's templates (`src/shared/quick-html.ts`, against parse5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Nodes as HastNodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { describe, expect, it } from 'vitest';
import { fromXml } from 'xast-util-from-xml';
import type { CitationCache } from '../src/cache/index.js';
import { htmlFragmentsToHast } from '../src/cite/fragments.js';
import { stylesToClasses } from '../src/cite/engine.js';
import { runCiteproc, type CiteprocRequest } from '../src/cite/process.js';
import { buildDocument } from '../src/document.js';
import { readXml } from '../src/load/xml.js';
import { fieldKinds, plainlyValid, schemaOf, type FieldKind } from '../src/load/bibliography.js';
import { cslTemplatesDir } from '../src/load/styles.js';
import { checkStyleXml } from '../src/load/style-check.js';
import { quickHtml } from '../src/shared/quick-html.js';
import { templateHtml, type TemplateValues } from '../src/shared/template.js';
import { templatesDir } from '../src/shared/package.js';
import { manuscript } from './helpers/manuscript.js';
import { random } from '../scripts/generate-book.mjs';

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
        const quick = quickHtml(fragment);
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
      '<span class="a" class="b">x</span>',
      '&#128;',
      '&#0;',
      '<i>a<b>b</i>c</b>',
      '<I>a</I>',
      '<span class=a>x</span>',
      '<span/>',
      'a\r\nb',
      '<i>a',
    ];
    for (const fragment of cases) expect(quickHtml(fragment), fragment).toBeUndefined();
    // What citeproc does not write, but the quick reader takes, comes out as parse5 makes it.
    const taken = ['<span class="">a</span>', '<span data-x="1">x</span>', '<br>', '<p>a</p>'];
    for (const fragment of taken) expect(quickHtml(fragment), fragment).toEqual(bare(fromHtml(fragment, { fragment: true }).children));
    const mixed = ['<i>a</i>', ...cases, ...taken, '&#38; <b>b</b>'];
    const parsed = htmlFragmentsToHast(mixed);
    expect(parsed).toHaveLength(mixed.length);
    mixed.forEach((fragment, index) => {
      const expected = fromHtml(`<template>${fragment}</template>`, { fragment: true }).children[0] as HastNodes & { content: { children: unknown[] } };
      expect(bare(parsed[index]), fragment).toEqual(bare(expected.content.children));
    });
  });

  it('decodes the references citeproc and Colophon write', () => {
    expect(quickHtml('A &#38; B&#160;&#x2013;&nbsp;&lt;i&gt; &quot;&apos;')).toEqual([{ type: 'text', value: 'A & B\u00A0\u2013\u00A0<i> "\'' }]);
    expect(quickHtml('<a href="https://example.org/?a=1&amp;b=2" class="citation-link x">l</a>')).toEqual([
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

describe('the quick reader of the layout’s HTML', () => {
  const parsed = (html: string) => bare(fromHtml(html, { fragment: true }).children);

  it('reads every template of the layout, with any values, as parse5 does', async () => {
    const dir = await templatesDir('carim');
    const files = readdirSync(dir).filter((name) => name.endsWith('.html'));
    expect(files.sort()).toEqual(['rights-statement.html', 'running-head.html', 'title-block.html']);
    const keys = ['banner', 'funding', 'subtitle', 'designation', 'module', 'date', 'datetime', 'publisher', 'rights', 'series', 'author'];
    const next = random(7);
    let read = 0;
    for (const file of files) {
      const template = readFileSync(path.join(dir, file), 'utf8');
      for (let round = 0; round < 64; round++) {
        const values: TemplateValues = { title: 'A & B <i>', 'title-id': 'title' };
        for (const key of keys) if (next() < 0.5) values[key] = `${key} “value” & <b>`;
        values.authors = Array.from({ length: Math.floor(next() * 3) }, (_, i) => ({
          name: `Author ${i}`,
          ...(next() < 0.5 ? { affiliation: 'EUI' } : {}),
          ...(next() < 0.5 ? { orcid: '0000-0002-1825-0097', 'orcid-url': 'https://orcid.org/0000-0002-1825-0097' } : {}),
        }));
        const html = templateHtml(template, values);
        const quick = quickHtml(html);
        expect(quick, `${file}: ${html}`).toBeDefined();
        expect(quick, html).toEqual(parsed(html));
        read++;
      }
    }
    expect(read).toBe(3 * 64);
  });

  it('takes only what parse5 builds as written, over random markup', () => {
    const next = random(2026);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const names = ['p', 'div', 'span', 'a', 'b', 'i', 'em', 'strong', 'code', 'header', 'footer', 'section', 'h1', 'h2', 'time', 'slot', 'br', 'wbr',
      'li', 'ul', 'table', 'td', 'button', 'img', 'hr', 'pre', 'template', 'svg', 'math', 'P', 'nobr', 'ruby', 'q', 'sub', 'address', 'figure', 'main'];
    const attributes = ['class="x y"', 'class=""', 'class="  "', 'id="a"', 'data-edition="print epub"', 'aria-hidden="true"', 'role="doc-subtitle"', 'href="https://e.org/?a=1&amp;b=2"',
      'datetime="2013-01"', 'hidden=""', 'tabindex="1"', 'type="a"', 'constructor="x"', 'style="color: red"', 'title="&copy;"', 'title="&#0;"', 'lang="en"',
      "title='single'", 'title=bare', 'CLASS="u"', 'class="a" class="b"', 'name="abstract"', 'dir="rtl"', 'span="2"', 'title="a&quot;b"'];
    const texts = ['text', ' ', '\n  ', 'a &amp; b', '&nbsp;', '&#x201C;q&#x201D;', '&copy;', '&', 'a\rb', 'x\u0000y', '{{title}}', '“é”', '\uD83D\uDE00', '&#128512;', '&#xD800;', '&gt;&lt;'];
    const fragment = (depth: number): string => {
      let out = '';
      const count = 1 + Math.floor(next() * 3);
      for (let i = 0; i < count; i++) {
        const roll = next();
        if (roll < 0.35 || depth > 3) {
          out += pick(texts);
        } else if (roll < 0.4) {
          out += pick(['<br>', '<br/>', '</p>', '<!-- c -->', '<wbr>', '</span>']);
        } else {
          const name = pick(names);
          const attrs = Array.from({ length: Math.floor(next() * 3) }, () => ` ${pick(attributes)}`).join('');
          const closing = next() < 0.9 ? `</${next() < 0.95 ? name : pick(names)}>` : '';
          out += `<${name}${attrs}${next() < 0.1 ? ' ' : ''}>${fragment(depth + 1)}${closing}`;
        }
      }
      return out;
    };
    let quick = 0;
    for (let round = 0; round < 20_000; round++) {
      const html = fragment(0);
      const tree = quickHtml(html);
      if (tree === undefined) continue;
      quick++;
      expect(tree, html).toEqual(parsed(html));
    }
    // Both ways are exercised: a good share of the markup is read quickly, and much is left to parse5.
    expect(quick).toBeGreaterThan(2_000);
    expect(quick).toBeLessThan(18_000);
  });

  it('leaves to parse5 what it would build otherwise', () => {
    for (const html of [
      '<p>one<p>two',
      '<p>a <div>block</div></p>',
      '<span><div>x</div></span>',
      '<a href="a"><a href="b">x</a></a>',
      '<b><i>x</b></i>',
      '<ul><li>a<li>b</ul>',
      '<table><tr><td>x</td></tr></table>',
      '<h1>a<h2>b</h2></h1>',
      '<br/>',
      '<P>x</P>',
      '<p class="a" class="b">x</p>',
      '<p title=\'x\'>x</p>',
      '<p>a\r\nb</p>',
      '<p>&copy;</p>',
      '<p constructor="x">x</p>',
      '<!-- c --><p>x</p>',
      '<p>x',
      '</p>',
    ]) {
      expect(quickHtml(html), html).toBeUndefined();
    }
  });
});
