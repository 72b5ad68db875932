// The window of a test found by its testid, for `slo check --testid` of a run
// loadgate did not start (a k6-operator TestRun): from the first to the last
// sample its runners remote-wrote. A subquery finds them: at each 1 s step,
// timestamp() gives the time of the latest k6_vus sample of each runner (k6
// samples vus every second, so every push has one), so its min over the
// lookback is the first push and its max the last, each to within the step.
import { InputError } from '../core/errors.ts';
import type { PrometheusClient } from './prometheus.ts';
import { quote } from './template.ts';

const STEP_S = 1;

export async function testidWindow(
  client: PrometheusClient,
  testid: string,
  lookback: string,
  now: Date,
): Promise<{ from: Date; to: Date }> {
  const series = `k6_vus{testid=${quote(testid)}}`;
  const at = async (fn: 'min' | 'max') => {
    const result = await client.query(
      `${fn}(${fn}_over_time(timestamp(${series})[${lookback}:${STEP_S}s]))`,
      now,
    );
    return result.series[0]?.points[0]?.[1];
  };
  const [first, last] = [await at('min'), await at('max')];
  if (first === undefined || last === undefined || !(last > first))
    throw new InputError(
      `no k6_vus series with testid="${testid}" in the last ${lookback} (or a single push)`,
      "Check the testid (the TestRun's --tag testid=…) and that its runners remote-wrote to this Prometheus, or pass --from and --to",
    );
  // One step past the last seen: the steps are aligned, the final push may lie after the last one.
  return { from: new Date(first * 1000), to: new Date((last + STEP_S) * 1000) };
}
