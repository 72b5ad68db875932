import { describe, expect, it } from 'vitest';
import type { Scenario } from 'k6/options';
import { JOURNEYS, MIX_EXEC } from '../../lib/catalogue.ts';
import { loadConfig } from '../../lib/config.ts';
import { REQUESTS_PER_ITERATION } from '../../lib/catalogue.ts';
import { optionsFor } from '../../lib/profiles.ts';

const config = (env: Record<string, string> = {}) =>
  loadConfig({ BASE_URL: 'http://127.0.0.1:8100', ...env });

type Arrival = Extract<Scenario, { executor: 'ramping-arrival-rate' }>;

describe('profiles', () => {
  it('smoke: a few VUs on one journey for a minute, strict thresholds per journey', () => {
    const options = optionsFor(config(), ['browse']);
    expect(options.scenarios).toEqual({
      browse: { executor: 'constant-vus', vus: 2, duration: '1m', tags: { journey: 'browse' } },
    });
    expect(options.thresholds).toEqual({
      http_req_failed: ['rate<0.01'],
      checks: ['rate>0.99'],
      'http_req_duration{journey:browse}': ['p(95)<1000'],
      'http_req_failed{journey:browse}': ['rate<0.01'],
      'checks{journey:browse}': ['rate>0.99'],
    });
  });

  it('smoke of the mix: every journey in parallel, one VU each, its own exec and tag', () => {
    const options = optionsFor(config({ SMOKE_DURATION: '10s' }), JOURNEYS, MIX_EXEC);
    expect(Object.keys(options.scenarios ?? {})).toEqual([...JOURNEYS]);
    expect(options.scenarios?.['sav-upload']).toEqual({
      executor: 'constant-vus',
      vus: 1,
      duration: '10s',
      tags: { journey: 'sav-upload' },
      exec: 'savUpload',
    });
    for (const j of JOURNEYS)
      expect(options.thresholds?.[`http_req_duration{journey:${j}}`]).toEqual(['p(95)<1000']);
    expect(options.thresholds?.order_confirmation_time).toEqual(['p(95)<10000']);
  });

  it('capacity: the mix splits the target RPS by weight, ramp → plateau → ramp down', () => {
    const options = optionsFor(
      config({ PROFILE: 'capacity', TARGET_RPS: '100', DURATION: '20m' }),
      JOURNEYS,
      MIX_EXEC,
    );
    const scenarios = options.scenarios as Record<string, Arrival>;
    let requestsPerSecond = 0;
    for (const j of JOURNEYS) {
      const s = scenarios[j]!;
      expect(s.executor).toBe('ramping-arrival-rate');
      expect(s.stages.map((st) => st.duration)).toEqual(['2m', '20m', '1m']);
      expect(s.stages[2]!.target).toBe(0);
      expect(s.maxVUs).toBeGreaterThanOrEqual(s.preAllocatedVUs);
      requestsPerSecond += (s.stages[1]!.target / 60) * REQUESTS_PER_ITERATION[j];
    }
    expect(requestsPerSecond).toBeCloseTo(100, -1);
    // browse carries 60 % of the requests.
    const browse = (scenarios.browse!.stages[1]!.target / 60) * REQUESTS_PER_ITERATION.browse;
    expect(browse / requestsPerSecond).toBeCloseTo(0.6, 1);
    expect(options.thresholds?.http_req_failed).toEqual(['rate<0.05']);
  });

  it('a weight of 0 drops the journey from the mix', () => {
    const options = optionsFor(
      config({ PROFILE: 'capacity', WEIGHTS: 'browse=1,checkout=1' }),
      JOURNEYS,
      MIX_EXEC,
    );
    expect(Object.keys(options.scenarios ?? {})).toEqual(['browse', 'checkout']);
    expect(options.thresholds?.['checks{journey:basket}']).toBeUndefined();
  });

  it('stress: steps beyond the target and aborts when errors explode', () => {
    const options = optionsFor(config({ PROFILE: 'stress', TARGET_RPS: '40' }), ['browse']);
    const s = options.scenarios?.browse as Arrival;
    const plateaus = s.stages.filter((_, i) => i % 2 === 1).map((st) => st.target);
    expect(plateaus).toEqual([600, 900, 1200, 1800]); // iterations/min: 40 rps / 4 requests × 60 × factor
    expect(options.thresholds?.http_req_failed).toEqual([
      'rate<0.05',
      { threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1m' },
    ]);
  });

  it('spike and soak', () => {
    const spike = optionsFor(config({ PROFILE: 'spike', TARGET_RPS: '40' }), ['browse']).scenarios
      ?.browse as Arrival;
    const targets = spike.stages.map((st) => st.target);
    expect(Math.max(...targets)).toBe(10 * Math.min(...targets.filter((t) => t > 0)));
    const soak = optionsFor(config({ PROFILE: 'soak' }), ['newsletter']).scenarios
      ?.newsletter as Arrival;
    expect(soak.stages.map((st) => st.duration)).toEqual(['5m', '2h', '5m']);
  });
});
