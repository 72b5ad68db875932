// The zod pieces every scenario config shares, whatever its executor (k6's
// lib/executor/base_config.go), and those of the options around them: one
// definition of what a k6 duration, a stage or a tag set may be.
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';

export const duration = z.union([z.string(), z.number()]).refine(
  (v) => {
    try {
      return parseDuration(v) >= 0;
    } catch {
      return false;
    }
  },
  { message: 'invalid duration: expected e.g. "30s", "1m30s", "500ms"' },
);
export const stage = z.object({ duration, target: z.number().int().nonnegative() }).strict();
export const tags = z.record(z.string(), z.string());

/** Fields of every scenario, whatever its executor. */
export const baseConfig = {
  startTime: duration.optional(),
  gracefulStop: duration.optional(),
  exec: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  tags: tags.optional(),
};

/** The two iteration-count executors differ only in how iterations are shared. */
export const iterationsConfig = {
  vus: z.number().int().positive().default(1),
  iterations: z.number().int().positive().default(1),
  maxDuration: duration.default('10m'),
  ...baseConfig,
};
