import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { Duration } from './prom-duration.ts';
import { InputError } from '../core/errors.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

/**
 * The SLO spec: the single source of truth for its shape. Types come from
 * z.infer and `slo/spec.schema.json` is generated from it (test/slo keeps the
 * committed file current), so editors can validate specs too.
 */

export const Comparison = z
  .enum(['<', '<=', '>', '>='])
  .describe('How the measured value compares with the bound for the objective to pass');
export type Comparison = z.infer<typeof Comparison>;

const common = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore')
    .describe('Unique id of the objective: shown in reports, used as the `objective` label'),
  description: z.string().optional().describe('What the objective protects, for humans'),
  key: z
    .boolean()
    .default(false)
    .describe('A failed key objective fails the run whatever the score'),
  weight: z
    .number()
    .positive()
    .default(1)
    .describe('Weight in the run score (passed weight / total weight)'),
  profiles: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Judge only runs of these profiles, e.g. [capacity, stress] for an HPA that must scale; other runs show it as skipped. Default: every profile',
    ),
  onNoData: z
    .enum(['fail', 'warn'])
    .optional()
    .describe('What a missing series counts as (default: defaults.onNoData, itself `fail`)'),
};

const warning = z
  .number()
  .optional()
  .describe(
    'Warning band: a value that passes the bound but is beyond this one is `warn` (it does not fail the run)',
  );

const selector = (what: string) =>
  z
    .string()
    .default('')
    .describe(
      `Label matchers added to ${what}, without braces, e.g. service="api-gateway",namespace="$namespace"`,
    );

const by = z
  .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name'))
  .default([])
  .describe('Judge each group of these labels (e.g. [route]) separately; the worst one counts');

const Latency = z
  .object({
    kind: z.literal('latency'),
    ...common,
    metric: z
      .string()
      .default('http_request_duration_seconds')
      .describe('Histogram name, without _bucket'),
    selector: selector('the histogram'),
    quantile: z.number().gt(0).lt(1).default(0.95).describe('Quantile, e.g. 0.95 for p95'),
    by,
    bound: z.number().positive().describe('Bound in seconds'),
    op: Comparison.default('<='),
    warning,
  })
  .describe('histogram_quantile of a latency histogram over the window');

const ErrorRatio = z
  .object({
    kind: z.literal('error-ratio'),
    ...common,
    metric: z.string().default('http_requests_total').describe('Request counter'),
    selector: selector('both the errors and the total'),
    errorSelector: z
      .string()
      .default('status=~"5.."')
      .describe('Label matchers that pick the errors'),
    by,
    bound: z.number().min(0).max(1).describe('Bound as a ratio: 0.05 is 5 %'),
    op: Comparison.default('<='),
    warning,
  })
  .describe('errors / requests over the window');

const Promql = z
  .object({
    kind: z.literal('promql'),
    ...common,
    query: z
      .string()
      .min(1)
      .describe('Any PromQL; templates $window, $start, $end, $step and spec vars'),
    evaluate: z
      .enum(['instant', 'range'])
      .default('instant')
      .describe('instant: at the end of the window; range: every step across the window'),
    reduce: z
      .enum(['worst', 'max', 'min', 'avg', 'last'])
      .default('worst')
      .describe('How several series (and, for range, several steps) become one value'),
    unit: z
      .enum(['', 's', 'ratio', 'percent', 'count', 'bytes'])
      .default('')
      .describe('Display unit'),
    bound: z.number(),
    op: Comparison.default('<='),
    warning,
  })
  .describe('Any PromQL expression with a bound');

const clientCommon = {
  kind: z.literal('client'),
  ...common,
  script: z
    .string()
    .optional()
    .describe('Which summary-<script>.json to read (default: every summary in the run dir)'),
  warning,
};

