/**
 * Hostile and huge inputs, one fixture a case. `hostile.test.ts` runs each
 * through the `colophon` command in a folder of its own and checks the exit
 * status, the rule id and place of the message, that the output folder is
 * left as it was when the build fails, that no request left the build, and
 * that no byte of the secret file outside the folder reaches an edition.
 *
 * In the texts: `{{secret}}` is the absolute path of that secret file (its
 * folder is `{{outside}}`), `{{remote}}` the loopback server that records
 * every request (nothing may reach it).
 */

export type FixtureFile =
  | string
  | { symlink: string }
  | { fifo: true }
  | { folder: true }
  | { png: true }
  | { repeat: string; times: number; before?: string; after?: string };

export interface HostileCase {
  name: string;
  /** Files of the case's folder; `paper.md` is the manuscript unless `inputs` says otherwise. */
  files: Record<string, FixtureFile>;
  /** Manuscripts to build (default `paper.md`). */
  inputs?: string[];
  /** Other arguments (`--unsafe-html`, `--sandbox` …). */
  args?: string[];
  /** Editions (default: html). `all` is html,epub,pdf. */
  formats?: 'html' | 'all' | 'html,pdf' | 'epub';
  env?: Record<string, string>;
  expect: {
    exit: 0 | 1 | 2 | 3;
    /** The rule id one message must carry (errors and warnings alike). */
    rule?: string;
    /** That message's place: `paper.md:5:1`, or `colophon` for a message without a file. */
    at?: string;
    /** Files the output folder must hold afterwards (default: none when exit ≠ 0). */
    outputs?: string[];
  };
}

