/**
 * Raw content Colophon cannot show as its author meant, reported instead of
 * passed on silently:
 *
 * - raw TeX in the text (`\newpage`, `\textbf{x}`, `\begin{…}`), which
 *   Pandoc passes to LaTeX output only: it stays visible, with a warning;
 * - raw attributes (`` `<b>x</b>`{=html} ``, ```` ```{=latex} ````): HTML is
 *   kept as raw HTML (and sanitised like any), other formats are left out,
 *   as Pandoc leaves them out of HTML, with a warning.
 */
import type { Code, Nodes, Parent, Root } from 'mdast';
import type { VFile } from 'vfile';
import { rules } from '../rules.js';

const texCommand = /\\(?:begin\{[A-Za-z*]+\}|[A-Za-z]{2,}\b(?:\{[^{}]*\})?)/;

export function rawTransform(tree: Root, file: VFile): void {
  const walk = (parent: Parent) => {
    const children = parent.children as Nodes[];
    for (let i = 0; i < children.length; i++) {
      const node = children[i];
      if (node.type === 'code' && /^\{=[\w-]+\}$/.test((node as Code).lang ?? '')) {
        const format = (node as Code).lang!.slice(2, -1).toLowerCase();
        if (format === 'html' || format === 'html5') {
          children[i] = { type: 'html', value: (node as Code).value, position: node.position };
        } else {
          file.message(`raw ${format} block left out: no edition can show it`, { place: node.position, ruleId: rules.rawFormatSkipped, source: 'parse' });
          children.splice(i--, 1);
        }
        continue;
      }
      if (node.type === 'inlineCode') {
        const next = children[i + 1];
        const format = next?.type === 'pandocAttributes' ? next.attributes.rawFormat?.toLowerCase() : undefined;
        if (format && next?.position?.start.offset === node.position?.end.offset) {
          if (format === 'html' || format === 'html5') {
            children.splice(i, 2, { type: 'html', value: node.value, position: node.position });
          } else {
            file.message(`raw ${format} text \`${node.value}\` left out: no edition can show it`, { place: node.position, ruleId: rules.rawFormatSkipped, source: 'parse' });
            children.splice(i--, 2);
          }
          continue;
        }
      }
      if (node.type === 'text') {
        const match = texCommand.exec(node.value);
        if (match) {
          file.message(`raw TeX \`${match[0]}\` is shown as text: write it in Markdown, or as math between dollars`, {
            place: node.position,
            ruleId: rules.rawTex,
            source: 'parse',
          });
        }
      }
      if ('children' in node) walk(node as Parent);
    }
  };
  walk(tree);
}
