import type { Interval } from '../core/types.js';
import type { Granularity } from '../time/granularity.js';
import type { Expr } from './expr-parse.js';
import type { DruidFilter } from './filter.js';

/** The normalized native batch spec: Druid's defaults filled in, every field checked. */

export type DimensionType = 'string' | 'long' | 'float' | 'double' | 'json';

export interface DimensionSpec {
  readonly name: string;
  readonly type: DimensionType;
}

export const METRIC_TYPES = ['count', 'longSum', 'doubleSum', 'floatSum', 'longMin', 'longMax', 'doubleMin', 'doubleMax', 'floatMin', 'floatMax'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface MetricSpec {
  readonly type: MetricType;
  readonly name: string;
  /** null only for `count`. */
  readonly fieldName: string | null;
}

export type TimestampFormat = 'auto' | 'iso' | 'millis' | 'posix' | 'micro' | 'nano' | 'pattern';

export interface TimestampSpec {
  readonly column: string;
  readonly format: TimestampFormat;
  /** The format as the user wrote it (echoed in the payload). */
  readonly formatText: string;
  /** DuckDB strptime format when `format` is a Joda pattern. */
  readonly strptime: string | null;
  /** Epoch ms used when the column is absent or null. */
  readonly missingValue: number | null;
  readonly missingValueText: string | null;
}

export interface DimensionsSpec {
  readonly dimensions: readonly DimensionSpec[];
  readonly dimensionExclusions: readonly string[];
  readonly useSchemaDiscovery: boolean;
  readonly includeAllDimensions: boolean;
}

export interface GranularitySpec {
  readonly segmentGranularity: Granularity;
  readonly queryGranularity: Granularity;
  readonly rollup: boolean;
  /** As written, condensed; null when the spec gives none. */
  readonly intervals: readonly Interval[] | null;
}

export interface Transform {
  readonly name: string;
  readonly expression: string;
  readonly ast: Expr;
}

export interface TransformSpec {
  readonly filter: DruidFilter | null;
  readonly filterJson: unknown;
  readonly transforms: readonly Transform[];
}

export interface DataSchema {
  readonly dataSource: string;
  readonly timestampSpec: TimestampSpec;
  readonly dimensionsSpec: DimensionsSpec;
  readonly metricsSpec: readonly MetricSpec[];
  readonly granularitySpec: GranularitySpec;
  readonly transformSpec: TransformSpec;
}

export type InputSource =
  | { readonly type: 'local'; readonly baseDir: string | null; readonly filter: string | null; readonly files: readonly string[] }
  | { readonly type: 'inline'; readonly data: string }
  | { readonly type: 'http'; readonly uris: readonly string[]; readonly username: string | null; readonly password: string | null };

export type InputFormat =
  | { readonly type: 'json' }
  | {
      readonly type: 'csv' | 'tsv';
      readonly columns: readonly string[] | null;
      readonly findColumnsFromHeader: boolean;
      readonly skipHeaderRows: number;
      readonly delimiter: string;
      readonly listDelimiter: string | null;
    };

export interface IoConfig {
  readonly inputSource: InputSource;
  readonly inputFormat: InputFormat;
  readonly appendToExisting: boolean;
  readonly dropExisting: boolean;
}

export interface TuningConfig {
  readonly maxRowsPerSegment: number;
  readonly maxRowsInMemory: number;
  readonly maxParseExceptions: number;
  readonly maxSavedParseExceptions: number;
  readonly logParseExceptions: boolean;
  /** Every key the user sent, kept for the payload (Druid ignores the ones Grove does not use). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface IndexSpec {
  readonly dataSchema: DataSchema;
  readonly ioConfig: IoConfig;
  readonly tuningConfig: TuningConfig;
}

export interface IndexTask {
  readonly type: 'index_parallel' | 'index';
  readonly id?: string;
  readonly dataSource: string;
  readonly priority: number;
  readonly context: Readonly<Record<string, unknown>>;
  readonly spec: IndexSpec;
  /** The spec as submitted, for echoing fields Grove keeps but does not interpret. */
  readonly rawSpec: Readonly<Record<string, unknown>>;
}
