import { escapeHtml } from './escape.ts';
import type { Series } from './timeline.ts';

// A line chart as inline SVG (no script, no fonts to fetch): one path per
// series, gaps where a second has no value, axes with round ticks, and a
// legend in HTML so the series names are text, not colour alone.

/** Colour-blind-safe palette (Okabe–Ito); series beyond it cycle with a dash pattern. */
const COLOURS = ['#222222', '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'];
const DASHES = ['', '6 3', '2 3'];

const WIDTH = 960;
const HEIGHT = 240;
const PAD = { left: 56, right: 12, top: 10, bottom: 28 };

export type ChartOptions = {
  title: string;
  /** Unit shown after the y values, e.g. `ms`, `req/s`. */
  unit: string;
  series: Series[];
  /** Epoch ms of the first value. */
  start: number;
  /** Seconds between two values (default 1: one per second; a Prometheus range query's step). */
  interval?: number;
  /** How seconds merge when a long run has more than MAX_POINTS: `max` keeps latency spikes visible. */
  merge?: 'mean' | 'max';
  /** The run's stages, shaded behind the lines: seconds since `start`. */
  stages?: ChartStage[];
};

/** A stage of the run on a chart's time axis. */
export type ChartStage = { name: string; from: number; to: number };

/** Points per series at most: keeps a soak run's report small (one path point ≈ 12 bytes). */
export const MAX_POINTS = 1200;

export function seriesStyle(index: number): { colour: string; dash: string } {
  return {
    colour: COLOURS[index % COLOURS.length]!,
    dash: DASHES[Math.floor(index / COLOURS.length) % DASHES.length]!,
  };
}

export function lineChart({
  title,
  unit,
  series: raw,
  start,
  interval = 1,
  merge = 'mean',
  stages = [],
}: ChartOptions): string {
  const count = Math.max(0, ...raw.map((s) => s.values.length));
  const step = Math.max(1, Math.ceil(count / MAX_POINTS));
  const seconds = count * interval;
  const series = raw.map((s) => ({ name: s.name, values: mergeSeconds(s.values, step, merge) }));
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null)));
  const yTicks = niceTicks(max);
  const yMax = yTicks[yTicks.length - 1]!;
  const xMax = Math.max(1, (count - 1) * interval);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (i / xMax) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const f = (n: number) => n.toFixed(1);

  const grid = yTicks.map(
    (t) =>
      `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${f(y(t))}" y2="${f(y(t))}"/>` +
      `<text class="tick" x="${PAD.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`,
  );
  const xLabels = timeTicks(seconds).map(
    (s) =>
      `<text class="tick" x="${f(x(s))}" y="${HEIGHT - 8}" text-anchor="middle">${formatSeconds(s)}</text>`,
  );
  const bands = stages
    .filter((st) => st.to > st.from)
    .map((st, index) => {
      const x1 = x(Math.max(0, st.from));
      const x2 = x(Math.min(xMax, st.to));
      if (!(x2 > x1)) return '';
      return (
        `<g class="stage" data-stage="${escapeHtml(st.name)}"><rect x="${f(x1)}" y="${PAD.top}" width="${f(x2 - x1)}" height="${plotH}" fill="${index % 2 ? '#f3f0ff' : '#eef6ff'}"/>` +
        `<text class="tick" x="${f(x1 + 4)}" y="${PAD.top + 12}">${escapeHtml(st.name)}</text></g>`
      );
    });
  const paths = series.map((s, index) => {
    const { colour, dash } = seriesStyle(index);
    // A single value per second would draw nothing as a line: draw it as a dot.
    const d = pathData(s.values, (i) => x(i * step * interval), y, f);
    return (
      `<path class="series" data-series="${escapeHtml(s.name)}" d="${d}" fill="none" stroke="${colour}"` +
      `${dash ? ` stroke-dasharray="${dash}"` : ''} stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"><title>${escapeHtml(s.name)}</title></path>`
    );
  });
  const legend = series
    .map((s, index) => {
      const { colour, dash } = seriesStyle(index);
      return `<li><svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>${escapeHtml(s.name)}</li>`;
    })
    .join('');
  const from = new Date(start).toISOString();
  return `<figure class="chart">
<figcaption>${escapeHtml(title)} <span class="unit">(${escapeHtml(unit)}, ${every(interval, step, merge)}, x = time since ${escapeHtml(from)})</span></figcaption>
<svg role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-label="${escapeHtml(title)}">
${bands.join('\n')}
${grid.join('\n')}
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}"/>
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>
${xLabels.join('\n')}
${paths.join('\n')}
</svg>
<ul class="legend">${legend}</ul>
</figure>`;
}

/** How often the chart has a value, as its caption says it. */
function every(interval: number, step: number, merge: 'mean' | 'max'): string {
  const base = interval === 1 ? 'per second' : `every ${interval} s`;
  return step === 1 ? base : `${base}, ${merge} over ${step * interval} s`;
}

/** Groups of `step` seconds as one value (nulls ignored; null if the group has none). */
export function mergeSeconds(
  values: (number | null)[],
  step: number,
  merge: 'mean' | 'max',
): (number | null)[] {
  if (step === 1) return values;
  const out: (number | null)[] = [];
  for (let i = 0; i < values.length; i += step) {
    const group = values.slice(i, i + step).filter((v) => v !== null);
    out.push(
      group.length === 0
        ? null
        : merge === 'max'
          ? Math.max(...group)
          : group.reduce((a, b) => a + b, 0) / group.length,
    );
  }
  return out;
}

/** SVG path data with a new segment after every gap (null). */
function pathData(
  values: (number | null)[],
  x: (i: number) => number,
  y: (v: number) => number,
  f: (n: number) => string,
): string {
  const parts: string[] = [];
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    const isolated = !drawing && (values[i + 1] ?? null) === null;
    parts.push(`${drawing ? 'L' : 'M'}${f(x(i))},${f(y(v))}`);
    if (isolated) parts.push('h0.01'); // round caps make it a visible dot
    drawing = true;
  });
  return parts.join(' ');
}

/** 0 and 4–6 round steps up to at least max (1, 2, 5 × 10^n). */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function timeTicks(seconds: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const step = steps.find((s) => seconds / s <= 8) ?? Math.ceil(seconds / 8 / 3600) * 3600;
  const ticks: number[] = [];
  for (let s = 0; s < seconds; s += step) ticks.push(s);
  return ticks;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s / 60}m`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)}h${m ? `${m}m` : ''}`;
}

function formatTick(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}
