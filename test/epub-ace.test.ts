/**
 * DAISY Ace on the ebook edition: the richest hand-built fixture (page
 * list, table, image, block quotation, bibliography, colophon) and the
 * default manuscript, each with a page list. Ace exits 0 whatever it finds,
 * so the verdict is read from its report (`earl:result` → `earl:outcome`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEpub } from '../src/epub/index.js';
import { buildDocument } from '../src/index.js';
import { richModel, richPageStarts } from './fixtures/epub/models.js';
import { ace, hasAce, spreadPageStarts, toolAvailable } from './fixtures/epub/tools.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modified = new Date('2026-03-01T12:34:56Z');

describe('DAISY Ace', () => {
  let available = false;
  beforeAll(() => {
    available = toolAvailable('DAISY Ace (npm install -D @daisy/ace-cli@1.4.6)', hasAce());
  });

  it('passes the richest fixture', async (context) => {
    if (!available) return context.skip();
    const result = await ace(makeEpub(richModel(), { pageStarts: richPageStarts, modified }));
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe('pass');
  });

  it('passes the default manuscript', async (context) => {
    if (!available) return context.skip();
    const model = await buildDocument({ input: path.join(root, 'manuscript/readmission-azerbaijan.md') });
    const result = await ace(makeEpub(model, { pageStarts: spreadPageStarts(model, 6), modified }));
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe('pass');
  });
});
