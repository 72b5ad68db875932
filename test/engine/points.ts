import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runScript } from '../../engine/index.ts';

/**
 * Runs a script with `--out json` and reads its NDJSON back: what the
 * engine tests assert on (every sample, with its tags), on either engine.
 */
export type Point = {
  type: 'Point';
  metric: string;
  data: { value: number; tags: Record<string, string> };
};

export async function runForPoints(
  script: string,
  opts: { engine?: 'builtin' | 'k6'; env: Record<string, string>; outDir: string },
) {
  const outJson = join(opts.outDir, `${Math.random().toString(16).slice(2)}.ndjson`);
  const result = await runScript({
    script,
    engine: opts.engine ?? 'builtin',
    env: opts.env,
    outJson,
    quiet: true,
  });
  const points = (await readFile(outJson, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Point | { type: 'Metric' })
    .filter((l): l is Point => l.type === 'Point');
  return { ...result, points };
}

/** The `checks` samples by check name: 1 passed, 0 failed, one per run of the check. */
export function checksByName(points: Point[]): Record<string, number[]> {
  const checks: Record<string, number[]> = {};
  for (const p of points)
    if (p.metric === 'checks') (checks[p.data.tags.check!] ??= []).push(p.data.value);
  return checks;
}
