import type { Selectable } from 'kysely';
import type { Interval } from '../core/types.js';
import type { ColumnInfo, SegmentRecord } from '../core/types.js';
import type { Db } from './db.js';
import type { SegmentsTable } from './schema.js';
import { storable } from './tasks.js';

type SegmentRow = Selectable<SegmentsTable>;

export function toSegmentRecord(r: SegmentRow): SegmentRecord {
  const schema = JSON.parse(r.schema_json) as { dimensions: string[]; metrics: string[]; columns: ColumnInfo[] };
  return {
    id: r.id,
    dataSource: r.datasource,
    interval: { start: r.start_ms, end: r.end_ms },
    version: r.version,
    partitionNum: r.partition_num,
    path: r.path,
    size: r.size,
    numRows: r.num_rows,
    used: r.used === 1,
    dimensions: schema.dimensions,
    metrics: schema.metrics,
    columns: schema.columns,
    createdDate: new Date(r.created_ms).toISOString(),
  };
}

/** Used segments of the given datasources (all datasources when omitted). */
export async function listUsedSegments(db: Db, dataSources?: readonly string[]): Promise<SegmentRecord[]> {
  let q = db.selectFrom('segments').selectAll().where('used', '=', 1);
  if (dataSources !== undefined) {
    const wanted = dataSources.filter(storable);
    if (wanted.length === 0) return [];
    q = q.where('datasource', 'in', wanted);
  }
  const rows = await q.orderBy('datasource').orderBy('start_ms').orderBy('version').orderBy('partition_num').execute();
  return rows.map(toSegmentRecord);
}

export async function listDataSources(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('segments').select('datasource').where('used', '=', 1).distinct().orderBy('datasource').execute();
  return rows.map((r) => r.datasource);
}

/** Deletes a datasource's pending segments created before `beforeMs` (overlapping `interval`, when given). */
export async function deletePendingSegments(db: Db, dataSource: string, beforeMs: number, interval?: Interval): Promise<number> {
  let q = db.deleteFrom('pending_segments').where('datasource', '=', dataSource).where('created_ms', '<', beforeMs);
  if (interval) q = q.where('start_ms', '<', interval.end).where('end_ms', '>', interval.start);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}
