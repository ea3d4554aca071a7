import type { Interval, LockType, PublishRequest } from './types.js';
import type { TaskContext } from './task-context.js';

/**
 * What the scheduler needs to know about a submitted task, whatever its kind. Parsing happens on
 * submit so a bad spec is a 400 and never a queued task.
 */
export interface TaskDescription {
  readonly id: string;
  /** Tasks of one group (an MSQ controller and its workers) share locks and talk to each other. */
  readonly groupId: string;
  readonly type: string;
  readonly dataSource: string;
  readonly priority: number;
  /** Locks to hold before the task may take a slot; null intervals: it asks while it runs. */
  readonly lock: { readonly type: LockType; readonly intervals: readonly Interval[] | null } | null;
  /** The payload GET /task/{id} shows (Druid fills in defaults). */
  readonly payload: Record<string, unknown>;
}

/** What describing a submitted task may depend on: what inputs this server lets tasks read. */
export interface DescribeOptions {
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
}

/** The work of a task, run in its task process; what it answers is published by the scheduler. */
export type RunTask = (task: Record<string, unknown>, ctx: TaskContext) => Promise<PublishRequest | undefined>;

/**
 * A kind of task: everything Grove knows about one `type`. Each kind lives in its own folder and
 * is registered with one line in `src/kinds/index.ts`.
 */
export interface TaskKind {
  readonly type: string;
  /**
   * Turns a body submitted to the Tasks API into a description (400s for anything wrong with it);
   * absent for kinds only Grove itself creates (MSQ controllers and workers).
   */
  describe?(body: Record<string, unknown>, options: DescribeOptions): TaskDescription;
  /** The task's work, loaded when a task process first runs this kind. */
  load(): Promise<RunTask>;
  /** Slots that must be free for it to start: its own, and one kept for the first worker it will ask for. */
  readonly startSlots?: number;
  /**
   * The report it leaves, from its last live one (undefined when it reported nothing): the place
   * where a kind says COMPLETED, or ends a report its process could not end.
   */
  finalReport?(taskId: string, errorMsg: string | null, live: unknown): unknown;
  /** Its results are a statement's (the statements API reads them by its id). */
  readonly statement?: boolean;
  /**
   * Describes member `n` of the group this task leads, for a task that asks for helpers while it
   * runs (an MSQ controller's workers). Members end with their leader and tell it when they end.
   */
  describeMember?(leader: TaskDescription, n: number): TaskDescription;
  /** Why its members end when it ends while they still run (Druid: the Canceled fault's words). */
  readonly membersEndedReason?: string;
}
