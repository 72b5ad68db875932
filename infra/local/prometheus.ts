import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.ts';
import { scratchDir } from './scratch.ts';
import { InfrastructureError } from '../../core/errors.ts';

// Runs the real Debian `prometheus` server on a free loopback port, with a
// throw-away TSDB unless one is given (for example a TSDB backfilled with
// `promtool tsdb create-blocks-from openmetrics`).

export type PrometheusOptions = {
  /** prometheus.yml text; relative rule_files resolve against `configDir`. */
  config: string;
  /** Directory the config file is written to (default: a temporary one). */
  configDir?: string;
  /** An existing TSDB directory to serve; left in place on stop(). */
  dataDir?: string;
  /** Extra command-line flags. */
  args?: string[];
  /** The binary; PROMETHEUS_BIN or `prometheus` on PATH by default. */
  binary?: string;
  /** How long to wait for /-/ready. */
  readyTimeoutMs?: number;
};

export type RunningPrometheus = {
  url: string;
  port: number;
  dataDir: string;
  /** Everything the server printed, for error messages. */
  logs(): string;
  stop(): Promise<void>;
};

/** How to get a Prometheus binary, for the messages that say one is missing. */
export const INSTALL_PROMETHEUS =
  'install it (apt-get install prometheus) or set PROMETHEUS_BIN to its path';

/** The binary startPrometheus would run (PROMETHEUS_BIN or `prometheus` on PATH), and whether it is there. */
export function findPrometheus(binary?: string): { binary: string; executable?: string } {
  const name = binary ?? process.env.PROMETHEUS_BIN ?? 'prometheus';
  return { binary: name, executable: findExecutable(name) };
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const { binary, executable } = findPrometheus(options.binary);
  if (!executable) {
    throw new InfrastructureError(
      `could not start ${binary}: not found`,
      'Install it (apt-get install prometheus), set PROMETHEUS_BIN, or pass --target and --prometheus to use existing ones',
    );
  }
  const scratch = await scratchDir('loadgate-prometheus-');
  const configDir = options.configDir ?? scratch;
  const configFile = join(
    configDir,
    options.configDir ? `.prometheus-${process.pid}.yml` : 'prometheus.yml',
  );
  const dataDir = options.dataDir ?? join(scratch, 'data');
  await writeFile(configFile, options.config);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnTiedToUs(executable, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // k6's experimental-prometheus-rw output (and the built-in engine) write here.
    '--web.enable-remote-write-receiver',
    // Trends arrive as native histograms (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM),
    // so a split run's latency merges: histogram_quantile over their sum.
    '--enable-feature=native-histograms',
    // Backfilled test data lies in the past; keep it queryable.
    '--storage.tsdb.retention.time=3650d',
    ...(options.args ?? []),
  ]);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const cleanup = async () => {
    await stopChild(child);
    if (options.configDir) await rm(configFile, { force: true });
    await rm(scratch, { recursive: true, force: true });
  };

  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 30_000, () => output);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { url, port, dataDir, logs: () => output, stop: cleanup };
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new InfrastructureError(
          `could not start ${child.spawnfile} (${error.message})`,
          'Install it (apt-get install prometheus), set PROMETHEUS_BIN, or pass --target and --prometheus to use existing ones',
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`prometheus exited with code ${code} before it was ready:\n${logs()}`)),
    );
  });
  spawnError.catch(() => {}); // observed below; avoid an unhandled rejection after success
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // 401: up, behind the basic auth of a --web.config.file.
    const ready = fetch(`${url}/-/ready`)
      .then((response) => response.ok || response.status === 401)
      .catch(() => false);
    if (await Promise.race([ready, spawnError])) return;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), spawnError]);
  }
  throw new Error(`prometheus at ${url} was not ready after ${timeoutMs} ms:\n${logs()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spawns a server that dies with this process, even on a crash or kill -9
 * (Linux's parent-death signal, through util-linux `setpriv`), so a failed
 * run never leaves a Prometheus behind. Elsewhere, a plain spawn.
 */
function spawnTiedToUs(executable: string, args: string[]): ChildProcess {
  const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
  const setpriv = findExecutable('setpriv');
  return setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', executable, ...args], { stdio })
    : spawn(executable, args, { stdio });
}

/** A path to an executable: as given when it has a slash, else searched on PATH. */
function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
