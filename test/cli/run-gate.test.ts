// `loadgate run`'s safety gate and its checks before load (issue 12): a
// non-smoke profile against a target that is not this machine loads only
// with --yes; every bad input ends with its code before any load, and the
// target sees no request (or only the /health check, where that comes first).
// The target is a server on 127.0.0.1; LOADGATE_GATE_LOOPBACK_IS_REMOTE=1
// (test-only, cli/loopback.ts) makes the gate treat it as remote.
import { createServer, request, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as run } from '../../cli/commands/run.ts';
import { main as platformCommand } from '../../cli/commands/platform.ts';
import { isLoopbackTarget } from '../../cli/loopback.ts';
import { closestName } from '../../cli/scenario-env.ts';
import { ExitError } from '../../core/errors.ts';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { freePort } from '../../infra/local/ports.ts';
import { startPrometheus } from '../../infra/local/prometheus.ts';
import { checkRemoteWrite } from '../../engine/outputs/remote-write.ts';

type Counted = { url: string; hits: { path: string; at: number }[]; close(): Promise<void> };

/** A server on 127.0.0.1 that counts what it is sent, answering 200 `{"status":"ok"}` or proxying. */
async function countingServer(upstream?: string): Promise<Counted> {
  const hits: Counted['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', at: Date.now() });
    if (!upstream) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const to = new URL(req.url ?? '/', upstream);
    const forward = request(to, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function exitOf(argv: string[]): Promise<{ code: number; message: string }> {
  try {
    return { code: await run(argv), message: '' };
  } catch (error) {
    if (!(error instanceof ExitError)) throw error;
    return { code: error.code, message: `${error.message}\n${error.hint ?? ''}` };
  }
}

let tmp: string;
let target: Counted;
beforeEach(async () => {
  process.env.LOADGATE_GATE_LOOPBACK_IS_REMOTE = '1';
  delete process.env.LOADGATE_CONFIRM;
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-gate-'));
  target = await countingServer();
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  delete process.env.LOADGATE_GATE_LOOPBACK_IS_REMOTE;
  vi.restoreAllMocks();
  await target.close();
  await rm(tmp, { recursive: true, force: true });
});

const results = () => ['--results', join(tmp, 'results')];

describe('the safety gate', () => {
  it('refuses capacity against a remote target without --yes (exit 2), printing the plan and sending nothing', async () => {
    const { code, message } = await exitOf([
      'capacity',
      '--target',
      target.url,
      '--no-slo',
      ...results(),
    ]);
    expect(code).toBe(2);
    expect(message).toMatch(/--yes/);
    const printed = vi.mocked(process.stderr.write).mock.calls.join('');
    expect(printed).toMatch(/plan: capacity profile/);
    expect(printed).toMatch(/peak 50\.\d+ req\/s/);
    expect(target.hits).toEqual([]);
  });

  // The case: a name that only looks remote. This machine's host name
  // resolves to 127.0.0.1 on most Debian systems (/etc/hosts); skipped, visibly, where not.
  const host = hostname();
  const hostIsLoopback = (() => {
    try {
      return execFileSync('getent', ['hosts', host], { encoding: 'utf8' }).startsWith('127.');
    } catch {
      return false;
    }
  })();
  it.skipIf(!hostIsLoopback)(
    `refuses a name that resolves to 127.0.0.1 (${host}) without --yes, the gateway seeing nothing`,
    async () => {
      delete process.env.LOADGATE_GATE_LOOPBACK_IS_REMOTE;
      const url = target.url.replace('127.0.0.1', host);
      const { code } = await exitOf(['capacity', '--target', url, '--no-slo', ...results()]);
      expect(code).toBe(2);
      expect(target.hits).toEqual([]);
    },
  );

  it('--dry-run prints the (capped) plan and exits 0 without a request', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const argv = ['stress', '--target', target.url, '--dry-run', '--max-rps', '20', ...results()];
    expect(await run(argv)).toBe(0);
    const plan = stdout.mock.calls.join('');
    expect(plan).toMatch(/peak (\d+(\.\d+)?) req\/s/);
    expect(Number(/peak (\d+(\.\d+)?) req\/s/.exec(plan)![1])).toBeLessThanOrEqual(20);
    expect(plan).toMatch(/TARGET_RPS=/);
    expect(target.hits).toEqual([]);
  });

  it('refuses --max-rps for smoke, whose VU loops have no planned rate (exit 2)', async () => {
    const { code } = await exitOf([
      'smoke',
      '--target',
      target.url,
      '--max-rps',
      '5',
      ...results(),
    ]);
    expect(code).toBe(2);
    expect(target.hits).toEqual([]);
  });
});

