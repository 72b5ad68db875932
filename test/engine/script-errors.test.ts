import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../../engine/runner.ts';

/**
 * A script error names the line of the TypeScript it came from, not a
 * column of a minified bundle: bundles are built as build.mjs builds
 * k6-bundles/ (minified, with a linked source map).
 */
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-script-errors-'));
  await writeFile(
    join(dir, 'lib.ts'),
    [
      'export function check(where: string): string {',
      "  if (where !== 'ok') {",
      '    throw new Error(`boom in ${where}`);',
      '  }',
      '  return where;',
      '}',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'main.ts'),
    [
      "import { check } from './lib.ts';",
      'export const options = { iterations: 1 };',
      "if (__ENV.WHERE === 'init') check('init');",
      'export function setup(): void {',
      "  check(__ENV.WHERE === 'setup' ? 'setup' : 'ok');",
      '}',
      'export default function (): void {}',
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    sourcemap: 'linked',
    outfile: join(dir, 'bundle.js'),
    logLevel: 'silent',
  });
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function stderrOf(where: string): Promise<{ exitCode: number; text: string }> {
  let text = '';
  const r = await runTest({
    script: join(dir, 'bundle.js'),
    env: { WHERE: where },
    overrides: {},
    outputs: [],
    noSummary: true,
    stdout: () => undefined,
    stderr: (t) => void (text += t),
  });
  return { exitCode: r.exitCode, text };
}

describe('script errors', () => {
  it('point at the TypeScript line of an init error, through the bundle source map', async () => {
    const r = await stderrOf('init');
    expect(r.exitCode).toBe(107);
    expect(r.text).toContain('boom in init');
    expect(r.text).toContain(`${join(dir, 'lib.ts')}:3:`);
    expect(r.text).toContain(`${join(dir, 'main.ts')}:3:`);
    expect(r.text).not.toContain('bundle.js:');
  });

  it('point at the TypeScript line of a setup() error', async () => {
    const r = await stderrOf('setup');
    expect(r.exitCode).toBe(107);
    expect(r.text).toContain(`${join(dir, 'lib.ts')}:3:`);
    expect(r.text).toContain(`${join(dir, 'main.ts')}:5:`);
  });
});
