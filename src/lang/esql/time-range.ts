import type { Interval } from '../../core/types.js';
import { ETERNITY, intersect, normalize, union } from '../../segments/intervals.js';
import { tryParseInstant } from '../../time/interval.js';
import type { Expr } from './ast.js';

/**
 * Which `@timestamp` ranges the WHERE conditions straight after FROM can match, so only segments
 * there are read. A superset: a condition not understood allows all of time. Null: no pruning.
 */
export function timeRange(conditions: readonly Expr[]): Interval[] | null {
  if (conditions.length === 0) return null;
  const allowed = conditions.reduce<Interval[]>((acc, c) => intersect(acc, rangeOf(c)), [ETERNITY]);
  return allowed.length === 1 && allowed[0] === ETERNITY ? null : allowed;
}

const ALL: Interval[] = [ETERNITY];

function rangeOf(e: Expr): Interval[] {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'and') return intersect(rangeOf(e.left), rangeOf(e.right));
      if (e.op === 'or') return union(rangeOf(e.left), rangeOf(e.right));
      return comparison(e.op, e.left, e.right);
    case 'in': {
      if (e.negated || !isTimestamp(e.value)) return ALL;
      const points = e.list.map(instantOf);
      if (points.some((p) => p === null)) return ALL;
      return normalize(points.map((p) => ({ start: p!, end: p! + 1 })));
    }
    default:
      return ALL;
  }
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' };

function comparison(op: string, left: Expr, right: Expr): Interval[] {
  if (!isTimestamp(left)) return isTimestamp(right) && FLIP[op] ? comparison(FLIP[op], right, left) : ALL;
  const t = instantOf(right);
  if (t === null) return ALL;
  switch (op) {
    case '==':
      return [{ start: t, end: t + 1 }];
    case '<':
      return [{ start: -Infinity, end: t }];
    case '<=':
      return [{ start: -Infinity, end: t + 1 }];
    case '>':
      return [{ start: t + 1, end: Infinity }];
    case '>=':
      return [{ start: t, end: Infinity }];
    default:
      return ALL;
  }
}

const isTimestamp = (e: Expr): boolean => e.kind === 'column' && e.name === '@timestamp';

/** A date literal: ISO text, or TO_DATETIME/`::datetime` of one. Sub-millisecond text is widened away. */
function instantOf(e: Expr): number | null {
  if (e.kind === 'string') {
    const ms = tryParseInstant(e.value);
    return ms === null || /\.\d{3}[1-9]/.test(e.value) ? null : ms;
  }
  if (e.kind === 'call' && e.name === 'to_datetime' && e.args.length === 1) return instantOf(e.args[0]);
  if (e.kind === 'cast' && (e.type === 'datetime' || e.type === 'date')) return instantOf(e.value);
  return null;
}
