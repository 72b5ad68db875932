import { Gauge, Registry } from 'prom-client';
import { request } from 'undici';
import { basicAuthorization, redactUrl, splitCredentials } from '../core/urls.ts';
import { endpointDispatcher } from './http.ts';
import type { Status, Verdict } from './verdict.ts';

/** Status codes of loadgate_slo_objective_status, ordered from good to bad. */
export const STATUS_CODE: Record<Status, number> = {
  pass: 0,
  warn: 1,
  fail: 2,
  'no-data': 3,
  error: 4,
  skipped: 5,
};

/**
 * Pushes the verdict to a Pushgateway so scheduled runs become time series.
 * PUT on job `loadgate_slo`, grouped by profile: an objective removed from the
 * spec disappears instead of lingering with its last value.
 */
export async function pushVerdict(
  gatewayUrl: string,
  verdict: Verdict,
  profile: string,
): Promise<void> {
  const registry = new Registry();
  const status = new Gauge({
    name: 'loadgate_slo_objective_status',
    help: 'SLO objective status: 0 pass, 1 warn, 2 fail, 3 no-data, 4 error, 5 skipped',
    labelNames: ['profile', 'objective', 'kind'],
    registers: [registry],
  });
  const value = new Gauge({
    name: 'loadgate_slo_value',
    help: 'Measured value of the SLO objective (unit of the objective: seconds, ratio, count, percent)',
    labelNames: ['profile', 'objective'],
    registers: [registry],
  });
  const run = new Gauge({
    name: 'loadgate_run_verdict',
    help: 'Verdict of the last run: 1 pass (warnings included), 0 fail',
    labelNames: ['profile'],
    registers: [registry],
  });
  const score = new Gauge({
    name: 'loadgate_slo_score',
    help: 'Weighted share of SLO objectives that did not fail, 0..1',
    labelNames: ['profile'],
    registers: [registry],
  });
  for (const r of verdict.objectives) {
    status.set({ profile, objective: r.name, kind: r.kind }, STATUS_CODE[r.status]);
    if (r.value !== null) value.set({ profile, objective: r.name }, r.value);
  }
  run.set({ profile }, verdict.status === 'fail' || verdict.status === 'inconclusive' ? 0 : 1);
  score.set({ profile }, verdict.score);
  // PUT /metrics/job/<job>/<label>/<value>: the Pushgateway API, sent the way
  // every API call of the checker is (slo/http.ts: proxy, TLS), credentials
  // in the URL as basic auth.
  const { url, basicAuth } = splitCredentials(gatewayUrl);
  const path = `/metrics/job/loadgate_slo/profile/${encodeURIComponent(profile)}`;
  const dispatcher = endpointDispatcher({}, 1);
  try {
    const res = await request(url.replace(/\/+$/, '') + path, {
      method: 'PUT',
      body: await registry.metrics(),
      headers: {
        'content-type': registry.contentType,
        ...(basicAuth && { authorization: basicAuthorization(basicAuth) }),
      },
      dispatcher,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300)
      throw new Error(
        `${redactUrl(gatewayUrl)} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
      );
  } finally {
    await dispatcher.close();
  }
}
