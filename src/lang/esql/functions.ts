import { quoteString } from '../../engine/sql-text.js';
import { tryParseInstant } from '../../time/interval.js';
import { jodaToStrftime } from '../../time/joda.js';
import type { Pos } from './ast.js';
import { commonType, duckTypeOf, isNumeric, isSpan, isWhole, type EsType, type SpanValue, type Typed } from './types.js';

/** An argument of a call: compiled, with its text and place for messages. */
export interface Arg {
  readonly typed: Typed;
  readonly text: string;
  readonly pos: Pos;
}

interface CallContext {
  /** The call as written, `ABS(x)`. */
  readonly text: string;
  readonly star: boolean;
  problem(pos: Pos, message: string): Typed;
}

export interface FunctionDef {
  readonly arity: readonly [number, number];
  readonly aggregate?: boolean;
  /** Takes `*` as its argument (COUNT). */
  readonly star?: boolean;
  /** Works on every value of a multi-valued column (aggregations, MV_ functions), not on it as one value. */
  readonly multiValues?: boolean;
  compile(args: readonly Arg[], ctx: CallContext): Typed;
}

const value = (sql: string, type: EsType, multi = false): Typed => ({ sql, type, multi, aggregate: false });

/** The ES|QL names of what an argument may be. */
const ACCEPTS: Record<string, (t: EsType) => boolean> = {
  numeric: (t) => isNumeric(t),
  string: (t) => t === 'keyword',
  datetime: (t) => t === 'date',
  boolean: (t) => t === 'boolean',
  any: () => true,
  'numeric, date or string': (t) => isNumeric(t) || t === 'date' || t === 'keyword',
  'numeric or datetime': (t) => isNumeric(t) || t === 'date',
  'date_period or time_duration': (t) => isSpan(t),
  'boolean, date, numeric or string': (t) => t === 'boolean' || t === 'date' || isNumeric(t) || t === 'keyword',
};

/**
 * Checks argument `i` against what the function accepts; null passes (it makes the result null).
 * The message is Elasticsearch's: `first argument of [f(x)] must be [numeric], found value [x] type [keyword]`.
 */
function expect(args: readonly Arg[], i: number, accepts: keyof typeof ACCEPTS, ctx: CallContext, single: boolean): Typed | null {
  const a = args[i];
  if (!a || a.typed.type === 'null' || ACCEPTS[accepts](a.typed.type)) return null;
  const which = single ? 'argument' : `${['first', 'second', 'third', 'fourth'][i] ?? `${i + 1}th`} argument`;
  return ctx.problem(a.pos, `${which} of [${ctx.text}] must be [${accepts}], found value [${a.text}] type [${a.typed.type}]`);
}

/** A literal argument's value, or a problem when the argument is not a constant. */
function constant<T>(args: readonly Arg[], i: number, ctx: CallContext, what: string): T | Typed {
  const a = args[i];
  if (a.typed.constant === undefined) return ctx.problem(a.pos, `${what} of [${ctx.text}] must be a constant, received [${a.text}]`);
  return a.typed.constant as T;
}

/** A date constant: epoch ms (a date literal) or ISO text. */
const instant = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' ? tryParseInstant(v) : null);

const isTyped = (v: unknown): v is Typed => v !== null && typeof v === 'object' && 'sql' in (v as object) && 'type' in (v as object);

function unary(accepts: keyof typeof ACCEPTS, result: (t: EsType) => EsType, sql: (x: string, t: EsType) => string): FunctionDef {
  return {
    arity: [1, 1],
    compile(args, ctx) {
      return expect(args, 0, accepts, ctx, true) ?? value(sql(args[0].typed.sql, args[0].typed.type), result(args[0].typed.type));
    },
  };
}

/**
 * An aggregation of one argument. `overLists` aggregates a multi-valued column over all its values
 * (each row a list): `list_` functions reduce each row's list, the aggregate combines the rows.
 */
function aggregate(accepts: keyof typeof ACCEPTS, result: (t: EsType) => EsType, sql: (x: string, t: EsType) => string, overLists: (x: string, t: EsType) => string): FunctionDef {
  return {
    arity: [1, 1],
    aggregate: true,
    multiValues: true,
    compile(args, ctx) {
      const a = args[0].typed;
      return expect(args, 0, accepts, ctx, true) ?? value(a.multi ? overLists(a.sql, a.type) : sql(a.sql, a.type), result(a.type));
    },
  };
}

