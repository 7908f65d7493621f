/**
 * The print HTML, before any browser: what the paginator is given.
 */
import { h } from 'hastscript';
import { describe, expect, it } from 'vitest';
import { setPdfInfo, pdfDate } from '../src/pdf/metadata.js';
import { printHtml } from '../src/pdf/print-html.js';
import { plainYearLanguages, shownDate } from '../src/shared/title-block.js';
import { fillTemplate, templateToHast } from '../src/shared/template.js';
import { toHtml } from 'hast-util-to-html';
import { call, fixtureMetadata, noteHeavyModel } from './fixtures/pdf/generate.js';

describe('print HTML', () => {
  it('turns calls into superscripts, keeps block indices and stores the notes apart', async () => {
    const model = noteHeavyModel(3, 1);
    const html = await printHtml(model, { hyphenate: false });
    expect(html).toContain('<sup class="note-call" data-call="1"><a href="#fn-1" id="fnref-1">1</a></sup>');
    expect(html).not.toContain('data-note-call');
    expect(html).toContain('<div class="footnote" id="fn-1" data-note="1" role="doc-footnote"><span class="note-number">1</span>');
    // Every top-level element says which block of the model it is.
    model.body.children.forEach((child, index) => {
      if (child.type === 'element') expect(html).toContain(`data-block="${index}"`);
    });
    expect(html).toContain('<html lang="en-US">');
  });

  it('hyphenates words with soft hyphens, never URLs', async () => {
    const model = noteHeavyModel(3, 1);
    model.body.children.push(
      h('p', ['Internationalization of readmission negotiations, see http://www.example.org/internationalization/negotiations.html.', call(model.notes.length + 1)]),
    );
    model.notes.push({ number: model.notes.length + 1, kind: 'author', children: [h('p', 'Note.')] });
    const html = await printHtml(model);
    expect(html).toMatch(/In\u00ADter\u00ADna\u00ADtion\u00ADal/);
    expect(html).toContain('<span class="url">http://www.example.org/internationalization/negotiations.html</span>.');
  });

  it('fills the title block from the front matter and leaves out what it lacks', async () => {
    const model = noteHeavyModel(3, 1);
    let html = await printHtml(model);
    expect(html).toContain('<p class="series-banner">CARIM-East – Consortium for Applied Research on International Migration</p>');
    expect(html).toContain('<p class="series-designation">CARIM-East Explanatory Note 13/12</p>');
    expect(html).toContain('<p class="date"><time datetime="2013-02-01">February 1, 2013</time></p>');
    expect(html).toContain('<footer class="rights-statement" data-nosplit>');
    model.metadata = { ...fixtureMetadata, series: undefined, rights: undefined, funding: undefined, date: undefined, subtitle: undefined };
    html = await printHtml(model);
    expect(html).not.toMatch(/series-banner|funding-line|designation|class="date"|rights-statement|subtitle/);
    expect(html).toContain('<h1 class="title">Agreements on readmission');
  });
});

