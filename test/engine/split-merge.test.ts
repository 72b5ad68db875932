import { gzipSync } from 'node:zlib';
// A split run's one summary: every runner's points merged, the k6 thresholds
// evaluated once over them. A runner whose own slice fails a threshold does not
// fail the run when the whole test passes it, and the other way round.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeRunnerSummaries } from '../../engine/split/merge.ts';
import { splitExitCode } from '../../engine/split/run.ts';
import { EXIT } from '../../core/errors.ts';
import type { K6Summary } from '../../run-dir/summary.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-merge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const metricLine = (name: string, type: string, contains = 'default') =>
  JSON.stringify({ type: 'Metric', data: { name, type, contains, thresholds: [] }, metric: name });
const point = (metric: string, value: number, tags: Record<string, string>) =>
  JSON.stringify({
    type: 'Point',
    data: { time: '2026-01-01T00:00:00.000Z', value, tags },
    metric,
  });

/** A runner that made `latencies.length` requests of the browse journey, and its own summary. */
async function runner(name: string, latencies: number[], ownP95Ok: boolean): Promise<string> {
  const runnerDir = join(dir, name);
  await mkdir(runnerDir, { recursive: true });
  const tags = { journey: 'browse', instance: name };
  const lines = [
    metricLine('http_req_duration', 'trend', 'time'),
    metricLine('http_reqs', 'counter'),
    metricLine('checks', 'rate'),
    metricLine('vus', 'gauge'),
    point('vus', 4, tags),
  ];
  for (const [i, ms] of latencies.entries()) {
    lines.push(point('http_req_duration', ms, tags), point('http_reqs', 1, tags));
    lines.push(point('checks', i % 50 === 0 ? 0 : 1, tags));
  }
  // A killed runner's last line is torn: it must not break the merge.
  await writeFile(
    join(runnerDir, 'metrics.ndjson.gz'),
    gzipSync(lines.join('\n') + '\n{"type":"Poi'),
  );
  const summary: K6Summary = {
    metrics: {
      'http_req_duration{journey:browse}': {
        type: 'trend',
        values: { avg: 0, 'p(95)': 0 },
        thresholds: { 'p(95)<300': { ok: ownP95Ok } },
      },
      http_reqs: { type: 'counter', values: { count: latencies.length, rate: 1 } },
      checks: { type: 'rate', values: { rate: 1 }, thresholds: { 'rate>0.9': { ok: true } } },
      vus: { type: 'gauge', values: { value: 0, min: 0, max: 4 } },
    },
    state: { testRunDurationMs: 10_000 },
  };
  await writeFile(join(runnerDir, 'summary-mix.json'), JSON.stringify(summary));
  return runnerDir;
}

it('sums counts and rates, computes trends over every sample, evaluates thresholds once', async () => {
  // runner-2's slice alone fails p(95)<300 (its 3 requests are slow); of the
  // 100 requests of the whole test, the 95th percentile is a fast one.
  const fast = Array.from({ length: 97 }, (_, i) => 50 + i);
  const slow = [500, 600, 700];
  const runners = [
    { dir: await runner('runner-1', fast, true), summary: undefined as K6Summary | undefined },
    { dir: await runner('runner-2', slow, false), summary: undefined as K6Summary | undefined },
  ];
  for (const r of runners)
    r.summary = JSON.parse(await readFile(join(r.dir, 'summary-mix.json'), 'utf8')) as K6Summary;

  const { summary, failedThresholds } = await mergeRunnerSummaries({
    runDir: dir,
    script: 'mix',
    runners,
  });
  expect(failedThresholds).toEqual([]);
  const p95 = summary.metrics['http_req_duration{journey:browse}']!;
  expect(p95.thresholds).toEqual({ 'p(95)<300': { ok: true } });
  // k6's percentile over the 100 samples: rank 94.05 lies among the fast ones.
  expect(p95.values['p(95)']).toBeCloseTo(144.05, 6);
  expect(p95.values.avg).toBeCloseTo((fast.reduce((a, b) => a + b) + 1800) / 100, 6);
  expect(summary.metrics.http_reqs!.values.count).toBe(100);
  expect(summary.metrics.checks!.values).toMatchObject({ passes: 97, fails: 3 });
  // Gauges are per process: summed.
  expect(summary.metrics.vus!.values.max).toBe(8);
  // Written where slo check --run reads the run's summary.
  const written = JSON.parse(await readFile(join(dir, 'summary-mix.json'), 'utf8')) as K6Summary;
  expect(written.metrics.http_reqs!.values.count).toBe(100);

  // The other way round: a whole test slower than any slice's verdict said.
  const half = Array.from({ length: 50 }, () => 400);
  const otherDir = join(dir, 'other');
  await mkdir(otherDir, { recursive: true });
  const failing = await mergeRunnerSummaries({
    runDir: otherDir,
    script: 'mix',
    runners: [
      { dir: await runner('runner-3', fast, true), summary: runners[0]!.summary },
      { dir: await runner('runner-4', half, false), summary: runners[1]!.summary },
    ],
  });
  expect(failing.failedThresholds).toEqual(['http_req_duration{journey:browse}: p(95)<300']);
});

it("decides one exit code: merged thresholds, not a runner's 99; a dead runner alone does not end the run", () => {
  expect(splitExitCode([{ exitCode: 0 }, { exitCode: 99 }], [], false)).toBe(EXIT.ok);
  expect(splitExitCode([{ exitCode: 0 }, { exitCode: 0 }], ['x: p(95)<1'], false)).toBe(
    EXIT.thresholdsFailed,
  );
  expect(splitExitCode([{ exitCode: 0 }, { exitCode: EXIT.failed }], [], false)).toBe(EXIT.ok);
  expect(
    splitExitCode(
      [{ exitCode: EXIT.scriptException }, { exitCode: EXIT.scriptException }],
      [],
      false,
    ),
  ).toBe(EXIT.scriptException);
  expect(splitExitCode([{ exitCode: 0 }], [], true)).toBe(EXIT.interrupted);
});
