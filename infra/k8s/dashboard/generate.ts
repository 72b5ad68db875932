// Writes infra/k8s/dashboard/loadgate-dashboard.configmap.yaml from dashboard.ts.
//
//   npx tsx infra/k8s/dashboard/generate.ts           regenerate it
//   npx tsx infra/k8s/dashboard/generate.ts --check   exit 1 when the committed file is stale (CI)
//
// A build script like build.mjs, not a loadgate command: it takes one flag.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIGMAP_PATH, GENERATE_COMMAND, syncConfigMap } from './configmap.ts';
import { EXIT } from '../../../core/errors.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const file = relative(process.cwd(), CONFIGMAP_PATH);
const state = await syncConfigMap(CONFIGMAP_PATH, { check: values.check });
if (state === 'stale') {
  process.stderr.write(
    `${file} is not what infra/k8s/dashboard/dashboard.ts generates.\nRun \`${GENERATE_COMMAND}\` and commit it.\n`,
  );
  process.exitCode = EXIT.failed;
} else {
  process.stdout.write(`${file} ${state === 'written' ? 'written' : 'is up to date'}\n`);
}
