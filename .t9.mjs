import { readFileSync } from 'node:fs';
import { retext } from 'retext';
import smartypants from 'retext-smartypants';
const { parse } = await import('/work/wt-speed/build/src/parse/index.js');
const { VFile } = await import('vfile');
const text = readFileSync('/tmp/sp/paper.md', 'utf8');
// collect text node values
const tree = parse(new VFile({ path: 'x.md', value: text }), {});
const values = []; (function walk(n) { if (n.type === 'text') values.push(n.value); (n.children ?? []).forEach(walk); })(tree);
const all = values.join(' ');
const p1 = retext().use(smartypants, { ellipses: false, dashes: false, backticks: false });
const p2 = retext().use(smartypants, { quotes: false, dashes: 'oldschool' });
for (let r = 0; r < 3; r++) {
  let t = performance.now(); p1.processSync(all); const a = performance.now() - t;
  t = performance.now(); for (const v of values) p2.processSync(v); const b = performance.now() - t;
  t = performance.now(); for (const v of values) if (/[-.]/.test(v)) p2.processSync(v); const c = performance.now() - t;
  console.log('pass1', a.toFixed(1), 'pass2', values.length, b.toFixed(1), 'pass2 only with - or .', values.filter((v) => /[-.]/.test(v)).length, c.toFixed(1));
}
