/**
 * Everything the `cite` stage asks of citeproc-js, as one request in and one
 * result out: the clusters in reading order, the author-alone renderings of
 * narrative citations, and the bibliography. Being plain data, a request can
 * be hashed, so the citation cache (`src/cache/`) can answer it without
 * running citeproc at all.
 *
 * Long documents are processed in batches. citeproc-js's
 * `rebuildProcessorState` re-walks every earlier cluster for each new one,
 * so its cost grows with the square of the number of clusters (2,000
 * citations in a note style took 4 s, 20,000 over 300 s). A batch runs on a
 * fresh engine, after the earlier clusters that decide its positions: each
 * item's first and last cluster (first/subsequent, `first-reference-note-
 * number`, near-note), the clusters just before it (ibid) and every cluster
 * of the note before it. Every item of the document is registered up front
 * in every batch, as `rebuildProcessorState` does, so disambiguation sees
 * the same items.
 */
import { createEngine, type CitationInput, type CitationItemInput, type CiteprocEngine, type EngineOptions } from './engine.js';
import type { BibliographyParams } from './engine.js';
import { timing } from '../progress/timings.js';
import { absorbPunctuationInQuotes, movesPunctuationIntoQuotes } from './punctuation.js';
import { engineFingerprint } from './engine.js';

export interface CiteprocRequest {
  styleXml: string;
  lang: string;
  locales: Map<string, string>;
  items: Map<string, import('./types.js').CslItem>;
  linkCitations: boolean;
  /** BCP 47 tag whose collation sorts the bibliography; default `lang`. */
  collation?: string;
  /** The tracked clusters, in reading order. */
  citations: CitationInput[];
  /** Items listed without a citation. */
  nocite: string[];
  /** Author-alone renderings, made after the clusters, in this order. */
  authors: CitationItemInput[][];
  /** Whether the bibliography is wanted. */
  bibliography: boolean;
}

export interface CiteprocResult {
  /** Formatted cluster by `citationID`. */
  clusters: Array<[string, string]>;
  /** One rendering per `request.authors` entry. */
  authors: string[];
  /** `makeBibliography()`'s answer, or null when not asked for. */
  bibliography: [BibliographyParams, string[]] | false | null;
}

/** Clusters above which a document is processed in batches. */
export const batchThreshold = 600;
/** Clusters per batch. */
export const batchSize = 300;

/** Run citeproc-js for one document. */
export function runCiteproc(request: CiteprocRequest, options: { batch?: number; threshold?: number } = {}): CiteprocResult {
  const engineOptions: EngineOptions = {
    styleXml: request.styleXml,
    lang: request.lang,
    locales: request.locales,
    items: request.items,
    linkCitations: request.linkCitations,
    collation: request.collation,
  };
  const threshold = options.threshold ?? batchThreshold;
  let engine: CiteprocEngine;
  let clusters: Array<[string, string]>;
  // Legal and container references carry positions of their own, which
  // the batches do not track: such documents are processed whole.
  const whole = request.citations.length <= threshold || [...request.items.values()].some((item) => 'container_id' in item || 'legislation_id' in item);
  if (whole) {
    engine = createEngine(engineOptions);
    timing('citeproc engine made (style and locales parsed)');
    clusters = engine.rebuildProcessorState(request.citations, 'html', request.nocite).map(([id, , html]) => [id, html]);
  } else {
    ({ engine, clusters } = inBatches(engineOptions, request.citations, request.nocite, options.batch ?? batchSize));
  }
  timing('citeproc clusters');
  // An author alone is rendered from its items only (the registry is not
  // touched): the same request, made again, gets the first answer.
  const rendered = new Map<string, string>();
  let authors = request.authors.map((items) => {
    const key = JSON.stringify(items);
    let html = rendered.get(key);
    if (html === undefined) rendered.set(key, (html = engine.makeCitationCluster(items)));
    return html;
  });
  let bibliography = request.bibliography ? engine.makeBibliography() : null;
  if (movesPunctuationIntoQuotes(request.styleXml, request.lang, request.locales)) {
    clusters = clusters.map(([id, html]) => [id, absorbPunctuationInQuotes(html)]);
    authors = authors.map(absorbPunctuationInQuotes);
    if (bibliography) bibliography = [bibliography[0], bibliography[1].map(absorbPunctuationInQuotes)];
  }
  return { clusters, authors, bibliography };
}

