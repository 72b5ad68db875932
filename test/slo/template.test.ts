import { describe, expect, it } from 'vitest';
import { ExitError } from '../../core/errors.ts';
import { expand, expandPromql } from '../../slo/template.ts';

// Template values reach PromQL: each lands as data where it lands, never as
// code (issue 10 item 1: `--var` could append `or vector(0)` to a query).

const INJECTION = 'e-commerce-prod"}[5m]))) or vector(0) or (sum(rate(up{a="';

describe('expandPromql', () => {
  it('keeps a value inside the label string it was written in', () => {
    const query = expandPromql('up{namespace="$namespace"}', { namespace: INJECTION }, 'q');
    expect(query).toBe(
      'up{namespace="e-commerce-prod\\"}[5m]))) or vector(0) or (sum(rate(up{a=\\""}',
    );
  });

  it("escapes quotes, backslashes and control characters as PromQL's strings do", () => {
    const vars = { v: 'a"b\\c\nd\u0001' };
    expect(expandPromql('x{l="$v"}', vars, 'q')).toBe('x{l="a\\"b\\\\c\\nd\\u0001"}');
    expect(expandPromql("x{l='${v}'}", { v: "it's" }, 'q')).toBe("x{l='it\\'s'}");
    // A value's own quote does not end the string for the next variable.
    expect(expandPromql('x{a="$v",b="$v"}', { v: '"' }, 'q')).toBe('x{a="\\"",b="\\""}');
  });

  it('tracks strings of the template, escapes included', () => {
    expect(expandPromql('x{a="say \\"hi\\" $v"} > $n', { v: 'q"', n: '5' }, 'q')).toBe(
      'x{a="say \\"hi\\" q\\""} > 5',
    );
  });

  it('lets names, numbers and durations stand outside strings, and refuses anything else', () => {
    expect(expandPromql('rate(x[$window]) > $n', { window: '5m', n: '-0.5' }, 'q')).toBe(
      'rate(x[5m]) > -0.5',
    );
    const refused = () => expandPromql('sum by ($by) (x)', { by: 'a) or vector(1' }, 'objective o');
    expect(refused).toThrow(ExitError);
    expect(refused).toThrow(/\$by in objective o is outside a string/);
  });

  it('refuses a backtick inside a raw string', () => {
    expect(() => expandPromql('x{a=`$v`}', { v: '`) or vector(1)' }, 'q')).toThrow(/backtick/);
    expect(expandPromql('x{a=`$v`}', { v: 'a"b\\c' }, 'q')).toBe('x{a=`a"b\\c`}');
  });

  it('keeps $$, a bare $ and unknown names as before', () => {
    expect(expandPromql('x{a=~"/api/.*$"} $$', {}, 'q')).toBe('x{a=~"/api/.*$"} $');
    expect(() => expandPromql('x{a="$nope"}', { known: '1' }, 'q')).toThrow(/\$nope/);
  });
});

describe('expand', () => {
  it('substitutes plain text as is (the caller quotes it)', () => {
    expect(expand('results/$baseline', { baseline: 'a"b' }, 'q')).toBe('results/a"b');
  });
});
