// Headless Chromium for the report's tests: a page opened from disk (or a
// loopback URL) with every other request refused and recorded, console errors
// collected, and screenshots kept among the test outputs.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const skipNote = hasChromium ? '' : ` [skipped: no ${CHROMIUM}; apt-get install chromium]`;

/** Where screenshots go: test-output/ at the repository root (git-ignored). */
export const OUTPUT_DIR = resolve(import.meta.dirname, '..', '..', 'test-output');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export type Opened = { page: Page; requests: string[]; errors: string[] };

/** Opens `url`; requests to anything not under `allowed` (default: the URL itself) are refused. */
export async function openPage(
  browser: Browser,
  url: string,
  allowed: (u: string) => boolean = (u) => u === url,
): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) =>
    allowed(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors };
}

/** A full-page screenshot under test-output/, kept for a human to look at; returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