// citeproc-js's flag for "every item is registered already" (CSL.ASSUME_ALL_ITEMS_REGISTERED).
const assumeAllItemsRegistered = 2;

type BatchEngine = CiteprocEngine;

function inBatches(
  engineOptions: EngineOptions,
  citations: CitationInput[],
  nocite: string[],
  size: number,
): { engine: CiteprocEngine; clusters: Array<[string, string]> } {
  // The items in order of first citation, as rebuildProcessorState registers them.
  const itemIds: string[] = [];
  const seen = new Set<string>();
  for (const citation of citations) {
    for (const item of citation.citationItems) {
      if (!seen.has(item.id)) itemIds.push(item.id);
      seen.add(item.id);
    }
  }
  // The clusters an item's positions depend on, kept up to date as the
  // batches advance: first and last cluster per item and per track (in the
  // text, noteIndex 0, and in notes: citeproc-js keeps the two apart).
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const output: string[] = new Array(citations.length);
  let engine: BatchEngine | undefined;
  for (let start = 0; start < citations.length; start += size) {
    const end = Math.min(citations.length, start + size);
    const context = new Set<number>();
    for (const index of first.values()) context.add(index);
    for (const index of last.values()) context.add(index);
    // The two clusters before the batch in each track (ibid), and every
    // cluster of the note the last one stands in (a note with several
    // citations gives none of them "ibid").
    for (const track of [0, 1]) {
      let taken = 0;
      let note: number | undefined;
      for (let back = start - 1; back >= 0; back--) {
        if (trackOf(citations[back]) !== track) continue;
        const noteIndex = citations[back].properties.noteIndex;
        note ??= noteIndex;
        if (taken >= 2 && (track === 0 || noteIndex !== note)) break;
        context.add(back);
        taken++;
      }
    }
    const order = [...context].sort((a, b) => a - b);
    engine = createEngine(engineOptions) as BatchEngine;
    engine.updateItems(itemIds);
    const oldMode = engine.opt.mode;
    engine.setOutputFormat('html');
    const pre: Array<[string, number]> = [];
    const slots: number[] = [];
    const run = (index: number) => {
      const citation = structuredClone(citations[index]);
      const [, updates] = engine!.processCitationCluster(citation, pre, [], assumeAllItemsRegistered);
      pre.push([citation.citationID, citation.properties.noteIndex]);
      slots.push(index);
      // An update of a context cluster is made in a shortened history:
      // only the batch's own clusters are taken.
      for (const [slot, html] of updates) if (slots[slot] >= start) output[slots[slot]] = html;
    };
    for (const index of order) run(index);
    for (let index = start; index < end; index++) {
      run(index);
      const key = (id: string) => `${trackOf(citations[index])}\u0000${id}`;
      for (const item of citations[index].citationItems) {
        if (!first.has(key(item.id))) first.set(key(item.id), index);
        last.set(key(item.id), index);
      }
    }
    engine.setOutputFormat(oldMode);
  }
  engine ??= createEngine(engineOptions) as BatchEngine;
  engine.updateUncitedItems(nocite);
  return { engine, clusters: citations.map((citation, index) => [citation.citationID, output[index] ?? '']) };
}

function trackOf(citation: CitationInput): number {
  return citation.properties.noteIndex ? 1 : 0;
}

/**
 * What decides the answer to a request besides the request itself: the code
 * that drives citeproc-js here and in `engine.ts` (its corrections to the
 * engine, the punctuation rule). Part of the citation cache's key, so that
 * an answer made by other code is not served, whatever the version number.
 */
export function citeprocFingerprint(): string {
  fingerprint ??= [engineFingerprint(), runCiteproc, inBatches, absorbPunctuationInQuotes, movesPunctuationIntoQuotes].map(String).join('\n');
  return fingerprint;
}
let fingerprint: string | undefined;
