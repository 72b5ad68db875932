// Prometheus remote write with the names of k6's `experimental-prometheus-rw`
// output, so dashboards and SLO queries do not care which engine ran:
// counters `k6_<name>_total`, gauges `k6_<name>`, rates `k6_<name>_rate`,
// trends one gauge per stat `k6_<name>_<stat>` (p(95) → p95) or, with
// K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true, one native histogram
// `k6_<name>_seconds` (times), `k6_<name>_bytes` (data) or `k6_<name>`, as
// k6's trend.go names them. Time values in seconds. Every series is
// cumulative since the start and pushed every `pushIntervalMs` and once at the
// end, so summing the last sample of each runner's series merges a split run.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { basicAuthorization, splitCredentials } from '../../core/urls.ts';
import { NativeHistogram, TrendSink } from '../histogram.ts';
import type { Metric, Registry, Tags } from '../metrics.ts';
import type { Output, OutputDefinition } from './output.ts';
import { encodeWriteRequest, snappyBlock, type TimeSeries } from './prompb.ts';

/** The trend stats pushed, by either engine (k6: K6_PROMETHEUS_RW_TREND_STATS). */
export const RW_TREND_STATS = 'p(95),p(99),min,max,avg';

/**
 * Where samples are written and how to authenticate there: the same fields
 * as the SLO checker's Prometheus auth, so `loadgate run` hands one set of
 * credentials to both. User-info in `url` is basic auth.
 */
export type RemoteWriteTarget = {
  url: string;
  bearerToken?: string;
  /** `user:password` */
  basicAuth?: string;
  headers?: Record<string, string>;
  /** PEM file of a CA to trust. */
  caFile?: string;
  insecure?: boolean;
  /** Trends as native histograms (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM), not stat gauges. */
  nativeHistograms?: boolean;
};

export const remoteWrite: OutputDefinition<RemoteWriteTarget> = {
  name: 'experimental-prometheus-rw',
  usage: 'experimental-prometheus-rw',
  // k6's own environment variables, so the built-in engine reads the same setup.
  parse: (arg, env) => (arg === undefined ? targetFromK6Env(env) : undefined),
  create: (target, { warn }) =>
    remoteWriteOutput({ ...target, trendStats: RW_TREND_STATS.split(','), warn }),
  k6: (target) => ({ args: ['--out', 'experimental-prometheus-rw'], env: k6Env(target) }),
};

