import type { SqlBase, SqlExpression } from 'druid-query-toolkit';
import { SqlBetweenPart, SqlColumn, SqlComparison, SqlLiteral, SqlMulti, SqlUnary } from 'druid-query-toolkit';
import type { Interval } from '../../../core/types.js';
import { GroveError } from '../../../core/errors.js';
import { intersect, normalize, union } from '../../../segments/intervals.js';
import { bucketStart, fromLocal, tryParseInstant, type Granularity } from '../../../time/index.js';
import { calciteText, javaGranularity } from './partition.js';
import { invalidSql } from './parse.js';

/**
 * REPLACE ... OVERWRITE WHERE: the time chunks to overwrite, following Druid's
 * DruidSqlParserUtils.validateQueryAndConvertToIntervals. The condition becomes a bound filter
 * tree (AND, OR, NOT, >, >=, <, <=, BETWEEN on `column` vs TIMESTAMP literal), rendered the way
 * Druid's DimFilter.toString prints it for messages, then turned into intervals on __time.
 */

type Filter =
  | { readonly op: 'and' | 'or'; readonly parts: readonly Filter[] }
  | { readonly op: 'not'; readonly part: Filter }
  | { readonly op: 'bound'; readonly column: string; readonly lower?: Bound; readonly upper?: Bound };

interface Bound {
  readonly ms: number;
  readonly strict: boolean;
}

/** Druid's ETERNITY bounds, printed for unbounded intervals as Joda would. */
const MIN_TEXT = '-146136543-09-08T08:23:32.096Z';
const MAX_TEXT = '146140482-04-24T15:36:27.903Z';

function render(f: Filter): string {
  switch (f.op) {
    case 'and':
      return `(${f.parts.map(render).join(' && ')})`;
    case 'or':
      return `(${f.parts.map(render).join(' || ')})`;
    case 'not':
      return `~(${render(f.part)})`;
    case 'bound': {
      const lower = f.lower ? `${f.lower.ms}${f.lower.strict ? ' < ' : ' <= '}` : '';
      const upper = f.upper ? `${f.upper.strict ? ' < ' : ' <= '}${f.upper.ms}` : '';
      return `${lower}${f.column} as numeric${upper}`;
    }
  }
}

function nodeText(node: SqlBase): string {
  if (node instanceof SqlComparison) {
    if (node.rhs instanceof SqlBetweenPart) {
      return `${nodeText(node.lhs)} ${node.op} ASYMMETRIC ${nodeText(node.rhs.start)} AND ${nodeText(node.rhs.end)}`;
    }
    return `${nodeText(node.lhs)} ${node.op} ${nodeText(node.rhs)}`;
  }
  if (node instanceof SqlMulti) return node.getArgArray().map(nodeText).join(` ${node.op} `);
  if (node instanceof SqlUnary) return `${node.op} ${nodeText(node.argument)}`;
  if (node instanceof SqlLiteral && node.value instanceof Date) return `TIMESTAMP ${node.stringValue ?? `'${node.value.toISOString()}'`}`;
  return calciteText(node as SqlExpression);
}

function columnOf(node: SqlBase): string {
  if (!(node instanceof SqlColumn)) throw invalidSql(`Cannot parse column name from SQL expression [${nodeText(node)}]`);
  return node.getName();
}

/** A TIMESTAMP literal, read as wall-clock time in the query's sqlTimeZone. */
function timestampOf(node: SqlBase, zone: string): number {
  const text = node instanceof SqlLiteral && node.value instanceof Date ? node.stringValue?.replace(/^'|'$/g, '') : undefined;
  const local = text === undefined ? null : tryParseInstant(text.replace(' ', 'T'));
  if (local === null) throw invalidSql(`Cannot get a timestamp from sql expression [${nodeText(node)}]`);
  return fromLocal(local, zone);
}

