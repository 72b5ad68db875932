// The scenarios a script would run, read as k6 reads them: VU 0 runs the
// script's init code with the given environment, its `options` are resolved
// (with k6's shortcut rules, engine/options.ts), and the VU is terminated.
// No iteration, no setup(): nothing is sent anywhere. `loadgate run` plans and
// gates a load from this, whichever engine then runs it.
import { resolve } from 'node:path';
import { EXIT, ExitError } from '../core/errors.ts';
import { resolveOptions, type Overrides, type Scenario } from './options.ts';
import { startVu0 } from './run/lifecycle.ts';
import { VuFleet } from './run/vu-fleet.ts';
import { bundleScript, ScriptError, workerSource } from './script.ts';

export type { Scenario } from './options.ts';

/**
 * The scenarios of `script` under `env` (what the VUs see as __ENV: pass the
 * system environment too if the run will). A script that throws in its init
 * code is exit 107, options the engine cannot run 104, as in a run.
 */
export async function readScenarios(
  script: string,
  env: Record<string, string>,
  overrides: Overrides = {},
): Promise<Scenario[]> {
  const scriptPath = resolve(script);
  let code: string;
  try {
    code = await bundleScript(scriptPath);
  } catch (e) {
    if (e instanceof ScriptError) throw new ExitError(EXIT.scriptException, e.message);
    throw e;
  }
  const fleet = new VuFleet({
    workerCode: await workerSource(),
    code,
    scriptPath,
    env: { ...env },
    testStart: Date.now(),
    onSamples: () => undefined,
    onAbort: () => undefined,
    onFatal: () => undefined,
    warn: () => undefined,
  });
  try {
    const vu0 = await startVu0(fleet);
    return resolveOptions(vu0.options, overrides).scenarios;
  } finally {
    await fleet.close();
  }
}
