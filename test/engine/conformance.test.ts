import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../engine/index.ts';
import { findK6 } from '../../engine/real-k6.ts';
import { startTestServer } from './server.ts';

/**
 * The conformance suite: the same small k6 scripts and the same expectations
 * for the built-in engine and, when it is installed, real k6. Expectations
 * read what both engines write: exit code, `--summary-export`, NDJSON.
 */
const hasK6 = findK6() !== undefined;
const dir = join(import.meta.dirname, 'conformance');
let server: Awaited<ReturnType<typeof startTestServer>>;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-engine-'));
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

type Legacy = {
  root_group: {
    groups: Record<string, { checks: Record<string, { passes: number; fails: number }> }>;
    checks: Record<string, { passes: number; fails: number }>;
  };
  metrics: Record<string, Record<string, unknown>>;
  setup_data?: unknown;
};

async function run(
  engine: 'builtin' | 'k6',
  script: string,
  extra: { env?: Record<string, string>; signal?: AbortSignal } = {},
) {
  const name = `${engine}-${script}-${Math.random().toString(16).slice(2)}`;
  const summaryExport = join(tmp, `${name}.summary.json`);
  const outJson = join(tmp, `${name}.ndjson`);
  const result = await runScript({
    script: join(dir, script),
    engine,
    env: { BASE_URL: server.url, SUMMARY_FILE: join(tmp, `${name}.handle.json`), ...extra.env },
    summaryExport,
    outJson,
    quiet: true,
    signal: extra.signal,
  });
  const read = async (p: string) => readFile(p, 'utf8').catch(() => undefined);
  const legacy = await read(summaryExport);
  return {
    ...result,
    legacy: legacy ? (JSON.parse(legacy) as Legacy) : undefined,
    ndjson: (await read(outJson))
      ?.split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    handle: await read(join(tmp, `${name}.handle.json`)),
  };
}

const engines = [
  { engine: 'builtin' as const, skip: false, label: 'built-in engine' },
  { engine: 'k6' as const, skip: !hasK6, label: 'real k6 (requires k6 on PATH)' },
];