describe('checks before load', () => {
  async function spec(name: string, objective: string): Promise<string> {
    const file = join(tmp, name);
    await writeFile(
      file,
      `apiVersion: loadgate/v1\nkind: SLO\nmetadata: { name: t }\nobjectives:\n${objective}`,
    );
    return file;
  }

  it.each([
    [
      'a query with an unclosed parenthesis',
      '  - { name: q, kind: promql, query: "sum(rate(x[5m])", bound: 1 }\n',
      /does not parse as PromQL/,
    ],
    [
      'an undefined $var',
      '  - { name: q, kind: latency, selector: \'service="$nope"\', quantile: 0.95, bound: 1 }\n',
      /unknown template variable \$nope/,
    ],
  ])('a spec with %s is exit 2, nothing sent', async (_what, objective, expected) => {
    const file = await spec('spec.yaml', objective);
    const argv = ['capacity', '--target', target.url, '--yes', '--slo', file, ...results()];
    const { code, message } = await exitOf(argv);
    expect(code).toBe(2);
    expect(message).toMatch(expected);
    expect(target.hits).toEqual([]);
  });

  it('-e TARGET_RSP=1 is exit 2 naming TARGET_RPS, nothing sent', async () => {
    const argv = ['capacity', '--target', target.url, '--yes', '-e', 'TARGET_RSP=1', ...results()];
    const { code, message } = await exitOf(argv);
    expect(code).toBe(2);
    expect(message).toMatch(/did you mean TARGET_RPS\?/);
    expect(target.hits).toEqual([]);
    expect(closestName('SMOKE_DURATOIN', ['DURATION', 'SMOKE_DURATION'])).toBe('SMOKE_DURATION');
    expect(closestName('WHATEVER', ['DURATION', 'TARGET_RPS'])).toBeUndefined();
  });

  it('a bad -e value is exit 2 with every problem named, nothing sent, no run written', async () => {
    const dir = join(tmp, 'bad-e-value');
    const argv = ['capacity', '--target', target.url, '--yes', '-e', 'TARGET_RPS=abc'];
    argv.push('--results', dir);
    const { code, message } = await exitOf(argv);
    expect(code).toBe(2);
    expect(message).toMatch(/invalid configuration/);
    expect(message).toMatch(/TARGET_RPS must be a number/);
    expect(target.hits).toEqual([]);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('a target that is down is exit 3 at once', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, message } = await exitOf([
      'capacity',
      '--target',
      down,
      '--yes',
      '--no-slo',
      ...results(),
    ]);
    expect(code).toBe(3);
    expect(message).toMatch(/does not answer/);
  });

  it('a Prometheus that is down is exit 3, with advice that is not "pass --prometheus"; only /health was asked', async () => {
    const prometheus = `http://127.0.0.1:${await freePort()}`;
    const argv = [
      'capacity',
      '--target',
      target.url,
      '--yes',
      '--prometheus',
      prometheus,
      ...results(),
    ];
    const { code, message } = await exitOf(argv);
    expect(code).toBe(3);
    expect(message).toMatch(/Prometheus at .* does not answer/);
    expect(message).not.toMatch(/pass --prometheus/);
    expect(message).toMatch(/--no-slo/);
    expect(target.hits.map((h) => h.path)).toEqual(['/health']);
  });

  it('a --remote-write that takes no write is exit 3 naming its answer; only /health was asked', async () => {
    const prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
    try {
      // The usual slip: Prometheus's base URL, not its write endpoint.
      const argv = ['capacity', '--target', target.url, '--yes', '--no-slo'];
      argv.push('--remote-write', prom.url, ...results());
      const { code, message } = await exitOf(argv);
      expect(code).toBe(3);
      expect(message).toMatch(
        /--remote-write http:\/\/127\.0\.0\.1:\d+ does not take a write: it answered [34]\d\d/,
      );
      expect(message).toMatch(/api\/v1\/write.*--web\.enable-remote-write-receiver/s);
      expect(target.hits.map((h) => h.path)).toEqual(['/health']);
      // The write endpoint takes the check's write, which writes nothing.
      await expect(checkRemoteWrite({ url: `${prom.url}/api/v1/write` })).resolves.toBeUndefined();
      const series = await fetch(`${prom.url}/api/v1/series?match[]={__name__=~".%2B"}`);
      expect(((await series.json()) as { data: unknown[] }).data).toEqual([]);
      // Nothing listening: exit 3 too.
      const down = `http://127.0.0.1:${await freePort()}/api/v1/write`;
      const argv2 = ['capacity', '--target', target.url, '--yes', '--no-slo'];
      const refused = await exitOf([...argv2, '--remote-write', down, ...results()]);
      expect(refused.code).toBe(3);
      expect(refused.message).toMatch(/does not take a write: .*ECONNREFUSED/);
    } finally {
      await prom.stop();
    }
  });

  it('a local platform port in use is exit 3 in one line', async () => {
    const busy = await countingServer();
    const port = new URL(busy.url).port;
    try {
      await expect(platformCommand(['--port', port])).rejects.toMatchObject({ code: 3 });
      await expect(platformCommand(['--metrics-port', port])).rejects.toMatchObject({
        code: 3,
        message: expect.stringMatching(/already in use/),
      });
    } finally {
      await busy.close();
    }
  });
});