const Client = z.discriminatedUnion('check', [
  z
    .object({
      ...clientCommon,
      check: z.literal('thresholds'),
      bound: z.number().int().min(0).default(0).describe('Failed k6 thresholds allowed'),
      op: Comparison.default('<='),
    })
    .describe('k6 thresholds of the run'),
  z
    .object({
      ...clientCommon,
      check: z.literal('checks'),
      bound: z.number().min(0).max(1).default(0.99).describe('Minimum checks pass rate'),
      op: Comparison.default('>='),
    })
    .describe('k6 checks pass rate'),
  z
    .object({
      ...clientCommon,
      check: z.literal('dropped-iterations'),
      bound: z.number().min(0).default(0).describe('Dropped iterations allowed'),
      op: Comparison.default('<='),
    })
    .describe('Iterations k6 could not start in time (arrival-rate executors)'),
  z
    .object({
      ...clientCommon,
      check: z.literal('metric'),
      metric: z.string().describe('k6 metric name, e.g. http_req_duration'),
      stat: z.string().describe('Summary value, e.g. p(95), avg, rate, count'),
      bound: z.number(),
      op: Comparison.default('<='),
    })
    .describe('Any value of the k6 summary (times in ms, as k6 writes them)'),
]);

const hpaCommon = {
  kind: z.literal('hpa'),
  ...common,
  hpa: z.string().describe('HorizontalPodAutoscaler name'),
  namespace: z.string().default('$namespace').describe('Namespace of the HPA'),
  warning,
};

const Hpa = z.discriminatedUnion('check', [
  z
    .object({
      ...hpaCommon,
      check: z.literal('scaled-above-min'),
      min: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          'Documented minReplicas (default: kube_horizontalpodautoscaler_spec_min_replicas)',
        ),
    })
    .describe('The HPA scaled above minReplicas while loaded'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('never-above-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
    })
    .describe('Replicas never went above maxReplicas'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('not-pinned-at-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
      for: Duration.describe('Longest time allowed at maxReplicas'),
    })
    .describe('The HPA was not stuck at maxReplicas (capacity exhausted)'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('scale-up-time'),
      within: Duration.describe('Longest time from load start to the first scale-up'),
    })
    .describe('Time from load start to the first scale-up'),
]);

const AlertRule = z
  .object({
    kind: z.literal('alert-rule'),
    ...common,
    alert: z.string().describe('Alert name in /api/v1/rules'),
    group: z.string().optional().describe('Rule group, when the name is not unique'),
    threshold: z.number().describe("Documented threshold, read from the rule's PromQL"),
    comparison: z
      .enum(['>', '>=', '<', '<=', '==', '!='])
      .optional()
      .describe('Documented comparison of the rule expression'),
    for: Duration.optional().describe('Documented `for`'),
    severity: z.string().optional().describe('Documented severity label'),
  })
  .describe('An alert rule is loaded with the documented threshold, comparison, for and severity');

const AlertState = z
  .object({
    kind: z.literal('alert-state'),
    ...common,
    alert: z.string().describe('Alert name'),
    expect: z
      .enum(['not-firing', 'firing'])
      .default('not-firing')
      .describe('Whether the alert must stay quiet or must fire during the window'),
    labels: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra label values the ALERTS series must have'),
  })
  .describe('Alert state during the window, from the ALERTS series');

const QueueDrain = z
  .object({
    kind: z.literal('queue-drain'),
    ...common,
    metric: z.string().default('rabbitmq_queue_messages_ready').describe('Backlog gauge'),
    queue: z.string().optional().describe('Queue name (the `queue` label)'),
    selector: selector('the backlog gauge'),
    below: z.number().min(0).default(0).describe('Backlog considered drained'),
    within: Duration.describe('Longest time after the run for the backlog to drain'),
    warning,
  })
  .describe('The queue backlog drains after the run');

const Baseline = z
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

export const Objective = z.discriminatedUnion('kind', [
  Latency,
  ErrorRatio,
  Promql,
  Client,
  Hpa,
  AlertRule,
  AlertState,
  QueueDrain,
  Baseline,
]);
export type Objective = z.infer<typeof Objective>;
export type ObjectiveKind = Objective['kind'];

/** An objective as written, before it is known to be valid. */
type Loose = Record<string, unknown> | undefined;

