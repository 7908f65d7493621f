/**
 * Nothing a manuscript says can change the structure of an edition.
 *
 * Every front-matter key and every bibliography field is given the
 * characters that end a context — `"`, `'`, `<`, `>`, `&`, `]]>`,
 * `</script>`, `javascript:` and control characters — and the three
 * editions are built twice: with those values and with plain ones. The
 * HTML, the EPUB's documents and the print page must parse to the same
 * elements and attributes; the EPUB must be well-formed XML and pass
 * EPUBCheck; the PDF must show the values as text; and an invalid language
 * tag must be a located message, not a crash.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { fromXml } from 'xast-util-from-xml';
import type { Root as XmlRoot } from 'xast';
import { beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser.js';
import { build } from '../src/build.js';
import { buildDocument } from '../src/document.js';
import { printHtml } from '../src/pdf/print-html.js';
import { epubcheck, hasEpubcheck, unzip } from './fixtures/epub/tools.js';
import { hasTool, squash } from './fixtures/pdf/read-pdf.js';
import { elements } from './helpers/hast.js';
import { toString } from 'hast-util-to-string';
import { execFileSync } from 'node:child_process';

/** Every context-ending sequence at once; `\u0001` and `\u0007` are control characters. */
const hostile = `"'<>&]]></script><script>alert(1)</script>javascript:alert(1)\u0001\u0007<img src=x onerror=alert(1)>`;
/** What remains visible of it: control characters reach no edition. */
const visible = hostile.replace(/[\u0001\u0007]/g, '');

/** A value for `key`: a marker to find it by, then the hostile text (or a plain one). */
const value = (key: string, bad: boolean) => `K${key.replace(/\W/g, '')} ${bad ? hostile : 'plain words'}`;

function frontMatter(bad: boolean): string {
  const v = (key: string) => JSON.stringify(value(key, bad));
  return [
    `title: ${v('title')}`,
    `subtitle: ${v('subtitle')}`,
    `author:`,
    `  - name: ${v('author')}`,
    `    affiliation: ${v('affiliation')}`,
    `    orcid: ${v('orcid')}`,
    `date: ${v('date')}`,
    `lang: en-GB`,
    `bibliography: refs.json`,
    `nocite: ["@*"]`,
    `link-citations: true`,
    `reference-section-title: ${v('refsection')}`,
    `series:`,
    `  name: ${v('seriesname')}`,
    `  banner: ${v('banner')}`,
    `  type: ${v('seriestype')}`,
    `  number: ${v('number')}`,
    `  module: ${v('module')}`,
    `publisher: ${v('publisher')}`,
    `rights: ${v('rights')}`,
    `funding: ${v('funding')}`,
    `keywords: [${v('keyword')}]`,
    `abstract: ${v('abstract')}`,
    `identifier: ${v('identifier')}`,
  ].join('\n');
}

/** Bibliography fields, each hostile (or plain), in an entry that is still valid CSL. */
function references(bad: boolean): unknown[] {
  const v = (key: string) => value(key, bad);
  return [
    {
      id: 'hostile2020',
      type: 'article-journal',
      title: v('btitle'),
      'container-title': v('container'),
      author: [{ family: v('family'), given: v('given') }],
      editor: [{ literal: v('literal') }],
      issued: { 'date-parts': [[2020]] },
      volume: v('volume'),
      issue: v('issue'),
      page: v('page'),
      publisher: v('bpublisher'),
      'publisher-place': v('place'),
      URL: `https://example.org/${bad ? encodeURIComponent(hostile) : 'plain'}`,
      DOI: v('doi'),
      note: v('note'),
      // No language either way: free text that names none gives no `lang`.
      language: bad ? hostile : 'plain words',
    },
  ];
}

function writeManuscript(dir: string, bad: boolean): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'refs.json'), JSON.stringify(references(bad), null, 2));
  const file = path.join(dir, 'hostile.md');
  writeFileSync(file, `---\n${frontMatter(bad)}\n---\n\n# Heading\n\nText with a citation [@hostile2020] and \`a[b[0]]>c\` in code, x]]>y in a sentence.[^1]\n\n[^1]: A note.\n`);
  return file;
}

/** The shape of a tree: element names and attribute names, in order, no text or values. */
function shape(node: Root | Element): string {
  const children = (node.children as Array<Root['children'][number]>)
    .flatMap((c) => (c.type === 'element' ? [shape(c)] : []))
    .join('');
  if (node.type === 'root') return children;
  const props = Object.keys(node.properties ?? {}).sort().join(',');
  const content = node.tagName === 'template' && node.content ? shape(node.content) : '';
  return `<${node.tagName}[${props}]>${content}${children}</${node.tagName}>`;
}

