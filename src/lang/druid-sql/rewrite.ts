import type { SqlBase } from 'druid-query-toolkit';
import { RefName, SqlAlias, SqlExpression, SqlColumn, SqlComparison, SqlFunction, SqlLiteral, SqlMulti, SqlQuery, SqlStar, SqlTable } from 'druid-query-toolkit';
import { GroveError } from '../../core/errors.js';
import { parseInterval } from './time-literals.js';
import { jodaToStrftime } from '../../time/joda.js';

/**
 * Rewrites a parsed Druid SQL query into SQL DuckDB runs with the same meaning: Druid-only
 * functions become DuckDB functions or the macros in druid-macros.ts, the `druid` schema goes
 * away (datasources are temp views), and unnamed result columns get Druid's EXPR$n names.
 *
 * With a sqlTimeZone other than UTC, TIMESTAMP values stay UTC instants inside DuckDB and the zone
 * is applied where Druid applies it: timestamp literals and ISO intervals without an offset are
 * local wall-clock time, and the time functions (TIME_FLOOR, FLOOR TO, EXTRACT, TIME_PARSE,
 * TIME_FORMAT...) work on local time unless given a zone of their own.
 */

export interface RewriteOptions {
  /** Druid's sqlTimeZone, already normalized ('UTC' for UTC). */
  readonly timeZone?: string;
}

/** Druid functions whose DuckDB counterpart takes the same arguments. */
const RENAMES: Record<string, string> = {
  TIME_FLOOR: 'druid_time_floor',
  TIME_CEIL: 'druid_time_ceil',
  TIME_SHIFT: 'druid_time_shift',
  TIME_EXTRACT: 'druid_time_extract',
  MILLIS_TO_TIMESTAMP: 'epoch_ms',
  TIMESTAMP_TO_MILLIS: 'epoch_ms',
  APPROX_COUNT_DISTINCT: 'approx_count_distinct',
  APPROX_COUNT_DISTINCT_BUILTIN: 'approx_count_distinct',
  APPROX_COUNT_DISTINCT_DS_HLL: 'approx_count_distinct',
  APPROX_COUNT_DISTINCT_DS_THETA: 'approx_count_distinct',
  STRLEN: 'length',
  CHAR_LENGTH: 'length',
  CHARACTER_LENGTH: 'length',
  NVL: 'coalesce',
  BTRIM: 'trim',
  TEXTCAT: 'concat',
  CONTAINS_STRING: 'contains',
  ICONTAINS_STRING: 'druid_icontains',
  REGEXP_LIKE: 'regexp_matches',
  PARSE_LONG: 'druid_parse_long',
  STRING_FORMAT: 'printf',
  // A COMPLEX<json> value from JSON text; invalid text is an error in both.
  PARSE_JSON: 'json',
  // Druid's LOG is the natural logarithm; DuckDB's log is base 10.
  LOG: 'ln',
};

/** Aggregators whose trailing size arguments DuckDB does not take. */
const TRUNCATE_ARGS: Record<string, [name: string, keep: number]> = {
  APPROX_QUANTILE: ['approx_quantile', 2],
  APPROX_QUANTILE_DS: ['approx_quantile', 2],
  ANY_VALUE: ['any_value', 1],
  EARLIEST_BY: ['arg_min', 2],
  LATEST_BY: ['arg_max', 2],
};

const TIME_UNITS = new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);

function renamed(fn: SqlFunction, name: string, args?: readonly SqlExpression[]): SqlFunction {
  const base = new SqlFunction({ ...fn.valueOf(), functionName: RefName.functionName(name), namespace: undefined });
  return args ? base.changeArgs(SqlFunction.simple(name, [...args]).args!) : base;
}

/** A bare time unit written as a keyword argument, e.g. DAY in FLOOR(__time TO DAY). */
function unitOf(ex: SqlExpression | undefined): string | undefined {
  if (!(ex instanceof SqlLiteral)) return undefined;
  const text = String(ex).trim().toUpperCase();
  return TIME_UNITS.has(text) ? text : undefined;
}

function literalString(ex: SqlExpression | undefined): string | undefined {
  return ex instanceof SqlLiteral && typeof ex.value === 'string' && String(ex).startsWith("'") ? ex.value : undefined;
}

function invalid(message: string): GroveError {
  return new GroveError('invalidInput', message, { context: { sourceType: 'sql' } });
}

/** A time of day followed by a UTC offset (`Z`, `+01:00`, `-0800`): an instant, not local time. */
const HAS_OFFSET = /\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

