// The journeys split over runners against the local platform's gateway: two
// runners never register the same customer or subscribe the same address
// (each VU makes its e-mail from RUN_ID, exec.vu.idInTest and __ITER; __VU
// restarts at 1 in every instance, and every runner has the same RUN_ID).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runSplit } from '../../engine/split/run.ts';
import type { K6Summary } from '../../run-dir/summary.ts';
import { root, startLocalGateway, type LocalGateway } from '../k6/local-gateway.ts';

let gateway: LocalGateway;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-runners-journeys-'));
  gateway = await startLocalGateway();
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await gateway?.stop();
  await rm(tmp, { recursive: true, force: true });
});

it(
  'the newsletter journey over 2 runners subscribes new addresses only',
  { timeout: 120_000 },
  async () => {
    const result = await runSplit({
      runners: 2,
      runDir: tmp,
      testid: 'journeys-split',
      engine: 'builtin',
      invocation: {
        script: join(root, 'k6-bundles', 'newsletter.js'),
        env: {
          BASE_URL: gateway.url,
          RUN_ID: 'journeys-split',
          PROFILE: 'capacity',
          DURATION: '4s',
          RAMP_DURATION: '2s',
          TARGET_RPS: '20',
        },
      },
    });
    const summary = JSON.parse(
      await readFile(join(tmp, 'summary-newsletter.json'), 'utf8'),
    ) as K6Summary;
    const checks = summary.metrics['checks']!.values;
    expect(checks.passes).toBeGreaterThan(20);
    expect(checks.fails).toBe(0);
    expect(result.runners.map((r) => r.exitCode)).toEqual([0, 0]);
  },
);
