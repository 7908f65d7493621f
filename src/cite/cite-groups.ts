/**
 * Cite groups as Pandoc forms them, taught to citeproc-js.
 *
 * When a style collapses cites by year (`collapse="year"`, Chicago
 * author-date, APA, Harvard), the cites of one author form a group whose
 * names are printed once: "(Doe 2005, 2006; Roe 2007)". Pandoc and CSL 1.0.2
 * agree on what joins the cites inside a group; citeproc-js does not:
 *
 * - inside a group, cites are joined by `cite-group-delimiter` (", " unless
 *   the style sets it), whatever else the cites print ("Doe 2018, in
 *   press"); citeproc-js uses the layout's delimiter ("Doe 2005; 2006") as
 *   soon as the style sets `after-collapse-delimiter`, and whenever a cite
 *   prints a text variable such as `status`;
 * - a group in which a cite has a locator is joined by
 *   `after-collapse-delimiter` (else the layout's delimiter) instead, so the
 *   locator does not read as one more year: "(Doe 2005, 33; 2006)",
 *   "(Doe 2005; 2006, 12)";
 * - a cite with a prefix, or after the first cite of a group when that one
 *   has a suffix, starts a group of its own: "(Doe 2005; see Doe 2006)",
 *   where citeproc-js would print "(Doe 2005, see 2006)".
 *
 * Between groups the delimiter stays citeproc-js's choice
 * (`after-collapse-delimiter`, else the layout's).
 *
 * The patch wraps four of citeproc-js's own functions and keeps its results
 * everywhere else: styles without `collapse="year"` are not touched.
 */

/** The parts of citeproc-js's engine state the patch reads and writes. */
interface EngineState {
  citation: { opt: { collapse?: string | unknown[]; cite_group_delimiter?: string; layout_delimiter?: string; 'after-collapse-delimiter'?: string } };
  opt: { xclass?: string };
  tmp: {
    area?: string;
    cite_index?: number;
    just_looking?: boolean;
    suppress_decorations?: boolean;
    authorstring_request?: boolean;
    last_primary_names_string?: string | false;
    splice_delimiter?: string;
    name_node?: { top?: { blobs?: unknown[] } };
    colophonGroups?: ClusterGroups;
  };
}

interface CiteItem {
  prefix?: string;
  suffix?: string;
  locator?: string;
}

type Cite = [Record<string, unknown>, CiteItem | undefined];

/** What the patch learns about one cluster while citeproc-js renders it. */
interface ClusterGroups {
  cites: Cite[];
  /** Index of the first cite of the group each cite belongs to. */
  groupStart: number[];
  /** Whether the cite now rendering printed the same names as the one before. */
  sameNames?: boolean;
}

export interface CiteprocGlobals {
  getCitationCluster: (this: EngineState, inputList: Cite[], citation?: unknown) => string;
  getCite: (this: EngineState, Item: unknown, item?: CiteItem, prevItemID?: string | null, blockShadowNumberReset?: boolean) => unknown;
  getSpliceDelimiter: (this: EngineState, lastLocator: boolean, lastCollapsed: boolean, pos: number) => string;
  NameOutput: { prototype: { _collapseAuthor: (this: { state: EngineState }) => void } };
}

const collapsesByYear = (state: EngineState) => state.citation.opt.collapse === 'year';
/** Styles whose cites of one author form a group: collapsed by year or year suffix, or given a `cite-group-delimiter`. */
const groupsCites = (state: EngineState) => {
  const { collapse, cite_group_delimiter: delimiter } = state.citation.opt;
  // citeproc-js leaves `collapse` undefined, an empty array or the attribute's value.
  return typeof collapse === 'string' && collapse.length > 0 ? collapse.startsWith('year') : Boolean(delimiter);
};

/**
 * Each author's later cites brought up to the first, as Pandoc groups them
 * (after sorting, if the style sorts): "[@doe2005; @roe; @doe2006]" gives
 * "Doe 2005, 2006; Roe". Cites move only within their run: a cite with a
 * prefix, or after the first cite of a run when that one has a suffix,
 * starts a new run ("[@doe2005; @roe; see @coe; @doe2007]" keeps its order).
 */
function authorsTogether(cites: Cite[]): Cite[] {
  const ordered: Cite[] = [];
  for (const run of runs(cites)) {
    const placed = new Set<number>();
    run.forEach((cite, index) => {
      if (placed.has(index)) return;
      placed.add(index);
      ordered.push(cite);
      const names = creators(cite[0]);
      if (names === '' || cite[1]?.suffix) return;
      for (let later = index + 1; later < run.length; later++) {
        if (placed.has(later) || creators(run[later][0]) !== names) continue;
        placed.add(later);
        ordered.push(run[later]);
      }
    });
  }
  return ordered;
}

/** A cluster's cites cut where Pandoc cuts them before sorting and grouping. */
function runs<C extends [unknown, CiteItem | undefined]>(cites: C[]): C[][] {
  const result: C[][] = [];
  for (const cite of cites) {
    const run = result[result.length - 1];
    if (run && !run[0][1]?.suffix && !cite[1]?.prefix) run.push(cite);
    else result.push([cite]);
  }
  return result;
}

/** Whether `cites[index]` may join the group that `cites[start]` opens, as Pandoc decides it. */
function mayJoin(cites: Cite[], start: number, index: number): boolean {
  return !cites[start][1]?.suffix && !cites[index][1]?.prefix;
}

