import { quoteIdent, quoteString } from '../../engine/sql-text.js';
import { tryParseInstant } from '../../time/interval.js';
import { timestampLiteral } from '../../time/sql.js';
import type { Expr, Literal, NamePattern, Pos } from './ast.js';
import type { Problem } from './errors.js';
import { FUNCTIONS, type Arg } from './functions.js';
import { commonType, duckTypeOf, isNumeric, isSpan, isWhole, type Col, type EsType, type SpanValue, type Typed } from './types.js';

export type { Col, Typed };

const NULL: Typed = { sql: 'NULL', type: 'null', multi: false, aggregate: false, constant: null };
const BROKEN: Typed = { sql: 'NULL', type: 'unsupported', multi: false, aggregate: false };

/** Fixed-length units of a span and what a DuckDB INTERVAL calls them. */
const DURATION_UNITS: Record<string, string> = {
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond',
  second: 'second', seconds: 'second', sec: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour',
};
const PERIOD_UNITS: Record<string, string> = {
  day: 'day', days: 'day', d: 'day', week: 'week', weeks: 'week', w: 'week', month: 'month', months: 'month', mo: 'month',
  quarter: 'quarter', quarters: 'quarter', q: 'quarter', year: 'year', years: 'year', yr: 'year', y: 'year',
};

/** The text of an expression as the user wrote it (ES|QL names unnamed columns by it). */
export const textOf = (query: string, e: { pos: Pos }): string => query.slice(e.pos.start, e.pos.end + 1);

/**
 * Compiles ES|QL expressions over a relation's columns to DuckDB SQL, typing them as it goes.
 * Mistakes are gathered as problems (ES|QL reports them all at once); a broken part compiles to
 * NULL so the rest can still be checked.
 */
export class ExpressionCompiler {
  readonly problems: Problem[] = [];
  /**
   * While a STATS aggregate is compiled: its BY keys by name, and the SQL that reads each. Outside
   * an aggregate function such an expression may only use these.
   */
  groupKeys: ReadonlyMap<string, { readonly sql: string; readonly type: EsType }> | null = null;

  constructor(
    readonly query: string,
    readonly params: ParamValues,
  ) {}

  problem(pos: Pos, message: string): Typed {
    this.problems.push({ pos, message });
    return BROKEN;
  }

