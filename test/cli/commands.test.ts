// Every command refuses an unknown flag the same readable way (cli/args.ts),
// before it starts anything, with its own way to get help as the hint.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';

const commands = {
  run: { load: () => import('../../cli/commands/run.ts'), argv: ['smoke'] },
  k6: { load: () => import('../../cli/commands/k6.ts'), argv: ['run', 'script.js'] },
  'slo check': { load: () => import('../../cli/commands/slo.ts'), argv: ['check'] },
  'slo validate': { load: () => import('../../cli/commands/slo.ts'), argv: ['validate', 'x'] },
  'slo schema': { load: () => import('../../cli/commands/slo.ts'), argv: ['schema'] },
  report: { load: () => import('../../cli/commands/report.ts'), argv: ['results/x'] },
  platform: { load: () => import('../../cli/commands/platform.ts'), argv: [] },
  runs: { load: () => import('../../cli/commands/runs.ts'), argv: [] },
  compare: { load: () => import('../../cli/commands/compare.ts'), argv: ['a', 'b'] },
  doctor: { load: () => import('../../cli/commands/doctor.ts'), argv: [] },
};

async function refusal(main: (argv: string[]) => Promise<number>, argv: string[]) {
  const error = await main(argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe.each(Object.entries(commands))('loadgate %s', (name, command) => {
  const loadgate = `loadgate ${name.split(' ')[0]}`;

  it("says unknown option '--foo', and how to get help", async () => {
    const { main } = await command.load();
    const error = await refusal(main, [...command.argv, '--foo']);
    expect(error.message).toBe("unknown option '--foo'");
    expect(error.hint).toContain(loadgate);
  });

  it('refuses a value given to a flag that takes none', async () => {
    const { main } = await command.load();
    const error = await refusal(main, [...command.argv, '--help=no']);
    expect(error.message).toBe("option '--help' takes no value");
  });
});
