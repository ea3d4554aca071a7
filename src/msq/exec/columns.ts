import { DUCKDB_TYPE_OF, type DruidColumnType } from '../../core/types.js';
import { quoteIdent } from '../../engine/sql-text.js';
import type { MsqPlan } from '../types.js';

/** The __time expression normalised to TIMESTAMP whatever the SQL produced (epoch ms, TIMESTAMPTZ...). */
export function timeExpr(type: string | undefined): string {
  // No __time column: Druid's rows then sit at the epoch [?].
  if (type === undefined) return `TIMESTAMP '1970-01-01 00:00:00'`;
  if (/INT/.test(type)) return 'epoch_ms(CAST(__time AS BIGINT))';
  return type === 'TIMESTAMP' ? '__time' : 'CAST(__time AS TIMESTAMP)';
}

/**
 * Output columns stored as their declared Druid type. DuckDB's own result types can differ (sum of
 * BIGINT is HUGEINT, which Parquet would store as DOUBLE and round), so stage 0 casts its output
 * once and every later step sees the declared types.
 */

export const duckTypeOfDruid = (t: DruidColumnType): string | undefined => DUCKDB_TYPE_OF[t];

const isTemporal = (sqlType: string): boolean => sqlType === 'TIMESTAMP' || sqlType === 'DATE';

/**
 * A SELECT list over a relation with columns `types` casting each declared column (except __time,
 * which stays a timestamp) to its Druid type; null when nothing needs a cast.
 */
export function castProjection(plan: MsqPlan, types: ReadonlyMap<string, string>): string | null {
  // TIMESTAMP and DATE columns are LONG to Druid's native layer but stay timestamps in results.
  const declared = new Map(plan.columns.map((c) => [c.name, isTemporal(c.sqlType) ? undefined : duckTypeOfDruid(c.druidType)]));
  let changed = false;
  const cols = [...types].map(([name, type]) => {
    const want = name === '__time' ? undefined : declared.get(name);
    if (want === undefined || want === type) return quoteIdent(name);
    changed = true;
    return `CAST(${quoteIdent(name)} AS ${want}) AS ${quoteIdent(name)}`;
  });
  return changed ? cols.join(', ') : null;
}

/**
 * The SELECT list of a segment file: __time as millisecond TIMESTAMP (Druid keeps ms; truncated,
 * since a cast would round 23:59:59.9996 into the next chunk), then the plan's columns in order as
 * their Druid types. Stage 0 writes shuffle files this way, so stage 1 can take a lone file as is.
 */
export function segmentProjection(plan: MsqPlan, types: ReadonlyMap<string, string>): string {
  const cols = [`CAST(date_trunc('millisecond', ${timeExpr(types.get('__time'))}) AS TIMESTAMP_MS) AS __time`];
  for (const c of plan.columns) {
    if (c.name === '__time') continue;
    const t = duckTypeOfDruid(c.druidType);
    const have = types.get(c.name) ?? '';
    // Druid stores a TIMESTAMP column other than __time as its epoch milliseconds (a LONG).
    if (t === 'BIGINT' && /^(TIMESTAMP|DATE)/.test(have)) cols.push(`epoch_ms(CAST(${quoteIdent(c.name)} AS TIMESTAMP)) AS ${quoteIdent(c.name)}`);
    else cols.push(t === undefined || have === t ? quoteIdent(c.name) : `CAST(${quoteIdent(c.name)} AS ${t}) AS ${quoteIdent(c.name)}`);
  }
  return cols.join(', ');
}
