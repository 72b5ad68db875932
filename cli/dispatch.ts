// The table of sub-commands (one file per command in cli/commands/, each
// loaded only when asked for) and the dispatch of argv to one of them, with
// the two answers that need the table itself: the usage and `loadgate help
// <command>`. cli/main.ts calls dispatch() inside the one top-level catch.
import { EXIT, InputError } from '../core/errors.ts';

/** A sub-command, loaded only when it is the one asked for. */
type Command = { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> };

export const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'run a profile of every journey, then judge it with the SLO checker',
    load: () => import('./commands/run.ts'),
  },
  runs: {
    summary: 'list past runs under results/, newest first, with their verdict',
    load: () => import('./commands/runs.ts'),
  },
  compare: {
    summary: 'compare two runs per journey and route: latency, errors, throughput, noise',
    load: () => import('./commands/compare.ts'),
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
  doctor: {
    summary: 'check this machine: Node, engine, k6, Prometheus, Chromium, limits',
    load: () => import('./commands/doctor.ts'),
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: loadgate <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(10)} a command's usage: loadgate help <command> [sub-command]`,
    '',
    "Run 'loadgate help <command>' (or 'loadgate <command> --help') for a command's options,",
    "'loadgate --version' (-V) for the versions of loadgate, its engine and Node.",
  ].join('\n');
}

/** Runs the command argv names; its exit code. Errors are thrown for cli/main.ts. */
export async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? EXIT.ok : EXIT.badInput;
  }
  if (name === '--version' || name === '-V')
    return (await import('./commands/version.ts')).main(rest);
  if (name === 'help') {
    const [topic, ...sub] = rest;
    if (!topic) {
      process.stdout.write(usage() + '\n');
      return EXIT.ok;
    }
    // `loadgate help slo check` is `loadgate slo check --help`.
    return (await command(topic)).main([...sub, '--help']);
  }
  return (await command(name)).main(rest);
}

async function command(name: string) {
  const found = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!found) throw new InputError(`unknown command '${name}'`, usage());
  return found.load();
}
