/**
 * Small facts about paths and build time that several stages need.
 */
import path from 'node:path';

/** A path as the user will recognise it in a message: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Whether a style given by the user names a file (`./house.csl`, `styles/apa.csl`) rather than a bundled id. */
export function looksLikePath(idOrPath: string): boolean {
  return /[\\/]|\.csl$/i.test(idOrPath);
}

/** `SOURCE_DATE_EPOCH` (whole seconds) as a Date, or null when unset or not a number. */
export function sourceDateEpoch(value: string | undefined = process.env.SOURCE_DATE_EPOCH): Date | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return new Date(Number(value.trim()) * 1000);
}

/** The build time: `SOURCE_DATE_EPOCH` when set and valid, else now. */
export function buildDate(value: string | undefined = process.env.SOURCE_DATE_EPOCH): Date {
  return sourceDateEpoch(value) ?? new Date();
}
