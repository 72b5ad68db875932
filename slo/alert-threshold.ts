import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

// Reads the threshold of an alert expression with the PromQL grammar rather
// than a regex, so `rate(x{le="0.5"}[5m]) > 0.05`, `0.8 < foo`, `> bool 1e-2`
// and `(a > 1) and b` all give the right number and comparison.

export type Threshold = { comparison: '>' | '>=' | '<' | '<=' | '==' | '!='; value: number };

const OPS: Record<string, Threshold['comparison']> = {
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
  Eql: '==',
  Neq: '!=',
};
/** The comparison seen from the other side: `1 < x` is `x > 1`. */
const FLIP: Record<Threshold['comparison'], Threshold['comparison']> = {
  '>': '<',
  '>=': '<=',
  '<': '>',
  '<=': '>=',
  '==': '==',
  '!=': '!=',
};
const SET_OPS = new Set(['And', 'Or', 'Unless']);

/**
 * The first comparison against a number literal, looking through parentheses
 * and set operators (`and`/`or`/`unless`); undefined when there is none, and
 * an Error when the expression does not parse.
 */
export function alertThreshold(expr: string): Threshold | undefined {
  const tree = parser.parse(expr);
  let syntaxError: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError && syntaxError === undefined) syntaxError = node.from;
    },
  });
  if (syntaxError !== undefined)
    throw new Error(`cannot parse the rule expression at character ${syntaxError}: ${expr}`);
  const root = tree.topNode.firstChild;
  return root ? find(root, expr) : undefined;
}

function find(node: SyntaxNode, src: string): Threshold | undefined {
  if (node.name === 'ParenExpr') return node.firstChild ? find(node.firstChild, src) : undefined;
  if (node.name !== 'BinaryExpr') return undefined;
  const children = childrenOf(node);
  const opIndex = children.findIndex((c) => c.name in OPS || SET_OPS.has(c.name));
  if (opIndex < 0) return undefined;
  const op = children[opIndex]!;
  const left = children[0]!;
  // Operands are the first child and the last one; modifiers (bool, on(…)) sit between.
  const right = children[children.length - 1]!;
  if (SET_OPS.has(op.name)) return find(left, src) ?? find(right, src);
  const comparison = OPS[op.name]!;
  const rightNumber = numberOf(right, src);
  if (rightNumber !== undefined) return { comparison, value: rightNumber };
  const leftNumber = numberOf(left, src);
  if (leftNumber !== undefined) return { comparison: FLIP[comparison], value: leftNumber };
  return undefined;
}

function numberOf(node: SyntaxNode, src: string): number | undefined {
  if (node.name === 'ParenExpr')
    return node.firstChild ? numberOf(node.firstChild, src) : undefined;
  if (node.name === 'UnaryExpr') {
    const [sign, operand] = childrenOf(node);
    const value = operand ? numberOf(operand, src) : undefined;
    if (value === undefined || !sign) return undefined;
    return src.slice(sign.from, sign.to) === '-' ? -value : value;
  }
  if (node.name !== 'NumberDurationLiteral' && node.name !== 'NumberLiteral') return undefined;
  const value = Number(src.slice(node.from, node.to));
  return Number.isNaN(value) ? undefined : value;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}
