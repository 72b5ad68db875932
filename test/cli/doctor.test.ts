// `loadgate doctor` with a PATH of its own: a fake k6 and promtool, no
// prometheus (a required check, so exit 1), loopback URLs that answer or not.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/doctor.ts';
import { checkLine, runChecks, type Check } from '../../cli/doctor.ts';

let bin: string;
let empty: string;
let server: Server;
let url: string;

async function fake(name: string, output: string) {
  const path = join(bin, name);
  await writeFile(path, `#!/bin/sh\necho '${output}'\n`);
  await chmod(path, 0o755);
}

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'loadgate-doctor-bin-'));
  empty = await mkdtemp(join(tmpdir(), 'loadgate-doctor-empty-'));
  await fake('k6', 'k6 v0.99.0 (fake, linux/amd64)');
  await fake('promtool', 'promtool, version 9.9.9 (fake)');
  server = createServer((req, res) => {
    res.statusCode = req.url?.startsWith('/api/v1/query') ? 200 : 204;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(bin, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('loadgate doctor', () => {
  it('finds the fake k6 and promtool on PATH with their versions; prometheus missing, with its fix', async () => {
    const checks = byName(await runChecks({ env: { PATH: bin } }));
    expect(checkLine(checks.k6!)).toBe(`✔ k6: k6 v0.99.0 (fake, linux/amd64) (${join(bin, 'k6')})`);
    expect(checkLine(checks.promtool!)).toBe(
      `✔ promtool: promtool, version 9.9.9 (fake) (${join(bin, 'promtool')})`,
    );
    expect(checks.prometheus).toMatchObject({ ok: false, required: true });
    expect(checkLine(checks.prometheus!)).toBe(
      '✖ prometheus: prometheus not found (needed for the local platform and the SLO check of a local run)\n' +
        '    fix: apt-get install -y prometheus (or set PROMETHEUS_BIN)',
    );
    expect(checkLine(checks.chromium!)).toMatch(/^✖ chromium \(optional\): chromium not found/);
    expect(checks.node).toMatchObject({ ok: true, required: true });
    expect(checks.memory!.detail).toMatch(/GiB free: room for ~\d+ built-in VUs/);
  });

  it('says k6 is missing and the built-in engine runs, with how to get k6', async () => {
    const checks = byName(await runChecks({ env: { PATH: empty } }));
    expect(checkLine(checks.k6!)).toMatch(
      /^✖ k6 \(optional\): not on PATH nor in K6_BIN: runs use the built-in engine\n {4}fix: install k6/,
    );
  });

  it('refuses a too old Node', async () => {
    const checks = byName(await runChecks({ env: { PATH: empty }, nodeVersion: 'v18.19.0' }));
    expect(checks.node).toMatchObject({
      ok: false,
      required: true,
      detail: 'v18.19.0 (≥ 20 required)',
    });
  });

  it('checks the --target and --prometheus given: one that answers, one that does not', async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const checks = byName(await runChecks({ env: { PATH: bin }, target: url, prometheus: closed }));
    expect(checkLine(checks.target!)).toBe(`✔ target: ${url} answered HTTP 204`);
    expect(checkLine(checks['prometheus URL']!)).toMatch(
      new RegExp(`^✖ prometheus URL: ${closed} does not answer \\(ECONNREFUSED\\)\\n {4}fix: `),
    );
  });

  it('exits 1 when a required check fails (no prometheus on PATH), 0 when all pass', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
    vi.stubEnv('PROMETHEUS_BIN', undefined);
    vi.stubEnv('K6_BIN', undefined);
    try {
      vi.stubEnv('PATH', bin);
      expect(await main([])).toBe(1);
      expect(stdout).toContain('1 required check(s) failed: prometheus\n');
      await fake('prometheus', 'prometheus, version 9.9.9 (fake)');
      stdout = '';
      expect(await main(['--target', url])).toBe(0);
      expect(stdout).toContain('✔ prometheus: prometheus, version 9.9.9 (fake)');
      expect(stdout).toContain('every required check passes\n');
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
      await rm(join(bin, 'prometheus'), { force: true });
    }
  });
});
