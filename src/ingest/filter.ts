import type { Interval } from '../core/types.js';
import { invalidInput } from '../core/errors.js';
import { parseInterval } from '../time/interval.js';
import { identifiersOf, parseExpression, type Expr } from './expr-parse.js';
import { checkExpression, exprConditionSql, type Scope } from './expr-sql.js';
import { asDouble, asLong, asString, type Typed } from './expr-types.js';
import { asObject, optArray, optBool, optString, reqString, show, unknownType, type Json } from './spec-read.js';
import { quoteString, sqlDouble } from '../engine/sql-text.js';

/**
 * Druid native filters (transformSpec.filter) → DuckDB boolean SQL. Parsed and checked when the
 * task is submitted; translated when it runs, once the column types are known.
 */

type Match = 'STRING' | 'LONG' | 'DOUBLE' | 'FLOAT';

export type DruidFilter =
  | { readonly type: 'selector'; readonly column: string; readonly value: string | null }
  | { readonly type: 'equals'; readonly column: string; readonly matchType: Match; readonly value: string }
  | { readonly type: 'in'; readonly column: string; readonly values: readonly (string | null)[] }
  | {
      readonly type: 'bound';
      readonly column: string;
      readonly matchType: Match;
      readonly lower: string | null;
      readonly upper: string | null;
      readonly lowerOpen: boolean;
      readonly upperOpen: boolean;
    }
  | { readonly type: 'and' | 'or'; readonly fields: readonly DruidFilter[] }
  | { readonly type: 'not'; readonly field: DruidFilter }
  | { readonly type: 'like'; readonly column: string; readonly pattern: string; readonly escape: string | null }
  | { readonly type: 'regex'; readonly column: string; readonly pattern: string }
  | { readonly type: 'search'; readonly column: string; readonly value: string; readonly caseSensitive: boolean }
  | { readonly type: 'null'; readonly column: string }
  | { readonly type: 'interval'; readonly column: string; readonly intervals: readonly Interval[] }
  | { readonly type: 'expression'; readonly expr: Expr }
  | { readonly type: 'true' | 'false' };

const TYPES = ['selector', 'equals', 'in', 'bound', 'range', 'and', 'or', 'not', 'like', 'regex', 'search', 'null', 'interval', 'expression', 'true', 'false'];
const MATCH_TYPES: Record<string, Match> = { STRING: 'STRING', LONG: 'LONG', DOUBLE: 'DOUBLE', FLOAT: 'FLOAT' };

/** Druid filter values may be written as JSON numbers; they compare as their text. */
function scalar(v: unknown, path: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalidInput(`${path} must be a string or number, got ${show(v)}`);
}

function matchType(o: Json, path: string, key = 'matchValueType'): Match {
  const raw = reqString(o, key, path).toUpperCase();
  const m = MATCH_TYPES[raw];
  if (!m) throw invalidInput(`${path}.${key} [${raw}] is not supported; use STRING, LONG, DOUBLE or FLOAT`);
  return m;
}

export function parseFilter(v: unknown, path: string, depth = 0): DruidFilter {
  if (depth > 50) throw invalidInput(`${path}: filters nest deeper than 50 levels`);
  const o = asObject(v, path);
  const col = (key: string): string => reqString(o, key, path);
  if (o.extractionFn !== undefined && o.extractionFn !== null) throw invalidInput(`${path}.extractionFn is not supported by Grove`);
  switch (o.type) {
    case 'selector':
      return { type: 'selector', column: col('dimension'), value: scalar(o.value, `${path}.value`) };
    case 'equals': {
      const value = scalar(o.matchValue, `${path}.matchValue`);
      if (value === null) throw invalidInput(`${path}.matchValue is required; use a "null" filter to match nulls`);
      return { type: 'equals', column: col('column'), matchType: matchType(o, path), value };
    }
    case 'in': {
      const values = optArray(o, 'values', path);
      if (!values) throw invalidInput(`${path}.values is required`);
      return { type: 'in', column: col('dimension'), values: values.map((x, i) => scalar(x, `${path}.values[${i}]`)) };
    }
    case 'bound': {
      const ordering = (optString(o, 'ordering', path) ?? 'lexicographic').toLowerCase();
      if (ordering !== 'lexicographic' && ordering !== 'numeric') {
        throw invalidInput(`${path}.ordering [${ordering}] is not supported; use lexicographic or numeric`);
      }
      return {
        type: 'bound',
        column: col('dimension'),
        matchType: ordering === 'numeric' ? 'DOUBLE' : 'STRING',
        lower: scalar(o.lower, `${path}.lower`),
        upper: scalar(o.upper, `${path}.upper`),
        lowerOpen: optBool(o, 'lowerStrict', path, false),
        upperOpen: optBool(o, 'upperStrict', path, false),
      };
    }
    case 'range':
      return {
        type: 'bound',
        column: col('column'),
        matchType: matchType(o, path),
        lower: scalar(o.lower, `${path}.lower`),
        upper: scalar(o.upper, `${path}.upper`),
        lowerOpen: optBool(o, 'lowerOpen', path, false),
        upperOpen: optBool(o, 'upperOpen', path, false),
      };
    case 'and':
    case 'or': {
      const fields = optArray(o, 'fields', path);
      if (!fields || fields.length === 0) throw invalidInput(`${path}.fields must be a non-empty array of filters`);
      return { type: o.type, fields: fields.map((f, i) => parseFilter(f, `${path}.fields[${i}]`, depth + 1)) };
    }
    case 'not':
      if (o.field === undefined || o.field === null) throw invalidInput(`${path}.field is required`);
      return { type: 'not', field: parseFilter(o.field, `${path}.field`, depth + 1) };
    case 'like': {
      const escape = optString(o, 'escape', path) ?? null;
      if (escape !== null && escape.length !== 1) throw invalidInput(`${path}.escape must be a single character`);
      return { type: 'like', column: col('dimension'), pattern: reqString(o, 'pattern', path), escape };
    }
    case 'regex': {
      const pattern = reqString(o, 'pattern', path);
      try {
        new RegExp(pattern);
      } catch (e) {
        throw invalidInput(`${path}.pattern is not a valid regular expression: ${(e as Error).message}`);
      }
      return { type: 'regex', column: col('dimension'), pattern };
    }
    case 'search': {
      const q = asObject(o.query, `${path}.query`);
      const qt = q.type;
      if (qt !== 'contains' && qt !== 'insensitive_contains') throw invalidInput(`${path}.query.type [${String(qt)}] is not supported; use contains or insensitive_contains`);
      const caseSensitive = qt === 'contains' && optBool(q, 'caseSensitive', `${path}.query`, false);
      return { type: 'search', column: col('dimension'), value: reqString(q, 'value', `${path}.query`), caseSensitive };
    }
    case 'null':
      return { type: 'null', column: col('column') };
    case 'interval': {
      const list = optArray(o, 'intervals', path);
      if (!list || list.length === 0) throw invalidInput(`${path}.intervals must be a non-empty array of intervals`);
      return { type: 'interval', column: col('dimension'), intervals: list.map((x, i) => parseInterval(x, `${path}.intervals[${i}]`)) };
    }
    case 'expression': {
      const expr = parseExpression(o.expression, `${path}.expression`);
      checkExpression(expr, `${path}.expression`);
      return { type: 'expression', expr };
    }
    case 'true':
    case 'false':
      return { type: o.type };
    default:
      throw unknownType(path, o.type, TYPES);
  }
}

