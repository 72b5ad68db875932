// The server side of a run, from Prometheus over the run window, kept in the
// run directory (server-series.json) when the run ends: the local platform's
// Prometheus stops with the run, and the report must open later and offline.
// One small file: a range query per chart at a step that keeps every series
// under ~600 points, and the per-route totals for the report's route table.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_FILES } from '../run-dir/files.ts';
import { readJsonFile, type JsonFile } from '../run-dir/read.ts';
import { PrometheusClient, type PrometheusOptions, type Series } from '../slo/prometheus.ts';
import { matchers, quote } from '../slo/template.ts';

const Points = z.array(z.tuple([z.number(), z.number()]));

export const ServerChart = z.object({
  /** `gateway-p95`, `5xx-ratio`, `hpa:<name>`, `queue-depth`. */
  id: z.string(),
  title: z.string(),
  /** The unit of the values as stored: `ms`, `%`, `replicas`, `messages`. */
  unit: z.string(),
  series: z.array(z.object({ name: z.string(), points: Points })),
});
export type ServerChart = z.infer<typeof ServerChart>;

export const ServerRoute = z.object({
  method: z.string(),
  route: z.string(),
  /** Server-side p95 over the window, in ms (null: no request). */
  p95Ms: z.number().nullable(),
  requests: z.number(),
  /** 5xx answers. */
  errors: z.number(),
});
export type ServerRoute = z.infer<typeof ServerRoute>;

export const ServerSeries = z.object({
  prometheus: z.string(),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  stepSeconds: z.number().positive(),
  charts: z.array(ServerChart),
  routes: z.array(ServerRoute),
  /** Queries Prometheus refused or could not run: the report says which charts are missing. */
  problems: z.array(z.string()),
});
export type ServerSeries = z.infer<typeof ServerSeries>;

export type CaptureOptions = {
  prometheus: PrometheusOptions;
  /** The URL as records show it (without credentials). */
  shownUrl: string;
  start: Date;
  end: Date;
  /** The SLO spec's vars: `service` and `namespace` select the gateway's series. */
  vars: Record<string, string>;
};

/** At most this many points per series. */
const MAX_POINTS = 600;

/** The step of the range queries: the local platform's 2 s scrape, coarser for a long run. */
export function captureStep(start: Date, end: Date): number {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  return Math.max(2, Math.ceil(seconds / MAX_POINTS));
}

