// Experiment: a fixture kind that judges a number written in the spec.
import { z } from 'zod';
import type { Context, Measurement } from '../measure.ts';
import { Comparison, common, warning } from './common.ts';
import { defineKind } from './kind.ts';

export const Constant = z
  .object({
    kind: z.literal('constant'),
    ...common,
    value: z.number().describe('The value to judge'),
    bound: z.number(),
    op: Comparison.default('<='),
    warning,
  })
  .describe('A constant (fixture kind)');
export type Constant = z.infer<typeof Constant>;

export const constant = defineKind({ kind: 'constant', schema: Constant, measure });

function measure(o: Constant, _ctx: Context): Measurement {
  return { value: o.value, op: o.op, bound: o.bound, warning: o.warning, unit: '' };
}
