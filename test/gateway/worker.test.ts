import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { api, demoToken, eventually, sample } from './helpers.ts';

const WORKER = join(import.meta.dirname, '../../infra/local/gateway/worker.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loadgate-gw-worker-'));
  dirs.push(dir);
  return dir;
}

/** What the supervisor draws once per start and hands to every worker. */
const SECRET = 'one-secret-for-every-worker-of-this-pool';

/** Fork worker.ts like the supervisor does (IPC channel, tsx hooks), minus the cluster. */
async function startWorker(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      PORT: String(port),
      LOADGATE_GATEWAY_OPTIONS: JSON.stringify({
        dataDir,
        bcryptCost: 4,
        orderConfirmDelayMs: 50,
        jwtSecret: SECRET,
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
    return fetch(`${url}/health`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  }, 20_000);
  return { child, url, exited };
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('gateway worker processes', () => {
  it('three workers starting at once on one data dir seed it exactly once and share orders', async () => {
    const dataDir = tempDir();
    const workers = await Promise.all([
      startWorker(dataDir),
      startWorker(dataDir),
      startWorker(dataDir),
    ]);
    for (const w of workers) {
      const res = await api(w.url, '/api/products?per_page=1');
      expect(res.body.meta.total).toBe(504);
      expect((await api(w.url, '/api/categories')).body.data).toHaveLength(24);
    }
    const [a, b] = workers;
    const token = await demoToken(a.url);
    const basket = (await api(a.url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    await api(b.url, `/api/baskets/${basket}/items`, {
      token,
      json: { product_id: 9, quantity: 1 },
    });
    const address = (
      await api(b.url, '/api/addresses', {
        token,
        json: { line1: 'a', city: 'b', postal_code: 'c', country: 'IT' },
      })
    ).body.data.id as number;
    const body = { basket_id: basket, address_id: address, payment_method: 'card' };
    const placed = await api(a.url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'shared' },
      json: body,
    });
    const replay = await api(b.url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'shared' },
      json: body,
    });
    expect(replay.body.data.id).toBe(placed.body.data.id);
    const status = await eventually(async () => {
      const res = await api(b.url, `/api/orders/${placed.body.data.id}`, { token });
      return res.body.data.status === 'confirmed' ? res.body.data.status : undefined;
    });
    expect(status).toBe('confirmed');
    // Workers leave /metrics to the supervisor, which aggregates them.
    expect((await fetch(`${a.url}/metrics`)).status).toBe(404);
  });

  it('survives bad input of every kind and keeps answering', async () => {
    const w = await startWorker(tempDir());
    const token = await demoToken(w.url);
    const json = { 'content-type': 'application/json' };
    expect((await api(w.url, '/api/auth/login', { raw: '{"a":', headers: json })).status).toBe(400);
    expect(
      (await api(w.url, '/api/auth/login', { raw: 'x'.repeat(2_000_000), headers: json })).status,
    ).toBe(413);
    expect(
      (
        await api(w.url, '/api/auth/login', {
          raw: 'a=b',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
    const traversal = new FormData();
    traversal.append('subject', 's');
    traversal.append('message', 'm');
    traversal.append('attachment', new Blob(['%PDF-1.4']), '../../../../tmp/owned.pdf');
    expect(
      (await api(w.url, '/api/sav/tickets', { method: 'POST', token, raw: traversal })).status,
    ).toBe(422);
    const broken = await api(w.url, '/api/sav/tickets', {
      token,
      raw: '--B\r\nContent-Disposition: form-data; name="attachment"; filename="a.pdf"\r\n\r\n%PDF',
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
    });
    expect(broken.status).toBe(400);
    expect((await fetch(`${w.url}/api/products?search=${'%'.repeat(20_000)}`)).status).toBe(431);
    expect((await api(w.url, '/api/products/%00%2e%2e')).status).toBe(404);
    // Not even HTTP: the socket is answered 400 and closed, the process lives on.
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(w.url).port), '127.0.0.1', () =>
        socket.end('\x16\x03\x01 not http at all\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect((await api(w.url, '/health')).status).toBe(200);
    expect(w.child.exitCode).toBeNull();
  });

  it('applies faults sent over IPC, ignores malformed ones, exits 1 on crash', async () => {
    const w = await startWorker(tempDir());
    w.child.send({
      type: 'faults',
      faults: { routes: [{ route: '/api/categories', errorRatio: 1, errorStatus: 500 }] },
    });
    await eventually(async () =>
      (await api(w.url, '/api/categories')).status === 500 ? true : undefined,
    );
    w.child.send({ type: 'faults', faults: { routes: 'nonsense' } });
    w.child.send({ something: 'else' });
    expect((await api(w.url, '/api/categories')).status).toBe(500);
    w.child.send({ type: 'faults', faults: {} });
    await eventually(async () =>
      (await api(w.url, '/api/categories')).status === 200 ? true : undefined,
    );
    w.child.send({ type: 'crash' });
    expect(await w.exited).toBe(1);
  });

  it('stops gracefully on SIGTERM, and when its parent goes away (exit 0)', async () => {
    const dataDir = tempDir();
    const [w, orphan] = await Promise.all([startWorker(dataDir), startWorker(dataDir)]);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    orphan.child.disconnect();
    expect(await orphan.exited).toBe(0);
  });

  it('refuses to start without options (exit 2)', async () => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LOADGATE_GATEWAY_OPTIONS: '{"nope":1}', PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('LOADGATE_GATEWAY_OPTIONS');
  });
});

/**
 * The supervisor's setup in miniature: a node:cluster primary runs worker.ts
 * twice on one port and merges their registries with AggregatorRegistry.
 */
const PRIMARY = `
import cluster from 'node:cluster';
import { createInterface } from 'node:readline';
import { AggregatorRegistry } from 'prom-client';
const registry = new AggregatorRegistry();
cluster.setupPrimary({ exec: process.env.WORKER, execArgv: ['--import', 'tsx'] });
let listening = 0;
for (let i = 0; i < 2; i++) cluster.fork();
cluster.on('listening', () => { if (++listening === 2) console.log('ready'); });
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'pause') for (const w of Object.values(cluster.workers)) w.send({ type: 'faults', faults: { queuePaused: true } });
  if (line === 'metrics') console.log(JSON.stringify(await registry.clusterMetrics()));
  if (line === 'stop') { for (const w of Object.values(cluster.workers)) w.kill('SIGTERM'); }
});
cluster.on('exit', () => { if (Object.keys(cluster.workers).length === 0) process.exit(0); });
`;

describe('under node:cluster', () => {
  it('workers share the port; the queue gauge aggregates with max, requests with sum', async () => {
    const port = await freePort();
    const primary = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', PRIMARY],
      {
        cwd: join(import.meta.dirname, '../..'),
        env: {
          ...process.env,
          WORKER,
          PORT: String(port),
          LOADGATE_GATEWAY_OPTIONS: JSON.stringify({
            dataDir: tempDir(),
            bcryptCost: 4,
            jwtSecret: SECRET,
          }),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    children.push(primary);
    const lines = createInterface({ input: primary.stdout! })[Symbol.asyncIterator]();
    const next = async (): Promise<string> => (await lines.next()).value as string;
    expect(await next()).toBe('ready');
    const url = `http://127.0.0.1:${port}`;

    primary.stdin!.write('pause\n');
    const token = await demoToken(url);
    const basket = (await api(url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    await api(url, `/api/baskets/${basket}/items`, { token, json: { product_id: 4, quantity: 1 } });
    const address = (
      await api(url, '/api/addresses', {
        token,
        json: { line1: 'a', city: 'b', postal_code: 'c', country: 'ES' },
      })
    ).body.data.id as number;
    // Whichever worker serves the paused requests, both consumers must be paused before we order.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 2; i++) {
      const res = await api(url, '/api/orders', {
        token,
        headers: { 'idempotency-key': `cluster-${i}` },
        json: { basket_id: basket, address_id: address, payment_method: 'card' },
      });
      expect(res.status).toBe(202);
    }
    for (let i = 0; i < 20; i++) await api(url, '/api/products/1');

    primary.stdin!.write('metrics\n');
    const text = JSON.parse(await next()) as string;
    expect(sample(text, 'rabbitmq_queue_messages_ready{queue="orders"}')).toBe(2);
    expect(
      sample(
        text,
        'http_requests_total{service="api-gateway",route="/api/products/{id}",method="GET",status="200"}',
      ),
    ).toBe(20);

    const exited = new Promise((resolve) => primary.once('exit', resolve));
    primary.stdin!.write('stop\n');
    expect(await exited).toBe(0);
  });
});
