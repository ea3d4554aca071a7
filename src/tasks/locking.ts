import type { Logger } from 'pino';
import { GroveError } from '../core/errors.js';
import { intervalKey } from '../core/task-context.js';
import type { TaskDescription } from '../core/task-kind.js';
import { intervalToString, overlaps, type Interval, type LockType } from '../core/types.js';
import type { Db } from '../store/db.js';
import { deleteLocks, insertLocks, listLocks, usedVersions } from '../store/locks.js';
import { LockWaiters } from './lock-waiters.js';
import { Lockbox, type HeldLock, type LockRequest } from './lockbox.js';

/** What locking needs to know of, and may do to, the tasks that hold locks. */
export interface LockHolders {
  /** A task that has not started yet (waiting or pending): it may hand its locks to a running one. */
  unstarted(taskId: string): boolean;
  /** A lower-priority holder lost its locks to `by`; it must end. */
  preempted(taskId: string, by: string): void;
  /** A holder that had not started gave its locks up and must wait for them again. */
  demoted(taskId: string): void;
}

/**
 * Time-chunk locks (invariant 3): the Lockbox's rules, the locks kept in the store (restored on
 * start, read by the lock APIs), the versions appends join, preemption, and running tasks that
 * wait for locks on chunks they found while reading.
 */
export class TaskLocks {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #holders: LockHolders;
  readonly #box = new Lockbox();
  readonly #waiters: LockWaiters;

  constructor(db: Db, log: Logger, timeoutMs: number, holders: LockHolders) {
    this.#db = db;
    this.#log = log;
    this.#holders = holders;
    this.#waiters = new LockWaiters(timeoutMs);
  }

  /** Takes back the locks the store holds for tasks that are queued again after a restart. */
  async restore(keep: (taskId: string) => boolean): Promise<void> {
    for (const l of await listLocks(this.#db)) {
      if (keep(l.taskId)) this.#box.restore(l);
      else await deleteLocks(this.#db, l.taskId, l.groupId);
    }
  }

  /**
   * Tries to take locks for a task. On conflict with only lower-priority holders it preempts them
   * and takes the locks at once; a running task (`requesterRunning`) takes them from holders that
   * have not started. Answers the version of each interval, or null when the task must wait.
   */
  async tryLock(desc: TaskDescription, intervals: readonly Interval[], type: LockType, requesterRunning = false): Promise<ReadonlyMap<string, string> | null> {
    const req: LockRequest = { taskId: desc.id, groupId: desc.groupId, dataSource: desc.dataSource, priority: desc.priority, type, intervals };
    const appendVersions = type === 'shared' ? await this.#appendVersions(desc.dataSource, intervals) : new Map<string, string>();
    // One version for all chunks of one request, as Druid's lock requests made together share one.
    let fresh: string | undefined;
    const versionFor = (i: Interval): string => appendVersions.get(intervalKey(i)) ?? (fresh ??= this.#box.newVersion());
    let attempt = this.#box.tryAcquire(req, versionFor);
    if (!attempt.granted) {
      // The preempting task takes the lock at once, so a lower-priority waiter cannot slip in first.
      const cleared = attempt.preempt.length > 0
        ? this.#preempt(attempt.preempt, desc.id)
        : requesterRunning && (await this.#demoteUnstarted(attempt.blockers, desc.id));
      if (cleared) attempt = this.#box.tryAcquire(req, versionFor);
      if (!attempt.granted) return null;
    }
    await insertLocks(this.#db, attempt.added, Date.now());
    return new Map(attempt.locks.map((l) => [intervalKey(l.interval), l.version]));
  }

  /** A running task asks for locks on chunks it found in its input; answered when it gets them. */
  request(req: LockRequest): Promise<ReadonlyMap<string, string>> {
    return this.#waiters.wait(req);
  }

  /** Tries every waiting request again (running tasks first, before queued ones take locks). */
  retryRequests(desc: (taskId: string) => TaskDescription | undefined, endedReason: string, blocked: (req: LockRequest) => void): Promise<void> {
    return this.#waiters.retry(
      (req) => this.tryLock(desc(req.taskId)!, req.intervals, req.type, true),
      (id) => desc(id) !== undefined,
      endedReason,
      blocked,
    );
  }

  locksOf(taskId: string): HeldLock[] {
    return this.#box.locksOf(taskId);
  }

  all(): readonly HeldLock[] {
    return this.#box.all();
  }

  /** While publishing, a task's locks cannot be preempted. */
  setPublishing(taskId: string): void {
    this.#box.setPublishing(taskId, true);
  }

  /** The task ended: its locks go (the store's rows went in its final transaction) and any wait ends. */
  release(taskId: string, reason: string): void {
    this.#box.release(taskId);
    this.#waiters.fail(taskId, reason);
  }

  #preempt(victims: readonly string[], by: string): true {
    for (const victim of victims) {
      this.#log.info({ taskId: victim, by }, 'preempting lower-priority task');
      this.#box.revoke(victim);
      this.#holders.preempted(victim, by);
    }
    return true;
  }

  /**
   * A running task that needs a lock held only by tasks that have not started takes it from them:
   * they go back to waiting. Otherwise a job holding slots and a queued task holding its lock wait
   * for each other (capacity 2: a running INSERT and a REPLACE queued behind it) until the lock
   * times out. The running task came first, so it goes first.
   */
  async #demoteUnstarted(blockers: readonly string[], by: string): Promise<boolean> {
    if (!blockers.every((id) => this.#holders.unstarted(id))) return false;
    for (const id of blockers) {
      this.#log.info({ taskId: id, by }, 'lock handed to a running task; back to waiting');
      const held = this.#box.release(id);
      this.#holders.demoted(id);
      await deleteLocks(this.#db, id, held[0]?.groupId ?? id);
    }
    return true;
  }

  /** An append joins the version already visible in each chunk, so it adds partitions to it. */
  async #appendVersions(dataSource: string, intervals: readonly Interval[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const used = await usedVersions(this.#db, dataSource);
    for (const i of intervals) {
      for (const r of used) {
        if (!overlaps(r.interval, i)) continue;
        if (r.interval.start !== i.start || r.interval.end !== i.end) {
          throw new GroveError(
            'invalidInput',
            `Cannot append to interval [${intervalToString(i)}]: existing segments of [${dataSource}] cover [${intervalToString(r.interval)}] with a different segment granularity`,
          );
        }
        const prev = out.get(intervalKey(i));
        if (prev === undefined || r.version > prev) out.set(intervalKey(i), r.version);
      }
    }
    return out;
  }
}
