// The k6 runtime boundary is enforced by the type checker: code under
// tsconfig.k6.json sees @types/k6 and ECMAScript only, so `node:fs` fails.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const dir = mkdtempSync(join(tmpdir(), 'loadgate-k6-boundary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-checks one k6-side file with the project's k6 settings. */
async function typecheck(name: string, source: string): Promise<{ code: number; output: string }> {
  writeFileSync(join(dir, name), source);
  const config = join(dir, `tsconfig.${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.k6.json'),
      compilerOptions: { typeRoots: [join(root, 'node_modules/@types')] },
      include: [join(dir, name)],
    }),
  );
  try {
    const { stdout } = await run(process.execPath, [tsc, '-p', config], { cwd: root });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, output: e.stdout };
  }
}

describe('k6 runtime boundary', () => {
  it('a k6-side file importing node:fs fails the k6 typecheck', async () => {
    const { code, output } = await typecheck(
      'reads-disk.ts',
      "import { readFileSync } from 'node:fs';\nexport const text = readFileSync('/etc/hosts', 'utf8');\n",
    );
    expect(code).not.toBe(0);
    expect(output).toContain("Cannot find module 'node:fs'");
  });

  it('Node globals are not there either, while k6 modules and globals are', async () => {
    const bad = await typecheck('uses-process.ts', 'export const home = process.env.HOME;\n');
    expect(bad.output).toContain("Cannot find name 'process'");
    const good = await typecheck(
      'k6-only.ts',
      "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport default function () {\n  http.get(`${__ENV.BASE_URL}/health`);\n  sleep(1);\n}\n",
    );
    expect(good).toEqual({ code: 0, output: '' });
  });

  it('scenarios/ and lib/ pass it', async () => {
    const { stdout } = await run(process.execPath, [tsc, '-p', 'tsconfig.k6.json'], { cwd: root });
    expect(stdout).toBe('');
  });
});
