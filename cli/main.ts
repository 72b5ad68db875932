// Entry point of the `loadgate` command: picks the sub-command (one file per
// command in cli/commands/) and owns the single top-level catch. Results go
// to stdout, logs and errors to stderr.
import { EXIT, ExitError, exitCodeOf, InputError } from '../core/errors.ts';

/** A sub-command, loaded only when it is the one asked for. */
type Command = { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  run: {
    summary: 'run a profile of every journey, then judge it with the SLO checker',
    load: () => import('./commands/run.ts'),
  },
  k6: {
    summary: 'k6-compatible command: loadgate k6 run script.js [k6 flags]',
    load: () => import('./commands/k6.ts'),
  },
  slo: {
    summary: 'SLO checker: loadgate slo check|validate …',
    load: () => import('./commands/slo.ts'),
  },
  report: {
    summary: 'write results/<run-id>/report.html (a self-contained page)',
    load: () => import('./commands/report.ts'),
  },
  k8s: {
    summary: 'cluster side: loadgate k8s render|run (k6-operator TestRuns)',
    load: () => import('./commands/k8s.ts'),
  },
  platform: {
    summary: 'start the local platform (gateway, autoscaler, Prometheus)',
    load: () => import('./commands/platform.ts'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: loadgate <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'loadgate <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? EXIT.ok : EXIT.badInput;
  }
  const command = commands[name];
  if (!command) throw new InputError(`unknown command '${name}'`, usage());
  return (await command.load()).main(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ExitError) {
    process.stderr.write(`loadgate: ${error.message}\n${error.hint ? error.hint + '\n' : ''}`);
  } else {
    process.stderr.write(
      `loadgate: unexpected error (a bug, please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
  }
  process.exitCode = exitCodeOf(error);
}
