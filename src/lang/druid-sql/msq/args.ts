import type { SqlColumnDeclaration, SqlExpression, SqlFunction } from 'druid-query-toolkit';
import { SqlLabeledExpression, SqlLiteral } from 'druid-query-toolkit';
import type { ExternInput } from '../../../msq/types.js';
import { invalidSql } from './parse.js';

/** Arguments of EXTERN and the table functions, and the EXTEND column list, read from the tree. */

export type ColumnType = ExternInput['signature'][number]['type'];
export type Signature = ExternInput['signature'];

export interface Arguments {
  readonly fn: string;
  readonly positional: readonly SqlExpression[];
  /** Named arguments by lower-cased label. */
  readonly named: ReadonlyMap<string, { readonly label: string; readonly value: SqlExpression }>;
}

export function argumentsOf(fn: SqlFunction): Arguments {
  const positional: SqlExpression[] = [];
  const named = new Map<string, { label: string; value: SqlExpression }>();
  for (const arg of fn.getArgArray()) {
    if (arg instanceof SqlLabeledExpression) {
      const label = arg.getLabelName();
      if (named.has(label.toLowerCase())) throw invalidSql(`Argument [${label}] is given more than once in [${fn.getEffectiveFunctionName()}]`);
      named.set(label.toLowerCase(), { label, value: arg.expression });
    } else positional.push(arg);
  }
  return { fn: fn.functionName.name, positional, named };
}

/** A string literal argument; undefined for NULL or absent. */
export function stringArg(args: Arguments, name: string, value: SqlExpression | undefined): string | undefined {
  if (value === undefined || (value instanceof SqlLiteral && value.value === null)) return undefined;
  if (value instanceof SqlLiteral && typeof value.value === 'string' && String(value).startsWith("'")) return value.value;
  throw invalidSql(`Argument [${name}] of [${args.fn}] must be a string literal, got [${String(value)}]`);
}

/** EXTEND column types as Druid accepts them (Externals.convertType). */
function extendType(name: string, sqlType: string): ColumnType {
  const t = sqlType.trim().toUpperCase();
  if (/^(CHAR|VARCHAR|CHARACTER( VARYING)?)(\(\d+\))?$/.test(t)) return 'string';
  if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)$/.test(t)) return 'long';
  if (t === 'DOUBLE' || t === 'DOUBLE PRECISION') return 'double';
  if (t === 'FLOAT' || t === 'REAL') return 'float';
  throw invalidSql(`Column [${name}] has an unsupported type: [${sqlType}]`);
}

export function extendSignature(decls: readonly SqlColumnDeclaration[]): Signature {
  return decls.map((d) => ({ name: d.getColumnName(), type: extendType(d.getColumnName(), String(d.columnType.value)) }));
}