  compile(e: Expr, cols: ReadonlyMap<string, Col>, allowAggregates = false): Typed {
    switch (e.kind) {
      case 'null':
        return NULL;
      case 'boolean':
        return { sql: e.value ? 'TRUE' : 'FALSE', type: 'boolean', multi: false, aggregate: false, constant: e.value };
      case 'integer': {
        const int = e.value >= -2147483648n && e.value <= 2147483647n;
        if (!int && (e.value < -9223372036854775808n || e.value > 9223372036854775807n)) {
          return this.problem(e.pos, `Number [${e.value}] is too large`);
        }
        return { sql: int ? `CAST(${e.value} AS INTEGER)` : `CAST(${e.value} AS BIGINT)`, type: int ? 'integer' : 'long', multi: false, aggregate: false, constant: Number(e.value) };
      }
      case 'decimal':
        return { sql: `CAST(${String(e.value)} AS DOUBLE)`, type: 'double', multi: false, aggregate: false, constant: e.value };
      case 'string':
        return { sql: quoteString(e.value), type: 'keyword', multi: false, aggregate: false, constant: e.value };
      case 'span':
        return this.#span(e);
      case 'param':
        return this.#param(e, cols, allowAggregates);
      case 'list':
        return this.#list(e, cols);
      case 'column': {
        if (allowAggregates && this.groupKeys) {
          const key = this.groupKeys.get(e.name);
          if (key === undefined) return this.problem(e.pos, cols.has(e.name) ? `column [${e.name}] must appear in the STATS BY clause or be used in an aggregate function` : unknownColumn(e.name, cols));
          return { sql: key.sql, type: key.type, multi: false, aggregate: true };
        }
        const col = cols.get(e.name);
        if (!col) return this.problem(e.pos, unknownColumn(e.name, cols));
        if (col.type === 'unsupported') {
          return this.problem(e.pos, `Cannot use field [${e.name}] with unsupported type`);
        }
        // A multi-valued column used as one value: a single value is that value, more are null (ES|QL's rule).
        const sql = col.multi ? `CASE WHEN len(${quoteIdent(col.name)}) = 1 THEN ${quoteIdent(col.name)}[1] END` : quoteIdent(col.name);
        return { sql, type: col.type, multi: false, aggregate: false };
      }
      case 'unary':
        return this.#unary(e, cols, allowAggregates);
      case 'binary':
        return e.op === 'and' || e.op === 'or' ? this.#logical(e, cols, allowAggregates) : ['+', '-', '*', '/', '%'].includes(e.op) ? this.#arithmetic(e, cols, allowAggregates) : this.#comparison(e, cols, allowAggregates);
      case 'in':
        return this.#in(e, cols, allowAggregates);
      case 'isNull': {
        const v = this.compile(e.value, cols, allowAggregates);
        return { sql: `(${v.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, type: 'boolean', multi: false, aggregate: v.aggregate };
      }
      case 'like':
        return this.#like(e, cols, allowAggregates);
      case 'cast':
        return this.#cast(e, cols, allowAggregates);
      case 'call':
        return this.#call(e, cols, allowAggregates);
    }
  }

  /** A boolean condition (WHERE): anything else is a problem. */
  condition(e: Expr, cols: ReadonlyMap<string, Col>): Typed {
    const c = this.compile(e, cols);
    if (c.type !== 'boolean' && c.type !== 'null' && c.type !== 'unsupported') {
      return this.problem(e.pos, `Condition expression needs to be boolean, found [${c.type.toUpperCase()}]`);
    }
    return c;
  }

  #span(e: Extract<Literal, { kind: 'span' }>): Typed {
    const duration = DURATION_UNITS[e.unit];
    const period = PERIOD_UNITS[e.unit];
    const unit = duration ?? period;
    if (unit === undefined) return this.problem(e.pos, `Unexpected temporal unit: '${e.unit}'`);
    const span: SpanValue = { amount: Number(e.amount), unit };
    return { sql: `INTERVAL ${span.amount} ${unit.toUpperCase()}`, type: duration ? 'time_duration' : 'date_period', multi: false, aggregate: false, constant: span };
  }

  /** A KEEP/DROP name: as written, or what its param names; null (a problem) when it names nothing. */
  namePattern(p: NamePattern): string | null {
    if (!p.param) return p.pattern;
    const v = this.params.take(p.param);
    if (v.kind === 'identifier') return v.name;
    if (v.kind === 'pattern') return v.pattern;
    this.problem(p.pos, v.kind === 'missing' ? v.message : `Query parameter [${p.pattern}] with value [${JSON.stringify(v.value)}] declared as a constant, cannot be used as an identifier or pattern`);
    return null;
  }

  #param(e: Extract<Literal, { kind: 'param' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const value = this.params.take(e);
    if (value.kind === 'missing') return this.problem(e.pos, value.message);
    if (value.kind === 'identifier') return this.compile({ kind: 'column', name: value.name, pos: e.pos }, cols, allowAggregates);
    if (value.kind === 'pattern') return this.problem(e.pos, `Query parameter [${textOf(this.query, e)}] declared as a pattern, cannot be used as an identifier`);
    return this.#value(value.value, e.pos);
  }

  /** A JSON value given as a parameter, as the literal it stands for. */
  #value(v: unknown, pos: Pos): Typed {
    if (v === null || v === undefined) return NULL;
    if (typeof v === 'boolean') return this.compile({ kind: 'boolean', value: v, pos }, new Map());
    if (typeof v === 'number') {
      return Number.isInteger(v) ? this.compile({ kind: 'integer', value: BigInt(v), pos }, new Map()) : this.compile({ kind: 'decimal', value: v, pos }, new Map());
    }
    if (typeof v === 'string') return this.compile({ kind: 'string', value: v, pos }, new Map());
    if (Array.isArray(v)) {
      const items = v.map((x) => this.#value(x, pos));
      return this.#listOf(items, pos);
    }
    return this.problem(pos, `Unsupported parameter value [${JSON.stringify(v)}]`);
  }

  #list(e: Extract<Expr, { kind: 'list' }>, cols: ReadonlyMap<string, Col>): Typed {
    return this.#listOf(e.items.map((i) => this.compile(i, cols)), e.pos);
  }

  #listOf(items: readonly Typed[], pos: Pos): Typed {
    if (items.length === 0) return NULL;
    let type: EsType = 'null';
    for (const i of items) {
      const t = commonType(type, i.type);
      if (t === null) return this.problem(pos, `multi-value literal must contain values of one type, found [${type}] and [${i.type}]`);
      type = t;
    }
    const duck = duckTypeOf(type);
    return { sql: `[${items.map((i) => `CAST(${i.sql} AS ${duck})`).join(', ')}]`, type, multi: true, aggregate: false };
  }

  #unary(e: Extract<Expr, { kind: 'unary' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const v = this.compile(e.operand, cols, allowAggregates);
    if (e.op === 'not') {
      if (v.type !== 'boolean' && v.type !== 'null' && v.type !== 'unsupported') {
        return this.problem(e.pos, `argument of [${textOf(this.query, e)}] must be [boolean], found value [${textOf(this.query, e.operand)}] type [${v.type}]`);
      }
      return { sql: `(NOT ${v.sql})`, type: 'boolean', multi: false, aggregate: v.aggregate };
    }
    if (!isNumeric(v.type) && !isSpan(v.type) && v.type !== 'null' && v.type !== 'unsupported') {
      return this.problem(e.pos, `argument of [${textOf(this.query, e)}] must be [numeric, date_period or time_duration], found value [${textOf(this.query, e.operand)}] type [${v.type}]`);
    }
    const constant = typeof v.constant === 'number' ? -v.constant : undefined;
    return { sql: `(-${v.sql})`, type: v.type, multi: false, aggregate: v.aggregate, constant };
  }

  #logical(e: Extract<Expr, { kind: 'binary' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const l = this.compile(e.left, cols, allowAggregates);
    const r = this.compile(e.right, cols, allowAggregates);
    for (const [side, t] of [[e.left, l], [e.right, r]] as const) {
      if (t.type !== 'boolean' && t.type !== 'null' && t.type !== 'unsupported') {
        const which = side === e.left ? 'first' : 'second';
        return this.problem(e.pos, `${which} argument of [${textOf(this.query, e)}] must be [boolean], found value [${textOf(this.query, side)}] type [${t.type}]`);
      }
    }
    return { sql: `(${l.sql} ${e.op.toUpperCase()} ${r.sql})`, type: 'boolean', multi: false, aggregate: l.aggregate || r.aggregate };
  }

  #arithmetic(e: Extract<Expr, { kind: 'binary' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const l = this.compile(e.left, cols, allowAggregates);
    const r = this.compile(e.right, cols, allowAggregates);
    const aggregate = l.aggregate || r.aggregate;
    if (l.type === 'unsupported' || r.type === 'unsupported') return BROKEN;
    // Dates move by spans: `@timestamp + 1 hour`, `@timestamp - 1 day`.
    if ((e.op === '+' || e.op === '-') && l.type === 'date' && isSpan(r.type)) return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: 'date', multi: false, aggregate };
    if (e.op === '+' && isSpan(l.type) && r.type === 'date') return { sql: `(${r.sql} + ${l.sql})`, type: 'date', multi: false, aggregate };
    const t = commonType(l.type, r.type);
    if (t === null || (!isNumeric(t) && t !== 'null')) {
      return this.problem(e.pos, `[${e.op}] has arguments with incompatible types [${l.type}] and [${r.type}]`);
    }
    // ES|QL: whole numbers divide to a whole number; a zero divisor gives null.
    const op = e.op === '/' && isWhole(t) ? '//' : e.op;
    const right = e.op === '/' || e.op === '%' ? `NULLIF(${r.sql}, 0)` : r.sql;
    const result = t === 'null' ? 'null' : t === 'integer' && (l.type === 'long' || r.type === 'long') ? 'long' : t;
    return { sql: `CAST((${l.sql} ${op} ${right}) AS ${duckTypeOf(result)})`, type: result, multi: false, aggregate };
  }

  #comparison(e: Extract<Expr, { kind: 'binary' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    let l = this.compile(e.left, cols, allowAggregates);
    let r = this.compile(e.right, cols, allowAggregates);
    if (l.type === 'unsupported' || r.type === 'unsupported') return BROKEN;
    // A string compared with a date is read as a date, as ES|QL does with literals.
    if (l.type === 'date' && r.type === 'keyword') r = this.asDate(r, e.right.pos);
    if (r.type === 'date' && l.type === 'keyword') l = this.asDate(l, e.left.pos);
    if (commonType(l.type, r.type) === null) {
      return this.problem(e.pos, `second argument of [${textOf(this.query, e)}] must be [${l.type}], found value [${textOf(this.query, e.right)}] type [${r.type}]`);
    }
    const op = e.op === '==' ? '=' : e.op;
    return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'boolean', multi: false, aggregate: l.aggregate || r.aggregate };
  }

  /** A keyword as a date: ISO-8601 text, read now when it is a literal. */
  asDate(v: Typed, pos: Pos): Typed {
    if (typeof v.constant === 'string') {
      const ms = tryParseInstant(v.constant);
      if (ms === null) {
        return this.problem(pos, `Cannot convert string [${v.constant}] to [DATETIME], error [failed to parse date field [${v.constant}] with format [strict_date_optional_time]]`);
      }
      return { sql: timestampLiteral(ms), type: 'date', multi: false, aggregate: false, constant: ms };
    }
    return { sql: `TRY_CAST(${v.sql} AS TIMESTAMP)`, type: 'date', multi: false, aggregate: v.aggregate };
  }

  #in(e: Extract<Expr, { kind: 'in' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const v = this.compile(e.value, cols, allowAggregates);
    const items = e.list.map((i) => {
      const t = this.compile(i, cols, allowAggregates);
      return v.type === 'date' && t.type === 'keyword' ? this.asDate(t, i.pos) : t;
    });
    for (const [n, t] of items.entries()) {
      if (t.type !== 'unsupported' && v.type !== 'unsupported' && commonType(v.type, t.type) === null) {
        return this.problem(e.pos, `${numbered(n + 2)} argument of [${textOf(this.query, e)}] must be [${v.type}], found value [${textOf(this.query, e.list[n])}] type [${t.type}]`);
      }
    }
    return { sql: `(${v.sql} ${e.negated ? 'NOT ' : ''}IN (${items.map((i) => i.sql).join(', ')}))`, type: 'boolean', multi: false, aggregate: v.aggregate };
  }

  #like(e: Extract<Expr, { kind: 'like' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const v = this.compile(e.value, cols, allowAggregates);
    if (v.type !== 'keyword' && v.type !== 'null' && v.type !== 'unsupported') {
      return this.problem(e.pos, `first argument of [${textOf(this.query, e)}] must be [string], found value [${textOf(this.query, e.value)}] type [${v.type}]`);
    }
    const test = e.regex ? `regexp_full_match(${v.sql}, ${quoteString(e.pattern)})` : `(${v.sql} LIKE ${quoteString(wildcardToLike(e.pattern))} ESCAPE '\\')`;
    return { sql: e.negated ? `(NOT ${test})` : test, type: 'boolean', multi: false, aggregate: v.aggregate };
  }

  #cast(e: Extract<Expr, { kind: 'cast' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const target = CASTS[e.type];
    if (!target) return this.problem(e.pos, `Unsupported conversion to type [${e.type.toUpperCase()}]`);
    return this.#call({ kind: 'call', name: target, args: [e.value], star: false, pos: e.pos }, cols, allowAggregates);
  }

  #call(e: Extract<Expr, { kind: 'call' }>, cols: ReadonlyMap<string, Col>, allowAggregates: boolean): Typed {
    const def = FUNCTIONS.get(e.name);
    if (!def) return this.problem(e.pos, `Unknown function [${textOf(this.query, e).split("(")[0].trim()}]${didYouMean(e.name, [...FUNCTIONS.keys()])}`);
    if (def.aggregate && !allowAggregates) {
      return this.problem(e.pos, `aggregate function [${textOf(this.query, e)}] not allowed outside STATS command`);
    }
    const [min, max] = def.arity;
    if (e.star && !def.star) return this.problem(e.pos, `Unknown function [${e.name}(*)]`);
    const count = e.star ? 1 : e.args.length;
    if (count < min || count > max) {
      const expects = min === max ? `exactly ${words(min)}` : max === Infinity ? `at least ${words(min)}` : `between ${min} and ${max} arguments`;
      return this.problem(e.pos, `error building [${e.name}]: expects ${expects}${min === max || max === Infinity ? ` argument${min === 1 ? '' : 's'}` : ''}`);
    }
    // Inside an aggregate, plain columns are allowed; aggregates inside aggregates are not.
    const args: Arg[] = e.args.map((a) => ({ typed: this.#argument(a, cols, allowAggregates && !def.aggregate, def.multiValues === true), text: textOf(this.query, a), pos: a.pos }));
    if (args.some((a) => a.typed.type === 'unsupported')) return BROKEN;
    if (def.aggregate && args.some((a) => a.typed.aggregate)) {
      return this.problem(e.pos, `nested aggregations [${args.find((a) => a.typed.aggregate)!.text}] not allowed inside other aggregations [${textOf(this.query, e)}]`);
    }
    const result = def.compile(args, { text: textOf(this.query, e), star: e.star, problem: (_at, message) => this.problem(e.pos, message) });
    if (result.type === 'unsupported') return result;
    return { ...result, aggregate: def.aggregate === true || args.some((a) => a.typed.aggregate) };
  }

  /** An argument; a function over multi-values gets a multi-valued column as the list it is. */
  #argument(a: Expr, cols: ReadonlyMap<string, Col>, allowAggregates: boolean, lists: boolean): Typed {
    const col = a.kind === 'column' && lists ? cols.get(a.name) : undefined;
    if (col?.multi && col.type !== 'unsupported') return { sql: quoteIdent(col.name), type: col.type, multi: true, aggregate: false };
    return this.compile(a, cols, allowAggregates);
  }
}

/** `x::type` names and the conversion function each stands for. */
const CASTS: Record<string, string> = {
  long: 'to_long', integer: 'to_integer', int: 'to_integer', double: 'to_double', keyword: 'to_string', string: 'to_string', text: 'to_string',
  boolean: 'to_boolean', bool: 'to_boolean', date: 'to_datetime', datetime: 'to_datetime',
};

/** ES|QL's LIKE wildcards (`*`, `?`, `\` escapes) as an SQL LIKE pattern escaped with `\`. */
function wildcardToLike(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += /[%_\\]/.test(pattern[++i]) ? `\\${pattern[i]}` : pattern[i];
    else if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_') out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function unknownColumn(name: string, cols: ReadonlyMap<string, Col>): string {
  return `Unknown column [${name}]${didYouMean(name, [...cols.keys()])}`;
}

/** Elasticsearch's suggestion: names at least half alike (1 - edits / longer length), closest first. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const scored = candidates
    .map((c) => ({ c, score: 1 - editDistance(c.toLowerCase(), name.toLowerCase()) / Math.max(c.length, name.length, 1) }))
    .filter((x) => x.score >= 0.5)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) return '';
  return scored.length === 1 ? `, did you mean [${scored[0].c}]?` : `, did you mean any of [${scored.map((x) => x.c).join(', ')}]?`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** `2nd`, `3rd`, `11th`: how Elasticsearch numbers IN's arguments. */
const numbered = (n: number): string => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

const words = (n: number): string => ['zero', 'one', 'two', 'three', 'four'][n] ?? String(n);

/** The request's `params`, taken by position (`?`, `?1`) or name (`?name`). */
export class ParamValues {
  #next = 0;

  constructor(private readonly values: readonly unknown[]) {}

  take(p: Extract<Literal, { kind: 'param' }>): { kind: 'value'; value: unknown } | { kind: 'identifier'; name: string } | { kind: 'pattern'; pattern: string } | { kind: 'missing'; message: string } {
    let raw: unknown;
    if (p.name !== null) {
      const entry = this.values.find((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && p.name! in (v as object)) as Record<string, unknown> | undefined;
      if (!entry) return { kind: 'missing', message: `Unknown query parameter [${p.name}]${this.values.length > 0 ? '' : ', no parameters given'}` };
      raw = entry[p.name];
    } else {
      const index = p.index ?? ++this.#next;
      if (index < 1 || index > this.values.length) {
        return { kind: 'missing', message: `No parameter is defined for position ${index}, did you mean ${this.values.length === 0 ? 'to use a literal' : `any position between 1 and ${this.values.length}`}?` };
      }
      raw = this.values[index - 1];
    }
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const o = raw as Record<string, unknown>;
      if (typeof o.identifier === 'string') return { kind: 'identifier', name: o.identifier };
      if (typeof o.pattern === 'string') return { kind: 'pattern', pattern: o.pattern };
      if ('value' in o) return { kind: 'value', value: o.value };
    }
    return { kind: 'value', value: raw };
  }
}