/** The shape of an XML tree (the EPUB's documents), which must parse as XML at all. */
function xmlShape(text: string): string {
  const walk = (node: XmlRoot | import('xast').Element): string => {
    const inner = (node.children as XmlRoot['children'])
      .flatMap((c) => (c.type === 'element' ? [walk(c)] : []))
      .join('');
    if (node.type === 'root') return inner;
    return `<${node.name}[${Object.keys(node.attributes).sort().join(',')}]>${inner}</${node.name}>`;
  };
  return walk(fromXml(text));
}

const browser = await findBrowser().catch(() => null);
const tools = ['pdftotext', 'pdfinfo'].filter((t) => !hasTool(t));
if (!browser) tools.push('chromium');
if (!hasEpubcheck()) tools.push('epubcheck');
if (tools.length && process.env.CI === 'true') throw new Error(`The escaping tests need ${tools.join(', ')} in CI.`);
if (tools.length) console.warn(`SKIPPED: the escaping tests across editions need ${tools.join(', ')}.`);
const suite = tools.length ? describe.skip : describe;

suite('hostile values in every front-matter key and bibliography field', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'colophon-escaping-'));
  const out = { bad: path.join(root, 'out-bad'), plain: path.join(root, 'out-plain') };
  let built: { bad: boolean; plain: boolean } = { bad: false, plain: false };

  beforeAll(async () => {
    for (const kind of ['bad', 'plain'] as const) {
      const input = writeManuscript(path.join(root, kind), kind === 'bad');
      const result = await build({ inputs: [input], outDir: out[kind] });
      const messages = result.documents.flatMap((d) => d.model.file.messages.filter((m) => m.fatal).map((m) => m.reason));
      expect(messages).toEqual([]);
      built = { ...built, [kind]: result.ok };
    }
  }, 180_000);


  it('builds all three editions from both', () => {
    expect(built).toEqual({ bad: true, plain: true });
    expect(readdirSync(out.bad).sort()).toEqual(readdirSync(out.plain).sort());
  });

  it('gives the HTML edition the same structure, with no script or handler from the manuscript', () => {
    const bad = fromHtml(readFileSync(path.join(out.bad, 'hostile.html'), 'utf8'));
    const plain = fromHtml(readFileSync(path.join(out.plain, 'hostile.html'), 'utf8'));
    expect(shape(bad)).toBe(shape(plain));
    const all = elements(bad, () => true);
    expect(all.filter((e) => e.tagName === 'script').map((e) => e.properties.type)).toEqual(['application/ld+json']);
    expect(all.filter((e) => e.tagName === 'img')).toEqual([]);
    expect(all.flatMap((e) => Object.keys(e.properties)).filter((name) => /^on/i.test(name))).toEqual([]);
    expect(all.map((e) => String(e.properties.href ?? '')).filter((href) => /^\s*javascript:/i.test(href))).toEqual([]);
    // The values are shown as text, every character of them.
    const h1 = all.find((e) => e.tagName === 'h1');
    expect(h1 && toString(h1)).toBe(`Ktitle ${visible}`);
    const title = all.find((e) => e.tagName === 'title');
    expect(title && toString(title)).toContain(`Ktitle ${visible}`);
    // JSON-LD: the script's text is JSON that gives the values back.
    const jsonLd = all.find((e) => e.tagName === 'script');
    const article = JSON.parse(jsonLd ? toString(jsonLd) : '{}') as { headline?: string; author?: Array<{ name: string; sameAs?: string }> };
    expect(article.headline).toBe(`Ktitle ${visible}`);
    expect(article.author).toEqual([expect.objectContaining({ name: `Kauthor ${visible}` })]);
    // URL: a hostile ORCID links nowhere.
    expect(article.author?.[0]?.sameAs).toBeUndefined();
    const meta = (name: string) => all.filter((e) => e.tagName === 'meta' && e.properties.name === name).map((e) => e.properties.content);
    expect(meta('citation_title')).toEqual([`Ktitle ${visible}: Ksubtitle ${visible}`]);
  });

  it('gives the EPUB well-formed documents of the same structure, which EPUBCheck passes', async () => {
    const bad = unzip(readFileSync(path.join(out.bad, 'hostile.epub')));
    const plain = unzip(readFileSync(path.join(out.plain, 'hostile.epub')));
    const documents = Object.keys(plain.files).filter((name) => /\.(xhtml|opf|ncx|xml)$/.test(name));
    expect(Object.keys(bad.files).sort()).toEqual(Object.keys(plain.files).sort());
    for (const name of documents) expect(xmlShape(bad.text(name)), name).toBe(xmlShape(plain.text(name)));
    const text = bad.text('EPUB/text.xhtml');
    expect(text).toContain('a[b[0]]&gt;c');
    expect(text).not.toMatch(/[\u0001\u0007]/);
    const problems = (await epubcheck(readFileSync(path.join(out.bad, 'hostile.epub')))).filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity));
    expect(problems.map((m) => `${m.ID} ${m.message}`)).toEqual([]);
  }, 120_000);

  it('gives the print page the same structure, and the PDF shows the values as text', async () => {
    const bad = await buildDocument({ input: path.join(root, 'bad', 'hostile.md') });
    const plain = await buildDocument({ input: path.join(root, 'plain', 'hostile.md') });
    const badPage = fromHtml(await printHtml(bad));
    expect(shape(badPage)).toBe(shape(fromHtml(await printHtml(plain))));
    const htmlElement = badPage.children.find((c): c is Element => c.type === 'element' && c.tagName === 'html');
    expect(htmlElement?.properties.lang).toBe('en-GB');

    // PDF metadata: the Info dictionary holds the values as written.
    const info = execFileSync('pdfinfo', ['-enc', 'UTF-8', path.join(out.bad, 'hostile.pdf')], { encoding: 'utf8' });
    expect(info).toContain(`Title:           Ktitle ${visible}: Ksubtitle ${visible}`);
    expect(info).toContain(`Author:          Kauthor ${visible}`);

    const pdf = squash(execFileSync('pdftotext', [path.join(out.bad, 'hostile.pdf'), '-'], { encoding: 'utf8' }));
    // The style sets typographic apostrophes in the bibliography: ’ is the ' written.
    const shown = pdf.replace(/’/g, "'");
    for (const key of ['title', 'subtitle', 'author', 'seriesname', 'banner', 'module', 'date', 'funding', 'rights', 'refsection', 'btitle', 'container', 'family', 'given', 'page']) {
      expect(shown, key).toContain(squash(`K${key} ${visible}`));
    }
  }, 120_000);
});

