/** Throw-away manuscripts and bibliographies for whole-pipeline tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const references = [
  { id: 'yunusov2009', type: 'book', title: 'Migration Processes in Azerbaijan', author: [{ family: 'Yunusov', given: 'Arif' }], issued: { 'date-parts': [[2009]] }, publisher: 'Adiloglu', 'publisher-place': 'Baku' },
  { id: 'morehouse2011', type: 'report', title: 'Irregular Migration in Europe', author: [{ family: 'Morehouse', given: 'Christal' }, { family: 'Blomfield', given: 'Michael' }], issued: { 'date-parts': [[2011]] }, publisher: 'Migration Policy Institute', 'publisher-place': 'Washington, DC' },
  { id: 'safarov2012', type: 'article-newspaper', title: 'Azerbaijan-EU talks will continue next year', author: [{ family: 'Safarov', given: 'B.' }], 'container-title': 'Echo', issued: { 'date-parts': [[2012, 11, 8]] }, language: 'ru' },
  { id: 'guild2009', type: 'article-journal', title: 'Readmission Agreements', author: [{ family: 'Guild', given: 'Elspeth' }], 'container-title': 'European Journal of Migration and Law', volume: 11, issue: 2, page: '193-212', issued: { 'date-parts': [[2009]] }, URL: 'https://example.org/guild' },
];

/** Write `input.md` (front matter + text) and `refs.json` to a new folder; return the manuscript path. */
export function manuscript(frontMatter: string, text: string, options: { refs?: unknown; name?: string } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'colophon-test-'));
  writeFileSync(path.join(dir, 'refs.json'), JSON.stringify(options.refs ?? references, null, 2));
  const file = path.join(dir, `${options.name ?? 'input'}.md`);
  writeFileSync(file, `---\n${frontMatter.trim()}\n---\n\n${text.trim()}\n`);
  return file;
}
