// `loadgate doctor [--target URL] [--prometheus URL]`: is this machine ready
// to run loadgate? One line per check (cli/doctor.ts), ✔ or ✖ with its fix.
import { parseCommandLine, parseHttpUrl } from '../args.ts';
import { checkLine, runChecks } from '../doctor.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate doctor [--target URL] [--prometheus URL]

Checks this machine, one line each, ✔ or ✖ with its fix: Node's version, the
engine's native HTTP addon, real k6 (K6_BIN or PATH) and its version,
prometheus (PROMETHEUS_BIN or PATH), promtool, chromium, and how many
built-in VUs fit in free memory and vm.max_map_count.

  --target URL       also check that this gateway answers
  --prometheus URL   also check that this Prometheus answers a query
  -h, --help         this help

Exit codes: 0 every required check passes (node, prometheus, and the URLs
given), 1 a required check failed, 2 bad input.`;

const HINT = "see 'loadgate doctor --help'";

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        prometheus: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    HINT,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (positionals.length) throw new InputError(`unexpected argument '${positionals[0]}'`, HINT);
  const checks = await runChecks({
    env: process.env,
    target: parseHttpUrl(values.target, '--target'),
    prometheus: parseHttpUrl(values.prometheus, '--prometheus'),
  });
  const failed = checks.filter((c) => c.required && !c.ok);
  process.stdout.write(
    checks.map(checkLine).join('\n') +
      '\n\n' +
      (failed.length
        ? `${failed.length} required check(s) failed: ${failed.map((c) => c.name).join(', ')}\n`
        : 'every required check passes\n'),
  );
  return failed.length ? EXIT.failed : EXIT.ok;
}
