// The contract of an objective kind. A kind is one file of slo/kinds/ (its zod
// schema, its inferred type and its evaluator) registered by one entry in
// slo/kinds/index.ts; the spec's union, the JSON Schema and evaluate.ts all
// read that registry, so shared code never names a kind.
import type { z } from 'zod';
import type { Context, Measurement } from '../measure.ts';
import type { Comparison } from '../verdict.ts';

/** An objective as written, before it is known to be valid. */
export type Loose = Record<string, unknown> | undefined;

/** A problem with one field of an objective, found by a rule of its kind. */
export type FieldIssue = { field: string; message: string };

/** An objective schema: a zod object, or a union of them on a `check` field, with `kind` as a literal. */
export type KindSchema = z.core.$ZodTypeDiscriminable & z.ZodType<{ kind: string; name: string }>;

export type Kind<S extends KindSchema = KindSchema> = {
  /** The `kind:` value, the same literal as in the schema. */
  kind: z.output<S>['kind'];
  schema: S;
  /** What the objective measured over the window; evaluate.ts judges and formats it. */
  measure(o: z.output<S>, ctx: Context): Promise<Measurement> | Measurement;
  /** The kind as reports show it, when it has variants, e.g. `client/checks` (default: `kind`). */
  displayKind?(o: z.output<S>): string;
  /**
   * Whether judging this objective asks Prometheus (default: it does). Without
   * a Prometheus, evaluate.ts skips the objectives that need one as not
   * checked instead of calling measure().
   */
  needsPrometheus?(o: z.output<S>, ctx: Context): boolean;
  /** Judged once every other objective has a result, because it reads them (`ctx.results`). */
  judgedLast?: boolean;
  /** The `op` of an objective that writes none, when it is not `<=`: the warning band must lie on its passing side. */
  defaultOp?(o: Record<string, unknown>): Comparison;
  /**
   * Rules that need the other objectives of the spec. They run even when some
   * fields are invalid (so that every error shows at once): read defensively.
   */
  checkSpec?(o: Record<string, unknown>, objectives: readonly Loose[]): FieldIssue[];
};

/** Types a kind definition: `kind` must match the schema's literal, `measure` gets the parsed objective. */
export function defineKind<S extends KindSchema>(kind: Kind<S>): Kind<S> {
  return kind;
}
