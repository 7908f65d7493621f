/**
 * Finding and launching the one Chromium a build uses.
 *
 * Puppeteer's install-time download is switched off (`.puppeteerrc.cjs`):
 * machines without a network cannot fetch a browser, so Colophon looks for
 * one in this order: an explicit path (option or
 * `PUPPETEER_EXECUTABLE_PATH`), Puppeteer's browser cache, then the system's
 * Chromium headless shell, Chromium or Chrome. Where a headless shell is
 * found it is taken before a whole browser: it is made for printing, and it
 * starts in about a third of the time. When there is none,
 * `BrowserNotFoundError` says how to get one.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { getInstalledBrowsers } from '@puppeteer/browsers';
import puppeteer, { type Browser } from 'puppeteer-core';
import { deadline, StageTimeoutError, withDeadline } from './output/deadline.js';
import { browserProfile } from './output/profile.js';
import { finishBeforeExit } from './shared/before-exit.js';
import { timing } from './progress/timings.js';

export interface FoundBrowser {
  /** Absolute path of the browser executable. */
  executablePath: string;
  /** Where it was found. */
  source: 'option' | 'environment' | 'puppeteer-cache' | 'system';
}

/** The system's browsers, best first: the headless shell before whole browsers. */
const systemCandidates = [
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const browserHelp = [
  'Colophon needs Chromium or Chrome to paginate and print the PDF edition.',
  'Get one in either of these ways, then build again:',
  '  - with network access:  npx puppeteer browsers install chrome-headless-shell',
  '  - on Debian 12 or later:  sudo apt-get install chromium-headless-shell',
  'or point Colophon at an installed browser:  PUPPETEER_EXECUTABLE_PATH=/path/to/chrome',
].join('\n');

export class BrowserNotFoundError extends Error {
  constructor(detail?: string) {
    super((detail ? `${detail}\n` : '') + browserHelp);
    this.name = 'BrowserNotFoundError';
  }
}

/** Puppeteer's cache folder, as Puppeteer itself computes it by default. */
function puppeteerCacheDir(): string {
  return process.env.PUPPETEER_CACHE_DIR ?? path.join(homedir(), '.cache', 'puppeteer');
}

/**
 * Is the executable at this path a headless shell, Chromium's headless mode
 * alone, without the rest of the browser (it prints the same pages)?
 * Puppeteer's download is `chrome-headless-shell`, Debian's package
 * `chromium-headless-shell`.
 */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell(?:\.exe)?$/i.test(path.basename(executablePath));
}

/** Look for a browser without launching it; null when there is none. */
export async function findBrowser(explicitPath?: string): Promise<FoundBrowser | null> {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new BrowserNotFoundError(`No browser at ${explicitPath}.`);
    return { executablePath: explicitPath, source: 'option' };
  }
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new BrowserNotFoundError(`PUPPETEER_EXECUTABLE_PATH names ${fromEnv}, which does not exist.`);
    return { executablePath: fromEnv, source: 'environment' };
  }
  try {
    const installed = await getInstalledBrowsers({ cacheDir: puppeteerCacheDir() });
    // Prefer the headless shell (smaller, made for printing), then Chrome.
    const ranked = installed
      .filter((b) => b.browser === 'chrome-headless-shell' || b.browser === 'chrome' || b.browser === 'chromium')
      .sort((a, b) => Number(b.browser === 'chrome-headless-shell') - Number(a.browser === 'chrome-headless-shell'));
    for (const b of ranked) if (existsSync(b.executablePath)) return { executablePath: b.executablePath, source: 'puppeteer-cache' };
  } catch {
    // An unreadable or absent cache just means no cached browser.
  }
  for (const candidate of systemCandidates) if (existsSync(candidate)) return { executablePath: candidate, source: 'system' };
  return null;
}

/**
 * Chromium flags for a closed, reproducible, headless run: no sandbox when
 * running as root (Chromium refuses otherwise), and none of the background
 * services that try to reach the network. Puppeteer adds the headless flag
 * that suits the browser (`headless`, below).
 */
export const browserArgs = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--font-render-hinting=none',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/**
 * Launch the build's browser. The caller must close it (`try/finally`).
 *
 * The browser is driven over a pipe (`pipe: true`), not a socket: when the
 * build dies, even by SIGKILL, the pipe closes and Chromium exits with it,
 * so no browser outlives its build. Starting has a deadline
 * (`src/output/deadline.ts`): a browser that never answers is killed.
 */