/** Columns a filter reads. */
export function filterColumns(f: DruidFilter, into = new Set<string>()): Set<string> {
  if ('column' in f) into.add(f.column);
  if (f.type === 'and' || f.type === 'or') for (const x of f.fields) filterColumns(x, into);
  if (f.type === 'not') filterColumns(f.field, into);
  if (f.type === 'expression') identifiersOf(f.expr, into);
  return into;
}

/** The column as the match type compares it; numbers that do not parse never match. */
function side(c: Typed, m: Match): string {
  if (m === 'STRING') return asString(c);
  return m === 'LONG' ? asLong(c) : asDouble(c);
}

function value(v: string, m: Match): string {
  if (m === 'STRING') return quoteString(v);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) return 'NULL';
  return m === 'LONG' && Number.isInteger(n) ? `CAST(${BigInt(Math.trunc(n)).toString()} AS BIGINT)` : sqlDouble(n);
}

/** Selector and in match a numeric column numerically, a text column as text. */
const naturalMatch = (c: Typed): Match => (c.type === 'long' ? 'LONG' : c.type === 'double' ? 'DOUBLE' : 'STRING');

export function filterToSql(f: DruidFilter, scope: Scope, what = 'spec.dataSchema.transformSpec.filter'): string {
  const sub = (x: DruidFilter): string => filterToSql(x, scope, what);
  switch (f.type) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'and':
      return `(${f.fields.map(sub).join(' AND ')})`;
    case 'or':
      return `(${f.fields.map(sub).join(' OR ')})`;
    case 'not':
      return `(NOT ${sub(f.field)})`;
    case 'expression':
      return `COALESCE(${exprConditionSql(f.expr, scope, `${what}.expression`)}, FALSE)`;
    case 'null':
      return `(${scope(f.column).sql} IS NULL)`;
    case 'selector': {
      const c = scope(f.column);
      if (f.value === null) return `(${c.sql} IS NULL)`;
      const m = naturalMatch(c);
      return `(${side(c, m)} = ${value(f.value, m)})`;
    }
    case 'equals': {
      const c = scope(f.column);
      return `(${side(c, f.matchType)} = ${value(f.value, f.matchType)})`;
    }
    case 'in': {
      const c = scope(f.column);
      const m = naturalMatch(c);
      const parts: string[] = [];
      const nonNull = f.values.filter((v): v is string => v !== null);
      if (nonNull.length > 0) parts.push(`${side(c, m)} IN (${nonNull.map((v) => value(v, m)).join(', ')})`);
      if (f.values.includes(null)) parts.push(`${c.sql} IS NULL`);
      return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
    }
    case 'bound': {
      const s = side(scope(f.column), f.matchType);
      const parts = [`${s} IS NOT NULL`];
      if (f.lower !== null) parts.push(`${s} ${f.lowerOpen ? '>' : '>='} ${value(f.lower, f.matchType)}`);
      if (f.upper !== null) parts.push(`${s} ${f.upperOpen ? '<' : '<='} ${value(f.upper, f.matchType)}`);
      return `(${parts.join(' AND ')})`;
    }
    case 'like': {
      const esc = f.escape === null ? '' : ` ESCAPE ${quoteString(f.escape)}`;
      return `(${asString(scope(f.column))} LIKE ${quoteString(f.pattern)}${esc})`;
    }
    case 'regex':
      return `regexp_matches(${asString(scope(f.column))}, ${quoteString(f.pattern)})`;
    case 'search': {
      const s = asString(scope(f.column));
      return f.caseSensitive ? `contains(${s}, ${quoteString(f.value)})` : `contains(lower(${s}), ${quoteString(f.value.toLowerCase())})`;
    }
    case 'interval': {
      const ms = asLong(scope(f.column));
      return `(${f.intervals.map((i) => `(${ms} >= ${i.start} AND ${ms} < ${i.end})`).join(' OR ')})`;
    }
  }
}
