import { invalidInput } from '../core/errors.js';
import { makePeriodGranularity } from '../time/granularity.js';
import { parsePeriod, periodMillis, periodMonths } from '../time/period.js';
import { floorMillisSql } from '../time/sql.js';
import { normalizeZone } from '../time/zone.js';
import type { Expr } from './expr-parse.js';
import { asBool, asDouble, asLong, asString, convert, parseLongSql, typed, unify, type Typed } from './expr-types.js';
import { jodaToStrftime } from '../time/joda.js';
import { quoteString } from '../engine/sql-text.js';

/** The Druid expression functions Grove translates, with Druid's argument conventions. */

export interface FnContext {
  readonly name: string;
  readonly what: string;
  readonly raw: readonly Expr[];
  args(): Typed[];
  arg(i: number): Typed;
}

interface Fn {
  readonly arity: readonly [number, number];
  sql(ctx: FnContext): Typed;
}

function literal(ctx: FnContext, i: number, kind = 'a string literal'): string {
  const e = ctx.raw[i];
  if (e?.kind !== 'string') throw invalidInput(`${ctx.what}: argument ${i + 1} of function [${ctx.name}] must be ${kind}`);
  return e.value;
}

function literalInt(ctx: FnContext, i: number): number {
  const e = ctx.raw[i];
  if (e?.kind !== 'long' || !Number.isSafeInteger(Number(e.text))) throw invalidInput(`${ctx.what}: argument ${i + 1} of function [${ctx.name}] must be a whole-number literal`);
  return Number(e.text);
}

function optZone(ctx: FnContext, i: number): string {
  if (ctx.raw.length <= i || ctx.raw[i].kind === 'null') return 'UTC';
  return normalizeZone(literal(ctx, i, 'a time zone literal'), `${ctx.what}: argument ${i + 1} of function [${ctx.name}]`);
}

function checkRegex(ctx: FnContext, i: number): string {
  const p = literal(ctx, i, 'a regular expression literal');
  try {
    new RegExp(p);
  } catch (e) {
    throw invalidInput(`${ctx.what}: argument ${i + 1} of function [${ctx.name}] is not a valid regular expression: ${(e as Error).message}`);
  }
  return quoteString(p);
}

const str = (f: (s: string) => string): Fn => ({ arity: [1, 1], sql: (c) => typed(f(asString(c.arg(0))), 'string') });
const dbl = (f: (s: string) => string): Fn => ({ arity: [1, 1], sql: (c) => typed(f(asDouble(c.arg(0))), 'double') });

/** Epoch millis → UTC TIMESTAMP and back. */
const tsOf = (ms: string): string => `epoch_ms(${ms})`;
const msOf = (ts: string): string => `epoch_ms(${ts})`;

/** Parses text to epoch millis: ISO when no pattern, else a Joda pattern read in `zone`. */
function parseTime(c: FnContext, patternIdx: number, zoneIdx: number): Typed {
  const s = asString(c.arg(0));
  if (c.raw.length <= patternIdx || c.raw[patternIdx].kind === 'null') return typed(msOf(`CAST(TRY_CAST(${s} AS TIMESTAMPTZ) AS TIMESTAMP)`), 'long');
  const fmt = quoteString(jodaToStrftime(literal(c, patternIdx, 'a format literal'), `${c.what}: format of [${c.name}]`));
  const zone = optZone(c, zoneIdx);
  const local = `try_strptime(${s}, ${fmt})`;
  return typed(msOf(zone === 'UTC' ? local : `timezone(${quoteString(zone)}, ${local})::TIMESTAMP`), 'long');
}

const EXTRACT_UNITS: Record<string, string> = {
  EPOCH: 'epoch',
  MILLISECOND: 'millisecond',
  SECOND: 'second',
  MINUTE: 'minute',
  HOUR: 'hour',
  DAY: 'day',
  DOW: 'isodow',
  ISODOW: 'isodow',
  DOY: 'doy',
  WEEK: 'week',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'year',
  ISOYEAR: 'isoyear',
  DECADE: 'decade',
  CENTURY: 'century',
  MILLENNIUM: 'millennium',
};

