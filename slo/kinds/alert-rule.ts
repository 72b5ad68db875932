import { z } from 'zod';
import { alertThreshold } from '../alert-threshold.ts';
import { Duration, formatDuration, parseDuration } from '../prom-duration.ts';
import { prometheus, type Context, type Measurement } from '../measure.ts';
import { common } from './common.ts';
import { defineKind } from './kind.ts';

export const AlertRule = z
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
export type AlertRule = z.infer<typeof AlertRule>;

export const alertRule = defineKind({
  kind: 'alert-rule',
  schema: AlertRule,
  measure,
});

/**
 * The rule is loaded with the documented threshold (read from its PromQL
 * syntax tree), comparison, `for` and severity. Every mismatch is named.
 */
async function measure(o: AlertRule, ctx: Context): Promise<Measurement> {
  const judged = {
    op: '<=' as const,
    bound: o.threshold,
    unit: '' as const,
    boundDisplay: describe(o.comparison, o.threshold, o.for, o.severity),
  };
  const rules = await prometheus(ctx).alertingRules();
  const matching = rules.filter((r) => r.name === o.alert && (!o.group || r.group === o.group));
  if (matching.length === 0)
    return {
      ...judged,
      value: null,
      status: 'fail',
      display: 'missing',
      query: 'GET /api/v1/rules?type=alert',
      message: `no alerting rule '${o.alert}'${o.group ? ` in group ${o.group}` : ''} among the ${rules.length} loaded${rules.length ? ` (${[...new Set(rules.map((r) => r.name))].join(', ')})` : ''}`,
      hint: 'Load the rule file (rule_files in prometheus.yml, or the PrometheusRule resource) and reload Prometheus',
    };

  const problems: string[] = [];
  let threshold: number | null = null;
  let display: string | undefined;
  for (const rule of matching) {
    const at = matching.length > 1 ? ` (group ${rule.group})` : '';
    if (rule.health === 'err')
      problems.push(`the rule fails to evaluate${at}: ${rule.lastError ?? ''}`);
    let parsed;
    try {
      parsed = alertThreshold(rule.query);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (!parsed) {
      problems.push(`no comparison with a number in the expression${at}`);
      continue;
    }
    threshold ??= parsed.value;
    display ??= describe(
      parsed.comparison,
      parsed.value,
      rule.duration > 0 ? formatDuration(rule.duration) : undefined,
      rule.labels.severity,
    );
    if (!sameNumber(parsed.value, o.threshold))
      problems.push(`threshold ${parsed.value} ≠ documented ${o.threshold}${at}`);
    if (o.comparison && parsed.comparison !== o.comparison)
      problems.push(`comparison ${parsed.comparison} ≠ documented ${o.comparison}${at}`);
    if (o.for !== undefined && rule.duration !== parseDuration(o.for) / 1000)
      problems.push(`for ${formatDuration(rule.duration)} ≠ documented ${o.for}${at}`);
    const severity = rule.labels.severity;
    if (o.severity !== undefined && severity !== o.severity)
      problems.push(`severity ${severity ?? '(none)'} ≠ documented ${o.severity}${at}`);
  }
  return {
    ...judged,
    op: '<=',
    value: threshold,
    display,
    query: matching.map((r) => r.query).join(' ; '),
    status: problems.length > 0 ? 'fail' : undefined,
    message: problems.length > 0 ? problems.join('; ') : undefined,
    hint:
      problems.length > 0
        ? 'Align the rule with the documented values (seeds 001/003), or the spec if the documentation changed'
        : undefined,
  };
}

/** `> 0.05, for 5m, critical`: a rule as the documentation states it. */
function describe(
  comparison: string | undefined,
  threshold: number,
  duration?: string,
  severity?: string,
) {
  return [`${comparison ?? ''} ${threshold}`.trim(), duration && `for ${duration}`, severity]
    .filter(Boolean)
    .join(', ');
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
