import { readFileSync } from 'node:fs';
const N = '/work/wt-speed/node_modules/';
const { unified } = await import('unified');
const remarkParse = (await import('remark-parse')).default;
const remarkGfm = (await import('remark-gfm')).default;
const remarkMath = (await import('remark-math')).default;
const remarkFrontmatter = (await import('remark-frontmatter')).default;
const remarkDefinitionList = (await import('remark-definition-list')).remarkDefinitionList;
const { remarkPandocAttributes } = await import('/work/wt-speed/build/src/parse/attributes/index.js');
const text = readFileSync('/tmp/sp/paper.md', 'utf8');
const end = text.indexOf('\n---\n', 4) + 5;
const blankSp = text.slice(0, end).replace(/[^\n]/g, ' ') + text.slice(end);
const blankNl = text.slice(0, end).replace(/[^\n]/g, '') + text.slice(end);
const body = text.slice(end);
const variants = { orig: text, blankSp, blankNl, body };
const procs = {
  base: unified().use(remarkParse),
  gfm: unified().use(remarkParse).use(remarkGfm),
  gfmMath: unified().use(remarkParse).use(remarkGfm).use(remarkMath),
  gfmDl: unified().use(remarkParse).use(remarkGfm).use(remarkDefinitionList),
  gfmAttr: unified().use(remarkParse).use(remarkGfm).use(remarkPandocAttributes),
};
for (const [pn, p] of Object.entries(procs)) for (const [vn, v] of Object.entries(variants)) {
  p.parse(v);
  const t = performance.now(); for (let i = 0; i < 3; i++) p.parse(v);
  console.log(pn, vn, ((performance.now() - t) / 3).toFixed(1));
}
