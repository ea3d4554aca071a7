import type { SqlBase, SqlColumn, SqlExpression } from 'druid-query-toolkit';
import { SqlBetweenPart, SqlComparison, SqlFunction, SqlLiteral, SqlMulti, SqlRecord } from 'druid-query-toolkit';
import type { Interval } from '../../core/types.js';
import { ETERNITY, intersect, normalize, union } from '../../segments/intervals.js';
import { parseInterval, parseTimestamp } from './time-literals.js';

/**
 * Which time ranges a WHERE clause can possibly match, for segment pruning. The analysis is a
 * superset: a condition it does not understand counts as "all of time". Bounds are widened to
 * whole milliseconds so sub-millisecond literals never exclude a matching row.
 */

const ALL: Interval[] = [ETERNITY];

/**
 * The longest distance between local wall-clock time and UTC (UTC+14 .. UTC-12, and a DST hour).
 * The analysis reads literals as UTC; under another sqlTimeZone they are local time, so each
 * allowed range is widened by this much and stays a superset of the instants that can match.
 */
const MAX_ZONE_SHIFT_MS = 15 * 3_600_000;

export function widenForZone(filter: Interval[] | null, zone: string): Interval[] | null {
  if (filter === null || zone === 'UTC') return filter;
  return union(filter.map((i) => ({ start: i.start - MAX_ZONE_SHIFT_MS, end: i.end + MAX_ZONE_SHIFT_MS })), []);
}

/** A constant timestamp in epoch ms; `exact` is false when the text had sub-millisecond digits. */
export interface TimeConstant {
  readonly ms: number;
  readonly exact: boolean;
}

function fromText(text: string): TimeConstant | undefined {
  const ms = parseTimestamp(text);
  if (ms === undefined) return undefined;
  const frac = /\.(\d+)/.exec(text)?.[1] ?? '';
  return { ms, exact: !/[1-9]/.test(frac.slice(3)) };
}

/** The constant timestamp the expression denotes, if it is one. */
export function timestampOf(ex: SqlBase): TimeConstant | undefined {
  if (ex instanceof SqlLiteral) {
    // TIMESTAMP '...' literals hold a Date truncated to ms; their text keeps the full precision.
    if (ex.value instanceof Date) return fromText(ex.stringValue?.replace(/^'|'$/g, '') ?? ex.value.toISOString());
    if (typeof ex.value === 'string') return fromText(ex.value);
    return undefined;
  }
  if (ex instanceof SqlFunction) {
    const name = ex.getEffectiveFunctionName().toUpperCase();
    const args = ex.getArgArray();
    if ((name === 'CAST' || name === 'TIME_PARSE') && args.length >= 1 && args[0] instanceof SqlLiteral && typeof args[0].value === 'string') {
      if (name === 'CAST' && !/TIMESTAMP|DATE/i.test(String(args[1] ?? ''))) return undefined;
      if (name === 'TIME_PARSE' && args.length > 1) return undefined;
      return fromText(args[0].value);
    }
    if (name === 'MILLIS_TO_TIMESTAMP' && args.length === 1 && args[0] instanceof SqlLiteral && typeof args[0].value === 'number') {
      return { ms: args[0].value, exact: Number.isInteger(args[0].value) };
    }
  }
  return undefined;
}

type Op = '<' | '<=' | '>' | '>=' | '=';
const FLIP: Record<Op, Op> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

function range(op: Op, { ms, exact }: TimeConstant): Interval[] {
  switch (op) {
    case '>=':
    case '>':
      return [{ start: ms, end: Infinity }];
    case '<':
      return [{ start: -Infinity, end: exact ? ms : ms + 1 }];
    case '<=':
      return [{ start: -Infinity, end: ms + 1 }];
    case '=':
      return [{ start: ms, end: ms + 1 }];
  }
}

function comparison(ex: SqlComparison, isTime: (c: SqlBase) => boolean): Interval[] {
  if (ex.decorator) return ALL;
  const op = ex.op;
  if (op === 'BETWEEN' && ex.rhs instanceof SqlBetweenPart && !ex.rhs.symmetric && isTime(ex.lhs)) {
    const a = timestampOf(ex.rhs.start);
    const b = timestampOf(ex.rhs.end);
    return a !== undefined && b !== undefined ? normalize([{ start: a.ms, end: b.ms + 1 }]) : ALL;
  }
  if (op === 'IN' && ex.rhs instanceof SqlRecord && isTime(ex.lhs)) {
    const points = (ex.rhs.expressions?.values ?? []).map(timestampOf);
    if (points.some((p) => p === undefined)) return ALL;
    return normalize(points.map((p) => ({ start: p!.ms, end: p!.ms + 1 })));
  }
  if (op === '<' || op === '<=' || op === '>' || op === '>=' || op === '=') {
    if (isTime(ex.lhs)) {
      const t = timestampOf(ex.rhs);
      return t === undefined ? ALL : range(op, t);
    }
    if (isTime(ex.rhs)) {
      const t = timestampOf(ex.lhs);
      return t === undefined ? ALL : range(FLIP[op], t);
    }
  }
  return ALL;
}

function analyse(ex: SqlBase, isTime: (c: SqlBase) => boolean): Interval[] {
  if (ex instanceof SqlMulti && (ex.op === 'AND' || ex.op === 'OR')) {
    const parts = ex.getArgArray().map((a) => analyse(a, isTime));
    return parts.reduce((acc, p) => (ex.op === 'AND' ? intersect(acc, p) : union(acc, p)));
  }
  if (ex instanceof SqlComparison) return comparison(ex, isTime);
  if (ex instanceof SqlFunction && ex.getEffectiveFunctionName().toUpperCase() === 'TIME_IN_INTERVAL') {
    const [col, text] = ex.getArgArray();
    if (col && isTime(col) && text instanceof SqlLiteral && typeof text.value === 'string') {
      const i = parseInterval(text.value);
      return i ? [i] : ALL;
    }
  }
  return ALL;
}

/**
 * The time ranges `where` allows for rows of a table whose `__time` column `isTimeColumn` picks
 * out, or null when the clause constrains nothing it can see.
 */
export function timeFilter(where: SqlExpression | undefined, isTimeColumn: (c: SqlColumn) => boolean): Interval[] | null {
  if (!where) return null;
  const isTime = (ex: SqlBase): boolean => ex.type === 'column' && isTimeColumn(ex as SqlColumn);
  const result = analyse(where, isTime);
  return result.length === 1 && result[0].start === -Infinity && result[0].end === Infinity ? null : result;
}
