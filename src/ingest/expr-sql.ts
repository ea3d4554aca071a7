import { invalidInput } from '../core/errors.js';
import type { Expr } from './expr-parse.js';
import { asBool, asDouble, asLong, asString, asValue, typed, type SqlType, type Typed } from './expr-types.js';
import { FUNCTIONS, type FnContext } from './expr-functions.js';
import { quoteString, sqlDouble } from '../engine/sql-text.js';

/**
 * Druid expression AST → DuckDB SQL. Identifiers resolve through a scope the caller supplies
 * (input fields with their types, `__time` as epoch millis); literals are re-quoted; functions
 * come from an allow-list (expr-functions.ts). Unknown functions are a 400 naming the function.
 */

export type Scope = (name: string) => Typed;

/** Generated SQL past this size means pathological nesting; refuse rather than hand it to DuckDB. */
const MAX_SQL = 200_000;

export function exprToSql(e: Expr, scope: Scope, what: string): Typed {
  const out = translate(e, scope, what);
  if (out.sql.length > MAX_SQL) throw invalidInput(`${what}: expression is too complex`);
  return out;
}

/** A stored value (booleans as 1/0), as transforms produce. */
export function exprValueSql(e: Expr, scope: Scope, what: string): Typed {
  return asValue(exprToSql(e, scope, what));
}

/** A condition (Druid truthiness), as the expression filter uses. */
export function exprConditionSql(e: Expr, scope: Scope, what: string): string {
  return asBool(exprToSql(e, scope, what));
}

/** Validates function names, arity and literal arguments at submit time, with every column a string. */
export function checkExpression(e: Expr, what: string): void {
  exprToSql(e, (name) => typed(`"${name.replace(/"/g, '""')}"`, 'string'), what);
}

function numericResult(l: Typed, r: Typed): SqlType {
  return l.type === 'double' || r.type === 'double' || l.type === 'string' || r.type === 'string' || l.type === 'json' || r.type === 'json'
    ? 'double'
    : 'long';
}

function arithmetic(op: string, l: Typed, r: Typed): Typed {
  if (op === '+' && l.type === 'string' && r.type === 'string') return typed(`(${l.sql} || ${r.sql})`, 'string');
  const type = numericResult(l, r);
  const a = type === 'long' ? asLong(l) : asDouble(l);
  const b = type === 'long' ? asLong(r) : asDouble(r);
  switch (op) {
    case '/':
      return typed(type === 'long' ? `(${a} // ${b})` : `(${a} / ${b})`, type);
    case '^':
      return typed(type === 'long' ? `TRY_CAST(pow(${a}, ${b}) AS BIGINT)` : `pow(${a}, ${b})`, type);
    default:
      return typed(`(${a} ${op} ${b})`, type);
  }
}

/** Comparison operands: both strings compare as text, otherwise as numbers (Druid's rule). */
export function comparable(l: Typed, r: Typed): [string, string] {
  if ((l.type === 'string' || l.type === 'null') && (r.type === 'string' || r.type === 'null')) return [asString(l), asString(r)];
  const type = numericResult(l, r);
  return type === 'long' ? [asLong(l), asLong(r)] : [asDouble(l), asDouble(r)];
}

function translate(e: Expr, scope: Scope, what: string): Typed {
  const sub = (x: Expr): Typed => translate(x, scope, what);
  switch (e.kind) {
    case 'ident':
      return scope(e.name);
    case 'string':
      return typed(quoteString(e.value), 'string');
    case 'long': {
      const n = BigInt(e.text);
      if (n > 9223372036854775807n || n < -9223372036854775808n) throw invalidInput(`${what}: number ${e.text} does not fit in a long`);
      return typed(`CAST(${n.toString()} AS BIGINT)`, 'long');
    }
    case 'double':
      if (!Number.isFinite(e.value)) throw invalidInput(`${what}: number ${e.value} is out of range`);
      return typed(sqlDouble(e.value), 'double');
    case 'null':
      return typed('NULL', 'null');
    case 'unary': {
      const a = sub(e.arg);
      if (e.op === '!') return typed(`(NOT ${asBool(a)})`, 'bool');
      const t = a.type === 'long' || a.type === 'bool' ? 'long' : 'double';
      return typed(`(- ${t === 'long' ? asLong(a) : asDouble(a)})`, t);
    }
    case 'binary': {
      const l = sub(e.left);
      const r = sub(e.right);
      switch (e.op) {
        case '&&':
          return typed(`(${asBool(l)} AND ${asBool(r)})`, 'bool');
        case '||':
          return typed(`(${asBool(l)} OR ${asBool(r)})`, 'bool');
        case '<':
        case '<=':
        case '>':
        case '>=':
        case '==':
        case '!=': {
          const [a, b] = comparable(l, r);
          const op = e.op === '==' ? '=' : e.op === '!=' ? '<>' : e.op;
          return typed(`(${a} ${op} ${b})`, 'bool');
        }
        default:
          return arithmetic(e.op, l, r);
      }
    }
    case 'call': {
      const fn = FUNCTIONS[e.name];
      if (!fn) throw invalidInput(`${what}: function [${e.name}] is not supported; supported functions: ${Object.keys(FUNCTIONS).sort().join(', ')}`);
      const [min, max] = fn.arity;
      if (e.args.length < min || e.args.length > max) {
        const range = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        throw invalidInput(`${what}: function [${e.name}] needs ${range} argument(s), got ${e.args.length}`);
      }
      const ctx: FnContext = { name: e.name, what, raw: e.args, args: () => e.args.map(sub), arg: (i) => sub(e.args[i]) };
      return fn.sql(ctx);
    }
  }
}


