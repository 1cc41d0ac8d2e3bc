// Evaluates the `if` conditions stubs branch on (sys.version_info, sys.platform, TYPE_CHECKING) for a target.
import type { PythonTarget } from '../build/types.js';
import { dottedName as dotted, intLiteral as intValue, namedChildren, stringLiteral } from './syntax.js';
import type { SyntaxNode as Node } from './tree.js';

/** The default target: CPython 3.12 on Linux. */
export const DEFAULT_TARGET: PythonTarget = { version: [3, 12], platform: 'linux' };

/**
 * Three-valued result: a condition the evaluator does not understand is `unknown`, and both of its
 * branches are kept (as type checkers do), so no declaration is lost to an unrecognised test.
 */
export type Truth = 'true' | 'false' | 'unknown';

/** A value the evaluator can compare: a version tuple, a string, an int, or something opaque. */
type Value =
  | { kind: 'tuple'; items: readonly number[] }
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'seq'; items: readonly Value[] }
  | { kind: 'opaque' };

const OPAQUE: Value = { kind: 'opaque' };

function not(t: Truth): Truth {
  return t === 'true' ? 'false' : t === 'false' ? 'true' : 'unknown';
}

function fromBool(b: boolean): Truth {
  return b ? 'true' : 'false';
}

/** Python's ordering of two tuples of ints: element-wise, then the shorter one first. */
function compareTuples(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Evaluates a node to a comparable value for the target, or opaque. */
function operandValue(node: Node, target: PythonTarget, depth = 0): Value {
  if (depth > 100) return OPAQUE;
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      return inner === null ? OPAQUE : operandValue(inner, target, depth + 1);
    }
    case 'integer': {
      const v = intValue(node);
      return v === undefined ? OPAQUE : { kind: 'int', value: v };
    }
    case 'string': {
      const v = stringLiteral(node);
      return v === undefined || v.prefix.includes('b') ? OPAQUE : { kind: 'str', value: v.content };
    }
    case 'tuple':
    case 'list': {
      const items = namedChildren(node).map((c) => operandValue(c, target, depth + 1));
      if (items.every((v) => v.kind === 'int')) {
        return { kind: 'tuple', items: items.map((v) => (v as { value: number }).value) };
      }
      return { kind: 'seq', items };
    }
    case 'identifier':
    case 'attribute': {
      const name = dotted(node);
      if (name === 'sys.version_info') return { kind: 'tuple', items: [...target.version] };
      if (name === 'sys.platform') return { kind: 'str', value: target.platform };
      return OPAQUE;
    }
    case 'subscript': {
      // sys.version_info[0] and sys.version_info[:2]
      const base = node.childForFieldName('value');
      const subs = node.childrenForFieldName('subscript').filter((c) => c !== null);
      if (base === null || dotted(base) !== 'sys.version_info' || subs.length !== 1) return OPAQUE;
      const sub = subs[0]!;
      const version = [...target.version];
      const index = intValue(sub);
      if (index !== undefined) {
        const v = version[index];
        return v === undefined ? OPAQUE : { kind: 'int', value: v };
      }
      if (sub.type === 'slice') {
        const parts = namedChildren(sub);
        // Only `[:n]`: one integer after the colon.
        if (parts.length === 1 && sub.text.trim().startsWith(':')) {
          const end = intValue(parts[0]!);
          if (end !== undefined) return { kind: 'tuple', items: version.slice(0, end) };
        }
      }
      return OPAQUE;
    }
    default:
      return OPAQUE;
  }
}

function compare(op: string, a: Value, b: Value): Truth {
  if (op === 'in' || op === 'not in') {
    if (a.kind !== 'str' || b.kind !== 'seq') return 'unknown';
    if (!b.items.every((v) => v.kind === 'str')) return 'unknown';
    const found = b.items.some((v) => v.kind === 'str' && v.value === a.value);
    return fromBool(op === 'in' ? found : !found);
  }
  let order: number;
  if (a.kind === 'tuple' && b.kind === 'tuple') order = compareTuples(a.items, b.items);
  else if (a.kind === 'int' && b.kind === 'int') order = a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
  else if (a.kind === 'str' && b.kind === 'str') {
    if (op !== '==' && op !== '!=') return 'unknown';
    order = a.value === b.value ? 0 : 1;
  } else return 'unknown';
  switch (op) {
    case '==':
      return fromBool(order === 0);
    case '!=':
      return fromBool(order !== 0);
    case '<':
      return fromBool(order < 0);
    case '<=':
      return fromBool(order <= 0);
    case '>':
      return fromBool(order > 0);
    case '>=':
      return fromBool(order >= 0);
    default:
      return 'unknown';
  }
}

/**
 * Evaluates an `if`/`elif` condition for `target`. Understood: comparisons of `sys.version_info`
 * (also `[i]` and `[:n]`) with int tuples, `sys.platform` `==`/`!=`/`in` strings,
 * `sys.platform.startswith("…")`, `TYPE_CHECKING` / `typing.TYPE_CHECKING` (true), `True`/`False`,
 * `not`, `and`, `or`, parentheses. Everything else is `unknown`. The version is compared as the
 * tuple `(major, minor)`, the way Python compares tuples.
 */
export function evaluateCondition(node: Node, target: PythonTarget, depth = 0): Truth {
  if (depth > 100) return 'unknown';
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      return inner === null ? 'unknown' : evaluateCondition(inner, target, depth + 1);
    }
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'identifier':
    case 'attribute': {
      const name = dotted(node);
      return name === 'TYPE_CHECKING' ||
        name === 'typing.TYPE_CHECKING' ||
        name === 'typing_extensions.TYPE_CHECKING'
        ? 'true'
        : 'unknown';
    }
    case 'not_operator': {
      const arg = node.childForFieldName('argument');
      return arg === null ? 'unknown' : not(evaluateCondition(arg, target, depth + 1));
    }
    case 'boolean_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.type;
      if (left === null || right === null) return 'unknown';
      const l = evaluateCondition(left, target, depth + 1);
      const r = evaluateCondition(right, target, depth + 1);
      if (op === 'and')
        return l === 'false' || r === 'false' ? 'false' : l === 'true' && r === 'true' ? 'true' : 'unknown';
      if (op === 'or')
        return l === 'true' || r === 'true' ? 'true' : l === 'false' && r === 'false' ? 'false' : 'unknown';
      return 'unknown';
    }
    case 'comparison_operator': {
      const operands = namedChildren(node);
      const ops = node.childrenForFieldName('operators').filter((c) => c !== null);
      if (operands.length < 2 || ops.length !== operands.length - 1) return 'unknown';
      // Chained comparisons: `a < b < c` is `a < b and b < c`.
      let result: Truth = 'true';
      for (let i = 0; i < ops.length; i++) {
        const t = compare(
          ops[i]!.type,
          operandValue(operands[i]!, target),
          operandValue(operands[i + 1]!, target),
        );
        if (t === 'false') return 'false';
        if (t === 'unknown') result = 'unknown';
      }
      return result;
    }
    case 'call': {
      // sys.platform.startswith("lin") or startswith(("a", "b"))
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      if (fn === null || args === null || dotted(fn) !== 'sys.platform.startswith') return 'unknown';
      const list = namedChildren(args);
      if (list.length !== 1) return 'unknown';
      const v = operandValue(list[0]!, target);
      if (v.kind === 'str') return fromBool(target.platform.startsWith(v.value));
      if (v.kind === 'seq' && v.items.every((i) => i.kind === 'str')) {
        return fromBool(v.items.some((i) => i.kind === 'str' && target.platform.startsWith(i.value)));
      }
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}
