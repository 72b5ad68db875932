// Writes infra/k8s/'s generated files (generated.ts lists them), or with
// --check exits 1 naming those that differ from what the sources make now,
// as `node build.mjs --check` does for k6-bundles/. Run after changing
// k6-bundles/, slo/platform.yaml, infra/prometheus/rules/ or a TestRun.
//
//   npx tsx infra/k8s/generate.ts           write them
//   npx tsx infra/k8s/generate.ts --check   fail if a committed one is stale (CI)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exitCodeOf, ExitError } from '../../core/errors.ts';
import { generatedFiles } from './generated.ts';
import { ROOT } from './paths.ts';

/** The generated files whose committed copy is missing or differs. */
export async function staleFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, contents] of await generatedFiles()) {
    const committed = existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path)) : undefined;
    if (!committed) stale.push(`missing  ${path}`);
    else if (!committed.equals(contents)) stale.push(`differs  ${path}`);
  }
  return stale;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  if (values.check) {
    const stale = await staleFiles();
    if (stale.length === 0) {
      console.log('infra/k8s generated files are up to date');
      return 0;
    }
    console.error(`infra/k8s is not what its sources generate:\n  ${stale.join('\n  ')}`);
    console.error('Run `npx tsx infra/k8s/generate.ts` and commit the result.');
    return 1;
  }
  for (const [path, contents] of await generatedFiles()) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), contents);
    console.log(`  wrote ${path}`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(error instanceof ExitError ? `generate: ${error.message}` : error);
    process.exitCode = exitCodeOf(error);
  }
}
