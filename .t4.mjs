import { readFileSync } from 'node:fs';
import { VFile } from 'vfile';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkFrontmatter from 'remark-frontmatter';
import { remarkDefinitionList } from 'remark-definition-list';
const { remarkPandocAttributes } = await import('/work/wt-speed/build/src/parse/attributes/index.js');
const { blankMetadataBlocks } = await import('/work/wt-speed/build/src/load/metadata-blocks.js');
const { shieldBrackets } = await import('/work/wt-speed/build/src/parse/brackets.js');
const raw = readFileSync('/tmp/sp/paper.md', 'utf8');
const text = blankMetadataBlocks(raw);
const sh = shieldBrackets(new VFile({ value: raw }), text).text;
let diffs = 0; for (let i = 0; i < text.length; i++) if (text[i] !== sh[i]) { if (diffs++ < 5) console.log(i, JSON.stringify(text.slice(i-10, i+10)), JSON.stringify(sh.slice(i-10,i+10))); }
console.log('diffs', diffs, text.length, sh.length);
function pdm() { const data = this.data(); (data.micromarkExtensions ??= []).push({ disable: { null: ['mathFlow'] } }); }
const p = unified().use(remarkParse).use(remarkGfm, { singleTilde: false }).use(remarkFrontmatter, ['yaml']).use(remarkMath).use(pdm).use(remarkDefinitionList).use(remarkPandocAttributes).freeze();
for (const [n, v] of [['blank', text], ['shield', sh]]) { p.parse(v); const t = performance.now(); for (let i = 0; i < 3; i++) p.parse(v); console.log(n, ((performance.now() - t) / 3).toFixed(1)); }
