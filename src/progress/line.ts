/**
 * One updating line on a terminal that says what a build is doing: the
 * manuscript, the stage, the pages laid out, the editions written and, in
 * a series, how many manuscripts are done.
 *
 * It appears only on a terminal (stderr is a TTY), not with `-q`, and only
 * once a build has taken about a second; it is wiped before any other
 * output and at the end, so logs and pipes never see it.
 */
import path from 'node:path';
import type { ProgressEvent } from './events.js';

export interface ProgressLine {
  /** Feed a build's events here. */
  update(event: ProgressEvent): void;
  /** Write text to stderr or stdout without tearing the line. */
  print(stream: NodeJS.WriteStream, text: string): void;
  /** Wipe the line for good. */
  stop(): void;
}

export function progressLine(options: { stream?: NodeJS.WriteStream; enabled: boolean; delayMs?: number; total?: number }): ProgressLine {
  // Off (`-q`), the line does not even look at stderr: a quiet build with
  // nothing to say sets up no stream for it.
  const stream = options.stream ?? (options.enabled ? process.stderr : undefined);
  const enabled = options.enabled && stream?.isTTY === true;
  const started = Date.now();
  const delay = options.delayMs ?? 1000;
  const state = { name: '', stage: '', pages: 0, written: [] as string[], done: 0, total: options.total ?? 0 };
  let shown = false;
  let lastDraw = 0;

  const text = () => {
    const parts: string[] = [];
    if (state.total > 1) parts.push(`[${state.done}/${state.total}]`);
    if (state.name) parts.push(state.name);
    if (state.stage) parts.push(state.stage);
    if (state.pages) parts.push(`${state.pages} pages`);
    if (state.written.length) parts.push(`wrote ${state.written.join(', ')}`);
    const line = parts.join(' · ');
    const width = (stream?.columns || 80) - 1;
    return line.length > width ? line.slice(0, width - 1) + '…' : line;
  };
  const draw = (force = false) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - started < delay) return;
    if (!force && now - lastDraw < 50) return;
    lastDraw = now;
    stream?.write(`\r\x1b[2K${text()}`);
    shown = true;
  };
  const wipe = () => {
    if (shown) stream?.write('\r\x1b[2K');
    shown = false;
  };
  const timer = enabled ? setInterval(() => draw(true), 250) : undefined;
  timer?.unref();

  return {
    update(event) {
      if (event.kind === 'stage') {
        if (event.name !== state.name) {
          state.name = event.name;
          state.pages = 0;
          state.written = [];
        }
        state.stage = event.stage;
      } else if (event.kind === 'pages') state.pages = event.pages;
      else if (event.kind === 'written') state.written.push(path.extname(event.file).slice(1) || event.file);
      else if (event.kind === 'done') {
        state.done = event.done;
        state.total = event.total;
      }
      draw();
    },
    print(target, output) {
      wipe();
      target.write(output);
      draw(true);
    },
    stop() {
      if (timer) clearInterval(timer);
      wipe();
    },
  };
}
