/**
 * Headless Chromium for the browser tests, driven by `playwright-core` (no browser download: the
 * system's Chromium, which `.ci/run` installs when missing). A page records what would otherwise
 * pass unseen: errors thrown in it and console errors, Chromium's reports of Content-Security-Policy
 * violations and failed loads among them, so a test can assert the page ran clean under its policy.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, offline, and fit for a container (no sandbox, no GPU). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts headless Chromium; fails with what to install when it is missing. */
const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set TESSERA_CHROMIUM`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
};

interface WatchedPage {
  readonly page: Page;
  /** Errors the page threw and console errors (CSP violations included), as they happened. */
  readonly problems: string[];
}

/**
 * A fresh page (its own context: no cookies or storage shared between tests) that records its
 * problems.
 *
 * @example
 * const { page, problems } = await watchedPage(browser);
 * await page.goto(`${baseUrl}/docs`);
 * expect(problems).toEqual([]);
 */
const watchedPage = async (browser: Browser): Promise<WatchedPage> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()} (${message.location().url || 'the page'})`);
    }
  });
  return { page, problems };
};

export type { WatchedPage };
export { launchBrowser, watchedPage };
