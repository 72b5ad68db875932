// Prometheus behind basic auth, as many are: the credentials given in the
// --prometheus URL are used, by the SLO check's queries and by the engine's
// remote write alike, and written nowhere (issue 10 item 2).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, listen, type Gateway } from '../../infra/local/gateway/app.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { loadgate } from './loadgate.ts';

const USER = 'loadgate';
const PASSWORD = 'pa55-w0rd-never-written';

let dir: string;
let prometheus: RunningPrometheus;
let gateway: Gateway;
let target: string;
let spec: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-credentials-'));
  const webConfig = join(dir, 'web.yml');
  await writeFile(
    webConfig,
    `basic_auth_users:\n  ${USER}: ${JSON.stringify(bcrypt.hashSync(PASSWORD, 4))}\n`,
  );
  prometheus = await startPrometheus({
    config: 'global: { scrape_interval: 15s }\n',
    args: [`--web.config.file=${webConfig}`],
  });
  gateway = createGateway({ dataDir: join(dir, 'gateway'), bcryptCost: 4 });
  target = await listen(gateway);
  // Both sides of the credentials: the engine's samples reached Prometheus
  // (remote write), and the checker read them back (queries).
  spec = join(dir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'credentials' },
      objectives: [
        {
          name: 'remote-written',
          kind: 'promql',
          query: 'sum(k6_http_reqs_total)',
          op: '>',
          bound: 0,
          key: true,
        },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a Prometheus behind basic auth', () => {
  it('refuses a request without the credentials (the test is not vacuous)', async () => {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=up`);
    expect(res.status).toBe(401);
  });

  it('is written to and queried with the URL user-info, which no file or log holds', async () => {
    const port = new URL(prometheus.url).port;
    const results = join(dir, 'results');
    const outcome = await loadgate([
      'run',
      'smoke',
      '--journey',
      'browse',
      '--target',
      target,
      '--prometheus',
      `http://${USER}:${PASSWORD}@127.0.0.1:${port}`,
      // Remote write is explicit with --target (never implied by --prometheus).
      '--remote-write',
      `http://${USER}:${PASSWORD}@127.0.0.1:${port}/api/v1/write`,
      '--slo',
      spec,
      '--results',
      results,
      '-e',
      'SMOKE_DURATION=3s',
    ]);
    expect(outcome.code, outcome.output).toBe(0);
    expect(outcome.output).not.toContain(PASSWORD);

    const [runId] = await readdir(results);
    const runDir = join(results, runId!);
    const verdict = JSON.parse(await readFile(join(runDir, 'slo.json'), 'utf8'));
    expect(verdict.objectives[0]).toMatchObject({ name: 'remote-written', status: 'pass' });
    const record = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(record.prometheusUrl).toBe(`http://***@127.0.0.1:${port}`);
    for (const file of await readdir(runDir))
      expect(await readFile(join(runDir, file), 'utf8'), file).not.toContain(PASSWORD);

    // Judged again later from the record, the credentials come from the environment.
    const denied = await loadgate(['slo', 'check', '--spec', spec, '--run', runDir, '--quiet']);
    expect(denied.code, denied.output).toBe(3);
    const again = await loadgate(['slo', 'check', '--spec', spec, '--run', runDir, '--quiet'], {
      env: { PROMETHEUS_BASIC_AUTH: `${USER}:${PASSWORD}` },
    });
    expect(again.code, again.output).toBe(0);
    expect(denied.output + again.output).not.toContain(PASSWORD);
  }, 90_000);
});
