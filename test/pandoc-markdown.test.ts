/**
 * Pandoc Markdown through the whole model and the screen page: messages
 * with their rule ids and places, smart punctuation by language and never
 * in code or URLs, Pandoc's rule for dollars, notes in one sequence,
 * section numbers and the contents list, the `...` front-matter close.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDocument } from '../src/index.js';
import { renderHtmlPage } from '../src/web/page.js';

const dir = mkdtempSync(path.join(tmpdir(), 'colophon-pandoc-md-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

async function build(markdown: string) {
  const input = path.join(dir, `m${++count}.md`);
  writeFileSync(input, markdown);
  const model = await buildDocument({ input });
  const html = renderHtmlPage(model);
  const messages = model.file.messages.map((m) => ({ rule: m.ruleId, line: m.line, column: m.column, fatal: m.fatal, reason: m.reason }));
  return { model, html, text: toString(fromHtml(html)), messages };
}

describe('Pandoc Markdown', () => {
  it('an unknown cross-reference is an error at its place, with its own rule', async () => {
    const { messages, html } = await build('---\ntitle: T\n---\n\nSee @fig-none here.\n');
    expect(messages).toEqual([expect.objectContaining({ rule: 'crossref-unknown', line: 5, column: 5, fatal: true })]);
    expect(html).toContain('??fig-none');
  });

  it('a TeX error is a warning at the formula, which is shown as its source in code', async () => {
    const { messages, html } = await build('---\ntitle: T\n---\n\nA $\\frac{1}{$ formula.\n');
    expect(messages).toEqual([expect.objectContaining({ rule: 'math-error', line: 5, column: 3, fatal: false })]);
    expect(html).toContain('<code class="math-error">\\frac{1}{</code>');
  });

  it('raw TeX is reported where the command is', async () => {
    const { messages } = await build('---\ntitle: T\n---\n\nSome text and then \\newpage here.\n');
    expect(messages).toEqual([expect.objectContaining({ rule: 'raw-tex', line: 5, column: 20 })]);
  });

  it('dollars follow Pandoc: `$20 and $30` is text, `$x$` is math', async () => {
    const { html } = await build('---\ntitle: T\n---\n\nIt costs $20 and $30, and $x$ is a formula.\n');
    expect(html).toContain('$20 and $30');
    expect(html.match(/<math /g)).toHaveLength(1);
  });

  it('smart punctuation: quotes by language, never in code or a URL', async () => {
    const { html } = await build('---\ntitle: T\nlang: de-DE\n---\n\nEr sagte "ja" -- und `"nein"` bei <https://example.org/a--b>. [Il dit "oui"]{lang=fr}.\n');
    expect(html).toContain('Er sagte „ja“ – und <code>"nein"</code>');
    expect(html).toContain('https://example.org/a--b</a>');
    expect(html).toContain('<span lang="fr">Il dit «\u00a0oui\u00a0»</span>');
  });

  it('smart dashes and dots read left to right; an escaped character stays itself', async () => {
    // What `pandoc -t plain` prints for the same paragraph.
    const { html } = await build(
      '---\ntitle: T\n---\n\nA ---------, B ------ C ---- D a--b E .... F ...... G \\... H .\\.. I \\---x J -\\-- K \\"q\\" L \\\\...\n',
    );
    expect(toString(fromHtml(/<p>[\s\S]*?<\/p>/.exec(html)![0]))).toMatch(
      /^A \u2014\u2014\u2014, B \u2014\u2014 C \u2014- D a\u2013b E \u2026\. F \u2026\u2026 G \.\.\. H \.\.\. I -\u2013x J --- K "q" L \\\u2026$/,
    );
  });

  it('inline notes, author notes and notes called from notes share one numbering', async () => {
    const { model } = await build('---\ntitle: T\n---\n\nOne.^[Inline.] Two.[^a] Three.^[Second inline.]\n\n[^a]: Outer.[^b]\n\n[^b]: Inner.\n');
    expect(model.notes.map((n) => toString({ type: 'root', children: n.children }).trim())).toEqual(['Inline.', 'Outer.3', 'Inner.', 'Second inline.']);
  });

  it('number-sections, unnumbered headings and a contents list to toc-depth', async () => {
    const { html } = await build('---\ntitle: T\nnumber-sections: true\ntoc: true\ntoc-depth: 1\n---\n\n# One\n\n## One.one\n\n# Two {-}\n\n# Three\n');
    const tree = fromHtml(html);
    const nav = toString(fromHtml(/<nav[\s\S]*?<\/nav>/.exec(html)![0])).trim().split('\n');
    // An unnumbered heading does not count, as in Pandoc.
    expect(nav).toEqual(['Contents', '1 One', 'Two', '2 Three']);
    expect(toString(tree)).toContain('1.1 One.one');
  });

  it('cross-reference labels in the language of the text', async () => {
    const { html } = await build('---\ntitle: T\nlang: de-DE\n---\n\n# Einleitung {#sec-a}\n\n![Ein Bild](x.png){#fig-a}\n\n| a |\n|---|\n| 1 |\n\n: Werte {#tbl-a}\n\n$$x$$ {#eq-a}\n\nSiehe @fig-a, @tbl-a, @eq-a und @sec-a.\n');
    expect(html).toContain('<figcaption>Abbildung 1: Ein Bild</figcaption>');
    expect(html).toContain('<caption>Tabelle 1: Werte</caption>');
    expect(toString(fromHtml(html))).toContain('Siehe Abbildung\u00a01, Tabelle\u00a01, Gleichung\u00a0(1) und Abschnitt\u00a01.');
    // `@Fig-a` at the start of a sentence names `fig-a`.
    const { html: capital } = await build('---\ntitle: T\n---\n\n![A chart](x.png){#fig-a}\n\n@Fig-a shows it.\n');
    expect(capital).toContain('<a href="#fig-a" class="crossref" data-crossref="fig">Figure\u00a01</a> shows it.');
  });

  it('a cluster with a cross-reference and a citation gives both; spans keep their key-value pairs as data attributes', async () => {
    const refs = path.join(dir, 'refs.json');
    writeFileSync(refs, JSON.stringify([{ id: 'doe2020', type: 'book', title: 'T', author: [{ family: 'Doe', given: 'J.' }], issued: { 'date-parts': [[2020]] } }]));
    const { html, messages } = await build(`---\ntitle: T\nbibliography: ${refs}\n---\n\n![A chart](x.png){#fig-a}\n\nAs shown [@fig-a; @doe2020, 12] and [here]{.note key=val}.\n`);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(html).toContain('As shown <a href="#fig-a" class="crossref" data-crossref="fig">Figure\u00a01</a> <span class="citation" data-cites="doe2020">(Doe 2020, 12)</span>');
    expect(html).toContain('<span class="note" data-key="val">here</span>');
  });

  it("Quarto's figure div: content, then the caption, numbered", async () => {
    const { html } = await build('---\ntitle: T\n---\n\n::: {#fig-q}\n![](x.png)\n\nA *Quarto* figure.\n:::\n\nSee @fig-q.\n');
    expect(html).toMatch(/<figure id="fig-q"><img [^>]*><figcaption>Figure 1: A <em>Quarto<\/em> figure\.<\/figcaption><\/figure>/);
  });

  it('front matter closed with `...`', async () => {
    const { text, model } = await build('---\ntitle: Dots\n...\n\nBody.\n');
    expect(model.metadata.title).toBe('Dots');
    expect(text).not.toContain('title: Dots');
  });
});