for (const { engine, skip, label } of engines) {
  describe(`conformance: ${label}`, () => {
    it.skipIf(skip)('counts checks per group and writes the legacy summary', async () => {
      const r = await run(engine, 'checks.js');
      expect(r.exitCode).toBe(0);
      const checks = r.legacy!.root_group.groups.home!.checks;
      expect(checks['status is 200']).toMatchObject({ passes: 5, fails: 0 });
      expect(checks['body is nope']).toMatchObject({ passes: 0, fails: 5 });
      expect(r.legacy!.metrics.checks).toMatchObject({ passes: 5, fails: 5, value: 0.5 });
      expect(r.legacy!.metrics.iterations).toMatchObject({ count: 5 });
      expect(r.legacy!.metrics.http_reqs).toMatchObject({ count: 5 });
      expect(Object.keys(r.legacy!).sort()).toEqual(['metrics', 'root_group']); // no setup()
    });

    it.skipIf(skip)('runs the six executors with the expected iteration counts', async () => {
      const r = await run(engine, 'executors.js');
      const crossed = Object.entries(r.legacy!.metrics)
        .filter(
          ([, m]) =>
            m.thresholds && Object.values(m.thresholds as Record<string, boolean>).some(Boolean),
        )
        .map(([k, m]) => `${k}: ${JSON.stringify(m)}`);
      expect(crossed).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(r.legacy!.metrics['iterations{scenario:shared}']).toMatchObject({ count: 7 });
      expect(r.legacy!.metrics['iterations{scenario:pervu}']).toMatchObject({ count: 6 });
    });

    it.skipIf(skip)(
      'drops arrivals while the only pre-allocated VU is busy, and starts no other VU',
      async () => {
        const r = await run(engine, 'dropped.js');
        expect(r.exitCode).toBe(0);
        const m = r.legacy!.metrics as Record<string, { count?: number; max?: number }>;
        const ran = m.iterations!.count!;
        const dropped = m.dropped_iterations!.count!;
        // 10 arrivals, 100 ms apart, each iteration 250 ms long: ~4 run, ~6
        // dropped. k6 guarantees the schedule within one arrival (an arrival
        // due at the very end may or may not count): 11 in 3 of 4 real k6 runs.
        expect(Math.abs(ran + dropped - 10)).toBeLessThanOrEqual(1);
        expect(ran).toBeGreaterThanOrEqual(2);
        expect(dropped).toBeGreaterThanOrEqual(3);
        expect(m.vus_max!.max).toBe(1);
      },
    );

    it.skipIf(skip)(
      'exits 99 when a threshold is crossed, with the summary still written',
      async () => {
        const r = await run(engine, 'thresholds-fail.js');
        expect(r.exitCode).toBe(99);
        expect(r.legacy!.metrics.custom_waiting!.thresholds).toEqual({ 'avg<10': true });
        expect(r.legacy!.metrics['http_req_duration{status:200}']!.thresholds).toEqual({
          'max>=0': false,
        });
        expect(r.legacy!.metrics.http_req_failed!.thresholds).toEqual({ 'rate<0.5': false });
      },
    );

    it.skipIf(skip)('exits 107 on an exception in init or setup', async () => {
      expect((await run(engine, 'init-throws.js')).exitCode).toBe(107);
      expect((await run(engine, 'setup-throws.js')).exitCode).toBe(107);
    });

    it.skipIf(skip)(
      'exits 107 on an exception in setup() and still writes the summary',
      async () => {
        const r = await run(engine, 'setup-throws.js');
        expect(r.exitCode).toBe(107);
        expect(r.legacy).toBeDefined();
        expect(JSON.parse(r.handle!)).toEqual({ written: true });
      },
    );

    it.skipIf(skip)(
      'exits 100 when setup() runs past setupTimeout, summary written, no iteration',
      async () => {
        for (const hang of ['sleep', 'loop']) {
          const r = await run(engine, 'setup-timeout.js', { env: { HANG: hang } });
          expect(r.exitCode, hang).toBe(100);
          expect(JSON.parse(r.handle!), hang).toEqual({ iterations: null });
        }
      },
      30_000,
    );

    it.skipIf(skip)(
      'exits 101 when teardown() runs past teardownTimeout, summary written',
      async () => {
        const r = await run(engine, 'teardown-timeout.js');
        expect(r.exitCode).toBe(101);
        expect(JSON.parse(r.handle!)).toEqual({ iterations: 2 });
      },
      30_000,
    );

    it.skipIf(skip)('exits 108 on test.abort() and still writes the summary', async () => {
      const r = await run(engine, 'abort.js');
      expect(r.exitCode).toBe(108);
      expect(r.legacy!.metrics.iterations!.count).toBeLessThan(100);
    });

    it.skipIf(skip)(
      "runs setup() and teardown() in k6's ::setup and ::teardown groups",
      async () => {
        const r = await run(engine, 'lifecycle.js');
        const crossed = Object.entries(r.legacy!.metrics)
          .filter(([, m]) =>
            Object.values((m.thresholds ?? {}) as Record<string, boolean>).some(Boolean),
          )
          .map(([k]) => k);
        expect(crossed).toEqual([]);
        expect(r.exitCode).toBe(0);
        const groups = r.legacy!.root_group.groups;
        expect(groups.setup!.checks['setup request']).toMatchObject({ passes: 1, fails: 0 });
        expect(groups.teardown!.checks['teardown request']).toMatchObject({ passes: 1, fails: 0 });
        expect(r.legacy!.root_group.checks['setup request']).toBeUndefined();
        expect(r.legacy!.metrics['http_reqs{group:::setup}']).toMatchObject({ count: 1 });
        expect(r.legacy!.setup_data).toEqual({ token: 'abc', n: 1 });
        // exec.vu.tags in an iteration: the scenario tag and every other tag.
        const vuTags = Object.entries(r.legacy!.root_group.checks).filter(([n]) =>
          n.startsWith('exec.vu.tags'),
        );
        expect(vuTags.map(([n, c]) => [n, c.passes, c.fails])).toEqual([
          ['exec.vu.tags: the scenario tag', 2, 0],
          ["exec.vu.tags: the scenario's tags and options.tags", 2, 0],
          ['exec.vu.tags: the root group', 2, 0],
          ["exec.vu.tags: the script's own tag, as a string, beside the others", 2, 0],
        ]);
        expect(groups.inner!.checks['exec.vu.tags: the current group']).toMatchObject({
          passes: 2,
          fails: 0,
        });
      },
    );

    it.skipIf(skip)(
      "gives handleSummary() setup_data, and k6's group and check ids (MD5 of the path)",
      async () => {
        const r = await run(engine, 'lifecycle.js');
        type G = {
          name: string;
          path: string;
          id: string;
          groups: G[];
          checks: { name: string; path: string; id: string }[];
        };
        const data = JSON.parse(r.handle!) as {
          keys: string[];
          setup_data: unknown;
          root_group: G;
        };
        expect(data.keys).toEqual(['metrics', 'options', 'root_group', 'setup_data', 'state']);
        expect(data.setup_data).toEqual({ token: 'abc', n: 1 });
        const root = data.root_group;
        expect(root).toMatchObject({ name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e' });
        expect(root.groups.map((g) => [g.name, g.path, g.id])).toEqual([
          ['setup', '::setup', md5('::setup')],
          ['inner', '::inner', md5('::inner')],
          ['teardown', '::teardown', md5('::teardown')],
        ]);
        expect(root.groups[0]!.checks).toEqual([
          expect.objectContaining({
            name: 'setup request',
            path: '::setup::setup request',
            id: md5('::setup::setup request'),
          }),
        ]);
        const own = root.checks.find((c) => c.name === 'setup data')!;
        expect(own).toMatchObject({ path: '::setup data', id: md5('::setup data') });
      },
    );

    it.skipIf(skip)(
      'stops on a failed abortOnFail threshold at an evaluation 2 s apart, after delayAbortEval, exit 99',
      async () => {
        const r = await run(engine, 'abort-on-fail.js');
        expect(r.exitCode).toBe(99);
        const stopped = JSON.parse(r.handle!) as { durationMs: number; iterations: number };
        // Failing from the first iteration: the first evaluation is 2 s in
        // (k6 starts its clock a little before the run's, hence 1.5 s), not 1 s.
        expect(stopped.durationMs).toBeGreaterThan(1500);
        expect(stopped.durationMs).toBeLessThan(20_000);
        const delayed = await run(engine, 'abort-on-fail.js', { env: { DELAY: '3s' } });
        expect(delayed.exitCode).toBe(99);
        const late = JSON.parse(delayed.handle!) as { durationMs: number };
        expect(late.durationMs).toBeGreaterThan(3000);
        expect(late.durationMs).toBeLessThan(20_000);
      },
      60_000,
    );

    it.skipIf(skip)('exits 104 on an unsupported executor', async () => {
      expect((await run(engine, 'unsupported-executor.js')).exitCode).toBe(104);
    });

    it.skipIf(skip)('writes NDJSON Metric and Point lines with the system tags', async () => {
      const r = await run(engine, 'checks.js');
      const metric = r.ndjson!.find((l) => l.type === 'Metric' && l.metric === 'http_reqs');
      expect(metric).toMatchObject({
        data: { name: 'http_reqs', type: 'counter', contains: 'default' },
      });
      const point = r.ndjson!.find((l) => l.type === 'Point' && l.metric === 'http_reqs') as {
        data: { value: number; time: string; tags: Record<string, string> };
      };
      expect(point.data.value).toBe(1);
      expect(Number.isNaN(Date.parse(point.data.time))).toBe(false);
      expect(point.data.tags).toMatchObject({
        method: 'GET',
        status: '200',
        name: `${server.url}/`,
        url: `${server.url}/`,
        group: '::home',
        scenario: 'default',
        expected_response: 'true',
      });
      const check = r.ndjson!.find((l) => l.type === 'Point' && l.metric === 'checks') as {
        data: { tags: Record<string, string> };
      };
      expect(check.data.tags).toMatchObject({ check: 'status is 200', group: '::home' });
    });

    it.skipIf(skip)(
      'implements the k6 APIs the journeys use, and handleSummary gets k6-shaped data',
      async () => {
        const r = await run(engine, 'api.js');
        expect(r.exitCode).toBe(0);
        const data = JSON.parse(r.handle!) as {
          root_group: {
            name: string;
            id: string;
            groups: { name: string; checks: { name: string; passes: number; fails: number }[] }[];
            checks: { name: string; passes: number; fails: number }[];
          };
          options: Record<string, unknown>;
          state: Record<string, unknown>;
          metrics: Record<
            string,
            { type: string; contains: string; values: Record<string, number> }
          >;
        };
        expect(Object.keys(data).sort()).toEqual([
          'metrics',
          'options',
          'root_group',
          'setup_data',
          'state',
        ]);
        expect(data.root_group).toMatchObject({
          name: '',
          path: '',
          id: 'd41d8cd98f00b204e9800998ecf8427e',
        });
        expect(data.options).toEqual({
          summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'],
          summaryTimeUnit: '',
          noColor: false,
        });
        expect(Object.keys(data.state).sort()).toEqual([
          'isStdErrTTY',
          'isStdOutTTY',
          'testRunDurationMs',
        ]);
        const failing = [
          ...data.root_group.checks,
          ...data.root_group.groups.flatMap((g) => g.checks),
        ]
          .filter((c) => c.fails > 0)
          .map((c) => c.name);
        expect(failing).toEqual([]);
        const http = data.root_group.groups.find((g) => g.name === 'http')!;
        expect(data.root_group.checks.length + http.checks.length).toBe(16);
        expect(data.metrics.http_req_duration).toMatchObject({ type: 'trend', contains: 'time' });
        expect(Object.keys(data.metrics.http_req_duration!.values)).toEqual([
          'avg',
          'min',
          'med',
          'max',
          'p(90)',
          'p(95)',
        ]);
        expect(data.metrics.hits).toMatchObject({ type: 'counter', values: { count: 8 } });
        expect(data.metrics.level).toMatchObject({ type: 'gauge', values: { value: 7 } });
        expect(data.metrics.good).toMatchObject({
          type: 'rate',
          values: { rate: 1, passes: 4, fails: 0 },
        });
        expect(data.metrics.http_req_failed).toMatchObject({ type: 'rate' });
        expect(data.metrics['http_req_duration{expected_response:true}']).toBeDefined();
        const point = r.ndjson!.find((l) => l.type === 'Point' && l.metric === 'hits') as {
          data: { tags: Record<string, string> };
        };
        expect(point.data.tags).toMatchObject({ kind: 'x', team: 'sre' });
      },
    );
  });
}

describe('built-in engine only', () => {
  it('refuses an unsupported module before any load, naming it and pointing at k6', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (
      lines.push(String(chunk)),
      true
    )) as typeof process.stderr.write;
    try {
      const r = await run('builtin', 'unsupported-module.js');
      expect(r.exitCode).toBe(107);
      expect(r.ndjson).toBeUndefined();
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join('')).toMatch(
      /'k6\/browser' is not supported by the built-in engine.*install k6/,
    );
  });

  it('runs the same k6 APIs with every request on the main thread (LOADGATE_NATIVE_HTTP=0)', async () => {
    process.env.LOADGATE_NATIVE_HTTP = '0';
    try {
      const r = await run('builtin', 'api.js');
      expect(r.exitCode).toBe(0);
      const checks = r.ndjson!.filter((l) => l.type === 'Point' && l.metric === 'checks') as {
        data: { value: number; tags: Record<string, string> };
      }[];
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.data.value !== 1).map((c) => c.data.tags.check)).toEqual([]);
    } finally {
      delete process.env.LOADGATE_NATIVE_HTTP;
    }
  });

  it('stops on an aborted signal like Ctrl-C: exit 105, summary written', async () => {
    const controller = new AbortController();
    const pending = run('builtin', 'long.js', { signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    const r = await pending;
    expect(r.exitCode).toBe(105);
    expect(r.legacy!.metrics.http_reqs!.count).toBeGreaterThan(0);
    expect(r.summary!.state.testRunDurationMs).toBeLessThan(30_000);
  });
});