function toFilter(node: SqlBase, zone: string): Filter {
  const isCall = node instanceof SqlComparison || node instanceof SqlUnary || (node instanceof SqlMulti && (node.op === 'AND' || node.op === 'OR'));
  if (!isCall) {
    throw invalidSql(`Invalid OVERWRITE WHERE clause [${nodeText(node)}]: expected clause including AND, OR, NOT, >, <, >=, <= OR BETWEEN operators`);
  }
  try {
    if (node instanceof SqlMulti) return { op: node.op === 'AND' ? 'and' : 'or', parts: node.getArgArray().map((a) => toFilter(a, zone)) };
    if (node instanceof SqlUnary) {
      if (node.op !== 'NOT') throw invalidSql(`Unsupported operation [${node.op}] in OVERWRITE WHERE clause.`);
      return { op: 'not', part: toFilter(node.argument, zone) };
    }
    const cmp = node as SqlComparison;
    const op = cmp.op;
    if ((op === 'BETWEEN' || op === 'NOT BETWEEN') && cmp.rhs instanceof SqlBetweenPart) {
      const bound: Filter = {
        op: 'bound',
        column: columnOf(cmp.lhs),
        lower: { ms: timestampOf(cmp.rhs.start, zone), strict: false },
        upper: { ms: timestampOf(cmp.rhs.end, zone), strict: false },
      };
      return op === 'BETWEEN' ? bound : { op: 'not', part: bound };
    }
    if (op === '>' || op === '>=') return { op: 'bound', column: columnOf(cmp.lhs), lower: { ms: timestampOf(cmp.rhs, zone), strict: op === '>' } };
    if (op === '<' || op === '<=') return { op: 'bound', column: columnOf(cmp.lhs), upper: { ms: timestampOf(cmp.rhs, zone), strict: op === '<' } };
    throw invalidSql(`Unsupported operation [${op}] in OVERWRITE WHERE clause.`);
  } catch (e) {
    // Druid prefixes the clause at every level it passes through (DruidException.prependAndBuild).
    if (e instanceof GroveError) throw invalidSql(`Invalid OVERWRITE WHERE clause [${nodeText(node)}]: ${e.message}`);
    throw e;
  }
}

function intervalsOf(f: Filter): Interval[] {
  switch (f.op) {
    case 'and':
      return f.parts.map(intervalsOf).reduce((a, b) => intersect(a, b));
    case 'or':
      return f.parts.map(intervalsOf).reduce((a, b) => union(a, b));
    case 'not': {
      const inner = intervalsOf(f.part);
      const out: Interval[] = [];
      let cursor = -Infinity;
      for (const i of inner) {
        if (i.start > cursor) out.push({ start: cursor, end: i.start });
        cursor = i.end;
      }
      if (cursor < Infinity) out.push({ start: cursor, end: Infinity });
      return normalize(out);
    }
    case 'bound': {
      const start = f.lower ? f.lower.ms + (f.lower.strict ? 1 : 0) : -Infinity;
      const end = f.upper ? f.upper.ms + (f.upper.strict ? 0 : 1) : Infinity;
      return normalize([{ start, end }]);
    }
  }
}

/** The parts of the filter that do not constrain __time, as Druid reports them. */
function nonTimeParts(f: Filter): Filter[] {
  if (f.op === 'bound') return f.column === '__time' ? [] : [f];
  if (f.op === 'and') return f.parts.flatMap(nonTimeParts);
  // Under OR or NOT a column filter cannot be split off: Druid leaves the whole filter behind.
  const parts = f.op === 'not' ? [f.part] : f.parts;
  return parts.some((p) => nonTimeParts(p).length > 0) ? [f] : [];
}

const instantText = (ms: number): string => (ms === -Infinity ? MIN_TEXT : ms === Infinity ? MAX_TEXT : new Date(ms).toISOString());

export function intervalText(i: Interval): string {
  return `${instantText(i.start)}/${instantText(i.end)}`;
}

function aligned(i: Interval, g: Granularity): boolean {
  if (g.type === 'all' || !Number.isFinite(i.start) || !Number.isFinite(i.end)) return false;
  return bucketStart(i.start, g) === i.start && bucketStart(i.end, g) === i.end;
}

/** Time chunks named by OVERWRITE WHERE, each aligned to `granularity`; sqlTimeZone reads the literals. */
export function overwriteIntervals(where: SqlExpression, granularity: Granularity, zone: string): Interval[] {
  const filter = toFilter(where, zone);
  const other = nonTimeParts(filter);
  if (other.length > 0) {
    const shown = other.length === 1 ? render(other[0]) : render({ op: 'and', parts: other });
    throw invalidSql(`OVERWRITE WHERE clause only supports filtering on the __time column, got [${shown}]`);
  }
  const intervals = intervalsOf(filter);
  if (intervals.length === 0) {
    throw invalidSql(`The OVERWRITE WHERE clause [${render(filter)}] produced no time intervals, are the bounds overly restrictive?`);
  }
  for (const i of intervals) {
    if (!aligned(i, granularity)) {
      throw invalidSql(
        `OVERWRITE WHERE clause identified interval [${intervalText(i)}] which is not aligned with PARTITIONED BY granularity [${javaGranularity(granularity)}]`,
      );
    }
  }
  return intervals;
}
