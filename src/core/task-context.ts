import type { Interval, LockType, SegmentRecord } from './types.js';

/**
 * What a running task may do. The task itself runs in a child process (see runner/); every call
 * here that touches shared state (locks, live reports) is a message to the parent, which owns the
 * metadata store and the lockbox, the way Druid's peons talk to the Overlord through task actions.
 */
export interface TaskContext {
  readonly taskId: string;
  readonly dataSource: string;
  /** Private scratch directory of this task (downloads, staged segments); removed when it ends. */
  readonly workDir: string;
  /** Root of the published segment files, which tasks reading datasources open read-only. */
  readonly deepStorageDir: string;
  /** Where a SELECT job writes its result pages; kept after the task ends, for the results retention. */
  readonly resultsDir: string;
  /** Directories local input may be read from (absolute, resolved). */
  readonly allowedInputDirs: readonly string[];
  /** URL protocols an http input source may use, e.g. ['http:', 'https:']. */
  readonly allowedHttpProtocols: readonly string[];
  /** Aborted when the task is shut down; long work checks it or hands it to DuckDB's interrupt. */
  readonly signal: AbortSignal;
  /** Appends a line to the task log. */
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void;
  /** Replaces the live report served by `GET /task/{id}/reports` while the task runs. */
  report(report: unknown): void;
  /**
   * Takes time-chunk locks on the given intervals (already aligned to segment granularity) and
   * answers the version each interval's new segments must carry. Waits while another task holds a
   * conflicting lock of equal or higher priority; throws when the task is shut down meanwhile.
   */
  acquireLocks(intervals: readonly Interval[], type: LockType): Promise<ReadonlyMap<string, string>>;
  /** Used segments of these datasources (overshadowed ones included), read when asked. */
  listSegments(dataSources: readonly string[]): Promise<readonly SegmentRecord[]>;
  /**
   * Registers what to do on a stop-with-partial-results request (the statements API's `stop`):
   * unlike a shutdown, the task finishes normally over the input it has read.
   */
  onStop(handler: () => void): void;
  /** Submits `count` worker tasks in this task's group (MSQ controllers); answers their ids. */
  launchWorkers(count: number): Promise<readonly string[]>;
  /** Sends a message to another running task of the same group. */
  send(to: string, message: unknown): void;
  /** Receives messages from tasks of the same group, and `{type:'exited'}` notices of its workers. */
  onMessage(handler: (from: string, message: unknown) => void): void;
}

/** What the scheduler tells a controller when one of its workers ends. */
export interface WorkerExited {
  readonly type: 'exited';
  readonly status: 'SUCCESS' | 'FAILED';
  readonly errorMsg: string | null;
}

/** Key of an interval in the map returned by acquireLocks. */
export const intervalKey = (i: Interval): string => `${i.start}_${i.end}`;
