/**
 * Every wait on the browser has a deadline.
 *
 * Each stage of the browser's work (starting it, opening, loading,
 * paginating and printing the print page, closing the page and the
 * browser) gets a deadline, scaled with the size of the document where the
 * work grows with it. A stage that misses its deadline stops the build as
 * an environment problem (exit status 3) naming the stage; the page is
 * closed and, when even that does not answer, the browser is killed.
 * `COLOPHON_TIMEOUT_SCALE` multiplies every deadline (a slow machine: `2`).
 */
import type { Browser, Page } from 'puppeteer-core';
import { BuildEnvironmentError } from './errors.js';
import { rules } from '../rules.js';

export type Stage = 'launch' | 'open-page' | 'load' | 'fonts' | 'pagination' | 'print' | 'close-page' | 'close-browser';

/** How a stage is named in messages. */
export const stageNames: Record<Stage, string> = {
  launch: 'starting the browser',
  'open-page': 'opening the print page',
  load: 'loading the print page',
  fonts: 'loading the fonts',
  pagination: 'paginating the print edition',
  print: 'printing the PDF',
  'close-page': 'closing the print page',
  'close-browser': 'closing the browser',
};

/** Milliseconds for the stage, and more per megabyte of print HTML. */
const budgets: Record<Stage, { base: number; perMegabyte: number }> = {
  launch: { base: 15_000, perMegabyte: 0 },
  'open-page': { base: 10_000, perMegabyte: 0 },
  load: { base: 20_000, perMegabyte: 10_000 },
  fonts: { base: 15_000, perMegabyte: 5_000 },
  pagination: { base: 30_000, perMegabyte: 120_000 },
  print: { base: 30_000, perMegabyte: 60_000 },
  'close-page': { base: 10_000, perMegabyte: 0 },
  'close-browser': { base: 5_000, perMegabyte: 0 },
};

function scale(): number {
  const value = Number(process.env.COLOPHON_TIMEOUT_SCALE);
  return Number.isFinite(value) && value > 0 ? value : 1;
}

/** The deadline of `stage`, in milliseconds, for a print page of `bytes` bytes. */
export function deadline(stage: Stage, bytes = 0): number {
  const { base, perMegabyte } = budgets[stage];
  return Math.max(1, Math.round((base + (perMegabyte * bytes) / 1_000_000) * scale()));
}

/** A stage missed its deadline. */
export class StageTimeoutError extends BuildEnvironmentError {
  constructor(
    readonly stage: Stage,
    readonly ms: number,
    ruleId: string = rules.browserTimeout,
  ) {
    super(
      `${stageNames[stage]} took longer than ${ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`} and was stopped ` +
        '(on a slow machine, COLOPHON_TIMEOUT_SCALE=2 allows twice as long)',
      ruleId,
    );
    this.name = 'StageTimeoutError';
  }
}

/**
 * `work`, or a `StageTimeoutError` once `ms` have passed; `onExpire` runs
 * then (to stop the work). A rejection of `work` after the deadline is
 * swallowed, not left unhandled.
 */
export async function withDeadline<T>(stage: Stage, ms: number, work: Promise<T>, onExpire?: () => unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        void Promise.resolve(onExpire?.()).catch(() => undefined);
      } finally {
        reject(new StageTimeoutError(stage, ms));
      }
    }, ms);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kill the browser's processes at once (its process group, where it has one). */
export function killBrowser(browser: Browser): void {
  const child = browser.process();
  if (!child?.pid || child.exitCode !== null) return;
  try {
    // Launched detached, the browser leads its own process group: end all of it.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * End a build's own browser once its work is all received: its processes
 * are killed at once (its temporary profile holds nothing to keep), which
 * spares the build the browser's orderly shutdown. Waits for it to be gone.
 * A browser without a process of ours is closed as usual. Never throws.
 */
export async function endBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return closeBrowserWithin(browser);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killBrowser(browser);
  try {
    await withDeadline('close-browser', deadline('close-browser'), exited);
  } catch {
    await closeBrowserWithin(browser);
  }
}

/**
 * Close a page; when it is not gone within its deadline, kill the browser
 * (a page that cannot be closed is stuck, and so may be its browser). Never
 * throws.
 *
 * Chromium can acknowledge a close and yet leave the page open: a close that
 * meets a navigation being committed is dropped (a print page whose load
 * missed its deadline is closed while it still loads, and on a busy machine
 * the two meet often). Puppeteer's `page.close()` then waits for the page
 * to go, for ever. So the close is asked again, after 100 ms, then at
 * doubling intervals up to a second, until the page is gone: asking a page
 * that is already closing changes nothing.
 */
export async function closePageWithin(browser: Browser, page: Page, ms = deadline('close-page')): Promise<void> {
  if (page.isClosed()) return;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake = () => {};
  const onGone = () => wake();
  page.once('close', onGone);
  browser.once('disconnected', onGone);
  const closing = (async () => {
    for (let wait = 100; !stopped && !page.isClosed() && browser.connected; wait = Math.min(wait * 2, 1000)) {
      page.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, wait);
      });
      clearTimeout(timer);
    }
  })();
  try {
    await withDeadline('close-page', ms, closing, () => {
      stopped = true;
      wake();
    });
  } catch {
    killBrowser(browser);
  } finally {
    stopped = true;
    clearTimeout(timer);
    page.off('close', onGone);
    browser.off('disconnected', onGone);
  }
}

/** Close the browser; when it does not answer in time, kill it. Never throws. */
export async function closeBrowserWithin(browser: Browser): Promise<void> {
  try {
    await withDeadline('close-browser', deadline('close-browser'), browser.close());
  } catch {
    killBrowser(browser);
  }
}
