import type { ColumnInfo, Interval, SegmentToPublish } from '../core/types.js';

/**
 * The multi-stage query (MSQ) engine's shared vocabulary: what the SQL front end plans, what the
 * controller hands each worker, and what workers answer. Everything here crosses process
 * boundaries (IPC), so it is plain JSON-able data.
 */

/** One EXTERN input: Druid's inputSource/inputFormat JSON and the declared signature. */
export interface ExternInput {
  readonly inputSource: Record<string, unknown>;
  readonly inputFormat: Record<string, unknown>;
  /** Declared columns: Druid types `string`, `long`, `double`, `float` (as EXTERN's third argument). */
  readonly signature: ReadonlyArray<{ readonly name: string; readonly type: 'string' | 'long' | 'double' | 'float' }>;
}

/**
 * An existing datasource read by the statement (`FROM wiki`): its visible segments are the input's
 * splits, one Parquet file each, listed when the controller starts so the job reads one consistent
 * snapshot (old or new data, never a mix).
 */
export interface DataSourceInput {
  readonly dataSource: string;
  /** The relation the stage-0 SQL reads: the datasource's own name, so qualified columns still bind. */
  readonly relation: string;
  /** Time ranges the statement's WHERE clauses allow (segment pruning), null for all of time. */
  readonly filter: readonly Interval[] | null;
  /** Columns read (the datasource schema, pruned to names the statement mentions), DuckDB-typed. */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly duckType: string }>;
}

export type MsqInput = ExternInput | DataSourceInput;

export const isDataSourceInput = (i: MsqInput): i is DataSourceInput => 'dataSource' in i;

/** How partial results of one output column combine across workers (null: not an aggregate). */
export type Combine = 'sum' | 'min' | 'max' | 'earliest' | 'latest' | 'any' | null;

export interface OutputColumn {
  readonly name: string;
  /** Druid native type (LONG, DOUBLE, FLOAT, STRING, COMPLEX<json>, ARRAY<...>). */
  readonly druidType: ColumnInfo['type'];
  /** Druid SQL type (BIGINT, DOUBLE, FLOAT, VARCHAR, TIMESTAMP, OTHER, ...). */
  readonly sqlType: string;
  /** For GROUP BY queries: how to merge this column across workers; keys and plain columns are null. */
  readonly combine: Combine;
}

/** The plan of one MSQ statement, made by the SQL front end (src/msq/sql) in the HTTP process. */
export interface MsqPlan {
  readonly kind: 'insert' | 'replace' | 'select';
  /** Target datasource (insert/replace). */
  readonly dataSource: string | null;
  /** REPLACE: 'all', or the OVERWRITE WHERE intervals (aligned to partitionedBy); otherwise null. */
  readonly overwrite: 'all' | readonly Interval[] | null;
  /** PARTITIONED BY granularity as Druid JSON (e.g. "DAY", {"type":"period","period":"PT1H"}, "ALL"). */
  readonly partitionedBy: unknown;
  /** CLUSTERED BY output column names, in order (the segment sort order after __time). */
  readonly clusteredBy: readonly string[];
  /** True when the query aggregates (GROUP BY): stage 1 re-aggregates partials with `combine`. */
  readonly grouped: boolean;
  /**
   * True when the statement cannot be split across workers and merged afterwards (ORDER BY or LIMIT
   * in a SELECT job, aggregates without a combine such as APPROX_COUNT_DISTINCT): the controller then
   * gives every input file to worker 0.
   */
  readonly singleWorker: boolean;
  /** Outer LIMIT (only with PARTITIONED BY ALL, or a SELECT job). */
  readonly limit: number | null;
  readonly inputs: readonly MsqInput[];
  /**
   * DuckDB SQL evaluating the whole SELECT over the relation `__input0` (and `__input1`, ... for more
   * external inputs; a datasource input under its own name). Output columns are exactly `columns`,
   * `__time` a TIMESTAMP when present.
   */
  readonly stage0Sql: string;
  readonly columns: readonly OutputColumn[];
  /** Query context after SET statements were applied (SET wins over the request's context). */
  readonly context: Record<string, unknown>;
  /** The original SQL, for the task payload. */
  readonly sql: string;
  /** EXPLAIN PLAN FOR: the plan is the answer; nothing runs. */
  readonly explain?: boolean;
}

