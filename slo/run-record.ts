import { z } from 'zod';

/**
 * `results/<run-id>/run.json`: written by `loadgate run`, read by the SLO
 * checker for the run window. Beside it: summary.json (k6 handleSummary data;
 * summary-<script>.json when several scripts ran) and metrics.ndjson.
 */
export const RunRecord = z.object({
  id: z.string().min(1),
  profile: z.string().min(1),
  target: z.string(),
  engine: z.enum(['builtin', 'k6']),
  scripts: z.array(z.string()),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  exitCode: z.number().int(),
  interrupted: z.boolean(),
  prometheusUrl: z.string().optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;
