/**
 * Finding and launching the one Chromium a build uses.
 *
 * Puppeteer's install-time download is switched off (`.puppeteerrc.cjs`):
 * machines without a network cannot fetch a browser, so Colophon looks for
 * one in this order: an explicit path (option or
 * `PUPPETEER_EXECUTABLE_PATH`), Puppeteer's browser cache, then the system's
 * Chromium or Chrome. When there is none, `BrowserNotFoundError` says how to
 * get one.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { getInstalledBrowsers } from '@puppeteer/browsers';
import puppeteer, { type Browser } from 'puppeteer-core';

export interface FoundBrowser {
  /** Absolute path of the browser executable. */
  executablePath: string;
  /** Where it was found. */
  source: 'option' | 'environment' | 'puppeteer-cache' | 'system';
}

const systemCandidates = [
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
  '  - on Debian or Ubuntu:  sudo apt-get install chromium',
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
 * services that try to reach the network.
 */
export const browserArgs = [
  '--headless=new',
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

/** Launch the build's browser. The caller must close it (`try/finally`). */
export async function launchBrowser(options: { executablePath?: string } = {}): Promise<Browser> {
  const found = await findBrowser(options.executablePath);
  if (!found) throw new BrowserNotFoundError('No Chromium or Chrome was found.');
  return puppeteer.launch({
    executablePath: found.executablePath,
    args: browserArgs,
    headless: true,
    // Chromium's wrapper script on Debian prints noise on stderr; keep it quiet.
    dumpio: false,
    // The print edition's own deadline grows with the document (limits.ts):
    // Puppeteer's default three minutes per call would cut a long book first.
    protocolTimeout: 60 * 60_000,
  });
}
