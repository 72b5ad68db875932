// Everything about an SLO spec that can be known without Prometheus: its
// schema (slo/spec.ts), every template variable defined, and every PromQL
// query the checker would send parsing. The queries are not re-derived
// here: each objective is measured as in a check, against a stand-in client
// that records the queries and answers nothing, and each recorded query is
// parsed with the PromQL grammar. `loadgate run` calls this before any load,
// `loadgate slo validate` on its files.
import { parser } from '@prometheus-io/lezer-promql';
import { evaluate } from './evaluate.ts';
import type { Context } from './measure.ts';
import type { PrometheusClient, QueryResult } from './prometheus.ts';
import { loadSpec, type SloSpec } from './spec.ts';
import { InputError } from '../core/errors.ts';

/** What runCheck defines itself (slo/index.ts): stand-ins of the right form. */
const WINDOW_VARS = { window: '10m', start: '1700000000', end: '1700000600', step: '5s' };

/**
 * The spec in `file`, checked: throws one InputError listing every problem
 * (each objective's unknown variable, unparsable query) at once. `vars` are
 * the overrides the check will get (--var, or what `loadgate run` passes).
 */
export async function checkSpecFile(
  file: string,
  vars: Readonly<Record<string, string>> = {},
): Promise<SloSpec> {
  const spec = await loadSpec(file);
  const problems = await specProblems(spec, vars);
  if (problems.length)
    throw new InputError(
      `${file} would fail the SLO check (${problems.length} error${problems.length > 1 ? 's' : ''}):\n${problems.map((p) => `✖ ${p}`).join('\n')}`,
      'Each would stop the SLO check with exit 2 after the load: fix them in the spec',
    );
  return spec;
}

/** Every problem of a parsed spec that Prometheus is not needed to see. */
export async function specProblems(
  spec: SloSpec,
  vars: Readonly<Record<string, string>>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const objective of spec.objectives) {
    const queries: string[] = [];
    const ctx = rehearsal(queries, { ...spec.vars, ...vars, ...WINDOW_VARS });
    try {
      await evaluate({ ...spec, objectives: [objective] }, ctx);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(`objective ${objective.name}: ${error.message}`);
      continue;
    }
    for (const query of new Set(queries)) {
      const at = syntaxErrorAt(query);
      if (at !== undefined)
        problems.push(
          `objective ${objective.name}: the query does not parse as PromQL (at character ${at}): ${query}`,
        );
    }
  }
  return problems;
}

/** The position of the first syntax error of a PromQL expression, or undefined. */
export function syntaxErrorAt(expr: string): number | undefined {
  let at: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError && at === undefined) at = node.from;
    },
  });
  return at;
}

/** A check's context whose client records queries and answers empty results. */
function rehearsal(queries: string[], vars: Record<string, string>): Context {
  const empty: QueryResult = { series: [], warnings: [] };
  const client = {
    url: 'http://prometheus.invalid',
    query: (expr: string) => (queries.push(expr), Promise.resolve(empty)),
    queryRange: (expr: string) => (queries.push(expr), Promise.resolve(empty)),
    alertingRules: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  } as unknown as PrometheusClient;
  const end = new Date(Number(WINDOW_VARS.end) * 1000);
  const start = new Date(Number(WINDOW_VARS.start) * 1000);
  return {
    client,
    window: { loadStart: start, start, end },
    step: 5,
    vars,
    summaries: new Map(),
    results: new Map(),
    // After every deadline: nothing waits in a rehearsal.
    now: () => new Date(end.getTime() + 365 * 24 * 3600 * 1000),
    sleep: () => Promise.resolve(),
  };
}
