import type { DruidColumnType } from '../../core/types.js';

/** ES|QL data types Grove's datasources can hold, and those of literals and spans. */
export type EsType =
  | 'keyword'
  | 'long'
  | 'integer'
  | 'double'
  | 'boolean'
  | 'date'
  | 'null'
  | 'unsupported'
  /** `1 hour`: a fixed length of time. */
  | 'time_duration'
  /** `1 month`: a calendar length. */
  | 'date_period';

export const isNumeric = (t: EsType): boolean => t === 'integer' || t === 'long' || t === 'double';
export const isWhole = (t: EsType): boolean => t === 'integer' || t === 'long';
export const isSpan = (t: EsType): boolean => t === 'time_duration' || t === 'date_period';

/**
 * A datasource column as ES|QL sees it (faces.md): strings are keywords, longs longs, floats and
 * doubles doubles, arrays multi-values of their element, JSON columns unsupported.
 */
export function esTypeOfDruid(t: DruidColumnType): { type: EsType; multi: boolean } {
  switch (t) {
    case 'STRING':
      return { type: 'keyword', multi: false };
    case 'LONG':
      return { type: 'long', multi: false };
    case 'FLOAT':
    case 'DOUBLE':
      return { type: 'double', multi: false };
    case 'ARRAY<STRING>':
      return { type: 'keyword', multi: true };
    case 'ARRAY<LONG>':
      return { type: 'long', multi: true };
    case 'ARRAY<DOUBLE>':
      return { type: 'double', multi: true };
    default:
      return { type: 'unsupported', multi: false };
  }
}

/** The DuckDB type a value of `t` is held in. */
export function duckTypeOf(t: EsType): string {
  switch (t) {
    case 'keyword':
    case 'unsupported':
    case 'null':
      return 'VARCHAR';
    case 'long':
      return 'BIGINT';
    case 'integer':
      return 'INTEGER';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'TIMESTAMP';
    case 'time_duration':
    case 'date_period':
      return 'INTERVAL';
  }
}

/** Druid's native and SQL types of an ES|QL column, for the statement's result pages. */
export function druidTypesOf(t: EsType, multi: boolean): { druidType: DruidColumnType; sqlType: string } {
  const base: { druidType: DruidColumnType; sqlType: string } =
    t === 'long' || t === 'integer' ? { druidType: 'LONG', sqlType: 'BIGINT' }
      : t === 'double' ? { druidType: 'DOUBLE', sqlType: 'DOUBLE' }
        : t === 'boolean' ? { druidType: 'LONG', sqlType: 'BOOLEAN' }
          : t === 'date' ? { druidType: 'LONG', sqlType: 'TIMESTAMP' }
            : { druidType: 'STRING', sqlType: 'VARCHAR' };
  if (!multi) return base;
  const element = base.druidType === 'LONG' ? 'ARRAY<LONG>' : base.druidType === 'DOUBLE' ? 'ARRAY<DOUBLE>' : 'ARRAY<STRING>';
  return { druidType: element, sqlType: 'ARRAY' };
}

/** The type two operands of an arithmetic or a comparison meet at, or null when they do not. */
export function commonType(a: EsType, b: EsType): EsType | null {
  if (a === b) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (isNumeric(a) && isNumeric(b)) return a === 'double' || b === 'double' ? 'double' : 'long';
  return null;
}

/** A column of the relation an expression is evaluated over. */
export interface Col {
  readonly name: string;
  readonly type: EsType;
  /** Holds DuckDB lists (multi-values) rather than single values. */
  readonly multi: boolean;
}

/** An expression compiled to DuckDB SQL, with its ES|QL type. */
export interface Typed {
  readonly sql: string;
  readonly type: EsType;
  /** A list of values (a `[1, 2]` literal, VALUES, a multi-valued column kept as is). */
  readonly multi: boolean;
  /** Contains an aggregate function. */
  readonly aggregate: boolean;
  /** A constant: its value is known when the query is compiled (DATE_FORMAT's pattern, PERCENTILE's p). */
  readonly constant?: unknown;
}

/** Where a span literal's length is kept for functions that need it as a number (DATE_TRUNC, BUCKET). */
export interface SpanValue {
  readonly amount: number;
  readonly unit: string;
}
