// Users reach Prometheus through corporate proxies: the checker's API clients
// go through the proxy HTTPS_PROXY / HTTP_PROXY name, and around it for the
// hosts NO_PROXY lists (issue 10 item 10). The proxy here is a real CONNECT
// proxy on loopback that counts the tunnels it opened.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../slo/index.ts';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';

let proxy: Server;
let proxyUrl: string;
let tunnels: string[] = [];
const sockets = new Set<Socket>();
let prometheus: FakePrometheus;
let dir: string;
let spec: string;

const ONE = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
};

beforeAll(async () => {
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  prometheus = await startFakePrometheus({ 'sum(up)': ONE });
  dir = await mkdtemp(join(tmpdir(), 'loadgate-proxy-'));
  spec = join(dir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'proxy' },
      objectives: [{ name: 'up', kind: 'promql', query: 'sum(up)', op: '>=', bound: 1 }],
    }),
  );
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  tunnels = [];
});
afterAll(async () => {
  vi.restoreAllMocks();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await prometheus.close();
  await rm(dir, { recursive: true, force: true });
});

const check = () =>
  runCheck({
    spec,
    prometheusUrl: prometheus.url,
    from: new Date('2024-01-01T00:00:00Z'),
    to: new Date('2024-01-01T00:10:00Z'),
  });

describe('the Prometheus API through a proxy', () => {
  it('goes through the proxy HTTP_PROXY names', async () => {
    vi.stubEnv('HTTP_PROXY', proxyUrl);
    vi.stubEnv('NO_PROXY', '');
    const { exitCode, verdict } = await check();
    expect(verdict.objectives[0]).toMatchObject({ status: 'pass' });
    expect(exitCode).toBe(0);
    expect(tunnels).toContain(new URL(prometheus.url).host);
  });

  it('goes around it for a host NO_PROXY lists', async () => {
    vi.stubEnv('HTTP_PROXY', proxyUrl);
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    const { exitCode } = await check();
    expect(exitCode).toBe(0);
    expect(tunnels).toEqual([]);
  });
});
