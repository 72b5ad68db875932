// Hostile input by nature, explored with generated cases (fast-check), each
// property bounded in runs and time: template values in PromQL, and spec text.
import { parser } from '@prometheus-io/lezer-promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExitError } from '../../core/errors.ts';
import { parseSpec } from '../../slo/spec.ts';
import { expandPromql } from '../../slo/template.ts';

const bounded = { numRuns: 300, interruptAfterTimeLimit: 10_000 };

/** The value of the one label matcher `l="…"` of a query, as PromQL reads it; undefined if it does not parse. */
function labelValue(query: string): string | undefined {
  const tree = parser.parse(query);
  let broken = false;
  let literal: string | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) broken = true;
      if (node.name === 'StringLiteral') literal = query.slice(node.from, node.to);
    },
  });
  if (broken || literal === undefined) return undefined;
  // PromQL strings use Go's escapes; JSON's are the same for what escapeString writes.
  return literal.startsWith("'")
    ? (JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string)
    : (JSON.parse(literal) as string);
}

describe('template values in PromQL', () => {
  it('any value inside a string stays that string: the query parses and reads the value back', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.constantFrom('"', "'"),
        (value, q) => {
          const query = expandPromql(`up{l=${q}$v${q}}`, { v: value }, 'test');
          expect(labelValue(query)).toBe(value);
        },
      ),
      bounded,
    );
  });

  it('a value outside a string is a name, number or duration, or refused (exit 2)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        let query: string;
        try {
          query = expandPromql('rate(up[5m]) > $v', { v: value }, 'test');
        } catch (error) {
          expect(error).toBeInstanceOf(ExitError);
          expect((error as ExitError).code).toBe(2);
          return;
        }
        // Accepted: it added no operator, call or selector of its own.
        expect(value).toMatch(/^-?[A-Za-z0-9_.:]+$/);
        expect(query).toBe(`rate(up[5m]) > ${value}`);
      }),
      bounded,
    );
  });
});

describe('spec text', () => {
  it('any text is a spec or exit 2, never a crash', () => {
    const yamlish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      // Structure YAML parsers care about: anchors, aliases, tags, flow and block mixes.
      fc
        .array(
          fc.constantFrom(
            'a: ',
            '- ',
            '&x ',
            '*x ',
            '!!str ',
            '{',
            '}',
            '[',
            ']',
            ',',
            '\n',
            '  ',
            '~',
            'objectives:',
            '"',
            "'",
            '? ',
            '|',
            '>',
            '#',
          ),
          { maxLength: 40 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parseSpec(text, 'spec.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(ExitError);
          expect((error as ExitError).code).toBe(2);
        }
      }),
      bounded,
    );
  });
});
