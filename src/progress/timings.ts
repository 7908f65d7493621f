/**
 * Where a build's time goes: `COLOPHON_TIMINGS=1 colophon build …` prints,
 * on stderr when the process ends, each step with the milliseconds since
 * the process started and since the step before.
 *
 *   colophon timing     42.1 ms  (+42.1)  node started
 *   colophon timing     61.7 ms  (+19.6)  bundle compiled (code cache)
 *   …
 *
 * Steps are marked with `timing(label)`: a no-op unless the variable is
 * set. The launcher (`bin/colophon.cjs`) marks its own steps in the same
 * list (`globalThis.__colophonLaunchMarks`) before the CLI runs. For the
 * functions inside a step, profile instead (`node --cpu-prof`).
 */

// The global `performance` is perf_hooks' own, without loading the module at start.
type NodePerformance = typeof import('node:perf_hooks').performance;

interface TimingList {
  marks: [label: string, at: number][];
}


const enabled = Boolean(process.env.COLOPHON_TIMINGS) && process.env.COLOPHON_TIMINGS !== '0';
const store = globalThis as unknown as { __colophonTimings?: TimingList; __colophonLaunchMarks?: [string, number][] };

/** Note that a step is done now. */
export function timing(label: string): void {
  if (!enabled) return;
  list().marks.push([label, performance.now()]);
}

/** Is `COLOPHON_TIMINGS` on? */
export function timingsEnabled(): boolean {
  return enabled;
}

function list(): TimingList {
  if (!store.__colophonTimings) {
    store.__colophonTimings = { marks: [...(store.__colophonLaunchMarks ?? [])] };
    process.once('exit', () => {
      const marks = store.__colophonTimings?.marks ?? [];
      marks.push(['process exits', performance.now()]);
      process.stderr.write(formatTimings(marks));
    });
  }
  return store.__colophonTimings;
}

/** The lines printed at the end, Node's own start first. */
export function formatTimings(marks: readonly (readonly [string, number])[], started = (performance as unknown as NodePerformance).nodeTiming?.bootstrapComplete): string {
  const all: (readonly [string, number])[] = started && started > 0 ? [['node started', started], ...marks] : [...marks];
  let previous = 0;
  let out = '';
  for (const [label, at] of all) {
    out += `colophon timing ${at.toFixed(1).padStart(8)} ms  (+${(at - previous).toFixed(1)})  ${label}\n`;
    previous = at;
  }
  return out;
}

if (enabled) list();
