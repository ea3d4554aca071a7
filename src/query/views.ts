import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_TYPE_OF, type Interval } from '../core/types.js';
import { overlapsAny } from '../segments/intervals.js';
import { intervalCondition } from '../segments/time-sql.js';
import { segmentPath, type VisibleSegment } from '../segments/timeline.js';
import type { DataSourcePlan } from './types.js';
import { quoteIdent } from '../engine/sql-text.js';

/**
 * One datasource as a DuckDB TEMP VIEW over its visible segments' Parquet files. Fully visible
 * segments whose files have the same Parquet schema are read in one read_parquet; a partly
 * overshadowed one gets its own branch restricted to its visible intervals; the branches are
 * combined BY NAME. Columns that only pruned segments have are added as typed NULLs, so a query
 * sees the same schema whatever the WHERE clause pruned (Druid's datasource schema is the union
 * over all its segments).
 *
 * Cost per query matters here (bench part e): each file's schema is read once per process
 * (segment files never change; a new version is a new path), so a query binds its view without
 * opening every file's footer. read_parquet's union_by_name would open all of them on every query;
 * grouping files by identical schema gives the same columns and types without it.
 */

const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;



/** How a segment file stores __time, so the view can always expose a TIMESTAMP. */
type TimeStorage = 'timestamp' | 'millis' | 'timestamptz';

/** Segment file -> its Parquet schema (names, physical and logical types, in order) as one string. */
const schemaOfFile = new Map<string, string>();
/** Parquet schema -> how files with it store __time. */
const timeStorageOfSchema = new Map<string, TimeStorage>();
const CACHE_LIMIT = 100_000;

/** The schemas of `files`, reading in one call the footers of those not seen before. */
async function fileSchemas(conn: DuckDBConnection, files: readonly string[]): Promise<string[]> {
  const unseen = [...new Set(files.filter((f) => !schemaOfFile.has(f)))];
  if (unseen.length > 0) {
    const reader = await conn.runAndReadAll(
      `SELECT file_name, name, type, type_length, repetition_type, num_children, converted_type, scale, precision, field_id, logical_type
       FROM parquet_schema([${unseen.map(quoteString).join(', ')}])`,
    );
    const rows = new Map<string, string[]>();
    for (const r of reader.getRowsJS()) {
      const file = String(r[0]);
      const list = rows.get(file) ?? [];
      list.push(JSON.stringify(r.slice(1), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
      rows.set(file, list);
    }
    if (schemaOfFile.size + unseen.length > CACHE_LIMIT) schemaOfFile.clear();
    // A file DuckDB names differently than it was asked gets a schema of its own: never grouped.
    for (const f of unseen) schemaOfFile.set(f, rows.get(f)?.join('\n') ?? `unknown:${f}`);
  }
  return files.map((f) => schemaOfFile.get(f) as string);
}

async function timeStorage(conn: DuckDBConnection, file: string, schema: string): Promise<TimeStorage> {
  const cached = timeStorageOfSchema.get(schema);
  if (cached) return cached;
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT __time FROM read_parquet(${quoteString(file)})`);
  const type = String(reader.getRowsJS()[0]?.[1] ?? '').toUpperCase();
  const kind: TimeStorage = /INT/.test(type) ? 'millis' : /TIME ZONE|TZ/.test(type) ? 'timestamptz' : 'timestamp';
  if (timeStorageOfSchema.size > CACHE_LIMIT) timeStorageOfSchema.clear();
  timeStorageOfSchema.set(schema, kind);
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
  const schemas = await fileSchemas(conn, files);
  const schemaOf = new Map(files.map((f, i) => [f, schemas[i]]));

  const branches: string[] = [];
  // Whole segments by schema, in order of first appearance (the view's column order is then the
  // order union_by_name would give).
  const groups = new Map<string, string[]>();
  for (const v of whole) {
    const file = segmentPath(deepStorageDir, v.segment);
    const schema = schemaOf.get(file) as string;
    const group = groups.get(schema) ?? [];
    group.push(file);
    groups.set(schema, group);
  }
  for (const [schema, group] of groups) {
    const star = STAR[await timeStorage(conn, group[0], schema)];
    branches.push(`SELECT ${star} FROM read_parquet([${group.map(quoteString).join(', ')}])`);
  }
  for (const v of partial) {
    const file = segmentPath(deepStorageDir, v.segment);
    const star = STAR[await timeStorage(conn, file, schemaOf.get(file) as string)];
    const where = v.visible.map(intervalCondition).join(' OR ');
    branches.push(`SELECT ${star} FROM read_parquet([${quoteString(file)}]) WHERE ${where}`);
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
  // Parquet keeps JSON as text; the segment metadata says which columns are COMPLEX<json>.
  const json = [...new Set(visible.flatMap((v) => v.segment.columns.filter((c) => c.type === 'COMPLEX<json>').map((c) => c.name)))];
  const union = branches.join(' UNION ALL BY NAME ');
  const body = json.length === 0 ? union : `SELECT * REPLACE (${json.map((n) => `CAST(${quoteIdent(n)} AS JSON) AS ${quoteIdent(n)}`).join(', ')}) FROM (${union})`;
  const sql = `CREATE OR REPLACE TEMP VIEW ${quoteIdent(dataSource)} AS ${body}`;
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
