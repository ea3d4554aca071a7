/**
 * Shared vocabulary of Grove. See ARCHITECTURE.md for the glossary.
 *
 * Times inside Grove are epoch milliseconds (UTC); they become ISO strings only at the edges
 * (HTTP, metadata columns, file names).
 */

/** A half-open time range [start, end) in epoch milliseconds. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Druid's task lock types: REPLACE-style work is exclusive, appends share a time chunk. */
export type LockType = 'exclusive' | 'shared';

/** Where a task is in Druid's lifecycle (the list it shows up in). */
export type RunnerState = 'WAITING' | 'PENDING' | 'RUNNING' | 'NONE';
export type StatusCode = 'RUNNING' | 'SUCCESS' | 'FAILED';

/** Column types as Druid names them in segment metadata and SQL results. */
export type DruidColumnType = 'LONG' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'ARRAY<STRING>' | 'ARRAY<LONG>' | 'ARRAY<DOUBLE>' | 'COMPLEX<json>';

/** The DuckDB type a Druid column type is stored as in segments (JSON is DuckDB's JSON text). */
export const DUCKDB_TYPE_OF: Readonly<Record<DruidColumnType, string>> = {
  LONG: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  STRING: 'VARCHAR',
  'ARRAY<STRING>': 'VARCHAR[]',
  'ARRAY<LONG>': 'BIGINT[]',
  'ARRAY<DOUBLE>': 'DOUBLE[]',
  'COMPLEX<json>': 'JSON',
};

export interface ColumnInfo {
  readonly name: string;
  readonly type: DruidColumnType;
}

/**
 * A segment a task wrote into its work directory and asks to publish. The parent process owns the
 * metadata store: it assigns the partition number, moves the file into deep storage and commits the
 * segment together with the task's final status (invariant 1).
 */
export interface SegmentToPublish {
  readonly interval: Interval;
  readonly version: string;
  /** Absolute path of the Parquet file the task wrote. */
  readonly localPath: string;
  readonly numRows: number;
  readonly size: number;
  readonly dimensions: readonly string[];
  readonly metrics: readonly string[];
  readonly columns: readonly ColumnInfo[];
}

/** What a finished ingestion asks the parent to commit. */
export interface PublishRequest {
  readonly dataSource: string;
  readonly segments: readonly SegmentToPublish[];
  /** true: add partitions to the existing version of each chunk; false: the new version overshadows. */
  readonly append: boolean;
  /** Intervals whose existing segments are dropped even where no new data landed (dropExisting). */
  readonly dropIntervals: readonly Interval[];
}

/** A committed segment as the metadata store holds it. */
export interface SegmentRecord {
  readonly id: string;
  readonly dataSource: string;
  readonly interval: Interval;
  readonly version: string;
  readonly partitionNum: number;
  /** Path relative to the deep storage root. */
  readonly path: string;
  readonly size: number;
  readonly numRows: number;
  readonly used: boolean;
  readonly dimensions: readonly string[];
  readonly metrics: readonly string[];
  readonly columns: readonly ColumnInfo[];
  readonly createdDate: string;
}

/** Druid's segment id: `<ds>_<start>_<end>_<version>[_<partitionNum>]` (partition 0 is omitted). */
export function segmentId(dataSource: string, interval: Interval, version: string, partitionNum: number): string {
  const base = `${dataSource}_${new Date(interval.start).toISOString()}_${new Date(interval.end).toISOString()}_${version}`;
  return partitionNum === 0 ? base : `${base}_${partitionNum}`;
}

/** ISO form; an unbounded side (a filter like `__time >= X`) prints as the year 1 or 9999 bound. */
export function intervalToString(i: Interval): string {
  const start = Number.isFinite(i.start) ? i.start : -62135596800000;
  const end = Number.isFinite(i.end) ? i.end : 253402300799999;
  return `${new Date(start).toISOString()}/${new Date(end).toISOString()}`;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

export function contains(outer: Interval, inner: Interval): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
