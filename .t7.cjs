let t = performance.now();
const m = require('hyphen/en-gb');
const t1 = performance.now();
const words = require('fs').readFileSync('/tmp/sp/paper.md', 'utf8').match(/\p{L}{6,}/gu);
const uniq = [...new Set(words)];
for (const w of uniq) m.hyphenateSync(w, { minWordLength: 6 });
const t2 = performance.now();
console.log('require', (t1 - t).toFixed(1), 'hyphenate', uniq.length, 'words', (t2 - t1).toFixed(1));
