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
import { location } from 'vfile-location';
import { fileWarn } from '../messages.js';
import { rules } from '../rules.js';

const texCommand = /\\(?:begin\{[A-Za-z*]+\}|[A-Za-z]{2,}\b(?:\{[^{}]*\})?)/;

/** Where `needle` is written inside a text node (the node's start if not found). */
function placeOf(file: VFile, node: Nodes, needle: string) {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return node.position;
  const at = String(file.value).slice(start, end).indexOf(needle);
  if (at === -1) return node.position;
  const place = location(file);
  const from = place.toPoint(start + at);
  const to = place.toPoint(start + at + needle.length);
  return from && to ? { start: from, end: to } : node.position;
}

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
          fileWarn(file, `raw ${format} block left out: no edition can show it`, { place: node.position, ruleId: rules.rawFormatSkipped, source: 'parse' });
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
            fileWarn(file, `raw ${format} text \`${node.value}\` left out: no edition can show it`, { place: node.position, ruleId: rules.rawFormatSkipped, source: 'parse' });
            children.splice(i--, 2);
          }
          continue;
        }
      }
      if (node.type === 'text') {
        const match = texCommand.exec(node.value);
        if (match) {
          fileWarn(file, `raw TeX \`${match[0]}\` is shown as text: write it in Markdown, or as math between dollars`, {
            place: placeOf(file, node, match[0]),
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
