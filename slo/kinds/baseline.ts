import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { noData, template, type Context, type Measurement } from '../measure.ts';
import { unchecked, Verdict } from '../verdict.ts';
import { common, warning } from './common.ts';
import { defineKind } from './kind.ts';

export const Baseline = z
  .object({
    kind: z.literal('baseline'),
    ...common,
    objective: z.string().describe('Objective of this spec to compare'),
    against: z
      .string()
      .describe('The baseline run: its directory or its slo.json (templates: spec vars)'),
    maxIncrease: z.number().describe('Largest increase allowed, in percent'),
    warning,
  })
  .describe("No more than +maxIncrease % versus the same objective in another run's slo.json");
export type Baseline = z.infer<typeof Baseline>;

export const baseline = defineKind({
  kind: 'baseline',
  schema: Baseline,
  measure,
  // It compares with the value another objective measured in this run.
  judgedLast: true,
  // It reads files and that result; if the result was not checked, neither is this.
  needsPrometheus: () => false,
  checkSpec: (o, objectives) => {
    const target = objectives.find((t) => t?.name === o.objective);
    if (target && target.kind !== 'baseline') return [];
    const message = `'${String(o.objective)}' is not a (non-baseline) objective of this spec`;
    return [{ field: 'objective', message }];
  },
});

/** Percent change of an objective's value versus the same objective in another run. */
async function measure(o: Baseline, ctx: Context): Promise<Measurement> {
  const judged = {
    op: '<=' as const,
    bound: o.maxIncrease,
    warning: o.warning,
    unit: 'percent' as const,
  };
  let file = template(ctx, o.against, `objective ${o.name}`);
  const query = `${o.objective} versus ${file}`;
  const current = ctx.results.get(o.objective);
  if (current && unchecked(current))
    return {
      ...judged,
      value: null,
      query,
      status: 'unchecked',
      message: `${o.objective}, which it compares, was not checked (no Prometheus)`,
    };
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'slo.json');
  } catch {
    // A first run has nothing to compare with: a note, not a warning.
    return {
      ...judged,
      value: null,
      query,
      status: 'skipped',
      message: `no baseline at ${file} yet (a first run?): pass --baseline results/<run-id> to compare`,
    };
  }
  let previous: Verdict;
  try {
    previous = Verdict.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    return noData(
      judged,
      query,
      `${file} is not an slo.json: ${(error as Error).message.split('\n')[0]}`,
      'The baseline must be a slo.json written by loadgate slo check',
    );
  }
  const earlier = previous.objectives.find((r) => r.name === o.objective);
  const before = earlier?.value ?? null;
  const now = current?.value ?? null;
  if (before === null || before === 0)
    return noData(
      judged,
      query,
      `the baseline has no usable value for ${o.objective} (${before})`,
      'Compare with a run where that objective was measured',
    );
  if (now === null)
    return noData(
      judged,
      query,
      `${o.objective} has no value in this run`,
      `See objective ${o.objective}`,
    );
  return {
    ...judged,
    value: (now / before - 1) * 100,
    query,
    message: `${o.objective}: ${current!.measured} now, ${earlier!.measured} in ${previous.run ?? file}`,
  };
}