const fm = (extra = '') => `---\ntitle: Hostile\n${extra}---\n\n`;
const paper = (text: string, extra = '') => ({ 'paper.md': `${fm(extra)}${text}\n` });
const refs = JSON.stringify([
  { id: 'a', type: 'book', title: 'Alpha', author: [{ family: 'Author', given: 'A.' }], issued: { 'date-parts': [[2001]] } },
  { id: 'constructor', type: 'book', title: 'Constructor', author: [{ family: 'Builder', given: 'B.' }], issued: { 'date-parts': [[2002]] } },
  { id: 'toString', type: 'book', title: 'Strings', author: [{ family: 'Stringer', given: 'S.' }], issued: { 'date-parts': [[2003]] } },
  { id: 'hasOwnProperty', type: 'book', title: 'Own', author: [{ family: 'Owner', given: 'O.' }], issued: { 'date-parts': [[2004]] } },
]);
const goodCsl = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n  <info><title>Test</title><id>test</id><updated>2020-01-01T00:00:00+00:00</updated></info>\n${body}\n</style>\n`;

const outside = 'resource-outside';
const unreadable = 'resource-unreadable';

export const cases: HostileCase[] = [
  // --- Images named every way, in every edition -------------------------
  { name: 'absolute path to /etc/passwd', files: paper('![x](/etc/passwd)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'absolute path to the secret', files: paper('![x]({{secret}})'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: '../ out of the folder', files: paper('![x](../outside/secret.txt)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'many ../ to /etc/passwd', files: paper('Text.\n\n![x](../../../../../../../../etc/passwd)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:7:1' } },
  { name: 'a ../ inside that climbs out again', files: { ...paper('![x](figs/../../outside/secret.txt)'), 'figs/a.txt': 'x' }, formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: '/proc/self/environ', files: paper('![x](/proc/self/environ)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: '/dev/zero', files: paper('![x](/dev/zero)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: '/dev/urandom in a note', files: paper('Text.[^1]\n\n[^1]: See ![x](/dev/urandom).'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:7:11' } },
  { name: 'symlink to the secret', files: { ...paper('![x](chart.png)'), 'chart.png': { symlink: '{{secret}}' } }, formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'symlinked SVG outside', files: { ...paper('![x](chart.svg)'), 'chart.svg': { symlink: '{{outside}}/secret.svg' } }, formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'symlinked folder outside', files: { ...paper('![x](figs/secret.txt)'), figs: { symlink: '{{outside}}' } }, formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'symlink to /dev/zero', files: { ...paper('![x](zero.png)'), 'zero.png': { symlink: '/dev/zero' } }, formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'symlink loop', files: { ...paper('![x](loop.png)'), 'loop.png': { symlink: 'loop.png' } }, expect: { exit: 1, rule: unreadable, at: 'paper.md:5:1' } },
  { name: 'FIFO as an image', files: { ...paper('![x](pipe.png)'), 'pipe.png': { fifo: true } }, formats: 'all', expect: { exit: 1, rule: unreadable, at: 'paper.md:5:1' } },
  { name: 'folder as an image', files: { ...paper('![x](fig.png)'), 'fig.png': { folder: true } }, formats: 'all', expect: { exit: 1, rule: unreadable, at: 'paper.md:5:1' } },
  { name: 'file: URL', files: paper('![x](file:///etc/passwd)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'file: URL to the secret', files: paper('![x](file://{{secret}})'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'malformed %-escape', files: paper('![x](chart%zz.png)'), formats: 'all', expect: { exit: 1, rule: unreadable, at: 'paper.md:5:1' } },
  { name: '%-encoded ../', files: paper('![x](%2e%2e/outside/secret.txt)'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'reference-style image outside', files: paper('![x][fig]\n\n[fig]: /etc/hostname'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'image inside the folder is used', files: { ...paper('![A chart](chart.png)'), 'chart.png': { png: true } }, formats: 'all', expect: { exit: 0, outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'image in a --resource-path folder', files: { ...paper('![A chart](chart.png)'), 'shared/chart.png': { png: true } }, args: ['--resource-path', 'shared'], formats: 'all', expect: { exit: 0, outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: '--sandbox ignores --resource-path', files: { ...paper('![A chart](chart.png)'), 'shared/chart.png': { png: true } }, args: ['--resource-path', 'shared', '--sandbox'], formats: 'all', expect: { exit: 0, rule: 'image-unusable', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: '--sandbox ignores --resource-path, also in an HTML-only build', files: { ...paper('![A chart](chart.png)'), 'shared/chart.png': { png: true } }, args: ['--resource-path', 'shared', '--sandbox'], expect: { exit: 0, rule: 'resource-missing', at: 'paper.md:5:1', outputs: ['paper.html'] } },
  { name: 'missing image in an HTML-only build', files: paper('![A chart](no-such-chart.png)'), expect: { exit: 0, rule: 'resource-missing', at: 'paper.md:5:1', outputs: ['paper.html'] } },
  { name: '--resource-path does not open the rest of the disk', files: { ...paper('![x](../../outside/secret.txt)'), 'shared/a.png': { png: true } }, args: ['--resource-path', 'shared'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'over the resource-size limit', files: { ...paper('![A chart](chart.png)'), 'chart.png': { png: true } }, args: ['--limit', 'resource-size=20'], expect: { exit: 1, rule: 'limit-resource-size', at: 'paper.md:5:1' } },

  // --- Raw HTML: sanitised, and with --unsafe-html ------------------------
  { name: 'raw img outside, sanitised', files: paper('<img src="../outside/secret.txt" alt="x">'), formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'raw img outside, unsafe', files: paper('<img src="/etc/passwd" alt="x">'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'raw srcset outside, unsafe', files: { ...paper('<img src="chart.png" srcset="chart.png 1x, ../outside/secret.txt 2x" alt="x">'), 'chart.png': { png: true } }, args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'video poster outside, unsafe', files: paper('<video poster="{{secret}}"></video>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'CSS url() in a style attribute, unsafe', files: paper('<p style="background: url(\'../outside/secret.txt\')">x</p>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'CSS @import outside, unsafe', files: paper('<style>@import "../outside/secret.css";</style>\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'CSS @import file: URL, unsafe', files: paper('<style>@import url(file:///etc/passwd);</style>\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'stylesheet link outside, unsafe', files: paper('<link rel="stylesheet" href="/etc/passwd">\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'SVG image href outside, unsafe', files: paper('<svg width="10" height="10"><image href="../outside/secret.svg" width="10" height="10"/></svg>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:29' } },
  { name: 'iframe src outside, unsafe', files: paper('<iframe src="{{secret}}"></iframe>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'object data outside, unsafe', files: paper('<object data="/etc/passwd"></object>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 1, rule: outside, at: 'paper.md:5:1' } },
  { name: 'script is removed', files: paper('Text.\n\n<script>document.title = "owned"</script>'), formats: 'all', expect: { exit: 0, rule: 'html-sanitized', at: 'paper.md:7:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'event handler is removed', files: paper('<p onclick="alert(1)">Click</p>'), formats: 'all', expect: { exit: 0, rule: 'html-sanitized', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'javascript: URL is removed', files: paper('<a href="javascript:alert(1)">link</a>'), formats: 'all', expect: { exit: 0, rule: 'html-sanitized', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },

  // --- Remote URLs are never fetched -------------------------------------
  { name: 'remote image', files: paper('![x]({{remote}}/image.png)'), formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote raw img, unsafe', files: paper('<img src="{{remote}}/raw.png" alt="x">'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote CSS url(), unsafe', files: paper('<p style="background: url({{remote}}/bg.png)">x</p>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote @import, unsafe', files: paper('<style>@import "{{remote}}/style.css";</style>\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote stylesheet link, unsafe', files: paper('<link rel="stylesheet" href="{{remote}}/link.css">\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote script, unsafe', files: paper('Text.\n\n<script src="{{remote}}/script.js"></script>'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:7:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'meta refresh to a remote page, unsafe', files: paper('<meta http-equiv="refresh" content="0; url={{remote}}/refresh">\n\nText.'), args: ['--unsafe-html'], formats: 'all', expect: { exit: 0, outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },
  { name: 'remote image, sanitised raw HTML', files: paper('<img src="{{remote}}/sanitised.png" alt="x">'), formats: 'all', expect: { exit: 0, rule: 'resource-remote', at: 'paper.md:5:1', outputs: ['paper.html', 'paper.epub', 'paper.pdf'] } },

  // --- Files the front matter names ---------------------------------------
  { name: 'bibliography outside', files: paper('Text.', 'bibliography: /etc/passwd\n'), expect: { exit: 1, rule: outside, at: 'paper.md:3:1' } },
  { name: 'bibliography via ../ out of the working folder', files: paper('Text.', 'bibliography: ../outside/secret.json\n'), expect: { exit: 1, rule: outside, at: 'paper.md:3:1' } },
  { name: 'csl outside', files: paper('Text.', 'csl: "{{outside}}/secret.csl"\n'), expect: { exit: 1, rule: outside, at: 'paper.md:3:1' } },
  { name: 'csl symlinked outside', files: { ...paper('Text.', 'csl: style.csl\n'), 'style.csl': { symlink: '{{outside}}/secret.csl' } }, expect: { exit: 1, rule: outside, at: 'paper.md:3:1' } },
  { name: 'bibliography beside the manuscript folder, in the working folder', files: { 'sub/paper.md': `${fm('bibliography: ../refs.json\n')}Text [@a].\n`, 'refs.json': refs }, inputs: ['sub/paper.md'], expect: { exit: 0, outputs: ['paper.html'] } },
  { name: '--sandbox: bibliography outside the manuscript folder', files: { 'sub/paper.md': `${fm('bibliography: ../refs.json\n')}Text [@a].\n`, 'refs.json': refs }, inputs: ['sub/paper.md'], args: ['--sandbox'], expect: { exit: 1, rule: outside, at: 'sub/paper.md:3:1' } },
  { name: 'bibliography is a FIFO', files: { ...paper('Text.', 'bibliography: refs.json\n'), 'refs.json': { fifo: true } }, expect: { exit: 1, rule: 'file-unreadable', at: 'refs.json' } },

  // --- Crashes that must be messages --------------------------------------
  {
    name: 'YAML alias bomb in the front matter',
    files: { 'paper.md': `---\ntitle: Bomb\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n\nText.\n` },
    expect: { exit: 1, rule: 'limit-yaml-aliases', at: 'paper.md:2:1' },
  },
  {
    name: 'YAML alias bomb in a CSL YAML bibliography',
    files: {
      ...paper('Text [@a].', 'bibliography: refs.yaml\n'),
      'refs.yaml': `references:\n- id: a\n  type: book\n  title: &t [x,x,x,x,x,x,x,x,x]\n  note: &n [*t,*t,*t,*t,*t,*t,*t,*t,*t]\n  abstract: &m [*n,*n,*n,*n,*n,*n,*n,*n,*n]\n  annote: &o [*m,*m,*m,*m,*m,*m,*m,*m,*m]\n  keyword: [*o,*o,*o,*o,*o,*o,*o,*o,*o]\n`,
    },
    expect: { exit: 1, rule: 'limit-yaml-aliases', at: 'refs.yaml:1:1' },
  },
  { name: 'JSON bibliography nested 5,000 deep', files: { ...paper('Text.', 'bibliography: refs.json\n'), 'refs.json': { repeat: '[', times: 5000, after: ']'.repeat(5000) } }, expect: { exit: 1, rule: 'limit-nesting', at: 'refs.json:1:1' } },
  { name: 'front matter nested too deep', files: { 'paper.md': `---\ntitle: Deep\nabstract: ${'['.repeat(100)}${']'.repeat(100)}\n---\n\nText.\n` }, expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:2:1' } },
  { name: 'style without <layout>', files: { ...paper('Text [@a].', 'bibliography: refs.json\ncsl: bad.csl\n'), 'refs.json': refs, 'bad.csl': goodCsl('  <citation>\n  </citation>') }, expect: { exit: 1, rule: 'style-invalid', at: 'bad.csl:4:3' } },
  { name: 'style that is not well-formed XML', files: { ...paper('Text [@a].', 'bibliography: refs.json\ncsl: bad.csl\n'), 'refs.json': refs, 'bad.csl': goodCsl('  <citation><layout><text variable="title"/></citation>') }, expect: { exit: 1, rule: 'style-invalid', at: 'bad.csl:4:45' } },
  { name: 'style whose root is not <style>', files: { ...paper('Text [@a].', 'bibliography: refs.json\ncsl: bad.csl\n'), 'refs.json': refs, 'bad.csl': '<?xml version="1.0"?>\n<locale xmlns="http://purl.org/net/xbiblio/csl"/>\n' }, expect: { exit: 1, rule: 'style-invalid', at: 'bad.csl:2:1' } },
  { name: 'style with an undefined macro', files: { ...paper('Text [@a].', 'bibliography: refs.json\ncsl: bad.csl\n'), 'refs.json': refs, 'bad.csl': goodCsl('  <citation>\n    <layout><text macro="nowhere"/></layout>\n  </citation>') }, expect: { exit: 1, rule: 'style-invalid', at: 'bad.csl:5:13' } },
  { name: 'empty style file', files: { ...paper('Text [@a].', 'bibliography: refs.json\ncsl: bad.csl\n'), 'refs.json': refs, 'bad.csl': '' }, expect: { exit: 1, rule: 'style-invalid', at: 'bad.csl:1:1' } },
  { name: 'keys named like Object properties', files: { ...paper('One [@constructor]. Two [@toString]. Three [@hasOwnProperty]. Four @a.', 'bibliography: refs.json\n'), 'refs.json': refs }, expect: { exit: 0, outputs: ['paper.html'] } },
  { name: 'unknown key', files: { ...paper('Text [@nobody].', 'bibliography: refs.json\n'), 'refs.json': refs }, expect: { exit: 1, rule: 'citation-unknown-key', at: 'paper.md:6:7' } },
  { name: 'block quotes 5,000 deep', files: { 'paper.md': { repeat: '>', times: 5000, before: fm(), after: ' deep\n' } }, expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:5:1' } },
  { name: 'lists 3,000 deep on one line', files: { 'paper.md': { repeat: '- ', times: 3000, before: fm(), after: 'deep\n' } }, expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:5:1' } },
  { name: 'lists 200 deep by indentation', files: { 'paper.md': `${fm()}${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}- item`).join('\n')}\n` }, expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:70:1' } },
  { name: "20,000 quote marks among joining marks ('.'.… and a.\".\"…)", files: { 'paper.md': { repeat: "'.", times: 20000, before: fm(), after: `\n\n${'a."'.repeat(15000)}\n` } }, expect: { exit: 0, outputs: ['paper.html'] } },
  { name: 'emphasis 3,000 deep', files: { 'paper.md': { repeat: '*a ', times: 3000, before: fm(), after: `x${'*'.repeat(3000)}\n` } }, expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:5:193' } },
  { name: 'raw HTML 5,000 deep', files: { 'paper.md': { repeat: '<div>', times: 5000, before: fm(), after: `x${'</div>'.repeat(5000)}\n` } }, args: ['--unsafe-html'], expect: { exit: 1, rule: 'limit-nesting', at: 'paper.md:5:1' } },
  { name: 'manuscript is a FIFO', files: { 'paper.md': { fifo: true } }, expect: { exit: 1, rule: 'file-unreadable', at: 'paper.md' } },
  { name: 'manuscript is a link to /dev/zero', files: { 'paper.md': { symlink: '/dev/zero' } }, expect: { exit: 1, rule: 'file-unreadable', at: 'paper.md' } },

  // --- Limits ------------------------------------------------------------
  { name: 'too many table cells', files: paper(`| a | b |\n|---|---|\n${'| 1 | 2 |\n'.repeat(20)}`), args: ['--limit', 'table-cells=30'], expect: { exit: 1, rule: 'limit-table-cells', at: 'paper.md:21:1' } },
  { name: 'too many notes', files: paper(`${Array.from({ length: 12 }, (_, i) => `Note${i}.[^n${i}]`).join(' ')}\n\n${Array.from({ length: 12 }, (_, i) => `[^n${i}]: Text ${i}.`).join('\n')}`), args: ['--limit', 'notes=10'], expect: { exit: 1, rule: 'limit-notes', at: 'paper.md:17:1' } },
  { name: 'too many bibliography entries', files: { ...paper('Text [@a].', 'bibliography: refs.json\n'), 'refs.json': refs }, args: ['--limit', 'bibliography-entries=2'], expect: { exit: 1, rule: 'limit-bibliography-entries', at: 'refs.json:1:255' } },
  { name: 'too many citations', files: { ...paper('[@a] [@a] [@a] [@a]', 'bibliography: refs.json\n'), 'refs.json': refs }, args: ['--limit', 'citations=3'], expect: { exit: 1, rule: 'limit-citations', at: 'paper.md:6:16' } },
  { name: 'manuscript over the input-size limit', files: paper('x'.repeat(4000)), args: ['--limit', 'input-size=1K'], expect: { exit: 1, rule: 'limit-input-size', at: 'paper.md' } },
  { name: 'an unknown limit is a usage error', files: paper('Text.'), args: ['--limit', 'bogus=3'], expect: { exit: 2 } },

  // --- The environment: one line, exit 3 ---------------------------------
  { name: 'invalid SOURCE_DATE_EPOCH', files: paper('Text.'), env: { SOURCE_DATE_EPOCH: 'yesterday' }, expect: { exit: 3, rule: 'source-date-invalid', at: 'colophon' } },
  { name: 'SOURCE_DATE_EPOCH out of range', files: paper('Text.'), env: { SOURCE_DATE_EPOCH: '99999999999999999999' }, expect: { exit: 3, rule: 'source-date-invalid', at: 'colophon' } },
  { name: '--out is a file', files: { ...paper('Text.'), 'taken.txt': 'not a folder' }, args: ['--out', 'taken.txt'], expect: { exit: 3, rule: 'output-unwritable', at: 'colophon' } },
  { name: '--out below a file', files: { ...paper('Text.'), 'taken.txt': 'not a folder' }, args: ['--out', 'taken.txt/out'], expect: { exit: 3, rule: 'output-unwritable', at: 'colophon' } },
  { name: 'missing browser: no HTML left behind', files: paper('Text.'), args: ['--browser', '/nonexistent/chromium'], formats: 'html,pdf', expect: { exit: 3, rule: 'browser-missing', at: 'paper.md' } },

  // --- Several manuscripts: one failure keeps the others' editions -------
  {
    name: 'one bad manuscript among good ones',
    files: { 'good.md': `${fm()}Good.\n`, 'bad.md': `${fm()}![x](/etc/passwd)\n`, 'also.md': `${fm()}Also good.\n` },
    inputs: ['good.md', 'bad.md', 'also.md'],
    expect: { exit: 1, rule: outside, at: 'bad.md:5:1', outputs: ['good.html', 'also.html'] },
  },
];
