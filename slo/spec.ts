// The SLO spec: the single source of truth for its shape. Types come from
// z.infer and `slo/spec.schema.json` is generated from it (test/slo keeps the
// committed file current), so editors can validate specs too. Each objective
// kind defines its own schema in slo/kinds/; this file is the envelope.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { kindOf, kinds } from './kinds/index.ts';
import type { Loose } from './kinds/kind.ts';
import { Duration } from './prom-duration.ts';
import { InputError } from '../core/errors.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

// `kinds.map` loses the tuple type z.discriminatedUnion needs; this restores it.
type Schemas<T extends readonly { schema: unknown }[]> = { [I in keyof T]: T[I]['schema'] };

/** One objective of any registered kind, told apart by `kind`. */
export const Objective = z.discriminatedUnion(
  'kind',
  kinds.map((k) => k.schema) as unknown as Schemas<typeof kinds>,
);
export type Objective = z.infer<typeof Objective>;
export type ObjectiveKind = Objective['kind'];

export const SloSpec = z
  .object({
    apiVersion: z.literal('loadgate/v1').describe('Spec format version'),
    kind: z.literal('SLO'),
    metadata: z
      .object({
        name: z.string().min(1).describe('Spec name'),
        profile: z
          .string()
          .optional()
          .describe('Profile label for pushed metrics (default: the run record profile)'),
        description: z.string().optional(),
      })
      .describe('Who this spec is'),
    vars: z
      .record(z.string(), z.string())
      .default({})
      .describe('Template variables ($name or ${name}); `--var name=value` overrides them'),
    window: z
      .object({
        warmup: Duration.default('0s').describe('Ignored at the start of the run window'),
        step: Duration.default('5s').describe(
          'Range-query step (finer for windows under 20 steps, coarser to stay under 11,000 points)',
        ),
      })
      .prefault({})
      .describe('How the run window is read'),
    defaults: z
      .object({
        onNoData: z.enum(['fail', 'warn']).default('fail').describe('What no data counts as'),
        timeout: Duration.default('30s').describe('Per-query timeout'),
      })
      .prefault({})
      .describe('Defaults for every objective'),
    minScore: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Weighted share of objectives that must pass (1: every one)'),
    objectives: z.array(Objective).min(1).describe('What is judged'),
  })
  // Cross-field rules. `when` runs them even if other fields failed, so a user
  // sees every error at once; hence they read the objectives defensively.
  .superRefine(
    (spec, ctx) => {
      const objectives = (Array.isArray(spec.objectives) ? spec.objectives : []) as Loose[];
      const names = new Map<unknown, number>();
      objectives.forEach((o, i) => {
        if (typeof o?.name !== 'string') return;
        if (names.has(o.name))
          ctx.addIssue({
            code: 'custom',
            message: `duplicate objective name '${o.name}' (first at objectives[${names.get(o.name)}])`,
            path: ['objectives', i, 'name'],
          });
        else names.set(o.name, i);
      });
      objectives.forEach((o, i) => {
        const kind = kindOf(o?.kind);
        const issues = o && kind?.checkSpec ? kind.checkSpec(o, objectives) : [];
        for (const { field, message } of issues)
          ctx.addIssue({ code: 'custom', message, path: ['objectives', i, field] });
        if (typeof o?.warning !== 'number' || typeof o.bound !== 'number') return;
        const op = o.op ?? kind?.defaultOp?.(o) ?? '<=';
        const lower = op === '<' || op === '<=';
        if (lower ? o.warning > o.bound : o.warning < o.bound)
          ctx.addIssue({
            code: 'custom',
            message: `warning ${o.warning} must be on the passing side of the bound (${String(op)} ${o.bound})`,
            path: ['objectives', i, 'warning'],
          });
      });
    },
    { when: () => true },
  );
export type SloSpec = z.infer<typeof SloSpec>;

/** The JSON Schema of what a user writes (defaults optional). */
export function specJsonSchema(): unknown {
  return z.toJSONSchema(SloSpec, { io: 'input', unrepresentable: 'any' });
}

/**
 * Parses spec text, reporting every problem at once with its YAML line:
 * `✖ Invalid input: expected number → at objectives[3].bound (line 42)`.
 */
export function parseSpec(text: string, file = 'spec'): SloSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `✖ ${e.message.split('\n')[0]} (line ${pos.line})`;
    });
    throw new InputError(`${file} is not valid YAML:\n${lines.join('\n')}`);
  }
  let json: unknown;
  try {
    // The yaml library refuses an alias bomb (aliases expanding to millions of nodes) here.
    json = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(`${file} is not a usable YAML document: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InputError(
      `${file} is not an SLO spec: ${json === null ? 'the document is empty' : 'expected a mapping (apiVersion: loadgate/v1, kind: SLO, …)'}`,
      'See slo/spec.schema.json, or slo/platform.yaml for a complete example.',
    );
  const parsed = SloSpec.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
    // Missing keys have no node: point at the closest parent that exists.
    let at = node?.range?.[0];
    for (let n = issue.path.length - 1; at === undefined && n >= 0; n--) {
      const parent = doc.getIn(issue.path.slice(0, n) as (string | number)[], true) as
        { range?: [number, number, number] } | undefined;
      at = parent?.range?.[0];
    }
    const line = at === undefined ? '' : ` (line ${lineCounter.linePos(at).line})`;
    return formatZodIssues([issue]) + line;
  });
  throw new InputError(
    `${file} is not a valid SLO spec (${lines.length} error${lines.length > 1 ? 's' : ''}):\n${lines.join('\n')}`,
    'See slo/spec.schema.json, or slo/platform.yaml for a complete example.',
  );
}

/** Far above any real spec (slo/platform.yaml is under 6 KB), far below what hurts: a 10 MB spec took 1.15 GB to parse. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export async function loadSpec(file: string): Promise<SloSpec> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_SPEC_BYTES)
      throw new InputError(
        `the SLO spec ${file} is ${(size / 1024 / 1024).toFixed(1)} MiB: specs are limited to 1 MiB`,
        'A spec is a list of objectives; if it is generated, generate fewer or split it',
      );
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read the SLO spec ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'Pass an existing file with --spec, e.g. --spec slo/local.yaml',
    );
  }
  return parseSpec(text, file);
}