/** Epoch milliseconds of a timestamp, as ES|QL converts dates to numbers. */
const epochMs = (x: string): string => `epoch_ms(${x})`;

/** A date truncated to a span: fixed spans from the epoch, calendar spans on the calendar. */
function truncate(date: string, span: SpanValue): string {
  if (span.amount === 1 && ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].includes(span.unit)) {
    return `date_trunc('${span.unit}', ${date})`;
  }
  const origin = span.unit === 'week' ? "TIMESTAMP '1969-12-29'" : "TIMESTAMP '1970-01-01'";
  return `time_bucket(INTERVAL ${span.amount} ${span.unit.toUpperCase()}, ${date}, ${origin})`;
}

/** Spans BUCKET picks from when asked for at most N buckets between two dates, largest first (Elasticsearch's list). */
const DATE_ROUNDINGS: readonly SpanValue[] = [
  { amount: 1, unit: 'month' }, { amount: 1, unit: 'week' }, { amount: 1, unit: 'day' }, { amount: 12, unit: 'hour' }, { amount: 3, unit: 'hour' },
  { amount: 1, unit: 'hour' }, { amount: 30, unit: 'minute' }, { amount: 10, unit: 'minute' }, { amount: 5, unit: 'minute' }, { amount: 1, unit: 'minute' },
  { amount: 30, unit: 'second' }, { amount: 10, unit: 'second' }, { amount: 5, unit: 'second' }, { amount: 1, unit: 'second' },
  { amount: 100, unit: 'millisecond' }, { amount: 50, unit: 'millisecond' }, { amount: 10, unit: 'millisecond' }, { amount: 1, unit: 'millisecond' },
];
const FIXED_MS: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 3.6e6, day: 8.64e7 };

