import type { Interval, LockType, PublishRequest, SegmentRecord } from '../core/types.js';

/** Messages between the scheduler (parent) and a task process (child), over Node's IPC channel. */

export interface StartMessage {
  readonly kind: 'start';
  readonly taskId: string;
  readonly dataSource: string;
  /** The task JSON as submitted (with its id), parsed again by the child. */
  readonly task: unknown;
  readonly workDir: string;
  /** The task's log file, which the task process appends to. */
  readonly logFile: string;
  /** Root of the published segment files (SegmentRecord.path is relative to it). */
  readonly deepStorageDir: string;
  /** Where a SELECT job keeps its result pages; outlives the task for the results retention. */
  readonly resultsDir: string;
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
}

export type ParentMessage =
  | StartMessage
  | { readonly kind: 'locksGranted'; readonly requestId: number; readonly versions: ReadonlyArray<readonly [string, string]> }
  | { readonly kind: 'locksRefused'; readonly requestId: number; readonly error: string }
  | { readonly kind: 'workersLaunched'; readonly requestId: number; readonly ids: readonly string[] }
  | { readonly kind: 'workersRefused'; readonly requestId: number; readonly error: string }
  | { readonly kind: 'segments'; readonly requestId: number; readonly segments: readonly SegmentRecord[] }
  /** Stop with partial results: read no more input, finish with what was read. */
  | { readonly kind: 'stop' }
  /** A message from another task of the same group (controller <-> worker), or a worker's exit. */
  | { readonly kind: 'relayed'; readonly from: string; readonly message: unknown }
  | { readonly kind: 'shutdown' };

export type ChildMessage =
  | { readonly kind: 'report'; readonly report: unknown }
  | { readonly kind: 'acquireLocks'; readonly requestId: number; readonly intervals: readonly Interval[]; readonly type: LockType }
  /** An MSQ controller asks for `count` worker tasks in its group. */
  | { readonly kind: 'launchWorkers'; readonly requestId: number; readonly count: number }
  | { readonly kind: 'relay'; readonly to: string; readonly message: unknown }
  /** Used segments of these datasources, as the metadata store has them now. */
  | { readonly kind: 'listSegments'; readonly requestId: number; readonly dataSources: readonly string[] }
  /** The task finished its work; `publish` is what the parent commits (absent: nothing to publish). */
  | { readonly kind: 'done'; readonly publish?: PublishRequest; readonly rssBytes: number }
  | { readonly kind: 'failed'; readonly error: string; readonly rssBytes: number };
