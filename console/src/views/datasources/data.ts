import { useQuery } from '@tanstack/react-query';
import { ApiError, postJson } from '../../api';
import type { SegmentRow } from './timeline-layout';

/**
 * What the Datasources view reads, all through POST /druid/v2/sql over Grove's system tables:
 * sys.segments for the list and the timeline, INFORMATION_SCHEMA.COLUMNS for the columns. A
 * datasource name travels as a query parameter, never spliced into the SQL text.
 */

export const REFRESH_MS = 5000;

export interface DatasourceRow {
  datasource: string;
  segments: number;
  overshadowed: number;
  num_rows: number | null;
  size: number | null;
  first_start: string | null;
  last_end: string | null;
}

export interface ColumnRow {
  COLUMN_NAME: string;
  DATA_TYPE: string;
  ORDINAL_POSITION: number;
  IS_NULLABLE: string;
}

async function sqlWith<T>(query: string, params: string[] = []): Promise<T[]> {
  const parameters = params.map((value) => ({ type: 'VARCHAR', value }));
  return postJson<T[]>('/druid/v2/sql', params.length ? { query, parameters } : { query });
}

// Counts are over active segments (what queries see); overshadowed ones are counted apart.
export const DATASOURCES_SQL = `SELECT datasource,
  SUM(is_active) AS segments,
  SUM(is_overshadowed) AS overshadowed,
  SUM(CASE WHEN is_active = 1 THEN num_rows ELSE 0 END) AS num_rows,
  SUM(CASE WHEN is_active = 1 THEN "size" ELSE 0 END) AS "size",
  MIN("start") AS first_start,
  MAX("end") AS last_end
FROM sys.segments
GROUP BY 1
ORDER BY 1`;

// Every used segment of the datasource, overshadowed ones included: a REPLACE shows as a newer
// lane over older rectangles.
export const SEGMENTS_SQL = `SELECT segment_id, "start", "end", version, partition_num, num_rows, "size", is_active, is_overshadowed
FROM sys.segments
WHERE datasource = ?
ORDER BY "start", version DESC, partition_num`;

export const COLUMNS_SQL = `SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION, IS_NULLABLE
FROM INFORMATION_SCHEMA.COLUMNS
WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`;

/**
 * Whether a section shows its own error box. A section that still has data does not repeat
 * "server not reachable": the list above (and the app's banner) already says so.
 */
export function ownError(q: { isError: boolean; error: unknown; data: unknown }): boolean {
  return q.isError && (q.data === undefined || !(q.error instanceof ApiError && q.error.status === 0));
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function useDatasources() {
  return useQuery({
    queryKey: ['datasources', 'list'],
    queryFn: async () =>
      (await sqlWith<DatasourceRow>(DATASOURCES_SQL)).map((r) => ({
        ...r,
        segments: Number(r.segments ?? 0),
        overshadowed: Number(r.overshadowed ?? 0),
        num_rows: num(r.num_rows),
        size: num(r.size),
      })),
    refetchInterval: REFRESH_MS,
  });
}

export function useSegments(datasource: string | null) {
  return useQuery({
    queryKey: ['datasources', 'segments', datasource],
    queryFn: () => sqlWith<SegmentRow>(SEGMENTS_SQL, [datasource!]),
    enabled: datasource !== null,
    refetchInterval: REFRESH_MS,
  });
}

export function useColumns(datasource: string | null) {
  return useQuery({
    queryKey: ['datasources', 'columns', datasource],
    queryFn: () => sqlWith<ColumnRow>(COLUMNS_SQL, [datasource!]),
    enabled: datasource !== null,
    refetchInterval: REFRESH_MS,
  });
}
