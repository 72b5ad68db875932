// `loadgate k8s run`: what the scheduled capacity CronJob runs. Creates this
// run's k6-operator TestRun, follows it, judges it with the SLO checker,
// deletes it, and exits with the verdict (infra/k8s/run/ does the work).
import { collect, onInterrupt, parseCommandLine, parseHttpUrl, throwProblems } from '../args.ts';
import {
  PROMETHEUS_AUTH_OPTIONS,
  PROMETHEUS_AUTH_USAGE,
  prometheusAuth,
} from '../prometheus-auth.ts';
import { EXIT, InputError } from '../../core/errors.ts';
import { connectTestRuns, loadManifest, runOnCluster } from '../../infra/k8s/run/index.ts';
import { DnsLabel } from '../../infra/k8s/testrun.ts';
import { parseDuration } from '../../slo/prom-duration.ts';

const USAGE = `Usage: loadgate k8s run --manifest FILE --spec FILE [options]

Creates a k6-operator TestRun from the manifest under a unique name
(<name>-<yyyymmdd-hhmmss>-<4 hex>, also the runners' RUN_ID and their
--tag testid=…), follows status.stage until finished or error, judges the
run's window with the SLO spec (--var testid=<id>, profile from the runner
env PROFILE), then deletes the TestRun.

  --manifest FILE        TestRun manifest (YAML, k6.io/v1alpha1)
  --spec FILE            SLO spec, e.g. slo/platform.yaml
  --namespace NS         default: the manifest's, then the kubeconfig context's, then default
  --prometheus URL       Prometheus API base URL (default: $PROMETHEUS_URL)
${PROMETHEUS_AUTH_USAGE}
  --pushgateway URL      push loadgate_slo_* verdict metrics there
  --out DIR              write slo.json, slo.md, junit.xml there
  --deadline DURATION    give up this long after creation (default 30m)
  --poll-interval DUR    how often status.stage is read (default 5s)
  --kubeconfig FILE      default: the pod's service account (in-cluster)
  --keep                 leave the TestRun in the cluster

Exit codes: 0 pass, 1 an SLO failed, 2 bad input (nothing created), 3 the
cluster or Prometheus failing (TestRun error, deadline, API refusal), 105 interrupted.`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    {
      options: {
        help: { type: 'boolean', short: 'h' },
        manifest: { type: 'string' },
        spec: { type: 'string' },
        namespace: { type: 'string' },
        prometheus: { type: 'string' },
        ...PROMETHEUS_AUTH_OPTIONS,
        pushgateway: { type: 'string' },
        out: { type: 'string' },
        deadline: { type: 'string' },
        'poll-interval': { type: 'string' },
        kubeconfig: { type: 'string' },
        keep: { type: 'boolean' },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const problems: string[] = [];
  if (!values.manifest) problems.push('missing --manifest FILE');
  if (!values.spec) problems.push('missing --spec FILE');
  const prometheusUrl = collect(problems, () => {
    const url = parseHttpUrl(values.prometheus ?? process.env.PROMETHEUS_URL, '--prometheus');
    if (!url)
      throw new InputError('no Prometheus to ask: pass --prometheus URL or set PROMETHEUS_URL');
    return url;
  });
  const pushgatewayUrl = collect(problems, () => parseHttpUrl(values.pushgateway, '--pushgateway'));
  const deadlineMs = collect(problems, () =>
    positiveDuration(values.deadline ?? '30m', '--deadline'),
  );
  const pollIntervalMs = collect(problems, () =>
    positiveDuration(values['poll-interval'] ?? '5s', '--poll-interval'),
  );
  if (values.namespace !== undefined && !DnsLabel.test(values.namespace))
    problems.push(`--namespace '${values.namespace}' is not a namespace name (a DNS-1123 label)`);
  throwProblems(problems, USAGE);

  const auth = await prometheusAuth(values);
  const manifest = await loadManifest(values.manifest!);
  const api = connectTestRuns({ kubeconfig: values.kubeconfig });
  const interrupt = onInterrupt({
    message: (signal) => `\nk8s: ${signal}: stopping, deleting the TestRun…\n`,
  });
  try {
    return await runOnCluster({
      manifest,
      api,
      namespace: values.namespace,
      spec: values.spec!,
      prometheusUrl: prometheusUrl!,
      auth,
      pushgatewayUrl,
      outDir: values.out,
      deadlineMs: deadlineMs!,
      pollIntervalMs: pollIntervalMs!,
      keep: values.keep,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
}

function positiveDuration(text: string, flag: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    throw new InputError(`${flag}: ${(error as Error).message}`);
  }
  if (ms <= 0) throw new InputError(`${flag} must be longer than 0s`);
  return ms;
}
