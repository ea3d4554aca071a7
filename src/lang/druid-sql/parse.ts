import { SqlBase, SqlFunction, SqlLiteral, SqlQuery, type SqlExpression } from 'druid-query-toolkit';
import { GroveError } from '../../core/errors.js';
import { parseTimestamp } from './time-literals.js';

/**
 * Parsing Druid SQL with druid-query-toolkit, and the errors Druid gives for what it will not run
 * on /druid/v2/sql. Messages follow Druid 37 verbatim where known.
 */

/** A Druid SQL query parameter, bound to a `?` placeholder in order. */
export interface SqlParameter {
  readonly type: string;
  readonly value: unknown;
}

export interface ParsedStatement {
  readonly query: SqlQuery;
  /** `SET k = v;` statements before the query; they override the request context, as in Druid. */
  readonly contextFromSql: Record<string, unknown>;
  readonly explain: boolean;
}

interface PegLocation {
  start: { offset: number; line: number; column: number };
  end: { offset: number; line: number; column: number };
}

function isPegError(e: unknown): e is Error & { location: PegLocation; expected?: { description?: string; text?: string }[] } {
  return e instanceof Error && typeof (e as { location?: unknown }).location === 'object';
}

/** The token at `offset` as a person would name it: a word, a quoted string or one symbol. */
function tokenAt(sql: string, offset: number): string {
  const m = /^(\w+|'[^']*'?|"[^"]*"?|\S)/.exec(sql.slice(offset));
  return m ? m[1] : '<EOF>';
}

export function parseError(sql: string, e: unknown): GroveError {
  if (!isPegError(e)) {
    return new GroveError('invalidInput', e instanceof Error ? e.message : String(e), { context: { sourceType: 'sql' }, cause: e });
  }
  const { start, end } = e.location;
  const token = tokenAt(sql, start.offset);
  const options = [...new Set((e.expected ?? []).map((x) => x.description ?? x.text ?? '').filter((x) => x !== ''))];
  const shown = options.slice(0, 12).join(', ') + (options.length > 12 ? ', ...' : '');
  return new GroveError(
    'invalidInput',
    `Received an unexpected token [${token}] (line [${start.line}], column [${start.column}]), acceptable options: [${shown}]`,
    {
      context: {
        sourceType: 'sql',
        line: String(start.line),
        column: String(start.column),
        endLine: String(end.line),
        endColumn: String(token === '<EOF>' ? start.column : Math.max(end.column, start.column + token.length - 1)),
        token,
      },
      cause: e,
    },
  );
}

export function parseSql(sql: string): ParsedStatement {
  if (sql.trim() === '') throw new GroveError('invalidInput', 'Query must not be empty', { context: { sourceType: 'sql' } });
  let parsed: SqlBase;
  try {
    parsed = SqlBase.parseSql(sql);
  } catch (e) {
    throw parseError(sql, e);
  }
  if (!(parsed instanceof SqlQuery)) {
    throw new GroveError('invalidInput', `Unsupported SQL statement [${parsed.type}]`, { context: { sourceType: 'sql' } });
  }
  if (parsed.insertClause) {
    throw new GroveError('invalidInput', 'INSERT operations are not supported by requested SQL engine [native], consider using MSQ.', {
      context: { sourceType: 'sql' },
    });
  }
  if (parsed.replaceClause) {
    throw new GroveError('invalidInput', 'REPLACE operations are not supported by the requested SQL engine [native].  Consider using MSQ.', {
      context: { sourceType: 'sql' },
    });
  }
  const contextFromSql = parsed.hasContext() ? (parsed.getContext() as Record<string, unknown>) : {};
  const explain = parsed.explain === true;
  const query = parsed.changeContextStatements(undefined).changeExplain(false);
  return { query, contextFromSql, explain };
}

/** Turns one Druid SQL parameter into a literal; TIMESTAMP values may be text or epoch millis. */
function parameterLiteral(p: SqlParameter, index: number): SqlExpression {
  const type = String(p.type ?? '').toUpperCase();
  const bad = (): GroveError =>
    new GroveError('invalidInput', `Parameter at position [${index}] of type [${p.type}] has an invalid value [${String(p.value)}]`, {
      context: { sourceType: 'sql' },
    });
  if (p.value === null || p.value === undefined) return SqlLiteral.NULL;
  switch (type) {
    case 'VARCHAR':
    case 'CHAR':
      return SqlLiteral.create(String(p.value));
    case 'BIGINT':
    case 'INTEGER':
    case 'SMALLINT':
    case 'TINYINT': {
      const text = String(p.value);
      if (!/^-?\d+$/.test(text)) throw bad();
      const n = BigInt(text);
      return SqlLiteral.create(n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
    }
    case 'DOUBLE':
    case 'FLOAT':
    case 'REAL': {
      // Calcite binds approximate types as approximate (DOUBLE) literals; DuckDB reads 1.5 as DECIMAL.
      const n = Number(p.value);
      if (typeof p.value === 'boolean' || p.value === '' || !Number.isFinite(n)) throw bad();
      return SqlFunction.cast(SqlLiteral.double(n), 'DOUBLE');
    }
    case 'DECIMAL': {
      const n = Number(p.value);
      if (typeof p.value === 'boolean' || p.value === '' || !Number.isFinite(n)) throw bad();
      return SqlLiteral.double(n);
    }
    case 'BOOLEAN':
      return p.value === true || p.value === 'true' ? SqlLiteral.TRUE : SqlLiteral.FALSE;
    case 'TIMESTAMP':
    case 'DATE': {
      const ms = typeof p.value === 'number' ? p.value : parseTimestamp(String(p.value));
      if (ms === undefined || !Number.isFinite(ms)) throw bad();
      return SqlLiteral.create(new Date(ms));
    }
    default:
      throw new GroveError('invalidInput', `Unsupported parameter type [${p.type}] at position [${index}]`, { context: { sourceType: 'sql' } });
  }
}

/** Replaces `?` placeholders with the request's parameters, in order, as Druid binds them. */
export function bindParameters(query: SqlQuery, parameters: readonly SqlParameter[] | undefined): SqlQuery {
  const params = parameters ?? [];
  let next = 0;
  const bound = query.walk((node) => {
    if (node.type !== 'placeholder') return node;
    // A missing entry, or a null one in the list, leaves the placeholder unbound (Druid: 400).
    const p: unknown = params[next];
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      throw new GroveError('invalidInput', `No value bound for parameter (position [${next + 1}])`, { context: { sourceType: 'sql' } });
    }
    const literal = parameterLiteral(params[next], next + 1);
    next++;
    return literal;
  }) as SqlQuery;
  return bound;
}
