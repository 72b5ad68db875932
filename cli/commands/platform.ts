// `loadgate platform` (`npm run platform`): the local platform in the
// foreground. Prints its URLs, logs autoscaler decisions to stderr, and on
// Ctrl-C or SIGTERM stops every process it started.
import { onInterrupt, parseCommandLine, parseNumber } from '../args.ts';
import { FAULT_OPTIONS, faultSources } from '../fault-flags.ts';
import { readFaults } from '../../infra/local/faults-config.ts';
import type { PlatformOptionsInput } from '../../infra/local/options.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const HINT = "Run 'loadgate platform --help' for the options.";

const USAGE = `Usage: loadgate platform [options]

Starts the local platform on 127.0.0.1: the gateway and the services behind
it (auth, products, baskets, orders, addresses, SAV, newsletters), each an
autoscaled pool of worker processes with its documented HPA, the metrics and
admin endpoints, and a Prometheus loading the platform's alert rules. Ctrl-C
stops everything.

Options:
  --port N                 gateway port (default: a free one)
  --metrics-port N         metrics endpoint port (default: a free one)
  --admin-port N           admin endpoint port (default: a free one)
  --data-dir DIR           keep gateway data here (default: a temporary directory)
  --min N / --max N        the gateway's replica bounds (default 3 / 15; services: the documented table)
  --cpu-request CORES      CPU request of one worker, every pool (default 0.01)
  --target-utilisation P   target average CPU, percent of request (default 70)
  --sync-period MS         autoscaler sync period (default 5000)
  --stabilisation MS       scale-down stabilisation window (default 30000)
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
  const { values: flags } = parseCommandLine(
    argv,
    {
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
        ...FAULT_OPTIONS,
        'crash-loop': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    HINT,
  );
  if (flags.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }

  const faults = await readFaults(faultSources(flags));
  const crashLoopMs = parseNumber(flags['crash-loop'], '--crash-loop');
  const options: PlatformOptionsInput = {
    port: parseNumber(flags.port, '--port'),
    metricsPort: parseNumber(flags['metrics-port'], '--metrics-port'),
    adminPort: parseNumber(flags['admin-port'], '--admin-port'),
    dataDir: flags['data-dir'],
    replicas: {
      min: parseNumber(flags.min, '--min') ?? 3,
      max: parseNumber(flags.max, '--max') ?? 15,
    },
    cpuRequestCores: parseNumber(flags['cpu-request'], '--cpu-request'),
    targetUtilisation: parseNumber(flags['target-utilisation'], '--target-utilisation'),
    syncPeriodMs: parseNumber(flags['sync-period'], '--sync-period'),
    scaleDownStabilisationMs: parseNumber(flags.stabilisation, '--stabilisation'),
    scrapeIntervalSeconds: parseNumber(flags['scrape-interval'], '--scrape-interval'),
    prometheus: !flags['no-prometheus'],
    faults,
  };

  // Listen before starting anything: a Ctrl-C during start-up must still
  // stop what was started, not kill this process and leave Prometheus behind.
  const interrupt = onInterrupt({
    message: (signal) => `loadgate platform: ${signal}, stopping\n`,
  });
  try {
    const platform = await startPlatform(options);
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
      await interrupt.received;
    } finally {
      await platform.stop();
    }
  } finally {
    interrupt.dispose();
  }
  return EXIT.ok;
}
