import type { DuckDBInstance } from '@duckdb/node-api';
import type { DruidColumnType } from '../../../core/types.js';
import { engineError } from '../../../query/engine-errors.js';
import { druidSqlError } from '../errors.js';
import { emptyInputTables } from '../../../msq/relations.js';
import type { MsqInput } from '../../../msq/types.js';

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