const zoneLit = (zone: string): SqlLiteral => SqlLiteral.create(zone);
const fromLocal = (ex: SqlExpression, zone: string): SqlExpression => SqlFunction.simple('druid_from_local', [ex, zoneLit(zone)]);
const toLocal = (ex: SqlExpression, zone: string): SqlExpression => SqlFunction.simple('druid_to_local', [ex, zoneLit(zone)]);

/** Pads `args` with NULLs to `at`, then appends the session zone when the call gave none. */
function withZone(args: readonly SqlExpression[], at: number, zone: string): SqlExpression[] {
  if (args.length > at) return [...args];
  const out = [...args];
  while (out.length < at) out.push(SqlLiteral.NULL);
  out.push(zoneLit(zone));
  return out;
}

/** Applies a non-UTC session zone to the time functions that default to it; null: nothing to do. */
function zoned(fn: SqlFunction, name: string, args: readonly SqlExpression[], zone: string): SqlExpression | null {
  switch (name) {
    case 'TIME_FLOOR':
    case 'TIME_CEIL':
      return renamed(fn, RENAMES[name], withZone(args, 3, zone));
    case 'TIME_SHIFT':
      return renamed(fn, RENAMES[name], withZone(args, 3, zone));
    case 'TIME_EXTRACT':
      return renamed(fn, RENAMES[name], withZone(args, 2, zone));
    case 'TIME_PARSE':
    case 'TIME_FORMAT':
      return args.length >= 3 ? null : rewriteFunction(renamed(fn, name, withZone(args, 2, zone)), zone);
    case 'FLOOR':
    case 'CEIL': {
      const unit = unitOf(args[1]);
      if (args.length !== 2 || !unit) return null;
      const u = SqlLiteral.create(unit.toLowerCase());
      const local = toLocal(args[0], zone);
      return fromLocal(name === 'FLOOR' ? SqlFunction.simple('date_trunc', [u, local]) : SqlFunction.simple('druid_ceil_to', [u, local]), zone);
    }
    case 'TIME_IN_INTERVAL': {
      const text = literalString(args[1]);
      const interval = text === undefined ? undefined : parseInterval(text);
      if (!interval || text === undefined) return null;
      const [startText, endText] = text.split('/');
      const bound = (ms: number, part: string | undefined): SqlExpression => {
        const lit = SqlLiteral.create(new Date(ms));
        return part !== undefined && HAS_OFFSET.test(part.trim()) ? lit : fromLocal(lit, zone);
      };
      return SqlMulti.create('AND', [
        SqlComparison.greaterThanOrEqual(args[0], bound(interval.start, startText)),
        SqlComparison.lessThan(args[0], bound(interval.end, endText)),
      ]).ensureParens();
    }
    default:
      return null;
  }
}

/** EXTRACT(unit FROM t) on local time: the toolkit keeps `unit FROM t` as one argument. */
function zonedExtract(fn: SqlFunction, zone: string): SqlExpression | null {
  const m = /^\s*EXTRACT\s*\(\s*(\w+)\s+FROM\s+([\s\S]*)\)\s*$/i.exec(String(fn));
  if (!m) return null;
  return SqlFunction.simple('date_part', [SqlLiteral.create(m[1].toLowerCase()), toLocal(SqlExpression.parse(m[2]), zone)]);
}

