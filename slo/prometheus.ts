// A small client for the Prometheus HTTP API (also Thanos, Mimir,
// VictoriaMetrics): auth, custom CA, the environment's proxy (slo/http.ts), a
// concurrency limit, per-query timeouts and retries on network errors and 5xx. Every answer is validated with zod.
//
// Failure policy: unreachable, refused credentials or a server that does not
// speak the API stop the whole check (ExitError 3). A query Prometheus rejects
// is a QueryError, which the objective reports with Prometheus' own message.
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { ExitError, InputError, InfrastructureError } from '../core/errors.ts';
import { basicAuthorization, redactUrl, splitCredentials } from '../core/urls.ts';
import { endpointDispatcher } from './http.ts';

/** How to authenticate to a Prometheus API, and which TLS to trust. */
export type PrometheusAuth = {
  bearerToken?: string;
  /** `user:password` */
  basicAuth?: string;
  /** Extra headers, e.g. { 'X-Scope-OrgID': 'tenant' } for Mimir. */
  headers?: Record<string, string>;
  /** PEM file of a CA to trust (beside the system ones). */
  caFile?: string;
  /** Skip TLS verification (self-signed lab setups). */
  insecure?: boolean;
};

export type PrometheusOptions = PrometheusAuth & {
  /** The API's base URL; user-info in it is basic auth. */
  url: string;
  timeoutMs?: number;
  retries?: number;
  concurrency?: number;
};

const Labels = z.record(z.string(), z.string());
const SampleValue = z.tuple([z.number(), z.string()]);
const VectorSample = z.object({ metric: Labels, value: SampleValue });
const MatrixSeries = z.object({ metric: Labels, values: z.array(SampleValue) });

const QueryData = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(VectorSample) }),
  z.object({ resultType: z.literal('scalar'), result: SampleValue }),
  z.object({ resultType: z.literal('matrix'), result: z.array(MatrixSeries) }),
  z.object({ resultType: z.literal('string'), result: SampleValue }),
]);

const AlertingRule = z.object({
  type: z.literal('alerting'),
  name: z.string(),
  query: z.string(),
  duration: z.number().default(0),
  labels: Labels.default({}),
  annotations: Labels.default({}),
  health: z.string().optional(),
  lastError: z.string().optional(),
});
const RecordingRule = z.object({
  type: z.literal('recording'),
  name: z.string(),
  query: z.string(),
});
const RulesData = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      file: z.string().optional(),
      rules: z.array(z.discriminatedUnion('type', [AlertingRule, RecordingRule])),
    }),
  ),
});

const Envelope = z.union([
  z.object({
    status: z.literal('success'),
    data: z.unknown(),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    status: z.literal('error'),
    errorType: z.string(),
    error: z.string(),
    warnings: z.array(z.string()).optional(),
  }),
]);

export type Series = { labels: Record<string, string>; points: [number, number][] };
export type QueryResult = { series: Series[]; warnings: string[] };
export type AlertingRule = z.infer<typeof AlertingRule> & { group: string };

