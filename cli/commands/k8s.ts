// `loadgate k8s render|run`: the cluster side. `render` prints a one-off
// TestRun and its script ConfigMap (infra/k8s/one-off.ts); `run` is the
// scheduled run's command (./k8s-run.ts), loaded only when asked for.
import { EXIT, InputError } from '../../core/errors.ts';
import { PROFILES } from '../../lib/catalogue.ts';
import { isOneOf, parseCommandLine, parseHttpUrl, parseWholeNumber } from '../args.ts';
import { renderOneOff, toYamlStream } from '../../infra/k8s/one-off.ts';

const USAGE = `Usage: loadgate k8s <render|run> [options]

  loadgate k8s render --profile P [--parallelism N] [--target URL] [--overlay O]
      print a TestRun (k6-operator) and its script ConfigMap for a one-off run, as
      YAML for kubectl create -f -, checked against the TestRun and Kubernetes schemas.
      Needs kubectl (its kustomize renders the templates of infra/k8s/).
        --profile P       ${PROFILES.join(' | ')}
        --overlay O       development | staging | production: that overlay's namespace
                          and parallelism (default: no namespace, parallelism 1)
        --parallelism N   k6 runner pods (default: the overlay's)
        --target URL      the gateway (default: GATEWAY_URL of the namespace's
                          loadgate-settings ConfigMap, which the overlay creates)
  loadgate k8s run --manifest FILE --spec FILE --prometheus URL [--pushgateway URL] [--deadline D]
      create the TestRun, wait for it, then judge it with the SLO spec (the CronJob's command)

Exit codes: 0 ok, 2 bad input.`;

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'run') return (await import('./k8s-run.ts')).main(rest);
  if (sub === 'render') return render(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n');
    return sub ? EXIT.ok : EXIT.badInput;
  }
  throw new InputError(`unknown k8s command '${sub}'`, USAGE);
}

async function render(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    {
      options: {
        profile: { type: 'string' },
        parallelism: { type: 'string' },
        target: { type: 'string' },
        overlay: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const profile = values.profile;
  if (profile === undefined) throw new InputError('--profile is required', USAGE);
  if (!isOneOf(profile, PROFILES))
    throw new InputError(`--profile '${profile}' is not one of ${PROFILES.join(', ')}`, USAGE);
  const parallelism = parseWholeNumber(values.parallelism, '--parallelism');
  if (parallelism === 0) throw new InputError('--parallelism must be at least 1', USAGE);
  const objects = await renderOneOff({
    profile,
    overlay: values.overlay,
    parallelism,
    target: parseHttpUrl(values.target, '--target'),
  });
  process.stdout.write(toYamlStream(objects));
  return EXIT.ok;
}
