#!/usr/bin/env node
/**
 * Make sure a browser for the PDF edition is there, after `npm install`.
 *
 * 1. A browser Colophon can find (PUPPETEER_EXECUTABLE_PATH, Puppeteer's
 *    cache, the system's Chromium or Chrome): say which, done.
 * 2. Otherwise fetch Chrome's headless shell into Puppeteer's cache with
 *    @puppeteer/browsers. Offline machines refuse quickly; that is fine.
 * 3. Otherwise, on Debian or Ubuntu, install the system's
 *    `chromium-headless-shell` package (where the distribution has it; else
 *    `chromium`) where the user may: as root (a container, a CI machine),
 *    saying so, unless `COLOPHON_INSTALL_BROWSER=0`; as anyone else only
 *    when asked to (`COLOPHON_INSTALL_BROWSER=1`, through `sudo -n`), since
 *    an npm install must not install system software behind a user's back.
 *    Everyone else is told the command.
 * 4. Otherwise print how to get one.
 *
 * It always exits 0: `npm install` must not fail for want of a browser.
 * The build reports a missing browser itself when it needs one.
 * Set COLOPHON_SKIP_BROWSER=1 to skip all of this.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const log = (message) => console.log(`colophon: ${message}`);

const cacheDir = () => process.env.PUPPETEER_CACHE_DIR ?? path.join(homedir(), '.cache', 'puppeteer');

async function loadBrowserModule() {
  // npm runs postinstall before prepare compiles the sources, so the
  // compiled finder may not exist yet: then search the same places here.
  try {
    return await import('../build/src/browser.js');
  } catch {
    return null;
  }
}

const fallbackCandidates = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

async function find(browserModule) {
  if (browserModule) {
    try {
      return await browserModule.findBrowser();
    } catch (error) {
      log(error.message.split('\n')[0]);
      return null;
    }
  }
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv && existsSync(fromEnv)) return { executablePath: fromEnv, source: 'environment' };
  try {
    const { getInstalledBrowsers } = await import('@puppeteer/browsers');
    for (const b of await getInstalledBrowsers({ cacheDir: cacheDir() }))
      if (existsSync(b.executablePath)) return { executablePath: b.executablePath, source: 'puppeteer-cache' };
  } catch {
    // No cache, or the package is not installed yet: look at the system.
  }
  for (const candidate of fallbackCandidates) if (existsSync(candidate)) return { executablePath: candidate, source: 'system' };
  return null;
}

function withTimeout(promise, ms) {
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

function run(command, args, timeout) {
  // No questions from debconf: there is nobody to answer them.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout, env });
  return result.status === 0;
}

/** The system package to install: the headless shell where the package lists know it, else the whole browser. */
function aptPackage() {
  return spawnSync('apt-cache', ['show', '--no-all-versions', 'chromium-headless-shell'], { stdio: 'ignore' }).status === 0 ? 'chromium-headless-shell' : 'chromium';
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function main() {
  if (process.env.COLOPHON_SKIP_BROWSER === '1') return;
  const browserModule = await loadBrowserModule();
  const help =
    browserModule?.browserHelp ??
    'Colophon needs Chromium or Chrome for the PDF edition: npx puppeteer browsers install chrome-headless-shell, or sudo apt-get install chromium-headless-shell, or set PUPPETEER_EXECUTABLE_PATH.';

  let found = await find(browserModule);
  if (found) {
    log(`PDF edition will print with ${found.executablePath} (${found.source}).`);
    return;
  }

  log('no Chromium or Chrome found; trying to fetch chrome-headless-shell…');
  try {
    const browsers = await import('@puppeteer/browsers');
    const platform = browsers.detectBrowserPlatform();
    if (!platform) throw new Error('no prebuilt browser for this platform');
    // A refused network fails within seconds; a slow one gets two minutes.
    const fetched = await withTimeout(
      (async () => {
        const buildId = await browsers.resolveBuildId(browsers.Browser.CHROMEHEADLESSSHELL, platform, 'stable');
        return browsers.install({ browser: browsers.Browser.CHROMEHEADLESSSHELL, buildId, cacheDir: cacheDir() });
      })(),
      120_000,
    );
    log(`installed ${fetched.executablePath}.`);
    return;
  } catch (error) {
    log(`could not fetch it (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`);
  }

  const root = process.getuid?.() === 0;
  // Root may install system packages, so it does unless told not to
  // (COLOPHON_INSTALL_BROWSER=0); anyone else only when asked to, through
  // sudo without a password prompt.
  const optedIn = process.env.COLOPHON_INSTALL_BROWSER === '1' || (root && process.env.COLOPHON_INSTALL_BROWSER !== '0');
  if (process.platform === 'linux' && hasCommand('apt-get')) {
    // Chromium's headless shell (Debian 12 and later) prints the same pages
    // as the whole browser, and starts in about a third of the time.
    const install = (name) => (root ? ['apt-get', 'install', '-y', name] : ['sudo', '-n', 'apt-get', 'install', '-y', name]);
    const command = install(aptPackage());
    if (optedIn && (root || hasCommand('sudo'))) {
      log(`running ${command.join(' ')}…`);
      if (!run(command[0], command.slice(1), 600_000)) {
        // The package lists may be missing on a fresh machine.
        run(root ? 'apt-get' : 'sudo', root ? ['update'] : ['-n', 'apt-get', 'update'], 300_000);
        const again = install(aptPackage());
        run(again[0], again.slice(1), 600_000);
      }
      found = await find(browserModule);
      if (found) {
        log(`installed ${found.executablePath}.`);
        return;
      }
    } else {
      log(`to install the system's Chromium: ${root ? '' : 'sudo '}apt-get install ${aptPackage()}`);
      log('(or run npm install with COLOPHON_INSTALL_BROWSER=1 to let this script do it)');
    }
  }
  console.log(help);
}

main().catch((error) => {
  log(`browser set-up skipped: ${error instanceof Error ? error.message : String(error)}`);
});
