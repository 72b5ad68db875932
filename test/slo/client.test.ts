import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { runCheck } from '../../slo/index.ts';
import { PrometheusClient } from '../../slo/prometheus.ts';
import { selfSignedCert } from '../self-signed.ts';
import { startFakePrometheus } from './fake-prometheus.ts';
import { ExitError } from '../../core/errors.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const ONE = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
};
const AT = new Date('2024-01-01T00:00:00Z');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-client-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the Prometheus client', () => {
  it('sends bearer, basic and extra headers (X-Scope-OrgID for Mimir)', async () => {
    const fake = await startFakePrometheus({ up: ONE });
    try {
      const bearer = new PrometheusClient({
        url: fake.url,
        bearerToken: 's3cret',
        headers: { 'X-Scope-OrgID': 'tenant-1' },
      });
      await bearer.query('up', AT);
      await bearer.close();
      const basic = new PrometheusClient({ url: fake.url, basicAuth: 'sre:pa:ss' });
      await basic.query('up', AT);
      await basic.close();
      expect(fake.requests[0]!.headers).toMatchObject({
        authorization: 'Bearer s3cret',
        'x-scope-orgid': 'tenant-1',
      });
      expect(fake.requests[1]!.headers.authorization).toBe(
        `Basic ${Buffer.from('sre:pa:ss').toString('base64')}`,
      );
    } finally {
      await fake.close();
    }
  });

  it("retries a 503, then reports Prometheus' own error", async () => {
    let calls = 0;
    const server = createHttpServer((_req, res) => {
      calls++;
      res.statusCode = calls === 1 ? 503 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          calls === 1 ? { status: 'error', errorType: 'unavailable', error: 'busy' } : ONE,
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new PrometheusClient({ url, retries: 2 });
    try {
      expect((await client.query('up', AT)).series[0]!.points[0]![1]).toBe(1);
      expect(calls).toBe(2);
    } finally {
      await client.close();
      await new Promise((r) => server.close(r));
    }
    const failing = await startFakePrometheus({}, { status: 500 });
    const giveUp = new PrometheusClient({ url: failing.url, retries: 1 });
    try {
      const error = await giveUp.query('up', AT).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/internal.*fake failure/);
      expect(failing.requests).toHaveLength(2);
    } finally {
      await giveUp.close();
      await failing.close();
    }
  });

  it('stops with exit 3 and a hint when credentials are refused', async () => {
    const server = createHttpServer((_req, res) => {
      res.statusCode = 401;
      res.end('Unauthorized');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      const error = (await client.query('up', AT).catch((e: unknown) => e)) as ExitError;
      expect(error).toBeInstanceOf(ExitError);
      expect(error.code).toBe(3);
      expect(error.hint).toMatch(/--bearer-token/);
    } finally {
      await client.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('trusts a custom CA, refuses an unknown certificate, and --insecure skips the check', async () => {
    const { keyPath: key, certPath: cert } = selfSignedCert(dir);
    const server = createHttpsServer(
      { key: await readFile(key), cert: await readFile(cert) },
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(ONE));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clients = [
      new PrometheusClient({ url, caFile: cert }),
      new PrometheusClient({ url, retries: 0 }),
      new PrometheusClient({ url, insecure: true }),
    ];
    try {
      expect((await clients[0]!.query('up', AT)).series).toHaveLength(1);
      const error = (await clients[1]!.query('up', AT).catch((e: unknown) => e)) as ExitError;
      expect(error.code).toBe(3);
      expect(error.message).toMatch(/SELF_SIGNED|self.signed|UNABLE_TO_VERIFY/i);
      expect((await clients[2]!.query('up', AT)).series).toHaveLength(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await new Promise((r) => server.close(r));
    }
  });
});

describe('the Pushgateway push', () => {
  it('PUTs the verdict metrics labelled by profile and objective', async () => {
    const received: { method?: string; url?: string; body: string }[] = [];
    const gateway = createHttpServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body });
        res.statusCode = 200;
        res.end();
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const prometheus = await startFakePrometheus({ 'sum(up)': ONE });
    const spec = join(dir, 'push.yaml');
    await writeFile(
      spec,
      JSON.stringify({
        apiVersion: 'loadgate/v1',
        kind: 'SLO',
        metadata: { name: 'push', profile: 'capacity' },
        objectives: [
          { name: 'targets-up', kind: 'promql', query: 'sum(up)', op: '>=', bound: 1 },
          { name: 'missing', kind: 'promql', query: 'nothing_here', bound: 1, onNoData: 'warn' },
        ],
      }),
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { exitCode } = await runCheck({
        spec,
        prometheusUrl: prometheus.url,
        from: AT,
        to: new Date(AT.getTime() + 600_000),
        pushgatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
      });
      expect(exitCode).toBe(2); // `nothing_here` has no recorded answer: Prometheus' bad_data
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        method: 'PUT',
        url: '/metrics/job/loadgate_slo/profile/capacity',
      });
      const body = received[0]!.body;
      expect(body).toContain(
        'loadgate_slo_objective_status{profile="capacity",objective="targets-up",kind="promql"} 0',
      );
      expect(body).toContain(
        'loadgate_slo_objective_status{profile="capacity",objective="missing",kind="promql"} 4',
      );
      expect(body).toContain('loadgate_slo_value{profile="capacity",objective="targets-up"} 1');
      expect(body).toContain('loadgate_run_verdict{profile="capacity"} 0');
    } finally {
      vi.restoreAllMocks();
      await prometheus.close();
      await new Promise((r) => gateway.close(r));
    }
  });
});

describe('loadgate slo (the command)', () => {
  const loadgate = (...args: string[]) =>
    run('node', [join(ROOT, 'bin/loadgate.mjs'), 'slo', ...args], { cwd: ROOT }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('exits 3 naming the URL when Prometheus is down', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await loadgate(
      'check',
      '--spec',
      'slo/local.yaml',
      '--prometheus',
      url,
      '--last',
      '5m',
    );
    expect(code).toBe(3);
    expect(stderr).toContain(
      `Prometheus at ${url} is unreachable (ECONNREFUSED): start it or pass --prometheus URL`,
    );
  });

  it('exits 2 with every error of a bad spec, and on an unknown flag', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'apiVersion: loadgate/v2\nkind: SLO\nmetadata: {}\nobjectives:\n  - { name: x, kind: latency, bound: "1s" }\n',
    );
    const validate = await loadgate('validate', bad, 'slo/platform.yaml');
    expect(validate.code).toBe(2);
    expect(validate.stdout).toContain('✔ slo/platform.yaml');
    expect(validate.stderr).toContain('(3 errors)');
    expect(validate.stderr).toContain('→ at objectives[0].bound (line 5)');
    const check = await loadgate(
      'check',
      '--spec',
      bad,
      '--prometheus',
      'http://127.0.0.1:9',
      '--last',
      '5m',
    );
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('→ at apiVersion (line 1)');
    const flag = await loadgate('check', '--spec', 'slo/local.yaml', '--prometheus-url', 'x');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--prometheus-url'[\s\S]*Usage/);
  });
});
