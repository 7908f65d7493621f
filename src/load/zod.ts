/**
 * zod, loaded when a check first needs it.
 *
 * Front matter and bibliography entries are checked first by quick tests of
 * what is plainly valid (`plainFrontMatter` in schema.ts, `plainlyValid` in
 * bibliography.ts); only what those cannot vouch for goes to the zod
 * schemas, which word the messages. A build whose input is valid never
 * loads zod at all, and never pays for initialising it.
 *
 * Elsewhere in `src/load/` zod is imported for its types only.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

// In the CLI bundle scripts/bundle.mjs drops the line below, as it does for
// cite/engine.ts: `require` is then the bundle's own, and zod comes from a
// part of its own (build/colophon-checks.cjs, loaded by bin/colophon.cjs on
// the first call; in the series worker, from inside its bundle).
const require = createRequire(import.meta.url);

let loaded: typeof Zod.z | undefined;

/** The zod namespace (`z`, as `import { z } from 'zod'` gives it), loaded on the first call. */
export function zod(): typeof Zod.z {
  return (loaded ??= (require('zod') as typeof Zod).z);
}
