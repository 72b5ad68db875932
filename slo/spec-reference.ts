// docs/slo-spec.md, the reference of the SLO spec, written from the JSON
// Schema that the zod spec generates (slo/spec.ts, slo/kinds/*): every field,
// its type, default and description come from the schemas themselves, so the
// reference cannot drift from what `slo validate` accepts.
import { specJsonSchema } from './spec.ts';

type Node = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  oneOf?: Node[];
  anyOf?: Node[];
  additionalProperties?: Node | boolean;
  pattern?: string;
  minimum?: number;
  maximum?: number;
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(n: Node): string {
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((e) => `\`${JSON.stringify(e)}\``).join(' or ');
  if (n.type === 'array')
    return n.items?.oneOf
      ? 'list of objectives (below)'
      : `list of ${n.items ? typeOf(n.items) : 'values'}`;
  if (n.type === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object')
    return `map of ${typeOf(n.additionalProperties)}`;
  if (n.pattern?.includes('ms|s|m|h')) return 'duration (`30s`, `5m`)';
  const alternatives = n.anyOf ?? n.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  const range =
    n.minimum !== undefined || n.maximum !== undefined
      ? ` (${n.minimum ?? '…'}–${n.maximum ?? '…'})`
      : '';
  return `${Array.isArray(n.type) ? n.type.join(' or ') : (n.type ?? 'any')}${range}`;
}

function fields(n: Node, skip: string[] = []): string {
  const rows = ['| field | type | default | meaning |', '|---|---|---|---|'];
  for (const [name, field] of Object.entries(n.properties ?? {})) {
    if (skip.includes(name)) continue;
    const required = n.required?.includes(name) && field.default === undefined;
    const fallback =
      field.default === undefined
        ? required
          ? 'required'
          : ''
        : `\`${JSON.stringify(field.default)}\``;
    rows.push(
      `| \`${name}\` | ${cell(typeOf(field))} | ${cell(fallback)} | ${cell(field.description ?? '')} |`,
    );
  }
  return rows.join('\n') + '\n';
}

/** The whole reference, as Markdown. */
export function specReference(): string {
  const schema = specJsonSchema() as Node;
  const top = schema.properties!;
  const out: string[] = [
    '# The SLO spec (`apiVersion: loadgate/v1`, `kind: SLO`)',
    '',
    "Generated from the spec's schemas (`slo/spec.ts`, `slo/kinds/`): do not edit, run",
    '`UPDATE_DOCS=1 npx vitest run test/slo/spec-reference.test.ts`. `slo/spec.schema.json` is the',
    'same as JSON Schema, for editors. `slo/platform.yaml` is a complete example; every `$name` in a',
    'field is a template variable (`vars:`, `--var`, and `$window`, `$start`, `$end`, `$step`).',
    '',
    '## The spec',
    '',
    fields(schema, []),
  ];
  for (const section of ['metadata', 'window', 'defaults'] as const)
    out.push(`### \`${section}\``, '', fields(top[section]!), '');
  out.push('## Objectives', '', 'Every objective has a `kind`; its other fields depend on it.', '');
  for (const variant of top.objectives!.items!.oneOf ?? []) {
    const checks = variant.oneOf ?? variant.anyOf;
    if (checks) {
      const kind = checks[0]!.properties!.kind!.const as string;
      out.push(`### \`kind: ${kind}\``, '');
      for (const c of checks) {
        out.push(
          `#### \`check: ${String(c.properties!.check!.const)}\``,
          '',
          c.description ?? '',
          '',
          fields(c, ['kind', 'check']),
          '',
        );
      }
    } else {
      out.push(
        `### \`kind: ${String(variant.properties!.kind!.const)}\``,
        '',
        variant.description ?? '',
        '',
        fields(variant, ['kind']),
        '',
      );
    }
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