describe('language tags', () => {
  const run = async (front: string, text = 'Text.') => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-lang-'));
    const file = path.join(dir, 'input.md');
    writeFileSync(file, `---\ntitle: T\n${front}\n---\n\n${text}\n`);
    const model = await buildDocument({ input: file });
    return model.file.messages.map((m) => ({ line: m.line, column: m.column, ruleId: m.ruleId, fatal: m.fatal, reason: m.reason }));
  };

  it('reports a lang that would escape its attribute at its key, and does not crash', async () => {
    expect(await run(`lang: 'en" style="display:none'`)).toEqual([
      { line: 3, column: 1, ruleId: 'front-matter-invalid', fatal: true, reason: 'front matter: `lang`: "en\\" style=\\"display:none" is not a BCP 47 language tag (such as `en-GB`, `fr` or `sr-Latn`)' },
    ]);
  });

  it('reports a locale that Intl would refuse at its key', async () => {
    const messages = await run('lang: en\nlocale: en_GB!');
    expect(messages).toMatchObject([{ line: 4, column: 1, ruleId: 'front-matter-invalid', fatal: true }]);
  });

  it('reports the lang of a span in the text at its place', async () => {
    const messages = await run('lang: en', 'A <span lang="12 x">word</span> here.');
    expect(messages).toMatchObject([{ line: 6, ruleId: 'lang-invalid', fatal: true }]);
    expect(messages[0]?.reason).toContain('"12 x" is not a BCP 47 language tag');
  });

  it('accepts well-formed tags', async () => {
    expect((await run('lang: sr-Latn-RS\nlocale: de-CH-1996')).filter((m) => m.fatal)).toEqual([]);
  });
});

describe('ORCID links', () => {
  it('link a bare iD or an http(s) URL, and nothing else', async () => {
    const { orcidUrl } = await import('../src/shared/orcid.js');
    expect(orcidUrl('0000-0002-1825-0097')).toBe('https://orcid.org/0000-0002-1825-0097');
    expect(orcidUrl('https://orcid.org/0000-0002-1825-0097')).toBe('https://orcid.org/0000-0002-1825-0097');
    expect(orcidUrl('https://example.org/a b"<')).toBe('https://example.org/a%20b%22%3C');
    expect(orcidUrl('javascript:alert(1)')).toBeUndefined();
    expect(orcidUrl('0000-0002')).toBeUndefined();
  });
});

describe('CSS from the text', () => {
  it('takes only an alignment keyword from a cell, never a declaration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colophon-css-'));
    const file = path.join(dir, 'input.md');
    writeFileSync(file, '---\ntitle: T\n---\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n<table><tr><td align="left; background: url(javascript:alert(1))">x</td><td align="CENTER">y</td></tr></table>\n');
    const result = await build({ inputs: [file], formats: ['html'], outDir: path.join(dir, 'out') });
    expect(result.ok).toBe(true);
    const page = fromHtml(readFileSync(path.join(dir, 'out', 'input.html'), 'utf8'));
    const styles = elements(page, (e) => e.tagName === 'td' || e.tagName === 'th').map((e) => e.properties.style);
    expect(styles).toEqual(['text-align: left', 'text-align: right', 'text-align: left', 'text-align: right', undefined, 'text-align: center']);
  });
});