describe('what counts as loopback', () => {
  it('is a loopback literal or localhost, never a name, whatever it resolves to', async () => {
    delete process.env.LOADGATE_GATE_LOOPBACK_IS_REMOTE;
    expect(await isLoopbackTarget('http://127.0.0.1:1')).toBe(true);
    expect(await isLoopbackTarget('http://127.8.9.10:1')).toBe(true);
    expect(await isLoopbackTarget('http://[::1]:1')).toBe(true);
    expect(await isLoopbackTarget('http://localhost:1')).toBe(true);
    expect(await isLoopbackTarget('http://api.localhost:1')).toBe(true);
    // A shared environment's name, even mapped to 127.0.0.1 in /etc/hosts.
    expect(await isLoopbackTarget('http://gateway.staging.test:1')).toBe(false);
    expect(await isLoopbackTarget('http://192.0.2.1:1')).toBe(false);
    expect(await isLoopbackTarget('http://[::ffff:10.0.0.1]:1')).toBe(false);
  });
});

describe('loading with --yes --max-rps 20', () => {
  let platform: Platform;
  let proxy: Counted;
  beforeAll(async () => {
    platform = await startPlatform({}, { log: () => undefined });
    proxy = await countingServer(platform.gatewayUrl);
    // Twenty workers (every service's pool at its min): slow on a busy machine.
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    await platform?.stop();
  });

  it('keeps the request rate at the target at most 20 req/s', { timeout: 120_000 }, async () => {
    const argv = [
      'capacity',
      '--target',
      proxy.url,
      '--yes',
      '--max-rps',
      '20',
      '-e',
      'DURATION=20s',
      // Short ramps: the capacity shape in half a minute instead of three.
      '-e',
      'RAMP_DURATION=5s',
      '--no-slo',
      '--engine',
      'builtin',
      ...results(),
    ];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await run(argv);
    expect([0, 1]).toContain(code); // thresholds may fail on 2 shared cores; the rate is the point
    expect(proxy.hits.length).toBeGreaterThan(100);
    // Requests per wall-clock second at the target, and over 5 s windows (the
    // planned rate is a mean: a second may see a few of the next one's requests).
    const start = proxy.hits[0]!.at;
    const perSecond = new Map<number, number>();
    for (const h of proxy.hits) {
      const s = Math.floor((h.at - start) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const last = Math.max(...perSecond.keys());
    const counts = Array.from({ length: last + 1 }, (_, s) => perSecond.get(s) ?? 0);
    const windows = counts
      .slice(4)
      .map((_, i) => counts.slice(i, i + 5).reduce((a, b) => a + b, 0) / 5);
    console.info(`per-second peak ${Math.max(...counts)}, 5 s peak ${Math.max(...windows)}`);
    expect(Math.max(...windows)).toBeLessThanOrEqual(20);
  });
});
