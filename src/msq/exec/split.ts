import type { MsqFault } from '../types.js';

/** What reading one split involves, shared by the readers of external files and of segments. */

/** A split ready for DuckDB. */
export interface FetchedSplit {
  readonly path: string;
  /** How Druid names the file in parse errors (`file:/...`, the URI), null for inline data. */
  readonly displayUri: string | null;
  readonly size: number;
  /** Deleted once read (downloads, inline data); local files are never touched. */
  readonly temporary: boolean;
}

export interface SplitOutcome {
  /** Rows the input produced (parse failures excluded). */
  readonly rows: number;
  readonly warningCount: number;
  readonly warnings: MsqFault[];
}

/** Appends the rows of `relationSql` (a SELECT) to the stage's output; answers the rows appended. */
export type Consume = (relationSql: string) => Promise<number>;
