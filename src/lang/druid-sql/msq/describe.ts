import type { DuckDBInstance } from '@duckdb/node-api';
import type { DruidColumnType } from '../../../core/types.js';
import { engineError } from '../../../query/engine-errors.js';
import { druidSqlError } from '../errors.js';
import { isDataSourceInput, type ExternInput, type MsqInput } from '../../../msq/types.js';

/**
 * Output columns of the stage-0 SQL, typed by DuckDB itself: the inputs become empty TEMP tables
 * with their declared columns on a private connection, and `DESCRIBE <sql>` names and types the
 * result. Binder errors (unknown functions, columns) surface here, reworded as Druid words them.
 */

export interface DescribedColumn {
  readonly name: string;
  readonly duckType: string;
  readonly druidType: DruidColumnType;
  readonly sqlType: string;
}

const INPUT_TYPES: Record<ExternInput['signature'][number]['type'], string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  double: 'DOUBLE',
  float: 'FLOAT',
};

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The DuckDB columns of relation `__input<n>`. Druid's SQL layer types an external column named
 * __time as TIMESTAMP whatever its declared (long, epoch-millisecond) type, so it is one here too:
 * executors must expose it as `epoch_ms(value)`.
 */
export function inputColumns(input: MsqInput): ReadonlyArray<{ name: string; duckType: string }> {
  if (isDataSourceInput(input)) return input.columns;
  return input.signature.map((c) => ({ name: c.name, duckType: c.name === '__time' ? 'TIMESTAMP' : INPUT_TYPES[c.type] }));
}

const SMALL_INTS: Record<string, string> = { TINYINT: 'TINYINT', SMALLINT: 'SMALLINT', INTEGER: 'INTEGER', UTINYINT: 'SMALLINT', USMALLINT: 'INTEGER' };
const BIG_INTS = new Set(['BIGINT', 'HUGEINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);
const TEXT_LIKE = /^(VARCHAR|UUID|TIME|TIME WITH TIME ZONE|INTERVAL|BLOB|BIT|ENUM.*|"NULL"|NULL)$/;

/** Druid native and SQL types for a DuckDB type name as DESCRIBE prints it. */
export function druidTypes(duckType: string): { druidType: DruidColumnType; sqlType: string } {
  const t = duckType.trim().toUpperCase();
  const list = /^(.*)\[\d*\]$/.exec(t);
  if (list) {
    const element = druidTypes(list[1]);
    if (element.druidType === 'LONG') return { druidType: 'ARRAY<LONG>', sqlType: 'BIGINT ARRAY' };
    if (element.druidType === 'DOUBLE' || element.druidType === 'FLOAT') return { druidType: 'ARRAY<DOUBLE>', sqlType: 'DOUBLE ARRAY' };
    return { druidType: 'ARRAY<STRING>', sqlType: 'VARCHAR ARRAY' };
  }
  if (t.startsWith('TIMESTAMP')) return { druidType: 'LONG', sqlType: 'TIMESTAMP' };
  if (t === 'DATE') return { druidType: 'LONG', sqlType: 'DATE' };
  if (t === 'BOOLEAN') return { druidType: 'LONG', sqlType: 'BOOLEAN' };
  if (SMALL_INTS[t]) return { druidType: 'LONG', sqlType: SMALL_INTS[t] };
  if (BIG_INTS.has(t)) return { druidType: 'LONG', sqlType: 'BIGINT' };
  if (t === 'FLOAT' || t === 'REAL') return { druidType: 'FLOAT', sqlType: 'FLOAT' };
  // Druid has no DECIMAL columns; its literals like 1.5 are DOUBLE.
  if (t === 'DOUBLE' || t.startsWith('DECIMAL')) return { druidType: 'DOUBLE', sqlType: 'DOUBLE' };
  if (t === 'JSON') return { druidType: 'COMPLEX<json>', sqlType: 'OTHER' };
  if (TEXT_LIKE.test(t)) return { druidType: 'STRING', sqlType: 'VARCHAR' };
  return { druidType: 'COMPLEX<json>', sqlType: 'OTHER' };
}

/** The relation the stage-0 SQL reads input `n` under. */
export const relationOf = (input: MsqInput, n: number): string => quoteIdent(isDataSourceInput(input) ? input.relation : `__input${n}`);

/** Creates each input as an empty TEMP table of its columns, so the stage-0 SQL binds over them. */
export function emptyInputTables(inputs: readonly MsqInput[]): string[] {
  return inputs.map((input, n) => {
    const cols = inputColumns(input).map((c) => `${quoteIdent(c.name)} ${c.duckType}`);
    return `CREATE OR REPLACE TEMP TABLE ${relationOf(input, n)} (${cols.join(', ')})`;
  });
}

export async function describeStage0(duckdb: DuckDBInstance, sql: string, inputs: readonly MsqInput[]): Promise<DescribedColumn[]> {
  const conn = await duckdb.connect();
  try {
    for (const statement of emptyInputTables(inputs)) await conn.run(statement);
    const rows = (await conn.runAndReadAll(`DESCRIBE ${sql}`)).getRowsJS();
    return rows.map((r) => {
      const duckType = String(r[1]);
      return { name: String(r[0]), duckType, ...druidTypes(duckType) };
    });
  } catch (e) {
    // The SQL here is Grove's generated stage SQL, so there is no user position to point at.
    throw druidSqlError(engineError(e, { timedOut: false, canceled: false }, ''), '');
  } finally {
    conn.closeSync();
  }
}
