// What `loadgate run` checks before any load, in order, each with its code:
// the SLO spec (2), the engine (2), the plan from the profile's real options
// (104/107 as in a run; --max-rps applied), the safety gate (2 unless
// confirmed), then what needs the network: the target's /health (3),
// Prometheus answering vector(1) (3) and the --remote-write endpoint taking
// an empty write (3). Only the last three send anything, and only after the
// gate. --dry-run stops after the plan.
import { checkTargetHealth } from './target-health.ts';
import { isLoopbackTarget } from './loopback.ts';
import { cappedPlanOf, formatPlan, planOf, type LoadPlan } from './run-plan.ts';
import { engineOf } from '../engine/index.ts';
import { checkPrometheus } from '../slo/reachable.ts';
import { checkSpecFile } from '../slo/spec-check.ts';
import type { PrometheusAuth } from '../slo/prometheus.ts';
import { checkRemoteWrite, type RemoteWriteTarget } from '../engine/outputs/remote-write.ts';
import { InfrastructureError, InputError } from '../core/errors.ts';
import { redactUrl } from '../core/urls.ts';

export type PreflightInput = {
  profile: string;
  bundle: string;
  target?: string;
  prometheus?: string;
  /** true: the default spec for the target; a string: that file; false: no SLO check. */
  slo: string | boolean;
  defaultSpec(local: boolean): string;
  baseline?: string;
  engine: 'auto' | 'builtin' | 'k6';
  /** The scenario variables the run will pass (-e, RUN_ID, PROFILE, RESULTS_DIR). */
  env: Record<string, string>;
  auth: PrometheusAuth;
  /** --remote-write, when given (the local platform's own needs no check). */
  remoteWrite?: RemoteWriteTarget;
  yes: boolean;
  maxRps?: number;
  dryRun: boolean;
};

/** The profile that may load anywhere without --yes: a few VUs for about a minute. */
const UNGATED_PROFILE = 'smoke';

/**
 * Runs every check; resolves with the variables the run must add (TARGET_RPS
 * under --max-rps) and the plan (its stages go into run.json), or undefined
 * after --dry-run. Throws the failing check's error.
 */
export async function preflight(
  input: PreflightInput,
): Promise<{ env: Record<string, string>; plan: LoadPlan } | undefined> {
  if (input.slo !== false) {
    const spec = input.slo === true ? input.defaultSpec(!input.target) : input.slo;
    // The variables `loadgate run` gives the check (see judge() in commands/run.ts).
    const vars = { profile: input.profile, ...(input.baseline && { baseline: input.baseline }) };
    await checkSpecFile(spec, vars);
  }
  engineOf(input.engine);

  // As the VUs will see __ENV: the system environment, then the run's variables.
  const env = {
    ...(process.env as Record<string, string>),
    ...input.env,
    BASE_URL: input.target ?? 'http://127.0.0.1',
  };
  const plan =
    input.maxRps === undefined
      ? await planOf(input.bundle, env)
      : await cappedPlanOf(input.bundle, env, input.maxRps);
  const gated =
    input.profile !== UNGATED_PROFILE &&
    input.target !== undefined &&
    !(await isLoopbackTarget(input.target));
  const text = formatPlan(
    plan,
    `loadgate: plan: ${input.profile} profile against ${input.target ? redactUrl(input.target) : 'the local platform'}`,
  );
  if (input.dryRun) {
    process.stdout.write(text);
    process.stderr.write('loadgate: --dry-run: nothing was loaded\n');
    return undefined;
  }
  if (gated || input.maxRps !== undefined) process.stderr.write(text);
  if (gated && !input.yes)
    throw new InputError(
      `not confirmed: the ${input.profile} profile against ${redactUrl(input.target!)}, which is not this machine, needs --yes (nothing was sent)`,
      'Read the plan above, then pass --yes (or LOADGATE_CONFIRM=1) to load it; --max-rps N caps it, --dry-run only prints it',
    );

  if (input.target) await checkTargetHealth(input.target);
  if (input.slo !== false && input.prometheus)
    await checkPrometheus(input.prometheus, input.auth, '--prometheus');
  if (input.remoteWrite) await checkRemoteWriteTakes(input.remoteWrite);
  return {
    env: plan.scaledTargetRps === undefined ? {} : { TARGET_RPS: String(plan.scaledTargetRps) },
    plan,
  };
}

/** --remote-write takes a write (an empty one), or exit 3 before the load whose points would go nowhere. */
async function checkRemoteWriteTakes(target: RemoteWriteTarget): Promise<void> {
  try {
    await checkRemoteWrite(target);
  } catch (e) {
    throw new InfrastructureError(
      `--remote-write ${redactUrl(target.url)} does not take a write: ${(e as Error).message}`,
      'Nothing was loaded. Check the URL (the write endpoint itself, e.g. http://prometheus:9090/api/v1/write; ' +
        'Prometheus takes writes only when started with --web.enable-remote-write-receiver) and the credentials ' +
        '(--bearer-token, --basic-auth, --header, --ca-file)',
    );
  }
}
