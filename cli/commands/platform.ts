import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FaultConfig, type RouteFault } from '../../infra/local/gateway/options.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { InputError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';

/**
 * `loadgate platform` (`npm run platform`): the local platform in the
 * foreground. Prints its URLs, logs autoscaler decisions to stderr, and on
 * Ctrl-C or SIGTERM stops every process it started.
 */

const USAGE = `Usage: loadgate platform [options]

Starts the local platform on 127.0.0.1: the gateway as autoscaled worker
processes, its metrics and admin endpoints, and a Prometheus loading the
platform's alert rules. Ctrl-C stops everything.

Options:
  --port N                 gateway port (default: a free one)
  --metrics-port N         metrics endpoint port (default: a free one)
  --admin-port N           admin endpoint port (default: a free one)
  --data-dir DIR           keep gateway data here (default: a temporary directory)
  --min N / --max N        replica bounds (default 3 / 15)
  --cpu-request CORES      CPU request of one worker (default 0.25)
  --target-utilisation P   target average CPU, percent of request (default 70)
  --sync-period MS         autoscaler sync period (default 15000)
  --stabilisation MS       scale-down stabilisation window (default 300000)
  --no-prometheus          do not start Prometheus
  --scrape-interval S      Prometheus scrape/evaluation interval (default 2)
Faults (also from env LOADGATE_FAULTS, a FaultConfig JSON; flags add to it):
  --faults JSON|@FILE      a FaultConfig: {"routes":[{"route","method?","latencyMs?","errorRatio?","errorStatus?"}],"queuePaused"}
  --latency ROUTE=MS       add latency to a route template (MS or MIN-MAX), repeatable
  --error-ratio ROUTE=R    answer R (0–1) of a route's requests with 503, repeatable
  --pause-queue            stop the order consumer (the queue backlog grows)
  --crash-loop MS          crash one worker every MS milliseconds
At run time, with the admin token printed at start (H='Authorization: Bearer <token>'):
  curl -H "$H" <admin>/state
  curl -H "$H" -H 'content-type: application/json' -X PUT <admin>/faults -d '{...}'
  curl -H "$H" -X POST <admin>/crash
`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'metrics-port': { type: 'string' },
        'admin-port': { type: 'string' },
        'data-dir': { type: 'string' },
        min: { type: 'string' },
        max: { type: 'string' },
        'cpu-request': { type: 'string' },
        'target-utilisation': { type: 'string' },
        'sync-period': { type: 'string' },
        stabilisation: { type: 'string' },
        'no-prometheus': { type: 'boolean' },
        'scrape-interval': { type: 'string' },
        faults: { type: 'string' },
        latency: { type: 'string', multiple: true },
        'error-ratio': { type: 'string', multiple: true },
        'pause-queue': { type: 'boolean' },
        'crash-loop': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new InputError(
      (error as Error).message,
      "Run 'loadgate platform --help' for the options.",
    );
  }
  const flags = parsed.values;
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const faults = await readFaults(flags);
  const crashLoopMs = number(flags['crash-loop'], '--crash-loop');
  // Listen before starting anything: a Ctrl-C during start-up must still
  // stop what was started, not kill this process and leave Prometheus behind.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const platform = await startPlatform({
    port: number(flags.port, '--port'),
    metricsPort: number(flags['metrics-port'], '--metrics-port'),
    adminPort: number(flags['admin-port'], '--admin-port'),
    dataDir: flags['data-dir'],
    replicas: { min: number(flags.min, '--min') ?? 3, max: number(flags.max, '--max') ?? 15 },
    cpuRequestCores: number(flags['cpu-request'], '--cpu-request'),
    targetUtilisation: number(flags['target-utilisation'], '--target-utilisation'),
    syncPeriodMs: number(flags['sync-period'], '--sync-period'),
    scaleDownStabilisationMs: number(flags.stabilisation, '--stabilisation'),
    scrapeIntervalSeconds: number(flags['scrape-interval'], '--scrape-interval'),
    prometheus: !flags['no-prometheus'],
    faults,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= platform.stop());
  try {
    if (crashLoopMs !== undefined) {
      const res = await fetch(`${platform.adminUrl}/crash`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${platform.adminToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ crashLoop: { everyMs: crashLoopMs } }),
      });
      if (!res.ok)
        throw new InputError(
          `--crash-loop: ${((await res.json()) as { message: string }).message}`,
        );
    }
    process.stdout.write(
      [
        `gateway     ${platform.gatewayUrl}`,
        `metrics     ${platform.metricsUrl}/metrics`,
        `admin       ${platform.adminUrl}/state`,
        `admin token ${platform.adminToken}`,
        ...(platform.prometheusUrl ? [`prometheus  ${platform.prometheusUrl}`] : []),
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    const signal = await signalled;
    process.stderr.write(`loadgate platform: ${signal}, stopping\n`);
  } finally {
    await stop();
  }
  return 0;
}

export type FaultFlags = {
  faults?: string;
  latency?: string[];
  'error-ratio'?: string[];
  'pause-queue'?: boolean;
};

/** LOADGATE_FAULTS, then --faults, then the shorthand flags, validated as one FaultConfig. */
export async function readFaults(flags: FaultFlags): Promise<FaultConfig | undefined> {
  const sources: [string, string][] = [];
  if (process.env.LOADGATE_FAULTS) sources.push(['LOADGATE_FAULTS', process.env.LOADGATE_FAULTS]);
  if (flags.faults) {
    const text = flags.faults.startsWith('@')
      ? await readFile(flags.faults.slice(1), 'utf8')
      : flags.faults;
    sources.push(['--faults', text]);
  }
  const routes: RouteFault[] = [];
  let queuePaused = false;
  for (const [name, text] of sources) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${name}: malformed JSON: ${(error as Error).message}`);
    }
    const result = FaultConfig.safeParse(json);
    if (!result.success) throw new InputError(`${name}:\n${formatZodIssues(result.error.issues)}`);
    routes.push(...result.data.routes);
    queuePaused ||= result.data.queuePaused;
  }
  const extra: unknown[] = [];
  for (const spec of flags.latency ?? []) {
    const [route, ms] = split(spec, '--latency');
    const range = /^(\d+)-(\d+)$/.exec(ms);
    extra.push({
      route,
      latencyMs: range ? { min: Number(range[1]), max: Number(range[2]) } : Number(ms),
    });
  }
  for (const spec of flags['error-ratio'] ?? []) {
    const [route, ratio] = split(spec, '--error-ratio');
    extra.push({ route, errorRatio: Number(ratio) });
  }
  queuePaused ||= flags['pause-queue'] === true;
  if (sources.length === 0 && extra.length === 0 && !queuePaused) return undefined;
  const result = FaultConfig.safeParse({ routes: [...routes, ...extra], queuePaused });
  if (!result.success) throw new InputError(`faults:\n${formatZodIssues(result.error.issues)}`);
  return result.data;
}

function split(spec: string, flag: string): [string, string] {
  const at = spec.lastIndexOf('=');
  if (at <= 0)
    throw new InputError(`${flag} ${spec}: expected ROUTE=VALUE, e.g. /api/products/{id}=1500`);
  return [spec.slice(0, at), spec.slice(at + 1)];
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InputError(`${flag}: not a number: ${value}`);
  return n;
}