export async function launchBrowser(options: { executablePath?: string; shared?: boolean; onLaunch?: () => void } = {}): Promise<Browser> {
  const found = await findBrowser(options.executablePath);
  if (!found) throw new BrowserNotFoundError('No Chromium or Chrome was found.');
  const ms = deadline('launch');
  const abort = new AbortController();
  // A profile folder of the build's own: it names the browser's processes,
  // and goes when the browser does.
  const profile = await browserProfile();
  try {
    const launching = puppeteer.launch({
      executablePath: found.executablePath,
      userDataDir: profile.dir,
      // A shared browser (a series build's) also listens on a loopback port
      // for its workers; it is still driven over the pipe, so it still dies
      // with the build.
      args: [...browserArgs, '--disable-crash-reporter', '--disable-breakpad', ...(options.shared ? ['--remote-debugging-port=0'] : [])],
      // A headless shell is headless only; a whole browser runs its new headless mode.
      headless: isHeadlessShell(found.executablePath) ? 'shell' : true,
      pipe: true,
      timeout: ms,
      signal: abort.signal,
      // Chromium's wrapper script on Debian prints noise on stderr; keep it quiet.
      dumpio: false,
      // Every wait has its own deadline (output/deadline.ts, limits.ts):
      // Puppeteer's default three minutes per call would cut a long book first.
      protocolTimeout: 60 * 60_000,
    });
    // Puppeteer spawns the browser's process in its next promise steps,
    // which need no turn of the event loop: the caller may now go on with
    // long synchronous work (reading the Markdown, formatting citations)
    // while Chromium starts.
    timing('browser launching');
    options.onLaunch?.();
    const browser = await withDeadline('launch', ms, launching, () => abort.abort());
    if (options.shared) sharedEndpoints.set(browser, await devToolsEndpoint(profile.dir, ms));
    const child = browser.process();
    // A browser that ends with bytes of ours still unread on a pipe (killed,
    // or exiting while a message was on its way) resets that pipe, and the
    // next read of it fails with ECONNRESET. Puppeteer stops listening to the
    // pipes once it has let the browser go, so that error, expected, would
    // be thrown from the event loop: it is taken here for the pipes' life.
    for (const stream of child?.stdio ?? []) stream?.on('error', ignorePipeError);
    // The folder goes when the browser's process does; the process ends after that.
    finishBeforeExit(
      new Promise<void>((resolve) => {
        if (child && child.exitCode === null) child.once('exit', () => void profile.remove().then(resolve, resolve));
        else browser.once('disconnected', () => void profile.remove().then(resolve, resolve));
      }),
    );
    return browser;
  } catch (error) {
    await profile.remove();
    throw new BrowserStartError(found, error);
  }
}

/** A pipe of the browser's fails only as the browser goes, which the build learns of from its process's exit. */
function ignorePipeError(): void {}

const sharedEndpoints = new WeakMap<Browser, string>();

/**
 * The WebSocket endpoint other threads connect to a browser launched with
 * `shared: true` by (`browser.wsEndpoint()` is empty over a pipe).
 */
export function sharedEndpoint(browser: Browser): string | undefined {
  return sharedEndpoints.get(browser);
}

/** Chromium writes the port it listens on, and the browser's path, to `DevToolsActivePort` in its profile. */
async function devToolsEndpoint(profileDir: string, ms: number): Promise<string> {
  const file = path.join(profileDir, 'DevToolsActivePort');
  const until = Date.now() + ms;
  for (;;) {
    const [port, target] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    if (port && target) return `ws://127.0.0.1:${port.trim()}${target.trim()}`;
    if (Date.now() > until) throw new StageTimeoutError('launch', ms);
    await sleep(20);
  }
}

const sourceNames: Record<FoundBrowser['source'], string> = {
  option: 'given with --browser',
  environment: 'named by PUPPETEER_EXECUTABLE_PATH',
  'puppeteer-cache': "found in Puppeteer's cache",
  system: 'found on the system',
};

/** A browser was found but did not start: one line says which, from where, and how to name another. */
export class BrowserStartError extends Error {
  constructor(found: FoundBrowser, cause: unknown) {
    const why =
      cause instanceof StageTimeoutError
        ? `it did not answer within ${Math.round(cause.ms / 100) / 10} s`
        : /Target closed|Connection closed|socket hang up/i.test(String(cause))
          ? 'it exited before answering'
          : (String(cause instanceof Error ? cause.message : cause)
            .split('\n')
            .map((line) => line.trim())
            .find((line) => line && !/^Failed to launch the browser process/.test(line) && !/^Code: /.test(line)) ??
          'it exited at once');
    super(
      `the browser ${found.executablePath} (${sourceNames[found.source]}) did not start: ${why}; ` +
        'name another with --browser PATH or PUPPETEER_EXECUTABLE_PATH',
      { cause },
    );
    this.name = 'BrowserStartError';
  }
}