/** Prometheus rejected or could not run one query; the objective reports it. */
export class QueryError extends Error {
  constructor(
    message: string,
    /** bad_data: the query itself is wrong (bad input); otherwise Prometheus failed. */
    readonly badQuery: boolean,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export class PrometheusClient {
  readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;

  constructor(options: PrometheusOptions) {
    // `https://user:pass@host` is basic auth: sent as a header, never kept in
    // `url`, which verdicts, logs and errors show.
    const { url: bare, basicAuth = options.basicAuth } = splitCredentials(options.url);
    let url: URL;
    try {
      url = new URL(bare);
    } catch {
      throw new InputError(
        `'${redactUrl(options.url)}' is not a URL`,
        'e.g. --prometheus http://127.0.0.1:9090',
      );
    }
    this.url = url.href.replace(/\/$/, '');
    this.headers = { accept: 'application/json', ...options.headers };
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    else if (basicAuth) this.headers.authorization = basicAuthorization(basicAuth);
    this.dispatcher = endpointDispatcher(options, options.concurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.limit = limiter(options.concurrency ?? 8);
  }

  /** Instant query at `time`; a scalar becomes one unlabelled series. */
  async query(expr: string, time: Date): Promise<QueryResult> {
    const { data, warnings } = await this.call('/api/v1/query', {
      query: expr,
      time: seconds(time),
      timeout: `${Math.ceil(this.timeoutMs / 1000)}s`,
    });
    return { series: toSeries(parse(QueryData, data, this.url)), warnings };
  }

  async queryRange(
    expr: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<QueryResult> {
    const { data, warnings } = await this.call('/api/v1/query_range', {
      query: expr,
      start: seconds(start),
      end: seconds(end),
      step: String(stepSeconds),
      timeout: `${Math.ceil(this.timeoutMs / 1000)}s`,
    });
    return { series: toSeries(parse(QueryData, data, this.url)), warnings };
  }

  async alertingRules(): Promise<AlertingRule[]> {
    const { data } = await this.call('/api/v1/rules', { type: 'alert' });
    return parse(RulesData, data, this.url).groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.type === 'alerting' ? [{ ...r, group: g.name }] : [])),
    );
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** Identical requests within one check (several HPA checks read the same series) are sent once. */
  private call(path: string, params: Record<string, string>) {
    const key = `${path}?${new URLSearchParams(params)}`;
    let answer = this.memo.get(key);
    if (!answer) {
      answer = this.limit(() => this.callWithRetries(path, params));
      this.memo.set(key, answer);
    }
    return answer;
  }
  private readonly memo = new Map<string, Promise<{ data: unknown; warnings: string[] }>>();

  /** Set once Prometheus has failed to answer in time: every later or waiting call ends with it. */
  private stopped: ExitError | undefined;
  private readonly stop = new AbortController();

  private stopAll(error: ExitError): ExitError {
    this.stopped ??= error;
    this.stop.abort(this.stopped);
    return this.stopped;
  }

  private silent(): ExitError {
    const seconds = Math.round(this.timeoutMs / 1000);
    return new InfrastructureError(
      `Prometheus at ${this.url} did not answer within ${seconds} s`,
      'Check that it is up and reachable from here (a proxy, a firewall that drops packets), or raise defaults.timeout in the spec',
    );
  }

  private async callWithRetries(
    path: string,
    params: Record<string, string>,
  ): Promise<{ data: unknown; warnings: string[] }> {
    if (this.stopped) throw this.stopped;
    const form = new URLSearchParams(params).toString();
    // Queries go as POST forms (no URL length limit); /api/v1/rules is GET only.
    const post = path.startsWith('/api/v1/query');
    const what = params.query ? `query ${params.query}` : path;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let text: string;
      // Prometheus is asked to give up at timeoutMs (the `timeout` parameter) and to say so;
      // a little later, no answer at all means it is not answering. A timer and a controller
      // of our own, not AbortSignal.any(AbortSignal.timeout(…)): that timeout signal is only
      // weakly held and can be collected before it fires, leaving the request waiting for ever.
      const cutOff = new AbortController();
      const timer = setTimeout(
        () => cutOff.abort(new DOMException('no answer in time', 'TimeoutError')),
        this.timeoutMs + 2_000,
      );
      const onStop = () => cutOff.abort(this.stop.signal.reason);
      this.stop.signal.addEventListener('abort', onStop, { once: true });
      try {
        const response = await request(post ? this.url + path : `${this.url}${path}?${form}`, {
          method: post ? 'POST' : 'GET',
          body: post ? form : undefined,
          headers: post
            ? { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' }
            : this.headers,
          dispatcher: this.dispatcher,
          signal: cutOff.signal,
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        // A server that does not answer in time will not answer a retry
        // either: the whole check stops now, with one message, instead of
        // every query waiting out its own timeouts in turn.
        if ((error as Error).name === 'TimeoutError') throw this.stopAll(this.silent());
        if (this.stopped) throw this.stopped;
        if (attempt < this.retries) {
          await sleep(250 * 4 ** attempt);
          continue;
        }
        throw unreachable(this.url, error);
      } finally {
        clearTimeout(timer);
        this.stop.signal.removeEventListener('abort', onStop);
      }
      const retryable = status === 429 || status >= 500;
      if (retryable && attempt < this.retries) {
        await sleep(250 * 4 ** attempt);
        continue;
      }
      if (status === 401 || status === 403)
        throw new InfrastructureError(
          `Prometheus at ${this.url} refused the request (HTTP ${status})`,
          'Pass credentials: --bearer-token, --basic-auth user:pass, or --header X-Scope-OrgID=tenant',
        );
      let envelope: z.infer<typeof Envelope>;
      try {
        envelope = Envelope.parse(JSON.parse(text));
      } catch {
        throw new InfrastructureError(
          `${this.url}${path} answered HTTP ${status} with something that is not the Prometheus API: ${text.slice(0, 200)}`,
          'Check --prometheus: it must be the base URL of a Prometheus-compatible API (e.g. http://prometheus:9090, or …/prometheus for Mimir)',
        );
      }
      if (envelope.status === 'error') {
        throw new QueryError(
          `Prometheus answered ${envelope.errorType} (HTTP ${status}) to ${what}: ${envelope.error}`,
          envelope.errorType === 'bad_data',
        );
      }
      return { data: envelope.data, warnings: envelope.warnings ?? [] };
    }
  }
}

function unreachable(url: string, error: unknown): ExitError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code =
    (error as NodeJS.ErrnoException).code ??
    cause?.code ??
    ((error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message);
  return new InfrastructureError(
    `Prometheus at ${url} is unreachable (${code}): start it or pass --prometheus URL`,
  );
}

function parse<T>(schema: z.ZodType<T>, data: unknown, url: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new InfrastructureError(
      `${url} answered a shape the Prometheus API does not have: ${parsed.error.issues[0]?.message ?? ''} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return parsed.data;
}

function toSeries(data: z.infer<typeof QueryData>): Series[] {
  const point = ([t, v]: [number, string]): [number, number] => [t, sampleValue(v)];
  switch (data.resultType) {
    case 'vector':
      return data.result.map((s) => ({ labels: s.metric, points: [point(s.value)] }));
    case 'matrix':
      return data.result.map((s) => ({ labels: s.metric, points: s.values.map(point) }));
    case 'scalar':
      return [{ labels: {}, points: [point(data.result)] }];
    case 'string':
      return [];
  }
}

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most `n` tasks at once; the rest wait in order. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A sample value as the API writes it: Go's float text, where the infinities are `+Inf` and `-Inf`. */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
