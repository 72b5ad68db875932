// The report as a diagnosis, in headless Chromium: after the verdict, the
// objectives that failed (the fault rehearsal's slow route named with its
// p95 and unit), the client and server charts with the run's stages shaded,
// one replica chart per HPA present, and the route table sorted by distance
// from the bound. A screenshot is kept in test-output/.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../report/index.ts';
import { hasChromium, keepScreenshot, launch, openPage, skipNote } from './browser.ts';
import { serverSeries, STAGES, verdict, writeRunDir } from './fixture.ts';

let browser: Browser | undefined;
const dirs: string[] = [];
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The fixture's verdict, with the rehearsal's per-route objective failing on /api/products/{id}. */
const rehearsal = {
  ...verdict,
  objectives: [
    ...verdict.objectives,
    {
      name: 'gateway-p95-per-route',
      kind: 'latency',
      key: false,
      weight: 2,
      status: 'fail' as const,
      failed: true,
      value: 1.512,
      unit: 's' as const,
      measured: '1.512 s',
      bound: '≤ 1 s',
      boundValue: 1,
      message: '1 of 3 beyond ≤ 1 s: route="/api/products/{id}" 1.512 s',
      details: [
        { labels: { route: '/api/products/{id}' }, value: 1.512 },
        { labels: { route: '/api/orders' }, value: 0.031 },
        { labels: { route: '/api/products' }, value: 0.0042 },
      ],
    },
  ],
};

describe('the report for diagnosis', () => {
  it.skipIf(!hasChromium)(
    `draws the failed objectives, client and server charts, every HPA and the route table${skipNote}`,
    async () => {
      const dir = await writeRunDir({
        run: { stages: STAGES },
        extra: {
          'server-series.json': JSON.stringify(serverSeries()),
          'slo.json': JSON.stringify(rehearsal),
        },
      });
      dirs.push(dir);
      const url = pathToFileURL(await writeReport(dir)).href;
      const { page, requests, errors } = await openPage(browser!, url);

      // Right after the verdict: what failed, the slow route with its p95 and unit.
      const order = await page
        .locator('body > header, body > section')
        .evaluateAll((els) => els.map((el) => el.id || el.tagName.toLowerCase()));
      expect(order.slice(0, 5)).toEqual(['header', 'failed', 'timelines', 'server', 'routes']);
      const failed = await page
        .locator('#failed li[data-objective="gateway-p95-per-route"]')
        .innerText();
      expect(failed).toContain('/api/products/{id}');
      expect(failed).toContain('1.512 s');

      // Client charts: req/s, p95, p99, failed req/s, VUs; each with the three stages shaded.
      const client = await page.locator('#timelines figure.chart figcaption').allInnerTexts();
      expect(client.map((t) => t.split(' (')[0])).toEqual([
        'Requests per second',
        'p95 latency',
        'p99 latency',
        'Failed requests per second',
        'Virtual users',
      ]);
      const shaded = await page
        .locator('#timelines figure.chart')
        .first()
        .locator('g.stage')
        .evaluateAll((gs) =>
          gs.map((g) => [g.getAttribute('data-stage'), g.querySelector('rect')!.getBBox().width]),
        );
      expect(shaded.map(([name]) => name)).toEqual(['ramp-up', 'plateau', 'ramp-down']);
      for (const [, width] of shaded) expect(width).toBeGreaterThan(10);

      // Server charts: one per captured chart, every series a drawn path with points.
      const drawn = await page.locator('#server .server-chart').evaluateAll((divs) =>
        divs.map((div) => ({
          id: div.getAttribute('data-chart'),
          unit: div.querySelector('figcaption .unit')?.textContent ?? '',
          series: Array.from(div.querySelectorAll('path.series')).map((p) => ({
            name: p.getAttribute('data-series'),
            points: (p.getAttribute('d') ?? '').split(/[ML]/).filter((s) => s.trim()).length,
            length: (p as unknown as { getTotalLength(): number }).getTotalLength(),
          })),
        })),
      );
      expect(drawn.map((c) => c.id)).toEqual([
        'gateway-p95',
        '5xx-ratio',
        'hpa:api-gateway',
        'hpa:catalogue',
        'queue-depth',
      ]);
      const hpa = drawn.find((c) => c.id === 'hpa:api-gateway')!;
      expect(hpa.unit).toMatch(/^\(replicas, every 2 s/);
      expect(hpa.series.map((s) => s.name)).toEqual(['current', 'desired', 'min', 'max']);
      for (const s of hpa.series) {
        expect(s.points).toBe(7);
        expect(s.length).toBeGreaterThan(100);
      }
      expect(drawn.find((c) => c.id === 'gateway-p95')!.unit).toMatch(/^\(ms,/);
      expect(drawn.find((c) => c.id === '5xx-ratio')!.unit).toMatch(/^\(%,/);

      // The route table: one row per route, the one over its bound first, with units.
      const rows = await page
        .locator('#routes tr.route')
        .evaluateAll((trs) =>
          trs.map((tr) =>
            Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim()),
          ),
        );
      expect(rows.map((r) => r[0]!.replace(/ ✖ over$/, ''))).toEqual([
        'GET /api/products/{id}',
        'POST /api/orders',
        'GET /api/products',
      ]);
      expect(rows[0]!.slice(1)).toEqual(['—', '1.512 s', '151 %', '— / 0', '— / 40']);
      expect(rows[2]![2]).toBe('4.2 ms');
      expect(rows[2]!.slice(4)).toEqual(['6 / 0', '108 / 48']);

      const shot = await keepScreenshot(page, 'report-diagnosis.png');
      expect(existsSync(shot)).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      await page.close();
    },
  );
});
