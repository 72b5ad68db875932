// `loadgate slo check|validate|schema`: the SLO checker on its own, against
// any Prometheus, for a run directory or an explicit window.
import { writeFile } from 'node:fs/promises';
import { isOneOf, parseCommandLine, parsePairs } from '../args.ts';
import {
  PROMETHEUS_AUTH_OPTIONS,
  PROMETHEUS_AUTH_USAGE,
  prometheusAuth,
} from '../prometheus-auth.ts';
import { parseDuration } from '../../slo/prom-duration.ts';
import { runCheck } from '../../slo/index.ts';
import { specJsonSchema } from '../../slo/spec.ts';
import { checkSpecFile } from '../../slo/spec-check.ts';
import { parseTime } from '../../slo/window.ts';
import { PrometheusClient } from '../../slo/prometheus.ts';
import { testidWindow } from '../../slo/testid-window.ts';
import { EXIT, ExitError, InputError } from '../../core/errors.ts';
import { readRunRecord } from '../../run-dir/record.ts';
import { PROFILES } from '../../lib/catalogue.ts';

const USAGE = `Usage:
  loadgate slo check --spec FILE [--prometheus URL] [--run DIR | --testid ID | --from T --to T | --last 15m] [options]
  loadgate slo validate FILE…
  loadgate slo schema [--write FILE]

check options:
  --spec FILE            SLO spec (YAML, apiVersion loadgate/v1), e.g. slo/local.yaml
  --prometheus URL       Prometheus API base URL (default: run.json's prometheusUrl, then $PROMETHEUS_URL)
  --run DIR              results/<run-id>: window from run.json, client side from summary*.json
                         (without it, client objectives read the remote-written k6_* series)
  --testid ID            judge the test tagged testid=ID (a k6-operator TestRun, any split run): every
                         client objective reads its runners' remote-written series, merged; without
                         --from/--to the window is its first to last sample within --lookback;
                         --var runners=N: the runners runners-reported expects (a TestRun's parallelism)
  --lookback DURATION    how far back --testid's samples are looked for (default 24h)
  --from T --to T        explicit window (RFC 3339 or unix seconds)
  --last DURATION        the window ending now, e.g. 15m
  --out DIR              where slo.json, slo.md, junit.xml go (default: the run dir)
  --profile NAME         the profile judged: objectives scoped to other profiles are skipped
                         (default: run.json's, then --var profile; none judges every objective)
  --var NAME=VALUE       override a spec variable (repeatable), e.g. --var namespace=e-commerce-staging,
                         --var testid=ID (client objectives without --run read the k6 series of that testid)
${PROMETHEUS_AUTH_USAGE}
  --pushgateway URL      push loadgate_slo_* verdict metrics there
  --quiet                no table on stdout

Exit codes: 0 pass, 1 an SLO failed, 2 bad input, 3 Prometheus unreachable or erroring.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest);
    case 'validate':
      return validate(rest);
    case 'schema':
      return schema(rest);
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return EXIT.ok;
    default:
      throw new InputError(
        command ? `unknown slo command '${command}'` : 'missing slo command',
        USAGE,
      );
  }
}

const help = { type: 'boolean', short: 'h' } as const;

async function check(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    {
      options: {
        help,
        spec: { type: 'string' },
        prometheus: { type: 'string' },
        run: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        last: { type: 'string' },
        testid: { type: 'string' },
        lookback: { type: 'string', default: '24h' },
        profile: { type: 'string' },
        out: { type: 'string' },
        var: { type: 'string', multiple: true },
        ...PROMETHEUS_AUTH_OPTIONS,
        pushgateway: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (!values.spec) throw new InputError('missing --spec FILE', 'e.g. --spec slo/local.yaml');
  for (const flag of ['last', 'lookback'] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    try {
      parseDuration(text);
    } catch (error) {
      throw new InputError(`--${flag}: ${(error as Error).message}`);
    }
  }
  if (values.testid !== undefined && values.testid.trim() === '')
    throw new InputError('--testid: empty', 'e.g. --testid capacity-20261202-013000-3f9a');
  if (values.testid !== undefined && values.run !== undefined)
    throw new InputError(
      '--testid and --run contradict each other',
      "a run directory's record gives its testid: pass one or the other",
    );
  if (values.profile !== undefined && !isOneOf(values.profile, PROFILES))
    throw new InputError(
      `--profile: unknown profile '${values.profile}'`,
      `expected ${PROFILES.join(', ')}`,
    );
  const auth = await prometheusAuth(values);

  const from = values.from === undefined ? undefined : parseTime(values.from, '--from');
  const to = values.to === undefined ? undefined : parseTime(values.to, '--to');
  // --run's record gives the window, the profile and the default Prometheus;
  // with --from and --to the window is theirs, and the directory only lends
  // its summaries (and, when it has one, its record's Prometheus).
  const explicitWindow = from !== undefined && to !== undefined;
  const record = values.run
    ? await readRunRecord(values.run).catch((error: unknown) => {
        if (explicitWindow) return undefined;
        throw error;
      })
    : undefined;
  const run = explicitWindow ? undefined : record;

  const prometheusUrl = values.prometheus ?? record?.prometheusUrl ?? process.env.PROMETHEUS_URL;
  if (!prometheusUrl)
    throw new InputError(
      'no Prometheus to ask',
      'Pass --prometheus URL (e.g. http://127.0.0.1:9090) or set PROMETHEUS_URL',
    );

  const vars: Record<string, string> = {
    // A run's testid and runners (a split run's client trends come from its series).
    ...(record?.testid && { testid: record.testid }),
    ...(record?.runners && { runners: String(record.runners.length) }),
    ...parsePairs(values.var, '--var', { key: 'NAME' }),
    ...(values.testid !== undefined && { testid: values.testid }),
  };
  // --profile, else the run's, else `--var profile=NAME` (as before --profile existed).
  const profile = values.profile ?? run?.profile ?? vars.profile;
  // --testid alone: the test's own window, from its samples.
  const found =
    values.testid !== undefined && from === undefined && to === undefined && !values.last
      ? await testidWindow(
          new PrometheusClient({ ...auth, url: prometheusUrl, timeoutMs: 30_000 }),
          values.testid,
          values.lookback,
          new Date(),
        )
      : undefined;
  if (found)
    process.stderr.write(
      `slo: testid ${values.testid}: samples from ${found.from.toISOString()} to ${found.to.toISOString()}\n`,
    );
  const { exitCode } = await runCheck({
    spec: values.spec,
    prometheusUrl,
    run,
    runDir: values.run,
    profile,
    from: from ?? found?.from,
    to: to ?? found?.to,
    last: values.last,
    outDir: values.out,
    quiet: values.quiet,
    // The spec's $profile is the profile judged, as `loadgate run` sets it.
    vars: { ...(profile && { profile }), ...vars },
    auth,
    pushgatewayUrl: values.pushgateway,
  });
  return exitCode;
}

/** Validates every file and reports every error of every file before failing. */
async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { allowPositionals: true, options: { help } },
    USAGE,
  );
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE + '\n');
    return values.help ? EXIT.ok : EXIT.badInput;
  }
  let failed = 0;
  for (const file of positionals) {
    try {
      // The checks `slo check` and `loadgate run` make before asking Prometheus anything.
      const spec = await checkSpecFile(file);
      process.stdout.write(`✔ ${file}: ${spec.objectives.length} objectives\n`);
    } catch (error) {
      if (!(error instanceof ExitError)) throw error;
      failed++;
      process.stderr.write(`${error.message}\n${error.hint ? error.hint + '\n' : ''}`);
    }
  }
  return failed > 0 ? EXIT.badInput : EXIT.ok;
}

async function schema(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    { options: { help, write: { type: 'string' } } },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const text = JSON.stringify(specJsonSchema(), null, 2) + '\n';
  if (values.write) await writeFile(values.write, text);
  else process.stdout.write(text);
  return EXIT.ok;
}
