import type { SqlBase, SqlColumnDeclaration, SqlQuery } from 'druid-query-toolkit';
import { SqlFunction, SqlTable } from 'druid-query-toolkit';
import type { ExternInput } from '../../../msq/types.js';
import { argumentsOf, extendSignature, stringArg, type Arguments, type ColumnType, type Signature } from './args.js';
import { invalidSql } from './parse.js';
import { tableFunctionInput } from './table-functions.js';

/**
 * External inputs: `TABLE(EXTERN(...))` and the table functions `http`, `inline` and `localfiles`
 * become ExternInputs, and each call is replaced in the query by the relation `__input<n>`, in the
 * order they appear in the text. Messages follow Druid's ExternalOperatorConversion and Externals.
 */

const TABLE_FUNCTIONS = new Set(['EXTERN', 'HTTP', 'INLINE', 'LOCALFILES']);
const SIGNATURE_TYPES = new Set(['string', 'long', 'double', 'float']);

function badField(field: string, reason: string): Error {
  return invalidSql(`Invalid value for the field [${field}]. Reason: ${reason}`);
}

/** Parses an EXTERN JSON argument, naming the argument when it is not JSON of the right shape. */
function jsonObject(field: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badField(field, (e as Error).message);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badField(field, 'expected a JSON object');
  if (typeof (v as Record<string, unknown>).type !== 'string') throw badField(field, "missing type id property 'type'");
  return v as Record<string, unknown>;
}

function jsonSignature(text: string): Signature {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badField('signature', (e as Error).message);
  }
  if (!Array.isArray(v)) throw badField('signature', 'expected a JSON array of {"name","type"} objects');
  return v.map((c: unknown) => {
    const o = (c ?? {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name === '') {
      throw badField('signature', 'Cannot construct instance of `org.apache.druid.segment.column.ColumnSignature`, problem: Column name must be provided and non-empty');
    }
    // A column without a type is read as a string, as Druid reads unknown-typed columns.
    const type = o.type === undefined || o.type === null ? 'string' : String(o.type).toLowerCase();
    if (!SIGNATURE_TYPES.has(type)) throw invalidSql(`Column [${o.name}] has an unsupported type: [${String(o.type)}]`);
    return { name: o.name, type: type as ColumnType };
  });
}

const EXTERN_PARAMS = ['inputSource', 'inputFormat', 'signature'];

function externInput(args: Arguments, extend: readonly SqlColumnDeclaration[] | undefined): ExternInput {
  if (args.positional.length > EXTERN_PARAMS.length) throw invalidSql(`EXTERN takes at most ${EXTERN_PARAMS.length} arguments, got [${args.positional.length}]`);
  const value = (i: number): string | undefined => {
    const name = EXTERN_PARAMS[i];
    return stringArg(args, name, args.positional[i] ?? args.named.get(name.toLowerCase())?.value);
  };
  for (const { label } of args.named.values()) {
    if (!EXTERN_PARAMS.some((p) => p.toLowerCase() === label.toLowerCase())) {
      throw invalidSql(`Unknown argument [${label}] for EXTERN; expected ${EXTERN_PARAMS.join(', ')}`);
    }
  }
  const source = value(0);
  const format = value(1);
  const sig = value(2);
  if (source === undefined) throw invalidSql('EXTERN requires a value for [inputSource]');
  if (format === undefined) throw invalidSql('EXTERN requires a value for [inputFormat]');
  if (sig === undefined && extend === undefined) throw invalidSql('EXTERN requires either a [signature] value or an EXTEND clause');
  if (sig !== undefined && extend !== undefined) throw invalidSql('EXTERN requires either a [signature] value or an EXTEND clause, but not both');
  return {
    inputSource: jsonObject('inputSource', source),
    inputFormat: jsonObject('inputFormat', format),
    signature: sig !== undefined ? jsonSignature(sig) : extendSignature(extend ?? []),
  };
}

function checkSignature(sig: Signature): void {
  const seen = new Set<string>();
  for (const c of sig) {
    if (seen.has(c.name)) throw invalidSql(`Column [${c.name}] appears more than once in the external table's columns`);
    seen.add(c.name);
  }
  const time = sig.find((c) => c.name === '__time');
  if (time && time.type !== 'long') {
    throw invalidSql(
      'EXTERN function with __time column can be used when __time column is of type long. Please change the column name to something other than __time',
    );
  }
}

/** Replaces each external input with `__input<n>` and returns the inputs in that order. */
export function extractInputs(query: SqlQuery): { query: SqlQuery; inputs: ExternInput[] } {
  const inputs: ExternInput[] = [];
  const replaced = query.walk((node: SqlBase) => {
    if (!(node instanceof SqlFunction) || node.getEffectiveFunctionName().toUpperCase() !== 'TABLE') return node;
    const inner = node.getArgArray()[0];
    if (!(inner instanceof SqlFunction) || !TABLE_FUNCTIONS.has(inner.getEffectiveFunctionName().toUpperCase())) return node;
    const args = argumentsOf(inner);
    const extend = node.getColumnDeclarations();
    const input = args.fn.toUpperCase() === 'EXTERN' ? externInput(args, extend) : tableFunctionInput(args, extend);
    checkSignature(input.signature);
    inputs.push(input);
    return SqlTable.create(`__input${inputs.length - 1}`);
  }) as SqlQuery;
  return { query: replaced, inputs };
}
