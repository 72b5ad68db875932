// README's table of the profiles, computed from the profiles' real k6
// options (the plan `loadgate run` prints), so the documentation cannot
// drift from lib/profiles.ts: test/cli/readme.test.ts compares the two.
import { PROFILES } from '../lib/catalogue.ts';
import { valueAt } from '../engine/load-shape.ts';
import { planOf, requestsPerIteration } from './run-plan.ts';

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s % 60 ? `${s % 60}s` : ''}` || '0s';
};

/** The Markdown table, for `bundle` (k6-bundles/mix.js) with the default variables. */
export async function profileTable(bundle: string): Promise<string> {
  const rows = [
    '| profile | shape (requests/s of the whole mix, default TARGET_RPS=50) | peak | VUs at most | length |',
    '|---|---|---|---|---|',
  ];
  for (const profile of PROFILES) {
    const plan = await planOf(bundle, { BASE_URL: 'http://127.0.0.1', PROFILE: profile });
    const [first] = plan.shapes;
    let shape: string;
    if (first && first.model === 'arrival') {
      // Every journey's scenario follows the same stages: read the mix at their boundaries.
      const rate = (t: number, side: 'left' | 'right') =>
        plan.shapes.reduce(
          (n, s) => n + valueAt(s.points, t, side) * (requestsPerIteration(s) ?? 0),
          0,
        );
      shape = first.points
        .slice(1)
        .map(([t, _v], i) => {
          const t0 = first.points[i]![0];
          const from = Math.round(rate(t0, 'right'));
          const to = Math.round(rate(t, 'left'));
          return from === to
            ? `${to} for ${duration(t - t0)}`
            : `${from}→${to} over ${duration(t - t0)}`;
        })
        .join(', ');
    } else {
      shape = `${plan.maxVus} VUs looping for ${duration(plan.lengthMs)}`;
    }
    const peak = plan.peakRps ? `${Math.round(plan.peakRps.value)} req/s` : 'set by response times';
    rows.push(
      `| \`${profile}\` | ${shape} | ${peak} | ${plan.maxVus} | ${duration(plan.lengthMs)} |`,
    );
  }
  return rows.join('\n') + '\n';
}
