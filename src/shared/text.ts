/**
 * Characters no edition can carry. XML 1.0 (the EPUB's content documents
 * and package) forbids the C0 controls but tab, line feed and carriage
 * return, lone surrogates and U+FFFE/U+FFFF, even as character references;
 * HTML calls them parse errors. A value from a manuscript, its front
 * matter or its bibliography loses them before it reaches any edition.
 */
const unusable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` without the characters no edition can carry. */
export function withoutUnusableCharacters(value: string): string {
  return value.replace(unusable, '');
}

/** A copy of plain data (parsed YAML or JSON) whose strings, keys included, lose the characters no edition can carry. */
export function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return withoutUnusableCharacters(value) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutUnusableCharacters(k), cleanStrings(v)])) as T;
  }
  return value;
}
