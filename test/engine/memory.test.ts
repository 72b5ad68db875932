import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { runScript } from '../../engine/index.ts';

let dir: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a trivial script with these options on the built-in engine; its exit code and stderr. */
async function runWith(options: string): Promise<{ exitCode: number; stderr: string }> {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-memory-'));
  const script = join(dir, 'script.js');
  await writeFile(script, `export const options = ${options};\nexport default function () {}\n`);
  const stderr: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  const { exitCode } = await runScript({ script, engine: 'builtin', quiet: true });
  return { exitCode, stderr: stderr.join('') };
}

// Built-in engine only: a VU is a thread of ~6.5 MB there, so a test that
// cannot fit is refused before any VU starts instead of dying out of memory.
it('refuses, before any VU starts, a test whose VUs cannot fit in memory', async () => {
  const result = await runWith("{ vus: 1000000, duration: '1s' }");
  expect(result.exitCode).toBe(104);
  expect(result.stderr).toMatch(/start 1000000 VUs at once: about .* GiB .* real k6/s);
});

it('refuses more VU threads than one process may map (vm.max_map_count) when the split over processes is forced off', async () => {
  // 1,800 VUs in one process: ~72,000 mappings, over Linux's default 65,530
  // (without the forced limit they would run in two engine processes).
  vi.stubEnv('LOADGATE_VUS_PER_PROCESS', '100000');
  const result = await runWith("{ vus: 1800, duration: '1s' }");
  expect(result.exitCode).toBe(104);
  expect(result.stderr).toMatch(/1800 VUs at once.*(max_map_count|has free)/s);
});
