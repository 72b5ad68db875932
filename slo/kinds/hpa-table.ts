// The documented autoscaling table as a spec writes it once (a YAML anchor,
// `hpas: &hpas [...]`, then `hpas: *hpas`), shared by the hpa and hpa-drift
// kinds: one row per HorizontalPodAutoscaler with its documented range and
// targets.
import { z } from 'zod';
import { quote } from '../template.ts';

export const HpaRow = z
  .strictObject({
    hpa: z.string().min(1).describe('HorizontalPodAutoscaler name (`<deployment>-hpa`)'),
    min: z.number().int().positive().describe('Documented minReplicas'),
    max: z.number().int().positive().describe('Documented maxReplicas'),
    cpu: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Documented CPU target, percent of request (checked by hpa-drift)'),
    memory: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Documented memory target, percent of request (checked by hpa-drift)'),
  })
  .refine((r) => r.min <= r.max, { message: 'min must be ≤ max' })
  .describe('One row of the documented autoscaling table');
export type HpaRow = z.infer<typeof HpaRow>;

export const HpaTable = z
  .array(HpaRow)
  .min(1)
  .describe(
    'The documented autoscaling table: one row per HPA, each judged and named in the result',
  );

/** `{namespace="…",horizontalpodautoscaler="…"}`, both quoted for PromQL. */
export function hpaSelector(namespace: string, hpa: string): string {
  return `{namespace=${quote(namespace)},horizontalpodautoscaler=${quote(hpa)}}`;
}
