// A run whose load generator was the bottleneck is inconclusive: its own
// verdict, exit 1, distinct in the console, slo.json, slo.md, junit.xml, the
// report and `loadgate runs`. Starved on purpose: an arrival-rate scenario
// with one VU for 50 iterations/s of one second each drops nearly all of them.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { peakShare, watchGenerator } from '../../cli/generator-health.ts';
import { runsTable } from '../../cli/commands/runs.ts';
import { runScript } from '../../engine/index.ts';
import { writeReport } from '../../report/index.ts';
import { saturationReasons } from '../../run-dir/generator.ts';
import { listRuns } from '../../run-dir/list.ts';
import { runOutcome } from '../../run-dir/outcome.ts';
import { writeRunRecord } from '../../run-dir/record.ts';
import { readSummaries } from '../../run-dir/summary.ts';
import { runCheck } from '../../slo/index.ts';

const STARVED = `
import { sleep } from 'k6';
export const options = {
  scenarios: {
    starved: {
      executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '3s',
      preAllocatedVUs: 1, maxVUs: 1,
    },
  },
};
export default function () { sleep(1); }
export function handleSummary(data) {
  return { [__ENV.RESULTS_DIR + '/summary-starved.json']: JSON.stringify(data) };
}
`;

let results: string;
beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'loadgate-inconclusive-'));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(results, { recursive: true, force: true });
});

describe('a starved load generator', () => {
  it('makes the run inconclusive in every output, exit 1', async () => {
    const runDir = join(results, 'smoke-20260101-000000-beef');
    const script = join(results, 'starved.js');
    await writeFile(script, STARVED);
    await mkdir(runDir);

    const startedAt = new Date();
    const watch = watchGenerator();
    const result = await runScript({
      script,
      engine: 'builtin',
      env: { RESULTS_DIR: runDir },
      quiet: true,
    });
    const generator = watch.stop(result.engine, (await readSummaries(runDir)).byScript);
    expect(generator.iterations).toBeLessThan(10);
    expect(generator.droppedIterations).toBeGreaterThan(100);
    expect(saturationReasons(generator)[0]).toMatch(
      /^\d+ of \d+ planned iterations were dropped \(\d+(\.\d+)? %; above 1 %\)/,
    );

    const record = await writeRunRecord(runDir, {
      id: 'smoke-20260101-000000-beef',
      profile: 'smoke',
      target: 'http://127.0.0.1:1',
      engine: result.engine,
      scripts: [script],
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      exitCode: result.exitCode,
      interrupted: false,
      generator,
    });
    const spec = join(results, 'spec.yaml');
    await writeFile(
      spec,
      JSON.stringify({
        apiVersion: 'loadgate/v1',
        kind: 'SLO',
        metadata: { name: 'starved' },
        objectives: [
          { name: 'k6-thresholds', kind: 'client', check: 'thresholds', onNoData: 'warn' },
        ],
      }),
    );
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { exitCode, verdict } = await runCheck({ spec, run: record, runDir, profile: 'smoke' });
    vi.restoreAllMocks();

    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/^\? inconclusive: \d+ of \d+ planned iterations were dropped/m);
    expect(stdout).toContain('SLO INCONCLUSIVE');
    const slo = JSON.parse(await readFile(join(runDir, 'slo.json'), 'utf8'));
    expect(slo).toMatchObject({ status: 'inconclusive', exitCode: 1 });
    expect(slo.inconclusive[0]).toMatch(/iterations were dropped/);
    const md = await readFile(join(runDir, 'slo.md'), 'utf8');
    expect(md).toMatch(/^### ❔ SLO INCONCLUSIVE/);
    expect(md).toContain('**Inconclusive:**');
    const junit = await readFile(join(runDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase [^>]*name="load-generator"[^>]*>\n\s*<failure message="inconclusive: [^"]*dropped[^"]*" type="inconclusive">/,
    );

    const outcome = runOutcome({ ...record, slo: verdict });
    expect(outcome).toMatchObject({ headline: 'INCONCLUSIVE', exitCode: 1 });
    // Even unjudged (--no-slo), the record alone says so.
    expect(runOutcome(record).headline).toBe('INCONCLUSIVE');

    const page = await readFile(await writeReport(runDir), 'utf8');
    expect(page).toMatch(
      /<div class="verdict warn" id="verdict"><strong><span class="badge warn">▲ INCONCLUSIVE/,
    );
    expect(page).toContain('inconclusive: ');
    expect(page).toMatch(
      /<th>Load generator<\/th><td>(CPU peak [\d.]+ % of \d+ cores|CPU not sampled \(a run under 5 s\)), \d+ of \d+ planned iterations dropped/,
    );

    const table = runsTable(await listRuns(results), results);
    expect(table).toMatch(
      /smoke-20260101-000000-beef .* INCONCLUSIVE \(exit 1, SLO inconclusive\)/,
    );
  });

  it('takes the busiest 5 s of CPU as the peak, so a saturated minute does not average away', () => {
    // 2 cores: 20 s idle, then 5 s with both busy, then idle again.
    const samples = Array.from({ length: 40 }, (_, s) => ({
      at: s * 1000,
      cpu: s <= 20 ? 0.1 * s : s <= 25 ? 2 + 2 * (s - 20) : 12 + 0.1 * (s - 25),
    }));
    expect(peakShare(samples, 2)).toBeCloseTo(1, 2);
    expect(
      saturationReasons({ cpuPeak: 0.97, cores: 2, droppedIterations: 0, iterations: 10 }),
    ).toEqual([
      "the load generator's CPU peaked at 97 % of the machine (2 cores; above 80 %): its own queueing is in the measured times",
    ]);
    expect(
      saturationReasons({ cpuPeak: 0.5, cores: 2, droppedIterations: 1, iterations: 1000 }),
    ).toEqual([]);
    // Too short to tell.
    expect(peakShare(samples.slice(0, 3), 2)).toBeNull();
  });
});
