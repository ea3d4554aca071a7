import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_TYPE_OF, type Interval } from '../core/types.js';
import { overlapsAny } from '../segments/intervals.js';
import { segmentPath, type VisibleSegment } from '../segments/timeline.js';
import type { DataSourcePlan } from './types.js';

/**
 * One datasource as a DuckDB TEMP VIEW over its visible segments' Parquet files. Fully visible
 * segments are read in one read_parquet; a partly overshadowed one gets its own branch restricted
 * to its visible intervals. Columns that only pruned segments have are added as typed NULLs, so a
 * query sees the same schema whatever the WHERE clause pruned (Druid's datasource schema is the
 * union over all its segments).
 */

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** JS Date range: a bound outside it (e.g. Druid's ETERNITY) constrains nothing in practice. */
const MAX_DATE_MS = 8.64e15;

function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function intervalCondition(i: Interval): string {
  const parts: string[] = [];
  if (i.start > -MAX_DATE_MS) parts.push(`__time >= ${timestampLiteral(i.start)}`);
  if (i.end < MAX_DATE_MS) parts.push(`__time < ${timestampLiteral(i.end)}`);
  return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
}


/** How a segment file stores __time, so the view can always expose a TIMESTAMP. */
type TimeStorage = 'timestamp' | 'millis' | 'timestamptz';
const timeStorageCache = new Map<string, TimeStorage>();

async function timeStorage(conn: DuckDBConnection, file: string): Promise<TimeStorage> {
  const cached = timeStorageCache.get(file);
  if (cached) return cached;
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT __time FROM read_parquet(${quoteString(file)})`);
  const type = String(reader.getRowsJS()[0]?.[1] ?? '').toUpperCase();
  const kind: TimeStorage = /INT/.test(type) ? 'millis' : /TIME ZONE|TZ/.test(type) ? 'timestamptz' : 'timestamp';
  if (timeStorageCache.size > 10_000) timeStorageCache.clear();
  timeStorageCache.set(file, kind);
  return kind;
}

const STAR: Record<TimeStorage, string> = {
  timestamp: '*',
  millis: '* REPLACE (epoch_ms(__time) AS __time)',
  timestamptz: '* REPLACE (CAST(__time AS TIMESTAMP) AS __time)',
};

export interface ViewSpec {
  readonly plan: DataSourcePlan;
  readonly sql: string;
}

export async function createDataSourceView(
  conn: DuckDBConnection,
  dataSource: string,
  visible: readonly VisibleSegment[],
  filter: Interval[] | null,
  deepStorageDir: string,
): Promise<ViewSpec> {
  const selected = filter === null ? [...visible] : visible.filter((v) => overlapsAny(v.visible, filter));
  const isWhole = (v: VisibleSegment): boolean =>
    v.visible.length === 1 && v.visible[0].start === v.segment.interval.start && v.visible[0].end === v.segment.interval.end;
  const whole = selected.filter(isWhole);
  const partial = selected.filter((v) => !isWhole(v));
  const files = selected.map((v) => segmentPath(deepStorageDir, v.segment));
  const star = files.length > 0 ? STAR[await timeStorage(conn, files[0])] : '*';

  const branches: string[] = [];
  if (whole.length > 0) {
    const list = whole.map((v) => quoteString(segmentPath(deepStorageDir, v.segment))).join(', ');
    branches.push(`SELECT ${star} FROM read_parquet([${list}], union_by_name = true)`);
  }
  for (const v of partial) {
    const where = v.visible.map(intervalCondition).join(' OR ');
    branches.push(`SELECT ${star} FROM read_parquet([${quoteString(segmentPath(deepStorageDir, v.segment))}]) WHERE ${where}`);
  }
  const present = new Set(selected.flatMap((v) => v.segment.columns.map((c) => c.name)));
  const missing = new Map<string, string>();
  if (selected.length === 0) missing.set('__time', 'TIMESTAMP');
  for (const v of visible) {
    for (const c of v.segment.columns) {
      if (c.name !== '__time' && !present.has(c.name) && !missing.has(c.name)) missing.set(c.name, DUCKDB_TYPE_OF[c.type] ?? 'VARCHAR');
    }
  }
  if (missing.size > 0) {
    const cols = [...missing].map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdent(name)}`).join(', ');
    branches.push(`SELECT ${cols} WHERE false`);
  }
  const sql = `CREATE OR REPLACE TEMP VIEW ${quoteIdent(dataSource)} AS ${branches.join(' UNION ALL BY NAME ')}`;
  await conn.run(sql);
  return {
    sql,
    plan: {
      dataSource,
      filter,
      visibleSegments: visible.length,
      segmentIds: selected.map((v) => v.segment.id),
      files,
      partial: partial.length,
    },
  };
}
