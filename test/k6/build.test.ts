// build.mjs: reproducible bundles (the same bytes from another checkout path),
// under budget, and a --check mode that catches stale committed bundles.
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEYS, MIX } from '../../lib/catalogue.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let parent: string;
let copy: string;

/**
 * A second checkout at another path: build.mjs, sources and the committed
 * bundles, below a directory holding a broken tsconfig.json (as a stray
 * /tmp/tsconfig.json would be) that the build must not pick up.
 */
beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'loadgate-build-'));
  writeFileSync(join(parent, 'tsconfig.json'), '{ "extends": "./missing-base.json" }');
  copy = join(parent, 'checkout');
  for (const path of ['build.mjs', 'package.json', 'scenarios', 'lib', 'k6-bundles']) {
    cpSync(join(root, path), join(copy, path), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

async function build(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['build.mjs', ...args], { cwd: copy });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('build.mjs', () => {
  it('--check passes on the committed bundles, built from another path', async () => {
    const result = await build('--check');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/k6-bundles\/ is up to date \(12 files, built in \d+ ms\)/);
  });

  it('writes one bundle and one source map per scenario, each under 100 KB, and prints sizes and time', async () => {
    const result = await build();
    expect(result.code).toBe(0);
    const scenarios = readdirSync(join(copy, 'scenarios')).map((f) => f.replace(/\.ts$/, ''));
    expect(scenarios.sort()).toEqual([...JOURNEYS, MIX].sort());
    for (const name of scenarios) {
      expect(statSync(join(copy, 'k6-bundles', `${name}.js`)).size).toBeLessThan(100 * 1024);
      expect(result.stdout).toMatch(new RegExp(`k6-bundles/${name}\\.js +\\d+\\.\\d KB`));
      const js = readFileSync(join(copy, 'k6-bundles', `${name}.js`), 'utf8');
      expect(js.trimEnd().endsWith(`//# sourceMappingURL=${name}.js.map`)).toBe(true);
      expect(js).not.toMatch(/from\s*"node:|\?\?|\?\./); // no Node imports, nothing k6 0.49 cannot parse
      const map = JSON.parse(readFileSync(join(copy, 'k6-bundles', `${name}.js.map`), 'utf8'));
      expect(map.sources).toContain(`../scenarios/${name}.ts`);
      expect(map.sources.every((s: string) => !s.startsWith('/'))).toBe(true);
    }
    expect(result.stdout).toMatch(/built 6 bundles of k6-bundles\/ in \d+ ms/);
    // Rebuilding gave the very bytes that are committed.
    expect((await build('--check')).code).toBe(0);
  });

  it('--check fails, listing each file, when the committed bundles are stale', async () => {
    writeFileSync(join(copy, 'k6-bundles/browse.js'), '// edited by hand\n');
    rmSync(join(copy, 'k6-bundles/mix.js.map'));
    writeFileSync(join(copy, 'k6-bundles/old.js'), '');
    const result = await build('--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('differs  k6-bundles/browse.js');
    expect(result.stderr).toContain('missing  k6-bundles/mix.js.map');
    expect(result.stderr).toContain('stale    k6-bundles/old.js');
    expect(result.stderr).toContain('Run `npm run build`');
  });
});