export const SloSpec = z
  .object({
    apiVersion: z.literal('loadgate/v1').describe('Spec format version'),
    kind: z.literal('SLO'),
    metadata: z
      .object({
        name: z.string().min(1).describe('Spec name'),
        profile: z
          .string()
          .optional()
          .describe('Profile label for pushed metrics (default: the run record profile)'),
        description: z.string().optional(),
      })
      .describe('Who this spec is'),
    vars: z
      .record(z.string(), z.string())
      .default({})
      .describe('Template variables ($name or ${name}); `--var name=value` overrides them'),
    window: z
      .object({
        warmup: Duration.default('0s').describe('Ignored at the start of the run window'),
        step: Duration.default('5s').describe(
          'Range-query step (finer for windows under 20 steps, coarser to stay under 11,000 points)',
        ),
      })
      .prefault({})
      .describe('How the run window is read'),
    defaults: z
      .object({
        onNoData: z.enum(['fail', 'warn']).default('fail').describe('What no data counts as'),
        timeout: Duration.default('30s').describe('Per-query timeout'),
      })
      .prefault({})
      .describe('Defaults for every objective'),
    minScore: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Weighted share of objectives that must pass (1: every one)'),
    objectives: z.array(Objective).min(1).describe('What is judged'),
  })
  // Cross-field rules. `when` runs them even if other fields failed, so a user
  // sees every error at once; hence they read the objectives defensively.
  .superRefine(
    (spec, ctx) => {
      const objectives = (Array.isArray(spec.objectives) ? spec.objectives : []) as Loose[];
      const names = new Map<unknown, number>();
      objectives.forEach((o, i) => {
        if (typeof o?.name !== 'string') return;
        if (names.has(o.name))
          ctx.addIssue({
            code: 'custom',
            message: `duplicate objective name '${o.name}' (first at objectives[${names.get(o.name)}])`,
            path: ['objectives', i, 'name'],
          });
        else names.set(o.name, i);
      });
      objectives.forEach((o, i) => {
        if (o?.kind === 'baseline') {
          const target = objectives.find((t) => t?.name === o.objective);
          if (!target || target.kind === 'baseline')
            ctx.addIssue({
              code: 'custom',
              message: `'${String(o.objective)}' is not a (non-baseline) objective of this spec`,
              path: ['objectives', i, 'objective'],
            });
        }
        if (typeof o?.warning !== 'number' || typeof o.bound !== 'number') return;
        const op = o.op ?? (o.kind === 'client' && o.check === 'checks' ? '>=' : '<=');
        const lower = op === '<' || op === '<=';
        if (lower ? o.warning > o.bound : o.warning < o.bound)
          ctx.addIssue({
            code: 'custom',
            message: `warning ${o.warning} must be on the passing side of the bound (${String(op)} ${o.bound})`,
            path: ['objectives', i, 'warning'],
          });
      });
    },
    { when: () => true },
  );
export type SloSpec = z.infer<typeof SloSpec>;

/** The JSON Schema of what a user writes (defaults optional). */
export function specJsonSchema(): unknown {
  return z.toJSONSchema(SloSpec, { io: 'input', unrepresentable: 'any' });
}

/**
 * Parses spec text, reporting every problem at once with its YAML line:
 * `✖ Invalid input: expected number → at objectives[3].bound (line 42)`.
 */
export function parseSpec(text: string, file = 'spec'): SloSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `✖ ${e.message.split('\n')[0]} (line ${pos.line})`;
    });
    throw new InputError(`${file} is not valid YAML:\n${lines.join('\n')}`);
  }
  const parsed = SloSpec.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
    // Missing keys have no node: point at the closest parent that exists.
    let at = node?.range?.[0];
    for (let n = issue.path.length - 1; at === undefined && n >= 0; n--) {
      const parent = doc.getIn(issue.path.slice(0, n) as (string | number)[], true) as
        { range?: [number, number, number] } | undefined;
      at = parent?.range?.[0];
    }
    const line = at === undefined ? '' : ` (line ${lineCounter.linePos(at).line})`;
    return formatZodIssues([issue]) + line;
  });
  throw new InputError(
    `${file} is not a valid SLO spec (${lines.length} error${lines.length > 1 ? 's' : ''}):\n${lines.join('\n')}`,
    'See slo/spec.schema.json, or slo/platform.yaml for a complete example.',
  );
}

export async function loadSpec(file: string): Promise<SloSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the SLO spec ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'Pass an existing file with --spec, e.g. --spec slo/local.yaml',
    );
  }
  return parseSpec(text, file);
}
