import type { DruidColumnType } from '../../core/types.js';
import { quoteIdent } from '../../ingest/sql-text.js';
import type { MsqPlan } from '../types.js';

/**
 * Output columns stored as their declared Druid type. DuckDB's own result types can differ (sum of
 * BIGINT is HUGEINT, which Parquet would store as DOUBLE and round), so stage 0 casts its output
 * once and every later step sees the declared types.
 */

const DUCK_TYPE: Partial<Record<DruidColumnType, string>> = {
  LONG: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  STRING: 'VARCHAR',
  'ARRAY<STRING>': 'VARCHAR[]',
  'ARRAY<LONG>': 'BIGINT[]',
  'ARRAY<DOUBLE>': 'DOUBLE[]',
  'COMPLEX<json>': 'JSON',
};

export const duckTypeOfDruid = (t: DruidColumnType): string | undefined => DUCK_TYPE[t];

/**
 * A SELECT list over a relation with columns `types` casting each declared column (except __time,
 * which stays a timestamp) to its Druid type; null when nothing needs a cast.
 */
export function castProjection(plan: MsqPlan, types: ReadonlyMap<string, string>): string | null {
  const declared = new Map(plan.columns.map((c) => [c.name, duckTypeOfDruid(c.druidType)]));
  let changed = false;
  const cols = [...types].map(([name, type]) => {
    const want = name === '__time' ? undefined : declared.get(name);
    if (want === undefined || want === type) return quoteIdent(name);
    changed = true;
    return `CAST(${quoteIdent(name)} AS ${want}) AS ${quoteIdent(name)}`;
  });
  return changed ? cols.join(', ') : null;
}