/** A trend's native histogram name, as k6's trend.go builds it (the unit suffix of `contains`). */
export function nativeHistogramName(metric: string, contains: Metric['contains']): string {
  const base = `k6_${metric.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  return contains === 'time' ? `${base}_seconds` : contains === 'data' ? `${base}_bytes` : base;
}

/** The target as k6 reads it: K6_PROMETHEUS_RW_SERVER_URL, _USERNAME/_PASSWORD, _HEADERS_<name>, … */
function targetFromK6Env(env: NodeJS.ProcessEnv): RemoteWriteTarget {
  const headers: Record<string, string> = {};
  for (const pair of (env.K6_PROMETHEUS_RW_HTTP_HEADERS ?? '').split(',')) {
    const at = pair.indexOf(':');
    if (at > 0) headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('K6_PROMETHEUS_RW_HEADERS_') && value !== undefined)
      headers[key.slice('K6_PROMETHEUS_RW_HEADERS_'.length)] = value;
  const user = env.K6_PROMETHEUS_RW_USERNAME;
  return {
    url: env.K6_PROMETHEUS_RW_SERVER_URL ?? 'http://localhost:9090/api/v1/write',
    ...(user && { basicAuth: `${user}:${env.K6_PROMETHEUS_RW_PASSWORD ?? ''}` }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(env.K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY === 'true' && { insecure: true }),
    ...(env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM === 'true' && { nativeHistograms: true }),
  };
}

/** What real k6 needs for the same target (a bearer token is an Authorization header to k6). */
function k6Env(target: RemoteWriteTarget): Record<string, string> {
  const { url, basicAuth } = withBasicAuth(target);
  const env: Record<string, string> = {
    K6_PROMETHEUS_RW_SERVER_URL: url,
    ...(target.nativeHistograms
      ? { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' }
      : { K6_PROMETHEUS_RW_TREND_STATS: RW_TREND_STATS }),
  };
  if (basicAuth) {
    const at = basicAuth.indexOf(':');
    env.K6_PROMETHEUS_RW_USERNAME = basicAuth.slice(0, at);
    env.K6_PROMETHEUS_RW_PASSWORD = basicAuth.slice(at + 1);
  }
  for (const [name, value] of Object.entries(authHeaders(target)))
    env[`K6_PROMETHEUS_RW_HEADERS_${name}`] = value;
  if (target.insecure) env.K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY = 'true';
  // k6 is Go: its TLS trusts the CA bundle SSL_CERT_FILE names.
  if (target.caFile) env.SSL_CERT_FILE = target.caFile;
  return env;
}

/** The URL without user-info, and the basic auth to send: the user-info, else the one given. */
function withBasicAuth(target: RemoteWriteTarget): { url: string; basicAuth?: string } {
  // As for the SLO check's queries (slo/prometheus.ts): the URL's user-info first.
  const { url, basicAuth = target.basicAuth } = splitCredentials(target.url);
  return { url, basicAuth };
}

/** The extra headers and the bearer token (basic auth stays apart: k6 has its own variables for it). */
function authHeaders(target: RemoteWriteTarget): Record<string, string> {
  return {
    ...target.headers,
    ...(target.bearerToken && { Authorization: `Bearer ${target.bearerToken}` }),
  };
}

export type RemoteWriteConfig = RemoteWriteTarget & {
  trendStats?: string[];
  pushIntervalMs?: number;
  warn?: (message: string) => void;
};

type Series = {
  metric: Metric;
  labels: [string, string][];
  value: number;
  passes: number;
  total: number;
  trend?: TrendSink;
  native?: NativeHistogram;
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
          if (s.native) {
            out.push({
              labels: sortLabels([
                ['__name__', nativeHistogramName(s.metric.name, s.metric.contains)],
                ...s.labels,
              ]),
              samples: [],
              histograms: [{ histogram: s.native.sample(), timestamp: now }],
            });
            break;
          }
          for (const stat of stats)
            push(
              `${base}_${statSuffix(stat)}`,
              s.trend!.stat(stat) * (stat === 'count' ? 1 : scale),
            );
      }
    }
    return out;
  };

  const transport = writeTransport(config);
  const { url, headers, dispatcher } = transport;

  const send = async () => {
    const timeseries = build(Date.now());
    if (!timeseries.length) return;
    const body = snappyBlock(encodeWriteRequest(timeseries));
    try {
      const res = await request(url, { method: 'POST', body, headers, dispatcher });
      if (res.statusCode >= 300)
        config.warn?.(
          `remote write to ${url} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`,
        );
      else await res.body.dump();
    } catch (e) {
      config.warn?.(`remote write to ${url} failed: ${(e as Error).message}`);
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
            trend:
              metric.type === 'trend' && !config.nativeHistograms ? new TrendSink() : undefined,
            native:
              metric.type === 'trend' && config.nativeHistograms
                ? new NativeHistogram()
                : undefined,
          };
          series.set(key, s);
        }
        if (metric.type === 'counter') s.value += value;
        else if (metric.type === 'gauge') s.value = value;
        else if (metric.type === 'rate') {
          s.total++;
          if (value) s.passes++;
        } else if (s.native) s.native.add(metric.contains === 'time' ? value / 1000 : value);
        else s.trend!.add(value);
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
      await dispatcher?.close();
    },
  };
}

/**
 * Where and how write requests go: the URL without credentials (it is what
 * warnings show), the headers with them, the TLS settings.
 */
function writeTransport(target: RemoteWriteTarget): {
  url: string;
  headers: Record<string, string>;
  dispatcher: Agent | undefined;
} {
  const { url, basicAuth } = withBasicAuth(target);
  const headers: Record<string, string> = {
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
    'User-Agent': 'loadgate-k6-engine',
    ...authHeaders(target),
    ...(basicAuth &&
      !target.bearerToken && {
        Authorization: basicAuthorization(basicAuth),
      }),
  };
  const dispatcher =
    target.caFile || target.insecure
      ? new Agent({
          connect: {
            ...(target.caFile && { ca: readFileSync(target.caFile, 'utf8') }),
            rejectUnauthorized: !target.insecure,
          },
        })
      : undefined;
  return { url, headers, dispatcher };
}

/**
 * Sends one empty write request (no series, so nothing is written): resolves
 * when the endpoint accepts it, else rejects saying what it answered. Before
 * any load, so a run does not find out at its first push that its points go
 * nowhere (Prometheus answers 404 without --web.enable-remote-write-receiver).
 */
export async function checkRemoteWrite(target: RemoteWriteTarget, timeoutMs = 5000): Promise<void> {
  const { url, headers, dispatcher } = writeTransport(target);
  try {
    const res = await request(url, {
      method: 'POST',
      body: snappyBlock(encodeWriteRequest([])),
      headers,
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = (await res.body.text()).trim().slice(0, 200);
    if (res.statusCode >= 300)
      throw new Error(`it answered ${res.statusCode}${text ? `: ${text}` : ''}`);
  } finally {
    await dispatcher?.close();
  }
}

/** Remote write wants labels sorted by name. */
function sortLabels(labels: [string, string][]): [string, string][] {
  return labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
