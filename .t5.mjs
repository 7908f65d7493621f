import { readFileSync } from 'node:fs';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkFrontmatter from 'remark-frontmatter';
import { remarkDefinitionList } from 'remark-definition-list';
const { remarkPandocAttributes } = await import('/work/wt-speed/build/src/parse/attributes/index.js');
const { blankMetadataBlocks } = await import('/work/wt-speed/build/src/load/metadata-blocks.js');
const raw = readFileSync('/tmp/sp/paper.md', 'utf8');
const text = blankMetadataBlocks(raw);
function pdm() { const data = this.data(); (data.micromarkExtensions ??= []).push({ disable: { null: ['mathFlow'] } }); }
const p = unified().use(remarkParse).use(remarkGfm, { singleTilde: false }).use(remarkFrontmatter, ['yaml']).use(remarkMath).use(pdm).use(remarkDefinitionList).use(remarkPandocAttributes).freeze();
for (let i = 0; i < 5; i++) { const t = performance.now(); p.parse(process.argv[2] === 'raw' ? raw : text); console.log(i, (performance.now() - t).toFixed(1)); }