describe('templates and dates', () => {
  it('drops sections whose key is missing and escapes values', () => {
    expect(fillTemplate('<!-- c -->{{#a}}<b>{{a}}</b>{{/a}}{{#z}}gone{{/z}}', { a: 'x < y' })).toBe('<b>x &#x3C; y</b>');
  });

  it('repeats a list section per item, keeps inverted sections for missing keys, drops empty attributes', () => {
    const template = '<p>{{#people}}<span title="{{role}}">{{name}}{{#role}} ({{role}}){{/role}}{{^role}}, {{place}}{{/role}}</span>{{/people}}</p>';
    const values = { place: 'Baku', people: [{ name: 'A <b>', role: 'ed.' }, { name: 'B' }] };
    expect(fillTemplate(template, values)).toBe('<p><span title="ed.">A &#x3C;b> (ed.)</span><span>B, Baku</span></p>');
    expect(fillTemplate(template, { people: [] })).toBe('<p></p>');
  });

  it('puts the edition\'s blocks in slots and keeps only the elements for its edition', () => {
    const template = '<div><p data-edition="print">P</p><p data-edition="web epub">W</p><slot name="extra"></slot><slot name="none"></slot></div>';
    const slots = { extra: [h('section', 'S')] };
    expect(toHtml({ type: 'root', children: templateToHast(template, {}, { edition: 'print', slots }) })).toBe('<div><p>P</p><section>S</section></div>');
    expect(toHtml({ type: 'root', children: templateToHast(template, {}, { edition: 'epub' }) })).toBe('<div><p>W</p></div>');
  });

  it('formats ISO dates in the document language and keeps others as written', () => {
    expect(shownDate('2013-02', 'en-GB')).toEqual({ text: 'February 2013', datetime: '2013-02' });
    expect(shownDate('2013-02-01', 'fr')).toEqual({ text: '1 février 2013', datetime: '2013-02-01' });
    expect(shownDate('Spring 2013', 'en')).toEqual({ text: 'Spring 2013' });
    expect(pdfDate(new Date(Date.UTC(2013, 1, 4, 17, 46, 40)))).toBe("D:20130204174640+00'00'");
  });

  it('shows a year alone as the runtime would, with or without asking it', () => {
    const byIntl = (year: number, lang: string) =>
      new Intl.DateTimeFormat(lang, { timeZone: 'UTC', year: 'numeric' }).format(new Date(Date.UTC(year, 0, 1)));
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const regions = [...letters].flatMap((a) => [...letters].map((b) => a + b)).filter((r) => names.of(r) !== r);
    expect(regions.length).toBeGreaterThan(200);
    for (const primary of plainYearLanguages) {
      for (const lang of [primary, ...regions.map((r) => `${primary}-${r}`)]) {
        expect(shownDate('2013', lang)?.text, lang).toBe(byIntl(2013, lang));
      }
    }
    // Elsewhere the runtime says: Arabic digits in Egypt, the era's year in Japanese.
    expect(shownDate('2013', 'ar-EG')).toEqual({ text: byIntl(2013, 'ar-EG'), datetime: '2013' });
    expect(shownDate('2013', 'ar-EG')?.text).not.toBe('2013');
    expect(shownDate('2013', 'ja')?.text).toBe(byIntl(2013, 'ja'));
    expect(shownDate('2013', 'en-GB')).toEqual({ text: '2013', datetime: '2013' });
  });
});

describe('PDF document information', () => {
  // The shape Chromium writes: classic cross-reference table, Info object 1.
  const body = [
    '%PDF-1.4',
    "1 0 obj\n<</Title (x)\n/CreationDate (D:20261128030850+00'00')\n/ModDate (D:20261128030850+00'00')>>\nendobj",
    '2 0 obj\n<</Type /Page\n/MediaBox [0 0 594.95996 841.91998]>>\nendobj',
    '3 0 obj\n<</Type /Catalog>>\nendobj',
    '4 0 obj\n<</Title (ReturnMigration)\n/Parent 5 0 R>>\nendobj',
    '',
  ].join('\n');
  const pdf = new TextEncoder().encode(`${body}xref\n0 5\n0000000000 65535 f \ntrailer\n<</Size 5\n/Root 3 0 R\n/Info 1 0 R>>\nstartxref\n${body.length}\n%%EOF\n`);

  it('appends an update with the Info dictionary and exact page boxes, and rewrites dates in place', () => {
    const model = noteHeavyModel(3, 1);
    const out = new TextDecoder('latin1').decode(setPdfInfo(pdf, model, { date: new Date(Date.UTC(2013, 1, 4)), headings: ['Return Migration'] }));
    expect(out.startsWith(new TextDecoder('latin1').decode(pdf).replace(/D:20261128030850/g, 'D:20130204000000').replace('[0 0 594.95996 841.91998]', `${'[0 0 595.28 841.89'.padEnd(24)}]`))).toBe(true);
    expect(out).toMatch(/5 0 obj\n<<\/Title <FEFF[0-9A-F]+>\n\/Author <FEFF0054/);
    expect(out).toContain('/Subject <FEFF');
    expect(out).toMatch(/trailer\n<<\/Size 6\n\/Root 3 0 R\n\/Info 5 0 R\n\/Prev \d+>>/);
    // The bookmark gets its heading's spaces back.
    expect(out).toMatch(/4 0 obj\n<<\/Title <FEFF00520065007400750072006E0020/);
    expect(out.endsWith('%%EOF\n')).toBe(true);
  });
});
