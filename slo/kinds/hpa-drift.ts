// Does the cluster autoscale as its documents say? Each HPA's live
// configuration, as kube-state-metrics exports it (_spec_min_replicas,
// _spec_max_replicas, _spec_target_metric for cpu and memory utilisation),
// compared with the documented table at the end of the window.
import { z } from 'zod';
import {
  numericValues,
  noData,
  prometheus,
  template,
  type Context,
  type Measurement,
} from '../measure.ts';
import { quote } from '../template.ts';
import { common } from './common.ts';
import { HpaTable, type HpaRow } from './hpa-table.ts';
import { defineKind } from './kind.ts';

export const HpaDrift = z
  .object({
    kind: z.literal('hpa-drift'),
    ...common,
    hpas: HpaTable,
    namespace: z.string().default('$namespace').describe('Namespace of the HPAs'),
  })
  .describe(
    "Each HPA's live min, max and CPU/memory targets (kube-state-metrics) equal the documented table; the value is the number of fields that differ",
  );
export type HpaDrift = z.infer<typeof HpaDrift>;

export const hpaDrift = defineKind({ kind: 'hpa-drift', schema: HpaDrift, measure });

type Field = 'minReplicas' | 'maxReplicas' | 'cpu target' | 'memory target';

async function measure(o: HpaDrift, ctx: Context): Promise<Measurement> {
  const namespace = quote(template(ctx, o.namespace, `objective ${o.name}`));
  const names = quote(o.hpas.map((r) => r.hpa).join('|'));
  const selector = (extra = '') =>
    `{namespace=${namespace},horizontalpodautoscaler=~${names}${extra}}`;
  const byHpa = (series: string, extra?: string) =>
    `max by (horizontalpodautoscaler) (${series}${selector(extra)})`;
  const target = (metric: string) =>
    byHpa(
      'kube_horizontalpodautoscaler_spec_target_metric',
      `,metric_name="${metric}",metric_target_type="utilization"`,
    );
  const queries: [Field, string, (r: HpaRow) => number | undefined][] = [
    ['minReplicas', byHpa('kube_horizontalpodautoscaler_spec_min_replicas'), (r) => r.min],
    ['maxReplicas', byHpa('kube_horizontalpodautoscaler_spec_max_replicas'), (r) => r.max],
    ['cpu target', target('cpu'), (r) => r.cpu],
    ['memory target', target('memory'), (r) => r.memory],
  ];
  const judged = { op: '<=' as const, bound: 0, unit: 'count' as const };
  const answers = await Promise.all(
    queries.map(async ([field, query, documented]) => {
      const values = numericValues(await prometheus(ctx).query(query, ctx.window.end));
      const live = new Map(
        values.ok
          ? values.series.map((s) => [s.labels.horizontalpodautoscaler ?? '', s.values[0]!])
          : [],
      );
      return { field, query, documented, live };
    }),
  );
  const [mins] = answers;
  if (mins!.live.size === 0)
    return noData(
      judged,
      mins!.query,
      'no HPA of the table in kube-state-metrics',
      'Check the namespace and that kube-state-metrics is scraped (kube_horizontalpodautoscaler_spec_min_replicas)',
    );

  const drifts: { hpa: string; field: Field; documented: number; live: number | null }[] = [];
  for (const row of o.hpas) {
    if (!mins!.live.has(row.hpa)) {
      drifts.push({ hpa: row.hpa, field: 'minReplicas', documented: row.min, live: null });
      continue;
    }
    for (const { field, documented, live } of answers) {
      const want = documented(row);
      if (want === undefined) continue;
      const got = live.get(row.hpa);
      if (got !== want) drifts.push({ hpa: row.hpa, field, documented: want, live: got ?? null });
    }
  }
  const unit = (field: Field) => (field.endsWith('target') ? ' %' : '');
  return {
    ...judged,
    value: drifts.length,
    query: answers.map((a) => a.query).join('\n'),
    display:
      drifts.length === 0
        ? `${plural(o.hpas.length, 'HPA')} as documented`
        : `${plural(drifts.length, 'field')} differ${drifts.length === 1 ? 's' : ''}`,
    boundDisplay: 'no field differs',
    message:
      drifts.length === 0
        ? undefined
        : drifts
            .map((d) =>
              !mins!.live.has(d.hpa)
                ? `${d.hpa}: not in the cluster (documented ${d.documented}–${o.hpas.find((r) => r.hpa === d.hpa)!.max})`
                : `${d.hpa}: ${d.field} ${d.live === null ? 'not set' : `${d.live}${unit(d.field)}`}, documented ${d.documented}${unit(d.field)}`,
            )
            .join('; '),
    hint:
      drifts.length === 0
        ? undefined
        : 'The cluster differs from the documented table: fix the HPA (kubectl get hpa -o yaml) or the documents, then the spec',
    // The live value of each field that differs: judged against its row, not against "≤ 0".
    detailsNotBounded: true,
    details: drifts.map((d) => ({
      labels: { horizontalpodautoscaler: d.hpa, field: d.field, documented: String(d.documented) },
      value: d.live,
    })),
  };
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
