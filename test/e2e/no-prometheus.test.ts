// The main job without Prometheus: no `prometheus` binary for the local
// platform (PROMETHEUS_BIN points nowhere), or a --target without
// --prometheus. The load runs, the client objectives are judged from the k6
// summary, every other objective is skipped as not checked, by name, in
// slo.json, slo.md and junit.xml, and the verdict is WARN, never a green PASS.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, listen, type Gateway } from '../../infra/local/gateway/app.ts';
import type { Verdict } from '../../slo/verdict.ts';
import { loadgate, onlyRunDir } from './loadgate.ts';

const NO_BINARY = { PROMETHEUS_BIN: '/nonexistent/loadgate-test/prometheus' };

/** The verdict says WARN and every objective not checked is named in each of the three files. */
async function expectWarnNamingUnchecked(run: string, hint: RegExp) {
  const verdict = JSON.parse(await readFile(join(run, 'slo.json'), 'utf8')) as Verdict;
  expect(verdict.status).toBe('warn');
  const unchecked = verdict.objectives.filter((r) => r.skippedBecause === 'no-prometheus');
  expect(unchecked.length).toBeGreaterThan(0);
  // The client side was judged, not skipped.
  for (const r of verdict.objectives.filter((r) => r.kind.startsWith('client/')))
    expect(r.status, r.name).toBe('pass');
  const md = await readFile(join(run, 'slo.md'), 'utf8');
  const junit = await readFile(join(run, 'junit.xml'), 'utf8');
  expect(md).toContain('SLO WARN');
  expect(md).toMatch(hint);
  for (const r of unchecked) {
    expect(md).toContain(`| ${r.name}${r.key ? ' (key)' : ''} | ${r.kind} | not checked |`);
    expect(junit).toMatch(
      new RegExp(`name="${r.name}" time="0">\\n\\s*<skipped message="not checked`),
    );
  }
  return verdict;
}

let results: string;
beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'loadgate-noprom-'));
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

const SHORT = ['smoke', '--journey', 'browse', '-e', 'SMOKE_DURATION=10s'];

describe('loadgate run without a prometheus binary', () => {
  it('runs, judges the client side and warns, naming every objective it could not check', async () => {
    const dir = join(results, 'local');
    const outcome = await loadgate(['run', ...SHORT, '--results', dir], { env: NO_BINARY });
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toMatch(/no Prometheus .*not found.*apt-get install prometheus/);
    expect(outcome.stdout).toContain('SLO WARN');
    const run = await onlyRunDir(dir);
    const verdict = await expectWarnNamingUnchecked(run, /apt-get install prometheus/);
    // A smoke run's profile-scoped HPA objectives are skipped for the profile, as with Prometheus.
    expect(verdict.objectives.find((r) => r.name === 'gateway-hpa-scaled')).toMatchObject({
      status: 'skipped',
      skippedBecause: 'profile',
    });
    const names = verdict.objectives.filter((r) => r.skippedBecause === 'no-prometheus');
    for (const r of names) expect(outcome.stderr).toContain(r.name);
  }, 120_000);

  it('--no-slo does not need it either', async () => {
    const dir = join(results, 'no-slo');
    const outcome = await loadgate(['run', ...SHORT, '--no-slo', '--results', dir], {
      env: NO_BINARY,
    });
    expect(outcome.code, outcome.stderr).toBe(0);
    const files = await readdir(await onlyRunDir(dir));
    expect(files).toEqual(expect.arrayContaining(['run.json', 'summary-browse.json']));
    expect(files).not.toContain('slo.json');
  }, 120_000);
});

describe('loadgate run --target without --prometheus', () => {
  let gateway: Gateway;
  let target: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loadgate-gateway-'));
    gateway = createGateway({ dataDir });
    target = await listen(gateway);
  });
  afterAll(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('warns instead of a green PASS, and says to pass --prometheus', async () => {
    const dir = join(results, 'target');
    const outcome = await loadgate(['run', ...SHORT, '--target', target, '--results', dir]);
    expect(outcome.code, outcome.stderr).toBe(0);
    await expectWarnNamingUnchecked(await onlyRunDir(dir), /pass --prometheus URL/);
  }, 120_000);
});
