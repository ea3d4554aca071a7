import { overlaps, type Interval, type LockType } from '../core/types.js';
import type { LockRow } from '../store/locks.js';

/** A time-chunk lock held by a task (Druid's TaskLockPosse, one per interval), as the store keeps it. */
export type HeldLock = LockRow;

export interface LockRequest {
  readonly taskId: string;
  readonly groupId: string;
  readonly dataSource: string;
  readonly priority: number;
  readonly type: LockType;
  readonly intervals: readonly Interval[];
}

export type LockAttempt =
  /** `locks`: the task's locks on the requested intervals; `added`: those this call created. */
  | { readonly granted: true; readonly locks: readonly HeldLock[]; readonly added: readonly HeldLock[] }
  /** `preempt` lists lower-priority holders whose revocation would let the request through. */
  | { readonly granted: false; readonly blockers: readonly string[]; readonly preempt: readonly string[] };

/**
 * Time-chunk locks, kept in memory by the one process that schedules tasks (the metadata store
 * keeps a copy for inspection and restart clean-up). Rules, as Druid's TaskLockbox:
 * - tasks of one group share their locks (an MSQ controller and its workers);
 * - shared (append) locks coexist on a chunk and reuse one version; exclusive locks stand alone;
 * - a conflicting holder of lower priority may be preempted unless it is publishing.
 */
export class Lockbox {
  readonly #locks: HeldLock[] = [];
  readonly #publishing = new Set<string>();
  #lastVersionMs = 0;

  /** Versions are creation times, strictly increasing so a later lock always overshadows. */
  newVersion(): string {
    this.#lastVersionMs = Math.max(Date.now(), this.#lastVersionMs + 1);
    return new Date(this.#lastVersionMs).toISOString();
  }

  /**
   * Grants all intervals or none. `versionFor` answers the version a granted interval gets when no
   * compatible lock already fixes it (the queue looks up existing segment versions for appends).
   */
  tryAcquire(req: LockRequest, versionFor: (interval: Interval) => string): LockAttempt {
    const blockers = new Set<string>();
    const preempt = new Set<string>();
    for (const interval of req.intervals) {
      for (const held of this.#locks) {
        if (held.dataSource !== req.dataSource || !overlaps(held.interval, interval)) continue;
        if (held.groupId === req.groupId) continue;
        if (held.type === 'shared' && req.type === 'shared') continue;
        blockers.add(held.taskId);
        if (held.priority < req.priority && !this.#publishing.has(held.taskId)) preempt.add(held.taskId);
      }
    }
    if (blockers.size > 0) {
      return { granted: false, blockers: [...blockers], preempt: preempt.size === blockers.size ? [...preempt] : [] };
    }
    const locks: HeldLock[] = [];
    const added: HeldLock[] = [];
    for (const interval of req.intervals) {
      const same = (h: HeldLock) => h.dataSource === req.dataSource && h.interval.start === interval.start && h.interval.end === interval.end;
      // A task asking again for a chunk it holds (its spec named it) gets the same lock back.
      const own = this.#locks.find((h) => same(h) && h.taskId === req.taskId);
      if (own) {
        locks.push(own);
        continue;
      }
      const existing = this.#locks.find((h) => same(h) && (h.groupId === req.groupId || (h.type === 'shared' && req.type === 'shared')));
      const lock: HeldLock = {
        taskId: req.taskId,
        groupId: req.groupId,
        dataSource: req.dataSource,
        interval,
        type: req.type,
        priority: req.priority,
        version: existing?.version ?? versionFor(interval),
      };
      this.#locks.push(lock);
      locks.push(lock);
      added.push(lock);
    }
    return { granted: true, locks, added };
  }

  /** Takes back a lock the store kept across a restart; later versions stay newer than it. */
  restore(lock: HeldLock): void {
    this.#locks.push(lock);
    const ms = Date.parse(lock.version);
    if (Number.isFinite(ms)) this.#lastVersionMs = Math.max(this.#lastVersionMs, ms);
  }

  locksOf(taskId: string): HeldLock[] {
    return this.#locks.filter((l) => l.taskId === taskId);
  }

  /** While publishing, a task's locks cannot be preempted (Druid does the same). */
  setPublishing(taskId: string, publishing: boolean): void {
    if (publishing) this.#publishing.add(taskId);
    else this.#publishing.delete(taskId);
  }

  release(taskId: string): HeldLock[] {
    const released: HeldLock[] = [];
    for (let i = this.#locks.length - 1; i >= 0; i--) {
      if (this.#locks[i].taskId === taskId) released.push(...this.#locks.splice(i, 1));
    }
    this.#publishing.delete(taskId);
    return released;
  }

  /**
   * Takes a preempted task's locks away at once so the higher-priority task can proceed; the
   * holder can no longer publish (publishing checks its locks) and is shut down by the queue.
   */
  revoke(taskId: string): HeldLock[] {
    return this.release(taskId);
  }

  all(): readonly HeldLock[] {
    return this.#locks;
  }
}