/** The start of the span holding `ms`, and the start of the next one (UTC calendar for months and weeks). */
function spanStart(ms: number, span: SpanValue): number {
  if (span.unit === 'year') return Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
  if (span.unit === 'month') return Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), 1);
  if (span.unit === 'week') {
    const day = Math.floor(ms / 8.64e7);
    return (day - (((day + 3) % 7) + 7) % 7) * 8.64e7;
  }
  const size = span.amount * FIXED_MS[span.unit];
  return Math.floor(ms / size) * size;
}
function nextSpan(start: number, span: SpanValue): number {
  const d = new Date(start);
  if (span.unit === 'year') return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
  if (span.unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  if (span.unit === 'week') return start + 7 * 8.64e7;
  return start + span.amount * FIXED_MS[span.unit];
}

/** The smallest span in the list that covers [from, to] in at most `buckets` buckets, as Elasticsearch picks it. */
function pickDateSpan(buckets: number, from: number, to: number): SpanValue {
  let prev: SpanValue = { amount: 1, unit: 'year' };
  for (const r of DATE_ROUNDINGS) {
    let b = spanStart(from, r);
    let fits = false;
    for (let used = 0; used < buckets; used++) {
      b = nextSpan(b, r);
      if (b > to) {
        fits = true;
        break;
      }
    }
    if (!fits) return prev;
    prev = r;
  }
  return prev;
}

/** A numeric bucket width: the next power of ten over (to - from) / buckets, or half of it when that is enough. */
function pickNumericWidth(buckets: number, from: number, to: number): number {
  const precise = (to - from) / buckets;
  const next = 10 ** Math.ceil(Math.log10(precise));
  return precise < next / 2 ? next / 2 : next;
}

/** Date parts DATE_EXTRACT takes (Java's ChronoField names) and DuckDB's names for them. */
const DATE_PARTS: Record<string, string> = {
  year: 'year', month_of_year: 'month', day_of_month: 'day', hour_of_day: 'hour', minute_of_hour: 'minute', second_of_minute: 'second',
  day_of_week: 'isodow', day_of_year: 'doy', aligned_week_of_year: 'week', quarter_of_year: 'quarter', milli_of_second: 'millisecond',
  epoch_day: 'epoch_day', millis_of_second: 'millisecond',
};

const ISO_FORMAT = "'%Y-%m-%dT%H:%M:%S.%gZ'";

function toStringSql(x: string, t: EsType): string {
  if (t === 'date') return `strftime(${x}, ${ISO_FORMAT})`;
  if (t === 'boolean') return `CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END`;
  return `CAST(${x} AS VARCHAR)`;
}

function toNumberSql(x: string, t: EsType, target: 'BIGINT' | 'INTEGER' | 'DOUBLE'): string {
  if (t === 'date') return `CAST(${epochMs(x)} AS ${target})`;
  if (t === 'boolean') return `CAST(${x} AS ${target})`;
  if (t === 'keyword' && target !== 'DOUBLE') return `TRY_CAST(TRY_CAST(${x} AS DOUBLE) AS ${target})`;
  return `TRY_CAST(${x} AS ${target})`;
}

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map<string, FunctionDef>([
  // Aggregations
  ['count', {
    arity: [0, 1],
    aggregate: true,
    star: true,
    multiValues: true,
    compile(args, ctx) {
      if (ctx.star || args.length === 0) return value('count(*)', 'long');
      const a = args[0].typed;
      // COUNT counts values: every value of a multi-valued field.
      return value(a.multi ? `CAST(coalesce(sum(len(${a.sql})), 0) AS BIGINT)` : `count(${a.sql})`, 'long');
    },
  }],
  ['count_distinct', {
    arity: [1, 2],
    aggregate: true,
    multiValues: true,
    compile(args) {
      const a = args[0].typed;
      return value(a.multi ? `CAST(len(list_distinct(flatten(list(${a.sql})))) AS BIGINT)` : `count(DISTINCT ${a.sql})`, 'long');
    },
  }],
  ['sum', aggregate('numeric', (t) => (t === 'double' ? 'double' : 'long'), (x, t) => `CAST(sum(${x}) AS ${t === 'double' ? 'DOUBLE' : 'BIGINT'})`,
    (x, t) => `CAST(sum(list_sum(${x})) AS ${t === 'double' ? 'DOUBLE' : 'BIGINT'})`)],
  ['avg', aggregate('numeric', () => 'double', (x) => `avg(${x})`, (x) => `(sum(list_sum(${x})) / NULLIF(sum(len(${x})), 0))::DOUBLE`)],
  ['min', aggregate('numeric, date or string', (t) => t, (x) => `min(${x})`, (x) => `min(list_min(${x}))`)],
  ['max', aggregate('numeric, date or string', (t) => t, (x) => `max(${x})`, (x) => `max(list_max(${x}))`)],
  ['median', aggregate('numeric', () => 'double', (x) => `quantile_cont(${x}, 0.5)`, (x) => `list_aggregate(flatten(list(${x})), 'quantile_cont', 0.5)`)],
  ['percentile', {
    arity: [2, 2],
    aggregate: true,
    compile(args, ctx) {
      const bad = expect(args, 0, 'numeric', ctx, false) ?? expect(args, 1, 'numeric', ctx, false);
      if (bad) return bad;
      const p = constant<number>(args, 1, ctx, 'second argument');
      if (isTyped(p)) return p;
      if (p < 0 || p > 100) return ctx.problem(args[1].pos, `Percentile value must be in the range [0-100], got: [${p}]`);
      return value(`quantile_cont(${args[0].typed.sql}, ${p / 100})`, 'double');
    },
  }],
  ['values', {
    arity: [1, 1],
    aggregate: true,
    multiValues: true,
    compile(args) {
      const a = args[0].typed;
      const all = a.multi ? `flatten(list(${a.sql}))` : `list(${a.sql})`;
      return value(`list_sort(list_distinct(${all}))`, a.type, true);
    },
  }],

  // Dates
  ['date_trunc', {
    arity: [2, 2],
    compile(args, ctx) {
      const bad = expect(args, 0, 'date_period or time_duration', ctx, false) ?? expect(args, 1, 'datetime', ctx, false);
      if (bad) return bad;
      const span = constant<SpanValue>(args, 0, ctx, 'first argument');
      if (isTyped(span)) return span;
      return value(truncate(args[1].typed.sql, span), 'date');
    },
  }],
  ['bucket', {
    arity: [2, 4],
    compile(args, ctx) {
      const field = args[0].typed;
      if (field.type === 'date') {
        if (args.length === 2) {
          const bad = expect(args, 1, 'date_period or time_duration', ctx, false);
          if (bad) return bad;
          const span = constant<SpanValue>(args, 1, ctx, 'second argument');
          return isTyped(span) ? span : value(truncate(field.sql, span), 'date');
        }
        if (args.length !== 4) return ctx.problem(args[0].pos, `function expects exactly four arguments when the first one is of type [DATETIME] and the second of type [INTEGER]`);
        const n = constant<number>(args, 1, ctx, 'second argument');
        const from = constant<string>(args, 2, ctx, 'third argument');
        const to = constant<string>(args, 3, ctx, 'fourth argument');
        if (isTyped(n)) return n;
        if (isTyped(from)) return from;
        if (isTyped(to)) return to;
        const [f, t] = [instant(from), instant(to)];
        if (f === null) return ctx.problem(args[2].pos, `third argument of [${ctx.text}] must be [datetime or string], found value [${args[2].text}]`);
        if (t === null) return ctx.problem(args[3].pos, `fourth argument of [${ctx.text}] must be [datetime or string], found value [${args[3].text}]`);
        const span = pickDateSpan(Number(n), f, t);
        return value(truncate(field.sql, span), 'date');
      }
      const bad = expect(args, 0, 'numeric or datetime', ctx, false);
      if (bad) return bad;
      if (args.length === 2) {
        const width = constant<number>(args, 1, ctx, 'second argument');
        if (isTyped(width)) return width;
        return value(`(floor(${field.sql} / ${width}) * ${width})::DOUBLE`, 'double');
      }
      if (args.length !== 4) return ctx.problem(args[0].pos, `function expects exactly four arguments when the first one is of type [${field.type.toUpperCase()}] and the second of type [INTEGER]`);
      const n = constant<number>(args, 1, ctx, 'second argument');
      const from = constant<number>(args, 2, ctx, 'third argument');
      const to = constant<number>(args, 3, ctx, 'fourth argument');
      if (isTyped(n)) return n;
      if (isTyped(from)) return from;
      if (isTyped(to)) return to;
      const width = pickNumericWidth(Number(n), Number(from), Number(to));
      return value(`(floor(${field.sql} / ${width}) * ${width})::DOUBLE`, 'double');
    },
  }],
  ['date_extract', {
    arity: [2, 2],
    compile(args, ctx) {
      const bad = expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'datetime', ctx, false);
      if (bad) return bad;
      const part = constant<string>(args, 0, ctx, 'first argument');
      if (isTyped(part)) return part;
      const duck = DATE_PARTS[String(part).toLowerCase()];
      if (!duck) return ctx.problem(args[0].pos, `A value of [${Object.keys(DATE_PARTS).map((p) => p.toUpperCase()).join(', ')}] or their aliases is required; received [${part}]`);
      if (duck === 'epoch_day') return value(`CAST(floor(${epochMs(args[1].typed.sql)} / 86400000) AS BIGINT)`, 'long');
      return value(`CAST(date_part('${duck}', ${args[1].typed.sql}) AS BIGINT)`, 'long');
    },
  }],
  ['date_format', {
    arity: [1, 2],
    compile(args, ctx) {
      if (args.length === 1) return expect(args, 0, 'datetime', ctx, false) ?? value(`strftime(${args[0].typed.sql}, ${ISO_FORMAT})`, 'keyword');
      const bad = expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'datetime', ctx, false);
      if (bad) return bad;
      const pattern = constant<string>(args, 0, ctx, 'first argument');
      if (isTyped(pattern)) return pattern;
      let format: string;
      try {
        format = jodaToStrftime(String(pattern), 'DATE_FORMAT pattern');
      } catch (e) {
        return ctx.problem(args[0].pos, (e as Error).message);
      }
      return value(`strftime(${args[1].typed.sql}, ${quoteString(format)})`, 'keyword');
    },
  }],
  ['now', { arity: [0, 0], compile: () => value('CAST(now() AS TIMESTAMP)', 'date') }],

  // Conversions
  ['to_string', unary('any', () => 'keyword', toStringSql)],
  ['to_long', unary('boolean, date, numeric or string', () => 'long', (x, t) => toNumberSql(x, t, 'BIGINT'))],
  ['to_integer', unary('boolean, date, numeric or string', () => 'integer', (x, t) => toNumberSql(x, t, 'INTEGER'))],
  ['to_double', unary('boolean, date, numeric or string', () => 'double', (x, t) => toNumberSql(x, t, 'DOUBLE'))],
  ['to_boolean', unary('boolean, date, numeric or string', () => 'boolean', (x, t) =>
    t === 'keyword' ? `(lower(${x}) = 'true')` : t === 'boolean' ? x : `(${x} <> 0)`)],
  ['to_datetime', unary('numeric, date or string', () => 'date', (x, t) =>
    t === 'date' ? x : isNumeric(t) ? `epoch_ms(CAST(${x} AS BIGINT))` : `TRY_CAST(${x} AS TIMESTAMP)`)],

  // Strings
  ['concat', {
    arity: [2, Infinity],
    compile(args, ctx) {
      for (let i = 0; i < args.length; i++) {
        const bad = expect(args, i, 'string', ctx, false);
        if (bad) return bad;
      }
      return value(`(${args.map((a) => a.typed.sql).join(' || ')})`, 'keyword');
    },
  }],
  ['length', unary('string', () => 'integer', (x) => `CAST(length(${x}) AS INTEGER)`)],
  ['substring', {
    arity: [2, 3],
    compile(args, ctx) {
      const bad = expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'numeric', ctx, false) ?? expect(args, 2, 'numeric', ctx, false);
      if (bad) return bad;
      const [s, start] = [args[0].typed.sql, args[1].typed.sql];
      // 1-based; a negative start counts from the end, as in ES|QL.
      const from = `CASE WHEN ${start} < 0 THEN greatest(length(${s}) + ${start} + 1, 1) WHEN ${start} = 0 THEN 1 ELSE ${start} END`;
      return value(args.length === 2 ? `substring(${s}, ${from})` : `substring(${s}, ${from}, greatest(${args[2].typed.sql}, 0))`, 'keyword');
    },
  }],
  ['trim', unary('string', () => 'keyword', (x) => `trim(${x})`)],
  ['ltrim', unary('string', () => 'keyword', (x) => `ltrim(${x})`)],
  ['rtrim', unary('string', () => 'keyword', (x) => `rtrim(${x})`)],
  ['to_lower', unary('string', () => 'keyword', (x) => `lower(${x})`)],
  ['to_upper', unary('string', () => 'keyword', (x) => `upper(${x})`)],
  ['starts_with', binaryStrings('starts_with')],
  ['ends_with', binaryStrings('ends_with')],
  ['left', stringAndCount((s, n) => `left(${s}, greatest(${n}, 0))`)],
  ['right', stringAndCount((s, n) => `right(${s}, greatest(${n}, 0))`)],
  ['replace', {
    arity: [3, 3],
    compile(args, ctx) {
      const bad = expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'string', ctx, false) ?? expect(args, 2, 'string', ctx, false);
      // ES|QL's REPLACE takes a regular expression.
      return bad ?? value(`regexp_replace(${args[0].typed.sql}, ${args[1].typed.sql}, ${args[2].typed.sql}, 'g')`, 'keyword');
    },
  }],

  // Conditionals
  ['coalesce', {
    arity: [1, Infinity],
    compile(args, ctx) {
      let type: EsType = 'null';
      for (const [i, a] of args.entries()) {
        const t = commonType(type, a.typed.type);
        if (t === null) return ctx.problem(a.pos, `${['first', 'second', 'third', 'fourth'][i] ?? `${i + 1}th`} argument of [${ctx.text}] must be [${type}], found value [${a.text}] type [${a.typed.type}]`);
        type = t;
      }
      return value(`coalesce(${args.map((a) => `CAST(${a.typed.sql} AS ${duckTypeOf(type)})`).join(', ')})`, type);
    },
  }],
  ['case', {
    arity: [2, Infinity],
    compile(args, ctx) {
      const pairs = Math.floor(args.length / 2);
      let type: EsType = 'null';
      const values = [...args.filter((_, i) => i % 2 === 1), ...(args.length % 2 === 1 ? [args[args.length - 1]] : [])];
      for (let i = 0; i < pairs; i++) {
        const cond = args[2 * i];
        if (cond.typed.type !== 'boolean' && cond.typed.type !== 'null') {
          return ctx.problem(cond.pos, `${['first', 'second', 'third', 'fourth'][2 * i] ?? `${2 * i + 1}th`} argument of [${ctx.text}] must be [boolean], found value [${cond.text}] type [${cond.typed.type}]`);
        }
      }
      for (const v of values) {
        const t = commonType(type, v.typed.type);
        if (t === null) return ctx.problem(v.pos, `all values of [${ctx.text}] must be of the same type, found [${type}] and [${v.typed.type}]`);
        type = t;
      }
      const cast = (a: Arg): string => `CAST(${a.typed.sql} AS ${duckTypeOf(type)})`;
      const whens = Array.from({ length: pairs }, (_, i) => `WHEN ${args[2 * i].typed.sql} THEN ${cast(args[2 * i + 1])}`).join(' ');
      const otherwise = args.length % 2 === 1 ? ` ELSE ${cast(args[args.length - 1])}` : '';
      return value(`(CASE ${whens}${otherwise} END)`, type);
    },
  }],
  ['greatest', nary('greatest')],
  ['least', nary('least')],

  // Numbers
  ['round', {
    arity: [1, 2],
    compile(args, ctx) {
      const bad = expect(args, 0, 'numeric', ctx, false) ?? expect(args, 1, 'numeric', ctx, false);
      if (bad) return bad;
      const t = args[0].typed.type;
      const digits = args.length === 2 ? args[1].typed.sql : '0';
      return value(`CAST(round(${args[0].typed.sql}, ${digits}) AS ${duckTypeOf(t)})`, t);
    },
  }],
  ['abs', unary('numeric', (t) => t, (x) => `abs(${x})`)],
  ['floor', unary('numeric', (t) => t, (x, t) => (isWhole(t) ? x : `floor(${x})`))],
  ['ceil', unary('numeric', (t) => t, (x, t) => (isWhole(t) ? x : `ceil(${x})`))],
  ['sqrt', unary('numeric', () => 'double', (x) => `CASE WHEN ${x} >= 0 THEN sqrt(${x}) END`)],
  ['pow', {
    arity: [2, 2],
    compile(args, ctx) {
      return expect(args, 0, 'numeric', ctx, false) ?? expect(args, 1, 'numeric', ctx, false) ?? value(`pow(${args[0].typed.sql}, ${args[1].typed.sql})`, 'double');
    },
  }],

  // Multi-values
  ['mv_count', {
    arity: [1, 1],
    multiValues: true,
    compile(args) {
      const a = args[0].typed;
      return value(a.multi ? `CAST(len(${a.sql}) AS INTEGER)` : `CASE WHEN ${a.sql} IS NOT NULL THEN 1 END`, 'integer');
    },
  }],
  ['mv_min', multiValue('list_min')],
  ['mv_max', multiValue('list_max')],
]);