/** The names a cite would print first, for guessing which later cites join a group. */
function creators(item: Record<string, unknown>): string {
  for (const variable of ['author', 'editor', 'translator', 'director', 'composer']) {
    // citeproc-js prints a straight apostrophe as ’: names that differ only there print the same.
    if (Array.isArray(item[variable]) && item[variable].length > 0) return JSON.stringify(item[variable]).replace(/'/g, '’');
  }
  return '';
}

export function teachCiteGroups(CSL: CiteprocGlobals): void {
  const { getCitationCluster, getCite, getSpliceDelimiter } = CSL;
  const collapseAuthor = CSL.NameOutput.prototype._collapseAuthor;

  CSL.getCitationCluster = function (inputList, citation) {
    const saved = this.tmp.colophonGroups;
    if (inputList && groupsCites(this)) inputList = authorsTogether(inputList);
    this.tmp.colophonGroups = collapsesByYear(this) ? { cites: inputList ?? [], groupStart: [] } : undefined;
    try {
      return getCitationCluster.call(this, inputList, citation);
    } finally {
      this.tmp.colophonGroups = saved;
    }
  };

  CSL.getCite = function (Item, item, prevItemID, blockShadowNumberReset) {
    const groups = this.tmp.colophonGroups;
    // Only the cluster's own cites (blockShadowNumberReset), not the
    // renderings citeproc-js makes to compare or disambiguate.
    if (!groups || !blockShadowNumberReset || this.tmp.area !== 'citation') return getCite.call(this, Item, item, prevItemID, blockShadowNumberReset);
    const pos = this.tmp.cite_index ?? 0;
    const start = pos > 0 ? groups.groupStart[pos - 1] : 0;
    // A cite that may not join the group prints its names again.
    if (pos > 0 && !mayJoin(groups.cites, start, pos)) this.tmp.last_primary_names_string = false;
    groups.sameNames = undefined;
    const result = getCite.call(this, Item, item, prevItemID, blockShadowNumberReset);
    groups.groupStart[pos] = pos > 0 && groups.sameNames === true ? start : pos;
    return result;
  };

  CSL.NameOutput.prototype._collapseAuthor = function () {
    const state = this.state;
    const groups = state.tmp.colophonGroups;
    const watching =
      groups !== undefined &&
      groups.sameNames === undefined &&
      !state.tmp.just_looking &&
      !state.tmp.suppress_decorations &&
      !state.tmp.authorstring_request &&
      (state.tmp.name_node?.top?.blobs?.length ?? 0) > 0;
    const before = state.tmp.last_primary_names_string;
    collapseAuthor.call(this);
    // citeproc-js keeps the names string when the names are the previous
    // cite's and replaces it when they differ.
    if (watching && groups) groups.sameNames = typeof before === 'string' && state.tmp.last_primary_names_string === before;
  };

  CSL.getSpliceDelimiter = function (lastLocator, lastCollapsed, pos) {
    const delimiter = getSpliceDelimiter.call(this, lastLocator, lastCollapsed, pos);
    const groups = this.tmp.colophonGroups;
    if (!groups || pos === 0 || this.opt.xclass === 'note') return delimiter;
    const start = groups.groupStart[pos];
    if (start === undefined || start === pos) return delimiter;
    // The group so far, and the later cites that will join it.
    let end = pos;
    const names = creators(groups.cites[pos][0]);
    while (end + 1 < groups.cites.length && mayJoin(groups.cites, start, end + 1) && names !== '' && creators(groups.cites[end + 1][0]) === names) end++;
    let located = false;
    for (let index = start; index <= end; index++) if (groups.cites[index][1]?.locator) located = true;
    const opt = this.citation.opt;
    // Returned, not stored in `tmp.splice_delimiter`: citeproc-js carries
    // that over to the next cite when it has no delimiter of its own to set.
    return located ? (opt['after-collapse-delimiter'] ?? opt.layout_delimiter ?? delimiter) : (opt.cite_group_delimiter ?? ', ');
  };
}

/** What `clusterOrder` reads of an engine. */
export interface OrderedEngine {
  citation: { opt: { collapse?: string | unknown[]; cite_group_delimiter?: string }; srt: { compareCompositeKeys: (a: Cite, b: Cite) => number } };
  citation_sort: { tokens: unknown[] };
  opt: { xclass?: string };
}

interface OrderItem {
  id: string;
  prefix?: string;
  suffix?: string;
  colophonRun?: number;
}

/**
 * A style that sorts its citations sorts each run of cites apart, as Pandoc
 * does: a cite with a prefix, or after the first cite of a run when that one
 * has a suffix, starts a new run ("[@zoe; @roe; see @doe]" gives "Roe; Zoe;
 * see Doe", where citeproc-js sorts the prefixed cite in with the others).
 *
 * Returns the function that marks the items of each cluster handed to the
 * engine with their run; the engine's sort comparison is taught the runs.
 */
export function clusterOrder<T extends OrderItem>(engine: OrderedEngine): (items: T[]) => T[] {
  const sorts = engine.citation_sort.tokens.length > 0;
  if (sorts) {
    const srt = engine.citation.srt;
    const compare = srt.compareCompositeKeys;
    const run = (cite: Cite) => (cite[1] as OrderItem | undefined)?.colophonRun ?? 0;
    srt.compareCompositeKeys = (a, b) => run(a) - run(b) || compare(a, b);
    return (items) =>
      runs(items.map((item) => [item, item] as [T, T])).flatMap((run, runIndex) => run.map(([item]) => ({ ...item, colophonRun: runIndex })));
  }
  return (items) => items;
}

/** The source of this module's functions, for the citation cache's key (`engineFingerprint`). */
export const citeGroupsSource = (): string => [collapsesByYear, groupsCites, authorsTogether, runs, mayJoin, creators, teachCiteGroups, clusterOrder].map(String).join('\n');
