import type { WorkerCounters } from '../types.js';

/** What a stage needs from the process running it (a worker task, or the controller for listing). */
export interface WorkerIO {
  /** Private scratch directory: downloads, inline data, DuckDB spill files. */
  readonly workDir: string;
  /** Directories local input may be read from. */
  readonly allowedInputDirs: readonly string[];
  /** URL protocols http input may use, e.g. ['http:', 'https:']. */
  readonly allowedHttpProtocols: readonly string[];
  /** Aborted on shutdown: DuckDB is interrupted and the stage ends with the Canceled fault. */
  readonly signal: AbortSignal;
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', msg: string): void;
  /** The worker's whole counters for `stage` so far (a snapshot, not a delta). */
  counters(stage: number, c: WorkerCounters): void;
}

/** One input file of the job: `file:` URL, http(s) URI, or `inline:<inputNumber>`. */
export interface SplitRef {
  readonly inputNumber: number;
  readonly uri: string;
  readonly size?: number;
}
