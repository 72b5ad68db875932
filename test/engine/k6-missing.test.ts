import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EXIT, InputError } from '../../core/errors.ts';
import { runScript } from '../../engine/index.ts';

// Asking for real k6 where there is none is the user's to fix (exit 2, with
// how to), not a bug of loadgate (70).
it('--engine k6 without k6 on PATH or in K6_BIN is bad input that says how to get k6', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'loadgate-no-k6-'));
  const saved = { PATH: process.env.PATH, K6_BIN: process.env.K6_BIN };
  process.env.PATH = empty;
  delete process.env.K6_BIN;
  try {
    const error: unknown = await runScript({ script: 'script.js', engine: 'k6' }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    const { code, hint } = error as InputError;
    expect(code).toBe(EXIT.badInput);
    expect(hint).toContain('https://grafana.com/docs/k6/latest/set-up/install-k6/');
    expect(hint).toMatch(/K6_BIN/);
    expect(hint).toMatch(/--engine builtin/);
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.K6_BIN !== undefined) process.env.K6_BIN = saved.K6_BIN;
    await rm(empty, { recursive: true, force: true });
  }
});
