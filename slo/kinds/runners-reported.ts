// Every runner of a split run reported to its end: a runner that died midway
// would otherwise shrink the load silently, its histograms still summed into
// a verdict on fewer requests than planned. Each runner remote-writes with its
// own `instance` label and the run's `testid`; one that reported to the end
// has a last k6_vus sample at most `within` before the last of any runner (k6
// samples vus every second, pushes every 5 s and once more when it stops).
// The latest runner, not the window's end, is the reference: runners on one
// machine start seconds apart, and the window ends after their results merge. loadgate names its runners runner-1…runner-N, so a
// missing one is named; other names are counted all the same.
import { z } from 'zod';
import {
  noData,
  prometheus,
  promqlTemplate,
  template,
  type Context,
  type Measurement,
} from '../measure.ts';
import { Duration, formatDuration, parseDuration } from '../prom-duration.ts';
import { common } from './common.ts';
import { runnerInstance } from '../../engine/split/instance.ts';
import { defineKind } from './kind.ts';

export const RunnersReported = z
  .object({
    kind: z.literal('runners-reported'),
    ...common,
    runners: z
      .union([z.number().int().positive(), z.string().min(1)])
      .default('$runners')
      .describe(
        'How many runners the run was split over (default $runners: loadgate run --runners sets it; --var runners=N for a TestRun of parallelism N)',
      ),
    within: Duration.default('15s').describe(
      'A runner reported to the end when its last k6_vus sample is at most this much older than the last of any runner of the testid',
    ),
  })
  .describe(
    'Every runner of a split run (N distinct instance series for the testid) reported to its end',
  );
export type RunnersReported = z.infer<typeof RunnersReported>;

export const runnersReported = defineKind({
  kind: 'runners-reported',
  schema: RunnersReported,
  measure,
  displayKind: () => 'runners-reported',
  defaultOp: () => '>=',
});

async function measure(o: RunnersReported, ctx: Context): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const text = typeof o.runners === 'number' ? String(o.runners) : template(ctx, o.runners, where);
  const expected = Number(text);
  const judged = { op: '>=' as const, bound: expected, unit: 'count' as const };
  if (!Number.isInteger(expected) || expected < 1)
    return noData(
      { ...judged, bound: 0 },
      undefined,
      `runners: '${text}' is not a number of runners`,
      'Set runners: N, or --var runners=N',
    );
  if (!ctx.vars.testid)
    return noData(
      judged,
      undefined,
      "no testid: the runners are told apart within the run's series only",
      'Pass --testid ID (slo check), or judge a run of loadgate run, which tags its samples with testid',
    );
  const sel = promqlTemplate(ctx, 'testid="$testid"', where);
  // k6_vus: one series per runner, sampled every second, so in every push of a live runner.
  const query = `max by (instance) (timestamp(k6_vus{${sel}}))`;
  const result = await prometheus(ctx).query(query, ctx.window.end);
  if (result.warnings.length > 0)
    return noData(judged, query, `Prometheus warned: ${result.warnings.join('; ')}`, HINT);
  const withinS = parseDuration(o.within) / 1000;
  const lastAt = new Map<string, number>();
  for (const s of result.series) {
    const at = s.points.at(-1)?.[1];
    if (at !== undefined) lastAt.set(s.labels.instance ?? '', at);
  }
  const end = Math.max(...lastAt.values());
  const seen = new Map([...lastAt].map(([name, at]) => [name, end - at]));
  const reported = [...seen].filter(([, age]) => age <= withinS).map(([name]) => name);
  const missing: string[] = [];
  for (let i = 1; i <= expected; i++) {
    const name = runnerInstance(i);
    const age = seen.get(name);
    if (age === undefined) missing.push(`${name} (no sample)`);
    else if (age > withinS)
      missing.push(`${name} (stopped ${formatDuration(Math.round(age))} before the last runner)`);
  }
  const strangers = [...seen.keys()].filter(
    (name) => !/^runner-\d+$/.test(name) || Number(name.slice(7)) > expected,
  );
  const shortBy = expected - reported.length;
  return {
    ...judged,
    value: reported.length,
    query,
    // 1: reported to the end, 0: stopped early (each against nothing: the bound counts runners).
    detailsNotBounded: true,
    details: [...seen].map(([instance, age]) => ({
      labels: { instance },
      value: age <= withinS ? 1 : 0,
    })),
    message:
      shortBy > 0
        ? `missing: ${missing.length > 0 ? missing.join(', ') : `${shortBy} runner(s)`}${strangers.length > 0 ? `; also seen: ${strangers.join(', ')}` : ''}`
        : undefined,
    hint: shortBy > 0 ? HINT : undefined,
  };
}

const HINT =
  "A runner that stopped early or never wrote: see its summary (results/<run-id>/runner-N/) and log; each runner remote-writes with --tag instance=runner-N and the run's --tag testid";
