// Fields shared by several objective kinds, each with the description the JSON
// Schema shows, so every kind words them the same way.
import { z } from 'zod';
import { Comparison as Op } from '../verdict.ts';

export const Comparison = Op.describe(
  'How the measured value compares with the bound for the objective to pass',
);

/** Fields every objective has, whatever its kind. */
export const common = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore')
    .describe('Unique id of the objective: shown in reports, used as the `objective` label'),
  description: z.string().optional().describe('What the objective protects, for humans'),
  key: z
    .boolean()
    .default(false)
    .describe('A failed key objective fails the run whatever the score'),
  weight: z
    .number()
    .positive()
    .default(1)
    .describe('Weight in the run score (passed weight / total weight)'),
  profiles: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Judge only runs of these profiles, e.g. [capacity, stress] for an HPA that must scale; other runs show it as skipped. Default: every profile',
    ),
  phase: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Judge only over this stage of the run, e.g. `plateau` (ramp-up, plateau, ramp-down: the stages run.json records from the profile; `plateau` spans every numbered repeat, as in stress), so ramps do not dilute a capacity verdict. Default: the whole run window',
    ),
  onNoData: z
    .enum(['fail', 'warn'])
    .optional()
    .describe('What a missing series counts as (default: defaults.onNoData, itself `fail`)'),
};

export const warning = z
  .number()
  .optional()
  .describe(
    'Warning band: a value that passes the bound but is beyond this one is `warn` (it does not fail the run)',
  );

export const selector = (what: string) =>
  z
    .string()
    .default('')
    .describe(
      `Label matchers added to ${what}, without braces, e.g. service="api-gateway",namespace="$namespace"`,
    );

export const by = z
  .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name'))
  .default([])
  .describe('Judge each group of these labels (e.g. [route]) separately; the worst one counts');
