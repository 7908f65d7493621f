/**
 * The print edition's small HTML templates (`templates/carim/*.html`).
 *
 * A template is HTML with `{{key}}` (replaced by the HTML-escaped value) and
 * `{{#key}}…{{/key}}` (kept only when the key has a value). That is all the
 * logic a title block needs, and it keeps the looks in `templates/` where
 * they can change without touching code. Comments are dropped.
 */
import { readFile } from 'node:fs/promises';

export type TemplateValues = Record<string, string | undefined>;

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Fill a template string with values; missing values drop their sections. */
export function fillTemplate(template: string, values: TemplateValues): string {
  const withoutComments = template.replace(/<!--[\s\S]*?-->/g, '');
  const sections = withoutComments.replace(/\{\{#([\w-]+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_all, key: string, inner: string) =>
    values[key] ? inner : '',
  );
  return sections.replace(/\{\{([\w-]+)\}\}/g, (_all, key: string) => escapeHtml(values[key] ?? '')).trim();
}

const cache = new Map<string, Promise<string>>();

/** Read a template file once per process. */
export function readTemplate(file: string): Promise<string> {
  let text = cache.get(file);
  if (!text) {
    text = readFile(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}
