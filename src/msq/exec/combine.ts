import { quoteIdent, quotePath } from '../../engine/sql-text.js';
import type { MsqPlan } from '../types.js';

/**
 * Merging partial results of a GROUP BY plan. Each worker (and, within a worker, each input file)
 * aggregates what it read; rows with the same key columns are then folded with each column's
 * `combine`. EARLIEST/LATEST keep the first/last partial in input order (`order`), which stands in
 * for event time: the partials do not carry the timestamp their value came from.
 */

/** Column name → DuckDB type, as DESCRIBE reports them for the relation being combined. */
export type ColumnTypes = ReadonlyMap<string, string>;

function combined(name: string, combine: string, type: string, order: string): string {
  const c = quoteIdent(name);
  switch (combine) {
    case 'sum':
      // sum(BIGINT) is HUGEINT in DuckDB; keep the partial's type.
      return `CAST(sum(${c}) AS ${type}) AS ${c}`;
    case 'min':
      return `min(${c}) AS ${c}`;
    case 'max':
      return `max(${c}) AS ${c}`;
    case 'earliest':
      return `first(${c} ORDER BY ${order}) AS ${c}`;
    case 'latest':
      return `last(${c} ORDER BY ${order}) AS ${c}`;
    default:
      return `any_value(${c}) AS ${c}`;
  }
}

/**
 * `SELECT <keys>, <combined aggregates> FROM <from> GROUP BY <keys>` over the columns present in
 * `types`, in their order. `order` is an expression giving input order (e.g. rowid).
 */
export function combineSql(plan: MsqPlan, types: ColumnTypes, from: string, order: string): string {
  const byName = new Map(plan.columns.map((c) => [c.name, c.combine]));
  const keys: string[] = [];
  const select: string[] = [];
  for (const [name, type] of types) {
    const combine = byName.get(name) ?? null;
    if (combine === null) {
      keys.push(quoteIdent(name));
      select.push(quoteIdent(name));
    } else select.push(combined(name, combine, type, order));
  }
  const groupBy = keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : '';
  return `SELECT ${select.join(', ')} FROM ${from}${groupBy}`;
}

/** True when combining needs the input order (EARLIEST/LATEST columns). */
export const needsOrder = (plan: MsqPlan): boolean => plan.columns.some((c) => c.combine === 'earliest' || c.combine === 'latest');

/**
 * Shuffle files of several workers as one relation. With `ordered`, adds `__f` (the file's place
 * in `files`) and `__r` (row number in the file) so a combine can follow input order.
 */
export function filesRelation(files: readonly string[], ordered: boolean): string {
  if (!ordered) return `read_parquet([${files.map(quotePath).join(', ')}], union_by_name=true)`;
  const parts = files.map((f, i) => `SELECT * EXCLUDE (file_row_number), ${i} AS __f, file_row_number AS __r FROM read_parquet(${quotePath(f)}, file_row_number=true)`);
  return `(${parts.join(' UNION ALL BY NAME ')})`;
}

/** DESCRIBE of a relation as an ordered name → type map, leaving out the helper columns `drop`. */
export async function describe(rows: (sql: string) => Promise<Record<string, unknown>[]>, relation: string, drop: readonly string[] = []): Promise<Map<string, string>> {
  const desc = await rows(`DESCRIBE SELECT * FROM ${relation}`);
  return new Map(desc.map((d) => [String(d.column_name), String(d.column_type)] as [string, string]).filter(([n]) => !drop.includes(n)));
}

/** The helper columns filesRelation adds. */
export const ORDER_COLUMNS = ['__f', '__r'] as const;