function rewriteFunction(fn: SqlFunction, zone = 'UTC'): SqlExpression {
  const name = fn.getEffectiveFunctionName().toUpperCase();
  const args = fn.getArgArray();
  if (zone !== 'UTC') {
    const z = name === 'EXTRACT' ? zonedExtract(fn, zone) : zoned(fn, name, args, zone);
    if (z) return z;
  }
  const rename = RENAMES[name];
  if (rename) return renamed(fn, rename);
  const truncate = TRUNCATE_ARGS[name];
  if (truncate) {
    const call = renamed(fn, truncate[0], args.slice(0, truncate[1]));
    // Druid's quantile sketches answer a DOUBLE whatever the input type; DuckDB keeps the input's.
    return name.startsWith('APPROX_QUANTILE') ? SqlFunction.cast(call, 'DOUBLE') : call;
  }
  switch (name) {
    case 'EARLIEST':
    case 'LATEST':
      return renamed(fn, name === 'EARLIEST' ? 'arg_min' : 'arg_max', [args[0], SqlColumn.create('__time')]);
    case 'FLOOR':
    case 'CEIL': {
      const unit = unitOf(args[1]);
      if (args.length !== 2 || !unit) return fn;
      const u = SqlLiteral.create(unit.toLowerCase());
      return name === 'FLOOR' ? SqlFunction.simple('date_trunc', [u, args[0]]) : SqlFunction.simple('druid_ceil_to', [u, args[0]]);
    }
    case 'TIMESTAMPADD': {
      const unit = unitOf(args[0]);
      if (!unit) throw invalid(`TIMESTAMPADD needs a time unit as its first argument, got [${String(args[0])}]`);
      return SqlFunction.simple('druid_timestampadd', [SqlLiteral.create(unit), args[1], args[2]]);
    }
    case 'TIMESTAMPDIFF': {
      const unit = unitOf(args[0]);
      if (!unit) throw invalid(`TIMESTAMPDIFF needs a time unit as its first argument, got [${String(args[0])}]`);
      return SqlFunction.simple('date_sub', [SqlLiteral.create(unit.toLowerCase()), args[1], args[2]]);
    }
    case 'TIME_IN_INTERVAL': {
      const text = literalString(args[1]);
      const interval = text === undefined ? undefined : parseInterval(text);
      if (!interval) throw invalid(`The second argument to TIME_IN_INTERVAL must be an ISO 8601 interval literal, got [${String(args[1])}]`);
      return SqlMulti.create('AND', [
        SqlComparison.greaterThanOrEqual(args[0], SqlLiteral.create(new Date(interval.start))),
        SqlComparison.lessThan(args[0], SqlLiteral.create(new Date(interval.end))),
      ]).ensureParens();
    }
    case 'TIME_PARSE': {
      const pattern = args[1] === undefined || String(args[1]).toUpperCase() === 'NULL' ? undefined : literalString(args[1]);
      if (args.length > 1 && pattern === undefined && String(args[1]).toUpperCase() !== 'NULL') {
        throw invalid('TIME_PARSE needs a literal format pattern');
      }
      if (!pattern) return args[2] ? SqlFunction.simple('druid_time_parse', [args[0], args[2]]) : SqlFunction.simple('druid_time_parse', [args[0]]);
      const parsed = SqlFunction.cast(SqlFunction.simple('try_strptime', [args[0], SqlLiteral.create(jodaToStrftime(pattern))]), 'TIMESTAMP');
      return args[2] ? SqlFunction.simple('druid_from_local', [parsed, args[2]]) : parsed;
    }
    case 'TIME_FORMAT': {
      const pattern = args[1] === undefined || String(args[1]).toUpperCase() === 'NULL' ? undefined : literalString(args[1]);
      if (args.length > 1 && pattern === undefined && String(args[1]).toUpperCase() !== 'NULL') {
        throw invalid('TIME_FORMAT needs a literal format pattern');
      }
      if (!pattern && !args[2]) return SqlFunction.simple('druid_time_format', [args[0]]);
      const local = args[2] ? SqlFunction.simple('druid_to_local', [args[0], args[2]]) : args[0];
      return SqlFunction.simple('strftime', [local, SqlLiteral.create(pattern ? jodaToStrftime(pattern) : '%Y-%m-%dT%H:%M:%S.%g')]);
    }
    default:
      return fn;
  }
}

function stripDruidSchema(node: SqlBase): SqlBase {
  if (node instanceof SqlTable && node.getNamespaceName()?.toLowerCase() === 'druid') return node.changeNamespace(undefined);
  if (node instanceof SqlColumn && node.table?.getNamespaceName()?.toLowerCase() === 'druid') {
    return node.changeTable(node.table.changeNamespace(undefined));
  }
  return node;
}

/** Names unnamed output columns EXPR$<index>, as Druid (Calcite) does. */
function nameOutputs(query: SqlQuery): SqlQuery {
  const exprs = query.getSelectExpressionsArray();
  if (exprs.length === 0) return query;
  const named = exprs.map((ex, i) =>
    ex instanceof SqlAlias || ex instanceof SqlColumn || ex instanceof SqlStar ? ex : ex.as(`EXPR$${i}`, true),
  );
  return query.changeSelectExpressions(named);
}

/** A `TIMESTAMP '...'` literal without an offset: local wall-clock time in the session zone. */
function isLocalTimestampLiteral(node: SqlBase): node is SqlLiteral {
  if (!(node instanceof SqlLiteral) || !(node.value instanceof Date)) return false;
  const text = String(node).trim();
  return /^TIMESTAMP\b/i.test(text) && !HAS_OFFSET.test(text.replace(/'$/, '').trim());
}

export function toDuckDbSql(query: SqlQuery, options: RewriteOptions = {}): string {
  const zone = options.timeZone ?? 'UTC';
  const named = nameOutputs(query);
  const rewritten = named.walkPostorder((node) => {
    const stripped = stripDruidSchema(node);
    if (zone !== 'UTC' && isLocalTimestampLiteral(stripped)) return fromLocal(stripped, zone);
    return stripped instanceof SqlFunction ? rewriteFunction(stripped, zone) : stripped;
  });
  return rewritten.toString();
}
