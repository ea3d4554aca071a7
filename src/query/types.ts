import type { DuckDBInstance } from '@duckdb/node-api';
import type { DruidColumnType, Interval, SegmentRecord } from '../core/types.js';
import type { TaskStatusPlus } from '../tasks/status.js';
import type { ServerInfo } from './system/rows.js';

/** Result formats of POST /druid/v2/sql (reference §5.1). */
export const RESULT_FORMATS = ['object', 'array', 'objectLines', 'arrayLines', 'csv'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** A Druid SQL query parameter, bound to a `?` placeholder in order. */
export interface SqlParameter {
  readonly type: string;
  readonly value: unknown;
}

/** Body of POST /druid/v2/sql. */
export interface SqlRequest {
  readonly query: string;
  readonly resultFormat?: ResultFormat;
  readonly header?: boolean;
  readonly typesHeader?: boolean;
  readonly sqlTypesHeader?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly parameters?: readonly SqlParameter[];
}

export interface QueryDeps {
  /** Used segments (overshadowed ones included; the timeline drops them) of these datasources. */
  listUsedSegments(dataSources: string[]): Promise<SegmentRecord[]>;
  /** Names of datasources that have used segments. */
  knownDataSources(): Promise<string[]>;
  /** Root that SegmentRecord.path is relative to. */
  readonly deepStorageDir: string;
  /** The shared engine from createQueryEngine(). */
  readonly duckdb: DuckDBInstance;
  /**
   * Active and recently completed tasks, the list GET /druid/indexer/v1/tasks answers with
   * (sys.tasks). Optional so engines without a task queue still answer; sys.tasks is then empty.
   */
  listTasks?(): Promise<TaskStatusPlus[]>;
  /** This process as sys.servers lists it; without it sys.servers is empty. */
  readonly server?: ServerInfo;
}

export interface ResultColumn {
  readonly name: string;
  readonly druidType: DruidColumnType;
  /** Druid's SQL type name: BIGINT, DOUBLE, FLOAT, VARCHAR, TIMESTAMP, BOOLEAN, ... */
  readonly sqlType: string;
}

/** How one datasource was turned into a view; tests and EXPLAIN read it. */
export interface DataSourcePlan {
  readonly dataSource: string;
  /** Time ranges the WHERE clauses allow, or null when they could not be analysed (no pruning). */
  readonly filter: Interval[] | null;
  readonly visibleSegments: number;
  /** Segment ids whose files the view reads, after pruning. */
  readonly segmentIds: string[];
  readonly files: string[];
  /** How many of those segments are partly overshadowed and read through a __time restriction. */
  readonly partial: number;
}

export interface QueryPlan {
  readonly dataSources: DataSourcePlan[];
  /** The statement DuckDB ran, after rewriting Druid functions. */
  readonly duckdbSql: string;
}

export interface SqlResult {
  readonly queryId: string;
  readonly columns: ResultColumn[];
  /** JSON-ready values; integers beyond 2^53 stay bigint so they serialise exactly. */
  readonly rows: unknown[][];
  readonly plan: QueryPlan;
}
