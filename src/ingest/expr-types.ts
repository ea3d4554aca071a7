/**
 * Typed SQL fragments and the conversions between Druid's expression types. Druid expressions
 * have STRING, LONG, DOUBLE (plus arrays and COMPLEX<json>); booleans are LONG 1/0 there, but
 * staying BOOLEAN inside SQL keeps conditions simple, so `bool` exists until a value is stored.
 */

export type SqlType = 'string' | 'long' | 'double' | 'bool' | 'json' | 'null';

export interface Typed {
  readonly sql: string;
  readonly type: SqlType;
}

export const typed = (sql: string, type: SqlType): Typed => ({ sql, type });

/**
 * Text to BIGINT as Druid reads a long: `12` exactly, `12.7` truncated to 12 (a direct cast would
 * round to 13), `1e3` as 1000, anything else null. Decimal text goes through DOUBLE: a
 * DECIMAL(38,10) cast would be exact but is two orders of magnitude slower.
 */
export function parseLongSql(s: string): string {
  return `CASE WHEN contains(${s}, '.') OR contains(${s}, 'e') OR contains(${s}, 'E') THEN TRY_CAST(trunc(TRY_CAST(${s} AS DOUBLE)) AS BIGINT) ELSE TRY_CAST(${s} AS BIGINT) END`;
}

export function asDouble(t: Typed): string {
  switch (t.type) {
    case 'double':
      return t.sql;
    case 'long':
      return `CAST(${t.sql} AS DOUBLE)`;
    case 'bool':
      return `CAST(CAST(${t.sql} AS INTEGER) AS DOUBLE)`;
    case 'null':
      return 'CAST(NULL AS DOUBLE)';
    case 'json':
      return `TRY_CAST(json_extract_string(${t.sql}, '$') AS DOUBLE)`;
    case 'string':
      return `TRY_CAST(${t.sql} AS DOUBLE)`;
  }
}

export function asLong(t: Typed): string {
  switch (t.type) {
    case 'long':
      return t.sql;
    case 'double':
      return `TRY_CAST(trunc(${t.sql}) AS BIGINT)`;
    case 'bool':
      return `CAST(${t.sql} AS BIGINT)`;
    case 'null':
      return 'CAST(NULL AS BIGINT)';
    case 'json':
      return parseLongSql(`json_extract_string(${t.sql}, '$')`);
    case 'string':
      return parseLongSql(t.sql);
  }
}

export function asString(t: Typed): string {
  switch (t.type) {
    case 'string':
      return t.sql;
    case 'null':
      return 'CAST(NULL AS VARCHAR)';
    case 'bool':
      return `CAST(CAST(${t.sql} AS BIGINT) AS VARCHAR)`;
    case 'json':
      return `json_extract_string(${t.sql}, '$')`;
    default:
      return `CAST(${t.sql} AS VARCHAR)`;
  }
}

/** Druid's truthiness: non-zero numbers, and strings equal to "true" ignoring case. */
export function asBool(t: Typed): string {
  switch (t.type) {
    case 'bool':
      return t.sql;
    case 'long':
    case 'double':
      return `(${t.sql} <> 0)`;
    case 'null':
      return 'CAST(NULL AS BOOLEAN)';
    default:
      return `(lower(${asString(t)}) = 'true')`;
  }
}

/** A value as stored in a row: booleans become LONG 1/0 as Druid evaluates them. */
export function asValue(t: Typed): Typed {
  return t.type === 'bool' ? typed(`CAST(${t.sql} AS BIGINT)`, 'long') : t;
}

export function convert(t: Typed, to: SqlType): string {
  switch (to) {
    case 'long':
      return asLong(t);
    case 'double':
      return asDouble(t);
    case 'bool':
      return asBool(t);
    case 'string':
      return asString(t);
    case 'json':
      return t.type === 'json' ? t.sql : `CAST(${asString(t)} AS JSON)`;
    case 'null':
      return t.sql;
  }
}

/** The type several branches (if, case, nvl, greatest) share, and each branch converted to it. */
export function unify(items: readonly Typed[]): { type: SqlType; sqls: string[] } {
  const kinds = new Set(items.map((i) => (i.type === 'bool' ? 'long' : i.type)).filter((k) => k !== 'null'));
  let type: SqlType;
  if (kinds.size === 0) type = 'string';
  else if (kinds.size === 1) type = [...kinds][0];
  else if ([...kinds].every((k) => k === 'long' || k === 'double')) type = 'double';
  else type = 'string';
  return { type, sqls: items.map((i) => convert(i, type)) };
}

/** SQL type name of a stored column of this expression type. */
export function duckType(t: SqlType): string {
  switch (t) {
    case 'long':
    case 'bool':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'json':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}
