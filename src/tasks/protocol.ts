import type { Interval, LockType, PublishRequest } from '../core/types.js';

/** Messages between the scheduler (parent) and a task process (child), over Node's IPC channel. */

export interface StartMessage {
  readonly kind: 'start';
  readonly taskId: string;
  readonly dataSource: string;
  /** The task JSON as submitted (with its id), parsed again by the child. */
  readonly task: unknown;
  readonly workDir: string;
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
}

export type ParentMessage =
  | StartMessage
  | { readonly kind: 'locksGranted'; readonly requestId: number; readonly versions: ReadonlyArray<readonly [string, string]> }
  | { readonly kind: 'locksRefused'; readonly requestId: number; readonly error: string }
  | { readonly kind: 'shutdown' };

export type ChildMessage =
  | { readonly kind: 'report'; readonly report: unknown }
  | { readonly kind: 'acquireLocks'; readonly requestId: number; readonly intervals: readonly Interval[]; readonly type: LockType }
  /** The task finished its work; `publish` is what the parent commits (absent: nothing to publish). */
  | { readonly kind: 'done'; readonly publish?: PublishRequest }
  | { readonly kind: 'failed'; readonly error: string };
