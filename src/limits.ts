/**
 * Limits on what one build may take in.
 *
 * Each limit has a name (what `--limit NAME=N` sets), a default that lets
 * a 1,000-page book through, and a rule id (`limit-NAME`) for the message
 * a manuscript gets when it goes over. The defaults stop a hostile input
 * in seconds, well under 1.5 GB of memory.
 */

export interface Limits {
  /** Bytes of a manuscript, bibliography or style file. */
  'input-size': number;
  /** Bytes of one image or other file the manuscript names. */
  'resource-size': number;
  /** Nesting depth of block quotes, lists and inline markup in Markdown, of JSON and of YAML. */
  nesting: number;
  /** Aliases (`*name`) a YAML front matter or bibliography may use. */
  'yaml-aliases': number;
  /** Entries in all bibliography files of a manuscript together. */
  'bibliography-entries': number;
  /** Cells in all tables of a manuscript together. */
  'table-cells': number;
  /** Footnotes, the author's and the style's together. */
  notes: number;
  /** Citations in a manuscript. */
  citations: number;
  /** Seconds the print edition may take, on top of the per-block allowance. */
  'pdf-seconds': number;
}

export const defaultLimits: Readonly<Limits> = {
  'input-size': 16 * 1024 * 1024,
  'resource-size': 32 * 1024 * 1024,
  nesting: 64,
  'yaml-aliases': 256,
  'bibliography-entries': 10_000,
  'table-cells': 100_000,
  notes: 10_000,
  citations: 20_000,
  'pdf-seconds': 60,
};

export type LimitName = keyof Limits;

export const limitNames = Object.keys(defaultLimits) as LimitName[];

/** What the limit counts, for messages: "nesting depth 70 is over the limit of 64". */
const described: Record<LimitName, string> = {
  'input-size': 'file size',
  'resource-size': 'file size',
  nesting: 'nesting depth',
  'yaml-aliases': 'YAML aliases',
  'bibliography-entries': 'bibliography entries',
  'table-cells': 'table cells',
  notes: 'notes',
  citations: 'citations',
  'pdf-seconds': 'seconds of printing',
};

/** The rule id of a limit: `limit-nesting`, `limit-table-cells`, … */
export function limitRule(name: LimitName): `limit-${LimitName}` {
  return `limit-${name}`;
}

/** The end of every limit message: the limit and how to raise it. */
export function overLimit(name: LimitName, limits: Limits, found?: number | string): string {
  const value = limits[name];
  const shown = name.endsWith('-size') ? formatBytes(value) : String(value);
  const what = found === undefined ? `more ${described[name]} than the limit of ${shown}` : `${described[name]} ${found} is over the limit of ${shown}`;
  return `${what} (raise it with --limit ${name}=N)`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/** Defaults with the given overrides. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...defaultLimits, ...overrides };
}

/**
 * `NAME=N` settings as given on the command line (`--limit nesting=200`);
 * sizes take a `K`, `M` or `G` suffix. Throws an `Error` whose message is
 * fit for a usage error.
 */
export function parseLimitSettings(settings: string[]): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const setting of settings) {
    const match = /^\s*([a-z-]+)\s*=\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$/i.exec(setting);
    if (!match) throw new Error(`--limit takes NAME=N, e.g. --limit nesting=200 (got \`${setting}\`)`);
    const name = match[1].toLowerCase() as LimitName;
    if (!limitNames.includes(name)) throw new Error(`unknown limit \`${match[1]}\` (limits: ${limitNames.join(', ')})`);
    const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[3].toLowerCase() as '' | 'k' | 'm' | 'g'];
    const value = Math.floor(Number(match[2]) * unit);
    if (!(value > 0) || !Number.isSafeInteger(value)) throw new Error(`--limit ${name} must be a positive whole number`);
    out[name] = value;
  }
  return out;
}

/**
 * The print edition's deadline in milliseconds: the `pdf-seconds`
 * allowance on top of what the document's length earns
 * (`documentMs`, the print engine's own measure of blocks, notes and text).
 */
export function pdfDeadline(limits: Limits, documentMs: number): number {
  return limits['pdf-seconds'] * 1000 + Math.max(0, documentMs);
}
