/**
 * citeproc-js behind a guard: whatever the engine throws becomes a located
 * message naming the citation it failed on, not a stack trace.
 *
 * The cite stage formats all clusters at once; when that throws, each
 * cluster is tried alone in a fresh engine (the first few hundred) to find
 * the one that fails, and the message is put at it. When none fails alone
 * (the failure needs them together, or it is in the bibliography), the
 * message names the style and stands at the first citation.
 */
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { rules } from '../rules.js';
import type { Cite } from '../parse/types.js';
import { createEngine } from './engine.js';
import type { CiteOptions } from './index.js';
import { fileError } from '../messages.js';

const tryAlone = 300;

function citesOf(tree: Root): Cite[] {
  const found: Cite[] = [];
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as { type: string; children?: unknown[] };
    if (node.type === 'cite') found.push(node as unknown as Cite);
    if (Array.isArray(node.children)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return found;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
}

/** Report a citeproc-js failure on `file`, at the citation it is about. */
export function reportCiteFailure(tree: Root, file: VFile, options: CiteOptions, error: unknown): void {
  const cites = citesOf(tree);
  let culprit: Cite | undefined;
  let culpritError: unknown = error;
  for (const cite of cites.slice(0, tryAlone)) {
    const items = cite.items.filter((item) => options.items.has(item.key));
    if (items.length === 0) continue;
    try {
      const engine = createEngine({ styleXml: options.style.xml, lang: options.lang, locales: options.locales, items: options.items, linkCitations: false });
      engine.rebuildProcessorState(
        [
          {
            citationID: 'c0',
            citationItems: items.map((item) => ({
              id: item.key,
              ...(item.locator !== undefined ? { locator: item.locator, label: item.label } : {}),
              ...(item.prefix ? { prefix: item.prefix } : {}),
              ...(item.suffix ? { suffix: item.suffix } : {}),
            })),
            properties: { noteIndex: 0 },
          },
        ],
        'html',
        [],
      );
    } catch (aloneError) {
      culprit = cite;
      culpritError = aloneError;
      break;
    }
  }
  const style = options.style.id ? `style "${options.style.id}"` : 'the citation style';
  const message = culprit
    ? fileError(file, `the ${style} could not format the citation \`${culprit.value}\`: ${firstLine(culpritError)}`, {
        place: culprit.position ?? culprit.items[0]?.place,
        ruleId: rules.citationFailed,
        source: 'cite',
      })
    : fileError(file, `the ${style} could not format the citations and bibliography: ${firstLine(error)}`, {
        place: cites[0]?.position,
        ruleId: rules.citationFailed,
        source: 'cite',
      });
  message.cause = error;
}