/** Every query the report needs, in the shape the report draws. */
export async function captureServerSeries(opts: CaptureOptions): Promise<ServerSeries> {
  const client = new PrometheusClient({ ...opts.prometheus, retries: 1 });
  const { start, end } = opts;
  const step = captureStep(start, end);
  // Rate over several scrapes, so a point is never a single-scrape artefact.
  const range = `${Math.max(4 * step, 10)}s`;
  const windowSeconds = Math.max(1, Math.round((end.getTime() - start.getTime()) / 1000));
  const gateway = matchers(
    ...['service', 'namespace'].flatMap((k) =>
      opts.vars[k] ? [`${k}=${quote(opts.vars[k]!)}`] : [],
    ),
  );
  const inNamespace = opts.vars.namespace
    ? matchers(`namespace=${quote(opts.vars.namespace)}`)
    : '';
  const bucket = `http_request_duration_seconds_bucket${gateway}`;
  const requests = `http_requests_total${gateway}`;
  const errors = `http_requests_total${matchers(gateway, 'status=~"5.."')}`;
  const problems: string[] = [];

  const ranged = async (query: string): Promise<Series[]> => {
    try {
      return (await client.queryRange(query, start, end, step)).series;
    } catch (error) {
      problems.push(`${query}: ${(error as Error).message}`);
      return [];
    }
  };
  const instant = async (query: string): Promise<Series[]> => {
    try {
      return (await client.query(query, end)).series;
    } catch (error) {
      problems.push(`${query}: ${(error as Error).message}`);
      return [];
    }
  };
  const scaled = (series: Series[], name: (l: Record<string, string>) => string, k = 1) =>
    series.map((s) => ({
      name: name(s.labels),
      points: s.points
        .filter(([, v]) => Number.isFinite(v))
        .map(([t, v]): [number, number] => [t, v * k]),
    }));

  try {
    const hpa = (metric: string) =>
      ranged(
        `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_${metric}${inNamespace})`,
      );
    const [p95, ratio, current, desired, min, max, queue, routeP95, routeRequests, routeErrors] =
      await Promise.all([
        ranged(`histogram_quantile(0.95, sum by (le, method, route) (rate(${bucket}[${range}])))`),
        ranged(`(sum(rate(${errors}[${range}])) or vector(0)) / sum(rate(${requests}[${range}]))`),
        hpa('status_current_replicas'),
        hpa('status_desired_replicas'),
        hpa('spec_min_replicas'),
        hpa('spec_max_replicas'),
        ranged('sum by (queue) (rabbitmq_queue_messages_ready)'),
        instant(
          `histogram_quantile(0.95, sum by (le, method, route) (increase(${bucket}[${windowSeconds}s])))`,
        ),
        instant(`sum by (method, route) (increase(${requests}[${windowSeconds}s]))`),
        instant(`sum by (method, route) (increase(${errors}[${windowSeconds}s]))`),
      ]);

    const routeName = (l: Record<string, string>) =>
      [l.method, l.route ?? '(no route)'].filter(Boolean).join(' ');
    const charts: ServerChart[] = [
      {
        id: 'gateway-p95',
        title: 'Gateway p95 latency per route (server side)',
        unit: 'ms',
        series: scaled(p95, routeName, 1000),
      },
      {
        id: '5xx-ratio',
        title: 'Gateway 5xx ratio (server side)',
        unit: '%',
        series: scaled(ratio, () => '5xx', 100),
      },
    ];
    // One chart per HPA present: current and desired replicas against min and max.
    const names = [
      ...new Set([...current, ...desired].map((s) => s.labels.horizontalpodautoscaler ?? '')),
    ].sort();
    for (const name of names) {
      const of = (series: Series[], label: string) =>
        scaled(
          series.filter((s) => (s.labels.horizontalpodautoscaler ?? '') === name),
          () => label,
        );
      charts.push({
        id: `hpa:${name}`,
        title: `HPA ${name || '(unnamed)'}: replicas`,
        unit: 'replicas',
        series: [
          ...of(current, 'current'),
          ...of(desired, 'desired'),
          ...of(min, 'min'),
          ...of(max, 'max'),
        ],
      });
    }
    charts.push({
      id: 'queue-depth',
      title: 'Order queue depth',
      unit: 'messages',
      series: scaled(queue, (l) => l.queue ?? 'queue'),
    });

    const key = (l: Record<string, string>) => `${l.method ?? ''} ${l.route ?? ''}`;
    const valueAt = (series: Series[]) =>
      new Map(series.map((s) => [key(s.labels), s.points[s.points.length - 1]?.[1] ?? NaN]));
    const p95By = valueAt(routeP95);
    const errorsBy = valueAt(routeErrors);
    const routes: ServerRoute[] = routeRequests
      .map((s) => {
        const p = p95By.get(key(s.labels));
        const count = s.points[s.points.length - 1]?.[1] ?? 0;
        return {
          method: s.labels.method ?? '',
          route: s.labels.route ?? '(no route)',
          p95Ms: p === undefined || !Number.isFinite(p) ? null : p * 1000,
          requests: Math.round(count),
          errors: Math.round(errorsBy.get(key(s.labels)) ?? 0),
        };
      })
      .filter((r) => r.requests > 0);

    return {
      prometheus: opts.shownUrl,
      start: start.toISOString(),
      end: end.toISOString(),
      stepSeconds: step,
      charts,
      routes,
      problems,
    };
  } finally {
    await client.close();
  }
}

export async function writeServerSeries(dir: string, series: ServerSeries): Promise<string> {
  const file = join(dir, RUN_FILES.serverSeries);
  await writeFile(file, JSON.stringify(ServerSeries.parse(series)) + '\n');
  return file;
}

export function readServerSeries(dir: string): Promise<JsonFile<ServerSeries>> {
  return readJsonFile(join(dir, RUN_FILES.serverSeries), ServerSeries);
}
