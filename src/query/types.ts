import type { DuckDBInstance } from '@duckdb/node-api';
import type { DruidColumnType, Interval, SegmentRecord } from '../core/types.js';
import type { TaskView } from '../core/task-view.js';
import type { SystemTable } from './system/catalog.js';
import type { ServerInfo } from './system/rows.js';

/**
 * A synchronous query as any language front end compiles it (Druid SQL today), and as the engine
 * runs it: plain data, so a front end never touches the engine.
 */
export interface QueryPlan {
  readonly queryId: string;
  /**
   * DuckDB SQL over one view per datasource (named as the datasource) and the system tables it
   * reads (named by `tempTableName`), with Druid's functions available as macros.
   */
  readonly sql: string;
  /** The datasources it reads, each with the time ranges its conditions allow (null: all of time). */
  readonly dataSources: ReadonlyArray<{ readonly name: string; readonly filter: readonly Interval[] | null }>;
  readonly systemTables: readonly SystemTable[];
  /** IANA zone of the session; results keep instants, formatting is the face's. */
  readonly timeZone: string;
  /** Milliseconds the query may run; undefined for no limit. */
  readonly timeoutMs: number | undefined;
  /** Answer the engine's plan instead of running the query. */
  readonly explain: boolean;
  /** Arrays as JSON text (Druid's sqlStringifyArrays) or as arrays. */
  readonly stringifyArrays: boolean;
}

/** What executing a plan needs from the rest of Grove. */
export interface QueryDeps {
  /** Used segments (overshadowed ones included; the timeline drops them) of these datasources. */
  listUsedSegments(dataSources: string[]): Promise<SegmentRecord[]>;
  /** Names of datasources that have used segments. */
  knownDataSources(): Promise<string[]>;
  /** Root that SegmentRecord.path is relative to. */
  readonly deepStorageDir: string;
  /** The shared engine from createQueryEngine(). */
  readonly duckdb: DuckDBInstance;
  /** Active and recently completed tasks (sys.tasks); without it sys.tasks is empty. */
  listTasks?(): Promise<TaskView[]>;
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

/** What the engine did with a plan: the views it built and the statement it ran. */
export interface ExecutedPlan {
  readonly dataSources: DataSourcePlan[];
  readonly duckdbSql: string;
}

export interface QueryResult {
  readonly queryId: string;
  readonly columns: ResultColumn[];
  /** JSON-ready values; integers beyond 2^53 stay bigint so they serialise exactly. */
  readonly rows: unknown[][];
  readonly plan: ExecutedPlan;
}
