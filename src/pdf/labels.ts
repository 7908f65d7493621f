/**
 * The words the print layout adds to the text (the note continuation
 * label), from `labels.json` beside the print stylesheet, chosen by the
 * document language: the full tag first (`pt-BR`), then its primary
 * subtag (`pt`), then English.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface PrintLabels {
  continued: string;
}

const cache = new Map<string, Promise<Record<string, Record<string, string>>>>();

function readLabels(templatesDir: string): Promise<Record<string, Record<string, string>>> {
  const file = path.join(templatesDir, 'labels.json');
  let labels = cache.get(file);
  if (!labels) {
    labels = readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, Record<string, string>>,
      () => ({}),
    );
    cache.set(file, labels);
  }
  return labels;
}

/** Pick the entry for `lang` from a table keyed by language tags. */
export function forLanguage(table: Record<string, string> | undefined, lang: string): string | undefined {
  if (!table) return undefined;
  const wanted = lang.toLowerCase();
  const keys = Object.keys(table);
  const exact = keys.find((k) => k.toLowerCase() === wanted);
  if (exact) return table[exact];
  const primary = wanted.split('-')[0];
  const base = keys.find((k) => k.toLowerCase() === primary);
  return base ? table[base] : table.en;
}

/** The layout's labels for a document language. */
export async function printLabels(templatesDir: string, lang: string): Promise<PrintLabels> {
  const labels = await readLabels(templatesDir);
  return { continued: forLanguage(labels.continued, lang) ?? '(Contd.)' };
}
