/**
 * The paginator's parts, for tests that run them one by one in a page
 * (test/paginator-parts.test.ts bundles this entry instead of index.ts).
 */
import * as breaks from './breaks.js';
import * as fit from './fit.js';
import * as furniture from './furniture.js';
import * as lines from './lines.js';
import * as notes from './notes.js';
import * as split from './split.js';
import * as whitespace from './whitespace.js';

(globalThis as unknown as { colophonPaginatorParts: unknown }).colophonPaginatorParts = { breaks, fit, furniture, lines, notes, split, whitespace };