/** Context parameters the engine honours, resolved with Druid's defaults (reference §2). */
export interface MsqSettings {
  readonly maxNumTasks: number;
  readonly rowsPerSegment: number;
  readonly maxParseExceptions: number;
  readonly finalizeAggregations: boolean;
  readonly failOnEmptyInsert: boolean;
  readonly selectDestination: 'taskReport' | 'durableStorage';
  readonly rowsPerPage: number;
  readonly priority: number;
}

export type WorkOrder =
  | {
      readonly stage: 0;
      readonly plan: MsqPlan;
      /** Input files of this worker: indexes into the inputs' expanded file lists, resolved by the worker. */
      readonly splits: ReadonlyArray<SplitRef>;
      /** Directory shared by the job where this worker writes its shuffle output. */
      readonly shuffleDir: string;
      readonly settings: MsqSettings;
    }
  | {
      readonly stage: 1;
      readonly plan: MsqPlan;
      /** The time chunks this worker turns into segments, each with its shuffle files from all workers. */
      readonly partitions: ReadonlyArray<{ readonly chunk: Interval; readonly files: readonly string[]; readonly version: string }>;
      /** Where the worker writes the segment files. */
      readonly outDir: string;
      readonly settings: MsqSettings;
    };

/** One input file of the job, as the controller deals them out. */
export interface SplitRef {
  readonly inputNumber: number;
  /** `file:` URL, http(s) URI, `inline:<inputNumber>`, or a segment file's absolute path. */
  readonly uri: string;
  readonly size?: number;
  /** For a datasource input: the segment this file holds and the part of it the timeline shows. */
  readonly segment?: { readonly id: string; readonly interval: Interval; readonly visible: readonly Interval[]; readonly columns: readonly string[]; readonly rows: number };
}

/** Druid MSQ counters of one worker in one stage (report `counters.<stage>.<worker>`). */
export interface ChannelCounters {
  readonly type: 'channel';
  readonly rows: number[];
  readonly bytes?: number[];
  readonly frames?: number[];
  readonly files?: number[];
  readonly totalFiles?: number[];
}

export interface WorkerCounters {
  input0?: ChannelCounters;
  output?: ChannelCounters;
  shuffle?: ChannelCounters;
  segmentGenerationProgress?: { type: 'segmentGenerationProgress'; rowsProcessed: number; rowsPersisted: number; rowsMerged: number };
  warnings?: Record<string, number>;
}

/** An MSQ fault (reference §3.1): errorCode plus its fields, errorMessage for people. */
export interface MsqFault {
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly [field: string]: unknown;
}

export type StageResult =
  | {
      readonly stage: 0;
      /** Shuffle files by time chunk start (epoch ms; ETERNITY start for PARTITIONED BY ALL). */
      readonly partitions: ReadonlyArray<{ readonly chunkStart: number; readonly file: string; readonly rows: number; readonly bytes: number }>;
      /** Parse problems kept as warnings (CannotParseExternalData), at most a few. */
      readonly warnings: readonly MsqFault[];
      /** Indexes (into the work order's splits) of the splits whose rows are in the output. */
      readonly covered: readonly number[];
    }
  | { readonly stage: 1; readonly segments: readonly SegmentToPublish[] };

/** Messages between the controller and its workers (relayed by the scheduler). */
export type ControllerToWorker =
  | { readonly type: 'workOrder'; readonly order: WorkOrder }
  | { readonly type: 'finish' }
  /** Stop with partial results: read no more input and finish the stage with what was read. */
  | { readonly type: 'stop' };

export type WorkerToController =
  | { readonly type: 'ready' }
  | { readonly type: 'counters'; readonly stage: number; readonly counters: WorkerCounters }
  | { readonly type: 'stageResult'; readonly result: StageResult }
  | { readonly type: 'stageFailed'; readonly stage: number; readonly fault: MsqFault };
