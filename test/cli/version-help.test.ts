// `loadgate --version` / `-V`, `loadgate help [command]` (the command's own
// --help), and `loadgate report <run-id>` resolved under --results.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../cli/dispatch.ts';
import { writeRunDir } from '../report/fixture.ts';
import { InputError } from '../../core/errors.ts';

let bin: string;
beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'loadgate-version-bin-'));
  await writeFile(join(bin, 'k6'), "#!/bin/sh\necho 'k6 v0.99.0 (fake)'\n");
  await chmod(join(bin, 'k6'), 0o755);
});
afterAll(() => rm(bin, { recursive: true, force: true }));

async function loadgate(argv: string[]) {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  try {
    return { code: await dispatch(argv), stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('loadgate --version', () => {
  it('prints loadgate, the built-in engine without k6, and Node', async () => {
    vi.stubEnv('PATH', join(bin, 'none'));
    vi.stubEnv('K6_BIN', undefined);
    try {
      const { code, stdout } = await loadgate(['--version']);
      expect(code).toBe(0);
      expect(stdout).toBe(
        `loadgate 0.1.0\nengine: built-in (k6 not found on PATH or K6_BIN)\nnode ${process.version}\n`,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('-V names k6 and what `k6 version` says when k6 is on PATH', async () => {
    vi.stubEnv('PATH', bin);
    vi.stubEnv('K6_BIN', undefined);
    try {
      const { stdout } = await loadgate(['-V']);
      expect(stdout.split('\n')[1]).toBe(`engine: k6 ${join(bin, 'k6')}: k6 v0.99.0 (fake)`);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('loadgate help', () => {
  it.each([['compare'], ['runs'], ['doctor'], ['report'], ['slo', 'check'], ['k6', 'run']])(
    'help %s prints what --help prints',
    async (...command) => {
      const help = await loadgate(['help', ...command]);
      const flag = await loadgate([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage:/);
      expect(help.stdout).toBe(flag.stdout);
    },
  );

  it('lists every command, and refuses an unknown one', async () => {
    const { stdout } = await loadgate(['help']);
    for (const name of ['run', 'runs', 'compare', 'doctor', 'report', 'help', '--version'])
      expect(stdout).toContain(name);
    await expect(loadgate(['help', 'nope'])).rejects.toBeInstanceOf(InputError);
    await expect(loadgate(['help', 'toString'])).rejects.toBeInstanceOf(InputError);
  });
});

describe('loadgate report <run-id>', () => {
  it('finds the run under --results', async () => {
    const dir = await writeRunDir();
    try {
      const { code, stdout } = await loadgate(['report', basename(dir), '--results', dirname(dir)]);
      expect(code).toBe(0);
      expect(stdout).toBe(join(dir, 'report.html') + '\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
