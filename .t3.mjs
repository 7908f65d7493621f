import { readFileSync } from 'node:fs';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkFrontmatter from 'remark-frontmatter';
import { remarkDefinitionList } from 'remark-definition-list';
const { remarkPandocAttributes } = await import('/work/wt-speed/build/src/parse/attributes/index.js');
const { blankMetadataBlocks } = await import('/work/wt-speed/build/src/load/metadata-blocks.js');
const text = blankMetadataBlocks(readFileSync('/tmp/sp/paper.md', 'utf8'));
function pdm() { const data = this.data(); (data.micromarkExtensions ??= []).push({ disable: { null: ['mathFlow'] } }); }
const all = [[remarkGfm, { singleTilde: false }], [remarkFrontmatter, ['yaml']], [remarkMath], [pdm], [remarkDefinitionList], [remarkPandocAttributes]];
const mk = (skip) => { let p = unified().use(remarkParse); all.forEach((pl, i) => { if (i !== skip) p = p.use(...pl); }); return p.freeze(); };
for (let skip = -1; skip < all.length; skip++) {
  const p = mk(skip); p.parse(text);
  const t = performance.now(); for (let i = 0; i < 3; i++) p.parse(text);
  console.log('without', skip, ((performance.now() - t) / 3).toFixed(1));
}
