// The live dashboard: with the built-in engine, loadgate's own page (the
// report's client charts) updates in headless Chromium while a run is going;
// with real k6, its web dashboard is turned on, on loopback, and exported to
// the results folder. K6_WEB_DASHBOARD and K6_WEB_DASHBOARD_PORT as in k6.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardConfig, openDashboard } from '../../cli/dashboard.ts';
import { runScript } from '../../engine/index.ts';
import { EXIT, ExitError } from '../../core/errors.ts';
import { hasChromium, keepScreenshot, launch, openPage, skipNote } from '../report/browser.ts';

const SCRIPT = `
import http from 'k6/http';
export const options = {
  scenarios: { browse: { executor: 'constant-vus', vus: 2, duration: '6s', tags: { journey: 'browse' } } },
};
export default function () {
  http.get(__ENV.TARGET + '/api/products', { tags: { name: 'GET /api/products' } });
}
`;

let dir: string;
let target: Server;
let browser: Browser | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-dashboard-'));
  target = createServer((_, res) => setTimeout(() => res.end('ok'), 5));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => target.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('dashboardConfig', () => {
  it('is on with --dashboard or K6_WEB_DASHBOARD=true, at K6_WEB_DASHBOARD_PORT or 5665', () => {
    expect(dashboardConfig(false, {})).toBeUndefined();
    expect(dashboardConfig(true, {})).toEqual({ port: 5665 });
    expect(
      dashboardConfig(false, { K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_PORT: '6000' }),
    ).toEqual({
      port: 6000,
    });
    const error = (() => {
      try {
        dashboardConfig(true, { K6_WEB_DASHBOARD_PORT: 'x' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).code).toBe(EXIT.badInput);
  });

  it("turns on real k6's web dashboard on loopback, exported to the results folder", async () => {
    const exportFile = join(dir, 'k6-dashboard.html');
    const d = await openDashboard({ port: 5665 }, { realK6: true, exportFile, title: 't' });
    expect(d.url).toBeUndefined();
    expect(d.output.k6({ cwd: dir, warn: () => undefined })).toEqual({
      args: [],
      env: {
        K6_WEB_DASHBOARD: 'true',
        K6_WEB_DASHBOARD_HOST: '127.0.0.1',
        K6_WEB_DASHBOARD_PORT: '5665',
        K6_WEB_DASHBOARD_EXPORT: exportFile,
      },
    });
    await d.close();
  });
});

describe('the built-in engine live page', () => {
  it.skipIf(!hasChromium)(`updates while the run is going${skipNote}`, async () => {
    const script = join(dir, 'live.js');
    await writeFile(script, SCRIPT);
    const dashboard = await openDashboard(
      { port: 0 },
      { realK6: false, exportFile: join(dir, 'unused.html'), title: 'loadgate live test' },
    );
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const run = runScript({
      script,
      engine: 'builtin',
      quiet: true,
      env: { TARGET: `http://127.0.0.1:${(target.address() as AddressInfo).port}` },
      outputs: [dashboard.output],
    });
    const { page, errors } = await openPage(browser!, dashboard.url!, (u) =>
      u.startsWith(dashboard.url!),
    );
    const requestsPath = () =>
      page.locator('path.series[data-series="all"]').first().getAttribute('d');
    // While it runs: the request-rate path grows, point by point.
    await page.waitForFunction(() => Number(document.body.dataset.seconds) >= 2, undefined, {
      timeout: 20_000,
    });
    const early = await requestsPath();
    const earlyState = await page.locator('#state').innerText();
    await page.waitForFunction(() => Number(document.body.dataset.seconds) >= 4, undefined, {
      timeout: 20_000,
    });
    const later = await requestsPath();
    expect(earlyState).toMatch(/^running: \d+ s/);
    const points = (d: string | null) => (d ?? '').split(/[ML]/).filter((p) => p.trim()).length;
    expect(points(later)).toBeGreaterThan(points(early));
    expect(await page.locator('#live figure.chart figcaption').first().innerText()).toMatch(
      /^Requests per second \(req\/s/,
    );
    await keepScreenshot(page, 'dashboard-live.png');

    expect((await run).exitCode).toBe(0);
    await page.waitForFunction(() =>
      document.getElementById('state')!.textContent!.startsWith('run ended'),
    );
    await dashboard.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
