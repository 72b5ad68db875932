// The sections that say why a run failed, right after the verdict: the
// objectives that failed (open, not collapsed), the server side over the run
// window (from server-series.json, captured from Prometheus when the run
// ended) and a table of every route, the nearest to its bound first.
import { formatValue, type ObjectiveResult } from '../slo/verdict.ts';
import { lineChart, type ChartStage } from './chart.ts';
import { escapeHtml as e } from './escape.ts';
import { badge, note, section } from './parts.ts';
import type { RunData } from './run-data.ts';
import type { ServerChart, ServerSeries } from './server-series.ts';
import type { Series } from './timeline.ts';

/** The run's stages on a time axis that starts at `start` (epoch ms). */
export function chartStages(data: RunData, start: number): ChartStage[] {
  return (data.run.stages ?? []).map((s) => ({
    name: s.name,
    from: (Date.parse(s.start) - start) / 1000,
    to: (Date.parse(s.end) - start) / 1000,
  }));
}

/** The objectives that count against the run, each with what it measured, its bound and why. */
export function failedSection({ verdict }: RunData): string {
  if (!verdict) return '';
  const failed = verdict.objectives.filter(
    (r) => r.failed || r.status === 'warn' || r.status === 'error',
  );
  if (failed.length === 0) return '';
  const item = (r: ObjectiveResult) =>
    `<li class="failed-objective" data-objective="${e(r.name)}">${badge(r.failed ? 'fail' : 'warn', r.status)} <strong>${e(r.name)}</strong>: measured <strong>${e(r.measured)}</strong>, bound ${e(r.bound || '—')}${r.message ? `<br>${e(r.message)}` : ''}${r.hint ? `<br><span class="hint">${e(r.hint)}</span>` : ''}${
      r.details?.length
        ? `<ul>${r.details
            .slice(0, 10)
            .map(
              (d) =>
                `<li><code>${e(labelText(d.labels))}</code> ${e(formatValue(d.value, r.unit))}</li>`,
            )
            .join('')}</ul>`
        : ''
    }</li>`;
  return section(
    'failed',
    'Objectives that failed or warned',
    `<ul class="failed">${failed.map(item).join('\n')}</ul>`,
  );
}

/** A captured series as one value per step from the capture's start (null where Prometheus had none). */
function alignedSeries(server: ServerSeries, chart: ServerChart): Series[] {
  const start = Date.parse(server.start) / 1000;
  const length = Math.floor((Date.parse(server.end) / 1000 - start) / server.stepSeconds) + 1;
  return chart.series.map((s) => {
    const values: (number | null)[] = Array.from({ length }, () => null);
    for (const [t, v] of s.points) {
      const i = Math.round((t - start) / server.stepSeconds);
      if (i >= 0 && i < length) values[i] = v;
    }
    return { name: s.name, values };
  });
}

export function serverSection(data: RunData): string {
  const { server } = data;
  if (!server) return section('server', 'Server side', note(data.missing.server));
  const start = Date.parse(server.start);
  const stages = chartStages(data, start);
  const charts = server.charts.map((chart) => {
    const series = alignedSeries(server, chart).filter((s) => s.values.some((v) => v !== null));
    const body = series.length
      ? lineChart({
          title: chart.title,
          unit: chart.unit,
          series,
          start,
          interval: server.stepSeconds,
          merge: 'max',
          stages,
        })
      : note(`${chart.title}: Prometheus had no series for it over the run window.`);
    return `<div class="server-chart" data-chart="${e(chart.id)}">${body}</div>`;
  });
  const hpas = server.charts.filter((c) => c.id.startsWith('hpa:')).length;
  return section(
    'server',
    'Server side',
    `<p class="hint">From ${e(server.prometheus || 'Prometheus')} over the run window, every ${server.stepSeconds} s, captured when the run ended (${e('server-series.json')}). ${hpas ? `${hpas} HPA(s).` : 'No HPA series (kube_horizontalpodautoscaler_*) in the window.'}${stages.length ? ' Shaded: the run’s stages.' : ''}</p>
${server.problems.length ? `<p class="note">Not drawn: ${server.problems.map(e).join('; ')}</p>` : ''}
<div class="charts">
${charts.join('\n')}
</div>`,
  );
}

type RouteRow = {
  name: string;
  clientP95Ms: number | null;
  serverP95Ms: number | null;
  clientRequests?: number;
  clientFailed?: number;
  serverRequests?: number;
  serverErrors?: number;
};

/** The per-route latency objective's bound (the one judged `by: [route]`), in ms. */
function routeBoundMs(data: RunData): { ms: number; from: string } {
  const o = data.verdict?.objectives.find(
    (r) =>
      r.unit === 's' &&
      r.boundValue !== undefined &&
      r.details?.some((d) => 'route' in d.labels) === true,
  );
  return o ? { ms: o.boundValue! * 1000, from: o.name } : { ms: 1000, from: 'the 1 s default' };
}

export function routesSection(data: RunData): string {
  const rows = new Map<string, RouteRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { name, clientP95Ms: null, serverP95Ms: null }));
    return r;
  };
  for (const c of data.timelines?.routes ?? [])
    Object.assign(row(c.name), {
      clientP95Ms: c.p95Ms,
      clientRequests: c.requests,
      clientFailed: c.failed,
    });
  for (const s of data.server?.routes ?? [])
    Object.assign(row([s.method, s.route].filter(Boolean).join(' ')), {
      serverP95Ms: s.p95Ms,
      serverRequests: s.requests,
      serverErrors: s.errors,
    });
  if (rows.size === 0)
    return section(
      'routes',
      'Routes',
      note('No per-route data: neither the client samples nor the server side name routes.'),
    );
  const bound = routeBoundMs(data);
  const share = (r: RouteRow) => (r.serverP95Ms ?? r.clientP95Ms ?? 0) / bound.ms;
  const sorted = [...rows.values()].sort(
    (a, b) => share(b) - share(a) || a.name.localeCompare(b.name),
  );
  const ms = (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : formatValue(v / 1000, 's');
  const n = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('en-US'));
  return section(
    'routes',
    'Routes',
    `<p class="hint">Sorted by p95 as a share of the bound (${e(formatValue(bound.ms / 1000, 's'))}, from ${e(bound.from)}): server p95 where Prometheus has it, else the client's. Client: k6's request name; server: the gateway's route label. Errors: failed requests (client), 5xx answers (server).</p>
<table class="routes"><thead><tr><th>Route</th><th class="num">Client p95</th><th class="num">Server p95</th><th class="num">Of bound</th><th class="num">Errors (client / server)</th><th class="num">Requests (client / server)</th></tr></thead><tbody>
${sorted
  .map((r) => {
    const over = share(r) > 1;
    return `<tr class="route${over ? ' fail' : ''}" data-route="${e(r.name)}"><td><code>${e(r.name)}</code>${over ? ` ${badge('fail', 'over')}` : ''}</td><td class="num">${ms(r.clientP95Ms)}</td><td class="num">${ms(r.serverP95Ms)}</td><td class="num">${Math.round(share(r) * 100)} %</td><td class="num">${n(r.clientFailed)} / ${n(r.serverErrors)}</td><td class="num">${n(r.clientRequests)} / ${n(r.serverRequests)}</td></tr>`;
  })
  .join('\n')}
</tbody></table>`,
  );
}

function labelText(labels: Record<string, string>): string {
  return (
    Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ') || '{}'
  );
}
