// Prometheus remote write with the names of k6's `experimental-prometheus-rw`
// output, so dashboards and SLO queries do not care which engine ran:
// counters `k6_<name>_total`, gauges `k6_<name>`, rates `k6_<name>_rate`,
// trends one gauge per stat `k6_<name>_<stat>` (p(95) → p95), time values in
// seconds. Every series is cumulative since the start and pushed every
// `pushIntervalMs` and once at the end.
import { TrendSink } from '../histogram.ts';
import type { Metric, Registry, Tags } from '../metrics.ts';
import type { Output, OutputDefinition } from './output.ts';
import { encodeWriteRequest, snappyBlock, type TimeSeries } from './prompb.ts';

/** The trend stats pushed, by either engine (k6: K6_PROMETHEUS_RW_TREND_STATS). */
export const RW_TREND_STATS = 'p(95),p(99),min,max,avg';

export const remoteWrite: OutputDefinition<{ url: string }> = {
  name: 'experimental-prometheus-rw',
  usage: 'experimental-prometheus-rw',
  parse: (arg, env) =>
    arg === undefined
      ? { url: env.K6_PROMETHEUS_RW_SERVER_URL ?? 'http://localhost:9090/api/v1/write' }
      : undefined,
  create: ({ url }, { warn }) =>
    remoteWriteOutput({ url, trendStats: RW_TREND_STATS.split(','), warn }),
  k6: ({ url }) => ({
    args: ['--out', 'experimental-prometheus-rw'],
    env: { K6_PROMETHEUS_RW_SERVER_URL: url, K6_PROMETHEUS_RW_TREND_STATS: RW_TREND_STATS },
  }),
};

export type RemoteWriteConfig = {
  url: string;
  trendStats?: string[];
  pushIntervalMs?: number;
  headers?: Record<string, string>;
  warn?: (message: string) => void;
};

type Series = {
  metric: Metric;
  labels: [string, string][];
  value: number;
  passes: number;
  total: number;
  trend?: TrendSink;
};

export function statSuffix(stat: string): string {
  return stat.replace(
    /^p\((\d+)(?:\.(\d+))?\)$/,
    (_m, a: string, b?: string) => `p${a}${b ? `_${b}` : ''}`,
  );
}

export function remoteWriteOutput(config: RemoteWriteConfig): Output {
  const stats = config.trendStats ?? ['p(99)'];
  const series = new Map<string, Series>();
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> = Promise.resolve();

  // No `url` label: URLs with ids (/orders/8123) would make a series, with
  // its trend, per request; `name` carries the route (k6-operator's advice).
  const labelsOf = (tags: Tags): [string, string][] =>
    Object.entries(tags)
      .filter(([k, v]) => v !== '' && k !== 'url')
      .map(([k, v]): [string, string] => [k.replace(/[^a-zA-Z0-9_]/g, '_'), v]);

  const build = (now: number): TimeSeries[] => {
    const out: TimeSeries[] = [];
    for (const s of series.values()) {
      const base = `k6_${s.metric.name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
      const push = (name: string, value: number) =>
        out.push({
          labels: sortLabels([['__name__', name], ...s.labels]),
          samples: [[value, now]],
        });
      const scale = s.metric.contains === 'time' ? 1 / 1000 : 1;
      switch (s.metric.type) {
        case 'counter':
          push(`${base}_total`, s.value);
          break;
        case 'gauge':
          push(s.metric.contains === 'time' ? `${base}_seconds` : base, s.value * scale);
          break;
        case 'rate':
          push(`${base}_rate`, s.total ? s.passes / s.total : 0);
          break;
        case 'trend':
          for (const stat of stats)
            push(
              `${base}_${statSuffix(stat)}`,
              s.trend!.stat(stat) * (stat === 'count' ? 1 : scale),
            );
      }
    }
    return out;
  };

  const send = async () => {
    const timeseries = build(Date.now());
    if (!timeseries.length) return;
    const body = snappyBlock(encodeWriteRequest(timeseries));
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': 'loadgate-k6-engine',
          ...config.headers,
        },
      });
      if (!res.ok)
        config.warn?.(
          `remote write to ${config.url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
        );
      else await res.arrayBuffer();
    } catch (e) {
      config.warn?.(`remote write to ${config.url} failed: ${(e as Error).message}`);
    }
  };

  return {
    start(registry: Registry) {
      registry.onSample((metric, value, tags) => {
        let key = metric.name;
        for (const k in tags) if (k !== 'url') key += `\u0000${k}\u0001${tags[k]}`;
        let s = series.get(key);
        if (!s) {
          s = {
            metric,
            labels: labelsOf(tags),
            value: 0,
            passes: 0,
            total: 0,
            trend: metric.type === 'trend' ? new TrendSink() : undefined,
          };
          series.set(key, s);
        }
        if (metric.type === 'counter') s.value += value;
        else if (metric.type === 'gauge') s.value = value;
        else if (metric.type === 'rate') {
          s.total++;
          if (value) s.passes++;
        } else s.trend!.add(value);
      });
      timer = setInterval(() => {
        inflight = inflight.then(send);
      }, config.pushIntervalMs ?? 5000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await inflight;
      await send();
    },
  };
}

/** Remote write wants labels sorted by name. */
function sortLabels(labels: [string, string][]): [string, string][] {
  return labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