function binaryStrings(fn: string): FunctionDef {
  return {
    arity: [2, 2],
    compile(args, ctx) {
      return expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'string', ctx, false) ?? value(`${fn}(${args[0].typed.sql}, ${args[1].typed.sql})`, 'boolean');
    },
  };
}

function stringAndCount(sql: (s: string, n: string) => string): FunctionDef {
  return {
    arity: [2, 2],
    compile(args, ctx) {
      return expect(args, 0, 'string', ctx, false) ?? expect(args, 1, 'numeric', ctx, false) ?? value(sql(args[0].typed.sql, args[1].typed.sql), 'keyword');
    },
  };
}

function nary(fn: string): FunctionDef {
  return {
    arity: [1, Infinity],
    compile(args, ctx) {
      let type: EsType = 'null';
      for (const a of args) {
        const t = commonType(type, a.typed.type);
        if (t === null) return ctx.problem(a.pos, `all arguments of [${ctx.text}] must be of the same type, found [${type}] and [${a.typed.type}]`);
        type = t;
      }
      return value(`${fn}(${args.map((a) => `CAST(${a.typed.sql} AS ${duckTypeOf(type)})`).join(', ')})`, type);
    },
  };
}

function multiValue(fn: string): FunctionDef {
  return {
    arity: [1, 1],
    multiValues: true,
    compile(args) {
      const a = args[0].typed;
      return value(a.multi ? `${fn}(${a.sql})` : a.sql, a.type);
    },
  };
}
