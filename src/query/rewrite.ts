import type { SqlBase, SqlExpression } from 'druid-query-toolkit';
import { RefName, SqlAlias, SqlColumn, SqlComparison, SqlFunction, SqlLiteral, SqlMulti, SqlQuery, SqlStar, SqlTable } from 'druid-query-toolkit';
import { GroveError } from '../errors/catalogue.js';
import { parseInterval } from './time-literals.js';
import { jodaToStrftime } from '../time/joda.js';

/**
 * Rewrites a parsed Druid SQL query into SQL DuckDB runs with the same meaning: Druid-only
 * functions become DuckDB functions or the macros in druid-macros.ts, the `druid` schema goes
 * away (datasources are temp views), and unnamed result columns get Druid's EXPR$n names.
 */

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

function rewriteFunction(fn: SqlFunction): SqlExpression {
  const name = fn.getEffectiveFunctionName().toUpperCase();
  const args = fn.getArgArray();
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
      const parsed = pattern
        ? SqlFunction.cast(SqlFunction.simple('try_strptime', [args[0], SqlLiteral.create(jodaToStrftime(pattern))]), 'TIMESTAMP')
        : SqlFunction.simple('druid_time_parse', [args[0]]);
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

export function toDuckDbSql(query: SqlQuery): string {
  const named = nameOutputs(query);
  const rewritten = named.walkPostorder((node) => {
    const stripped = stripDruidSchema(node);
    return stripped instanceof SqlFunction ? rewriteFunction(stripped) : stripped;
  });
  return rewritten.toString();
}
