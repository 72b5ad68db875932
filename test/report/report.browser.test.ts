import { rm } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../report/index.ts';
import { CHROMIUM, hasChromium, launch, openPage, skipNote, type Opened } from './browser.ts';
import { fixturePoints, HOSTILE_CHECK, ndjson, writeRunDir } from './fixture.ts';

/**
 * The report as a user sees it: opened from disk in headless Chromium, with
 * every network request refused and recorded.
 */

if (!hasChromium)
  console.warn(`report browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

let browser: Browser | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  if (hasChromium) browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Writes the report of a run dir and opens it; anything but the file itself is refused. */
async function open(dir: string): Promise<Opened & { html: string }> {
  dirs.push(dir);
  const opened = await openPage(browser!, pathToFileURL(await writeReport(dir)).href);
  return { ...opened, html: await opened.page.content() };
}

describe('report.html in a browser', () => {
  it.skipIf(!hasChromium)(
    `shows the verdict, SLO rows, failing checks and charts of a run${skipNote}`,
    async () => {
      const { page, requests, errors } = await open(await writeRunDir());

      // Verdict: text, not colour alone, and why.
      const verdict = page.locator('#verdict');
      await expect(verdict.locator('.badge').innerText()).resolves.toContain('FAIL');
      const reasons = await verdict.innerText();
      expect(reasons).toContain('2 of 4 k6 thresholds failed');
      expect(reasons).toContain('SLO verdict fail');
      expect(await page.locator('.facts').first().innerText()).toContain(
        'smoke-20261124-100000-abcd',
      );

      // SLO rows with their statuses, query on hover.
      const rows = page.locator('#slo tr.objective');
      expect(await rows.count()).toBe(4);
      const statuses = await rows.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector('strong')!.textContent,
          tr.querySelector('.badge')!.textContent,
        ]),
      );
      expect(statuses).toEqual([
        ['gateway-p95', '✔ pass'],
        ['error-ratio', '✖ fail'],
        ['orders-queue-drained', '✖ no-data'],
        ['soak-memory', '– skipped'],
      ]);
      expect(await rows.nth(1).getAttribute('title')).toContain('http_requests_total{code=~"5.."}');
      await rows.nth(1).locator('summary').click();
      expect(await rows.nth(1).locator('details').innerText()).toMatch(
        /route="\/api\/<orders>"\s+5 %/,
      );

      // Failed thresholds and checks come first.
      expect(await page.locator('#thresholds tbody tr').first().innerText()).toContain('checks');
      // Each threshold with the value it was judged on, in its unit.
      const thresholds = await page.locator('#thresholds tbody').innerText();
      expect(thresholds).toMatch(/checks\trate>0\.99\t97\.03 %/);
      expect(thresholds).toMatch(/http_req_duration\{journey:checkout\}\tp\(95\)<1000\t120 ms/);
      const firstCheck = page.locator('#checks tbody tr').first();
      expect(await firstCheck.locator('.check-name').innerText()).toBe(HOSTILE_CHECK);
      expect(await firstCheck.innerText()).toContain('failed');
      expect(await page.locator('#checks').innerText()).toContain('1 of 4 checks failed');

      // Key metrics per journey.
      const http = await page.locator('#metrics table.http').innerText();
      expect(http).toMatch(/checkout\t60\t0 \(0 %\)/);
      expect(http).toMatch(/browse\t60\t6 \(10 %\)/);

      // Charts: five SVGs with a size, one path per series (all + 2 journeys; one VU series).
      const charts = page.locator('#timelines figure.chart');
      expect(await charts.count()).toBe(5);
      const shapes = await charts.evaluateAll((figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg[role=img]')!;
          const box = svg.getBoundingClientRect();
          const paths = Array.from(svg.querySelectorAll('path.series'));
          return {
            title: f.querySelector('figcaption')!.firstChild!.textContent!.trim(),
            width: box.width,
            height: box.height,
            series: paths.map((p) => p.getAttribute('data-series')),
            drawn: paths.every(
              (p) => (p as unknown as { getTotalLength(): number }).getTotalLength() > 0,
            ),
          };
        }),
      );
      expect(shapes.map((s) => [s.title, s.series])).toEqual([
        ['Requests per second', ['all', 'browse', 'checkout']],
        ['p95 latency', ['all', 'browse', 'checkout']],
        ['p99 latency', ['all', 'browse', 'checkout']],
        ['Failed requests per second', ['all', 'browse', 'checkout']],
        ['Virtual users', ['VUs']],
      ]);
      for (const s of shapes) {
        expect(s.width).toBeGreaterThan(100);
        expect(s.height).toBeGreaterThan(50);
        expect(s.drawn).toBe(true);
      }

      // The hostile check name is text: no script element, nothing executed.
      expect(await page.locator('script').count()).toBe(0);
      expect(
        await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(await page.getByText(HOSTILE_CHECK).count()).toBe(1);

      expect(errors).toEqual([]);
      expect(requests).toEqual([page.url()]);
      await page.close();
    },
  );

  it.skipIf(!hasChromium)(
    `renders an interrupted run with only run.json and half a metrics file${skipNote}`,
    async () => {
      const text = ndjson(fixturePoints());
      const dir = await writeRunDir({
        omit: ['summary-mix.json', 'slo.json'],
        run: { interrupted: true, exitCode: 105, prometheusUrl: undefined },
        metrics: text.slice(0, Math.floor(text.length / 2)),
      });
      const { page, requests, errors } = await open(dir);

      expect(await page.locator('#verdict .badge').innerText()).toContain('INTERRUPTED');
      expect(await page.locator('#verdict').innerText()).toContain('the results are partial');
      const missing = await page.locator('#missing').innerText();
      expect(missing).toContain('No SLO verdict: run without Prometheus');
      expect(missing).toContain('No k6 summary: the run was interrupted');
      expect(await page.locator('#slo').innerText()).toContain(
        'No SLO verdict: run without Prometheus',
      );
      expect(await page.locator('#checks').innerText()).toContain('No k6 summary');
      // The half metrics file still draws what it holds.
      expect(await page.locator('#timelines svg[role=img]').count()).toBe(5);
      expect(await page.locator('#timelines').innerText()).toContain(
        '1 unreadable line(s) skipped',
      );
      expect(errors).toEqual([]);
      expect(requests).toEqual([page.url()]);
      await page.close();
    },
  );

  it.skipIf(!hasChromium)(`prints to PDF${skipNote}`, async () => {
    const { page } = await open(await writeRunDir());
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
