// Deterministic history for the integration tests, written as OpenMetrics and
// turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`.
// The run lies six hours in the past (blocks must not overlap the head), so
// tests query it with an explicit window.
//
// One 10-minute run sampled every 15 s, then 5 minutes after it:
// - namespace e-commerce-local: p95 ≈ 0.4 s, 1 % of 5xx; namespace breach: p95 ≈ 2 s
// - HPAs: api-gateway scales 3 → 6 after 1 minute; idle stays at 3; pinned reaches 15 at minute 3
// - queue orders: 400 messages at the end, drained 60 s later
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const STEP = 15;
export const RUN_SECONDS = 600;
const AFTER_SECONDS = 300;

export type History = { start: Date; end: Date };

export async function backfill(dir: string): Promise<History> {
  const start = Math.floor((Date.now() / 1000 - 6 * 3600) / 60) * 60;
  const times: number[] = [];
  for (let t = start; t <= start + RUN_SECONDS + AFTER_SECONDS; t += STEP) times.push(t);
  const lines: string[] = [];
  const series = (
    name: string,
    labels: Record<string, string>,
    value: (step: number, t: number) => number,
  ) => {
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    times.forEach((t, step) => lines.push(`${name}{${text}} ${value(step, t)} ${t}`));
  };

  // Latency histograms: per-step increments by bucket, cumulative over time.
  const buckets = ['0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
  const perStep: Record<string, number[]> = {
    'e-commerce-local': [60, 90, 98, 100, 100, 100, 100],
    breach: [5, 20, 50, 80, 100, 100, 100],
  };
  for (const [namespace, cumulative] of Object.entries(perStep))
    buckets.forEach((le, b) =>
      series(
        'http_request_duration_seconds_bucket',
        { service: 'api-gateway', namespace, route: '/api/products', le },
        (step) => step * cumulative[b]!,
      ),
    );
  for (const namespace of Object.keys(perStep)) {
    series(
      'http_requests_total',
      { service: 'api-gateway', namespace, route: '/api/products', status: '200' },
      (s) => s * 99,
    );
    series(
      'http_requests_total',
      { service: 'api-gateway', namespace, route: '/api/products', status: '500' },
      (s) => s * 1,
    );
  }

  // kube-state-metrics v2 HPA series.
  const minute = (step: number) => (step * STEP) / 60;
  const hpas: Record<string, (step: number) => number> = {
    'api-gateway': (s) => (minute(s) < 1 ? 3 : minute(s) < 8 ? 6 : 4),
    idle: () => 3,
    pinned: (s) => (minute(s) < 1 ? 3 : minute(s) < 3 ? 9 : 15),
  };
  for (const [hpa, replicas] of Object.entries(hpas))
    series(
      'kube_horizontalpodautoscaler_status_current_replicas',
      { namespace: 'e-commerce-local', horizontalpodautoscaler: hpa },
      replicas,
    );
  for (const hpa of Object.keys(hpas)) {
    series(
      'kube_horizontalpodautoscaler_spec_min_replicas',
      { namespace: 'e-commerce-local', horizontalpodautoscaler: hpa },
      () => 3,
    );
    series(
      'kube_horizontalpodautoscaler_spec_max_replicas',
      { namespace: 'e-commerce-local', horizontalpodautoscaler: hpa },
      () => 15,
    );
  }

  // The order queue fills during the run and drains in the minute after it.
  const end = start + RUN_SECONDS;
  series(
    'rabbitmq_queue_messages_ready',
    { namespace: 'e-commerce-local', queue: 'orders' },
    (_, t) =>
      t <= end
        ? Math.round(((t - start) / RUN_SECONDS) * 400)
        : Math.max(0, 400 - ((t - end) / 60) * 400),
  );

  lines.push('# EOF');
  const file = join(dir, 'history.om');
  await writeFile(file, lines.join('\n') + '\n');
  const data = join(dir, 'data');
  await promisify(execFile)('promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    file,
    data,
  ]);
  return { start: new Date(start * 1000), end: new Date(end * 1000) };
}