export const FUNCTIONS: Record<string, Fn> = {
  concat: { arity: [1, Infinity], sql: (c) => typed(`(${c.args().map(asString).join(' || ')})`, 'string') },
  lower: str((s) => `lower(${s})`),
  upper: str((s) => `upper(${s})`),
  reverse: str((s) => `reverse(${s})`),
  strlen: { arity: [1, 1], sql: (c) => typed(`CAST(length(${asString(c.arg(0))}) AS BIGINT)`, 'long') },
  substring: {
    arity: [2, 3],
    // Druid's index is 0-based and a negative length means "to the end".
    sql: (c) => {
      const [s, i] = [asString(c.arg(0)), asLong(c.arg(1))];
      if (c.raw.length === 2) return typed(`substring(${s}, ${i} + 1)`, 'string');
      const len = asLong(c.arg(2));
      return typed(`CASE WHEN ${len} < 0 THEN substring(${s}, ${i} + 1) ELSE substring(${s}, ${i} + 1, ${len}) END`, 'string');
    },
  },
  left: { arity: [2, 2], sql: (c) => typed(`left(${asString(c.arg(0))}, ${asLong(c.arg(1))})`, 'string') },
  right: { arity: [2, 2], sql: (c) => typed(`right(${asString(c.arg(0))}, ${asLong(c.arg(1))})`, 'string') },
  replace: { arity: [3, 3], sql: (c) => typed(`replace(${c.args().map(asString).join(', ')})`, 'string') },
  trim: { arity: [1, 2], sql: (c) => typed(`trim(${c.args().map(asString).join(', ')})`, 'string') },
  ltrim: { arity: [1, 2], sql: (c) => typed(`ltrim(${c.args().map(asString).join(', ')})`, 'string') },
  rtrim: { arity: [1, 2], sql: (c) => typed(`rtrim(${c.args().map(asString).join(', ')})`, 'string') },
  lpad: { arity: [3, 3], sql: (c) => typed(`lpad(${asString(c.arg(0))}, CAST(${asLong(c.arg(1))} AS INTEGER), ${asString(c.arg(2))})`, 'string') },
  rpad: { arity: [3, 3], sql: (c) => typed(`rpad(${asString(c.arg(0))}, CAST(${asLong(c.arg(1))} AS INTEGER), ${asString(c.arg(2))})`, 'string') },
  repeat: { arity: [2, 2], sql: (c) => typed(`repeat(${asString(c.arg(0))}, ${asLong(c.arg(1))})`, 'string') },
  strpos: {
    arity: [2, 2],
    // 0-based, -1 when absent.
    sql: (c) => typed(`(strpos(${asString(c.arg(0))}, ${asString(c.arg(1))}) - 1)`, 'long'),
  },
  contains_string: { arity: [2, 2], sql: (c) => typed(`contains(${asString(c.arg(0))}, ${asString(c.arg(1))})`, 'bool') },
  icontains_string: { arity: [2, 2], sql: (c) => typed(`contains(lower(${asString(c.arg(0))}), lower(${asString(c.arg(1))}))`, 'bool') },
  like: {
    arity: [2, 3],
    sql: (c) => {
      const esc = c.raw.length === 3 ? ` ESCAPE ${quoteString(literal(c, 2))}` : '';
      return typed(`(${asString(c.arg(0))} LIKE ${quoteString(literal(c, 1, 'a pattern literal'))}${esc})`, 'bool');
    },
  },
  regexp_like: { arity: [2, 2], sql: (c) => typed(`regexp_matches(${asString(c.arg(0))}, ${checkRegex(c, 1)})`, 'bool') },
  regexp_extract: {
    arity: [2, 3],
    // Druid answers null when nothing matches; DuckDB answers ''.
    sql: (c) => {
      const [s, p] = [asString(c.arg(0)), checkRegex(c, 1)];
      const idx = c.raw.length === 3 ? literalInt(c, 2) : 0;
      return typed(`CASE WHEN regexp_matches(${s}, ${p}) THEN regexp_extract(${s}, ${p}, ${idx}) END`, 'string');
    },
  },
  nvl: { arity: [2, 2], sql: (c) => unifyCall('COALESCE', c.args()) },
  coalesce: { arity: [1, Infinity], sql: (c) => unifyCall('COALESCE', c.args()) },
  greatest: { arity: [1, Infinity], sql: (c) => unifyCall('greatest', c.args()) },
  least: { arity: [1, Infinity], sql: (c) => unifyCall('least', c.args()) },
  isnull: { arity: [1, 1], sql: (c) => typed(`(${c.arg(0).sql} IS NULL)`, 'bool') },
  notnull: { arity: [1, 1], sql: (c) => typed(`(${c.arg(0).sql} IS NOT NULL)`, 'bool') },
  if: {
    arity: [3, 3],
    sql: (c) => {
      const u = unify([c.arg(1), c.arg(2)]);
      return typed(`CASE WHEN ${asBool(c.arg(0))} THEN ${u.sqls[0]} ELSE ${u.sqls[1]} END`, u.type);
    },
  },
  case_searched: {
    arity: [2, Infinity],
    sql: (c) => {
      const a = c.args();
      const values = a.filter((_, i) => i % 2 === 1 || (a.length % 2 === 1 && i === a.length - 1));
      const u = unify(values);
      let sql = 'CASE';
      for (let i = 0; i + 1 < a.length; i += 2) sql += ` WHEN ${asBool(a[i])} THEN ${u.sqls[i / 2]}`;
      if (a.length % 2 === 1) sql += ` ELSE ${u.sqls[u.sqls.length - 1]}`;
      return typed(`${sql} END`, u.type);
    },
  },
  case_simple: {
    arity: [3, Infinity],
    sql: (c) => {
      const [subject, ...rest] = c.args();
      const results = rest.filter((_, i) => i % 2 === 1 || (rest.length % 2 === 1 && i === rest.length - 1));
      const u = unify(results);
      let sql = 'CASE';
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const l = unify([subject, rest[i]]);
        sql += ` WHEN ${l.sqls[0]} = ${l.sqls[1]} THEN ${u.sqls[i / 2]}`;
      }
      if (rest.length % 2 === 1) sql += ` ELSE ${u.sqls[u.sqls.length - 1]}`;
      return typed(`${sql} END`, u.type);
    },
  },
  cast: {
    arity: [2, 2],
    sql: (c) => {
      const to = literal(c, 1, "a type literal such as 'LONG'").toUpperCase();
      const map: Record<string, 'long' | 'double' | 'string'> = { LONG: 'long', DOUBLE: 'double', FLOAT: 'double', STRING: 'string' };
      if (!map[to]) throw invalidInput(`${c.what}: function [cast] cannot cast to [${to}]; use LONG, DOUBLE, FLOAT or STRING`);
      return typed(convert(c.arg(0), map[to]), map[to]);
    },
  },
  parse_long: {
    arity: [1, 2],
    sql: (c) => {
      if (c.raw.length === 2 && literalInt(c, 1) !== 10) throw invalidInput(`${c.what}: function [parse_long] supports only radix 10`);
      return typed(`TRY_CAST(${asString(c.arg(0))} AS BIGINT)`, 'long');
    },
  },
  abs: { arity: [1, 1], sql: (c) => (c.arg(0).type === 'long' ? typed(`abs(${c.arg(0).sql})`, 'long') : typed(`abs(${asDouble(c.arg(0))})`, 'double')) },
  floor: dbl((s) => `floor(${s})`),
  ceil: dbl((s) => `ceil(${s})`),
  sqrt: dbl((s) => `sqrt(${s})`),
  exp: dbl((s) => `exp(${s})`),
  log: dbl((s) => `ln(${s})`),
  log10: dbl((s) => `log10(${s})`),
  round: {
    arity: [1, 2],
    sql: (c) => {
      const scale = c.raw.length === 2 ? literalInt(c, 1) : 0;
      return c.arg(0).type === 'long' ? typed(`round(${c.arg(0).sql}, ${scale})`, 'long') : typed(`round(${asDouble(c.arg(0))}, ${scale})`, 'double');
    },
  },
  pow: { arity: [2, 2], sql: (c) => typed(`pow(${asDouble(c.arg(0))}, ${asDouble(c.arg(1))})`, 'double') },
  div: { arity: [2, 2], sql: (c) => typed(`(${asLong(c.arg(0))} // ${asLong(c.arg(1))})`, 'long') },
  timestamp: { arity: [1, 2], sql: (c) => parseTime(c, 1, 99) },
  timestamp_parse: { arity: [1, 3], sql: (c) => parseTime(c, 1, 2) },
  unix_timestamp: { arity: [1, 2], sql: (c) => typed(`(${parseTime(c, 1, 99).sql} // 1000)`, 'long') },
  timestamp_floor: {
    arity: [2, 4],
    sql: (c) => {
      const period = parsePeriod(literal(c, 1, 'a period literal'), `${c.what}: period of [timestamp_floor]`);
      let origin: number | null = null;
      if (c.raw.length > 2 && c.raw[2].kind !== 'null') origin = literalInt(c, 2);
      return typed(floorMillisSql(asLong(c.arg(0)), makePeriodGranularity(period, optZone(c, 3), origin)), 'long');
    },
  },
  timestamp_shift: {
    arity: [3, 4],
    sql: (c) => {
      const p = parsePeriod(literal(c, 1, 'a period literal'), `${c.what}: period of [timestamp_shift]`);
      const step = asLong(c.arg(2));
      const shift = periodMonths(p) > 0 ? `to_months(CAST(${step} * ${periodMonths(p)} AS INTEGER))` : `to_milliseconds(${step} * ${periodMillis(p)})`;
      return typed(msOf(`(${tsOf(asLong(c.arg(0)))} + ${shift})`), 'long');
    },
  },
  timestamp_extract: {
    arity: [2, 3],
    sql: (c) => {
      const unit = EXTRACT_UNITS[literal(c, 1, "a unit literal such as 'HOUR'").toUpperCase()];
      if (!unit) throw invalidInput(`${c.what}: function [timestamp_extract] unit must be one of ${Object.keys(EXTRACT_UNITS).join(', ')}`);
      const zone = optZone(c, 2);
      const ts = zone === 'UTC' ? tsOf(asLong(c.arg(0))) : `timezone(${quoteString(zone)}, ${tsOf(asLong(c.arg(0)))}::TIMESTAMPTZ)`;
      return typed(`CAST(date_part('${unit}', ${ts}) AS BIGINT)`, 'long');
    },
  },
  timestamp_format: {
    arity: [1, 3],
    sql: (c) => {
      const hasPattern = c.raw.length > 1 && c.raw[1].kind !== 'null';
      const fmt = hasPattern ? jodaToStrftime(literal(c, 1, 'a format literal'), `${c.what}: format of [timestamp_format]`) : '%Y-%m-%dT%H:%M:%S.%gZ';
      const zone = optZone(c, 2);
      const ts = zone === 'UTC' ? tsOf(asLong(c.arg(0))) : `timezone(${quoteString(zone)}, ${tsOf(asLong(c.arg(0)))}::TIMESTAMPTZ)`;
      return typed(`strftime(${ts}, ${quoteString(fmt)})`, 'string');
    },
  },
  json_value: {
    arity: [2, 3],
    sql: (c) => {
      const path = literal(c, 1, "a JSONPath literal such as '$.a.b'");
      if (!path.startsWith('$')) throw invalidInput(`${c.what}: JSONPath [${path}] of [json_value] must start with '$'`);
      const text = typed(`json_extract_string(${jsonOf(c.arg(0))}, ${quoteString(path)})`, 'string');
      if (c.raw.length < 3) return text;
      const to = literal(c, 2, "a type literal such as 'LONG'").toUpperCase();
      if (to === 'LONG') return typed(parseLongSql(text.sql), 'long');
      if (to === 'DOUBLE' || to === 'FLOAT') return typed(`TRY_CAST(${text.sql} AS DOUBLE)`, 'double');
      return text;
    },
  },
  json_query: {
    arity: [2, 2],
    sql: (c) => {
      const path = literal(c, 1, "a JSONPath literal such as '$.a.b'");
      if (!path.startsWith('$')) throw invalidInput(`${c.what}: JSONPath [${path}] of [json_query] must start with '$'`);
      return typed(`json_extract(${jsonOf(c.arg(0))}, ${quoteString(path)})`, 'json');
    },
  },
};

function jsonOf(t: Typed): string {
  return t.type === 'json' ? t.sql : `TRY_CAST(${asString(t)} AS JSON)`;
}

function unifyCall(fn: string, args: Typed[]): Typed {
  const u = unify(args);
  return typed(`${fn}(${u.sqls.join(', ')})`, u.type);
}
