import { intervalToString } from '../core/types.js';
import type { LockRequest } from './lockbox.js';


interface LockWaiter {
  readonly req: LockRequest;
  readonly since: number;
  /** Set once the task was told it has to wait. */
  told: boolean;
  readonly resolve: (versions: ReadonlyMap<string, string>) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Running tasks waiting for locks on chunks they found in their input (specs without intervals,
 * MSQ INSERTs). Each scheduler pass retries them; they time out as Druid's do.
 */
export class LockWaiters {
  readonly #waiting = new Map<string, LockWaiter>();
  readonly #timeoutMs: number;

  /** `timeoutMs`: how long a task may wait (Druid's taskLockTimeout). */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  wait(req: LockRequest): Promise<ReadonlyMap<string, string>> {
    return new Promise((resolve, reject) => this.#waiting.set(req.taskId, { req, since: Date.now(), told: false, resolve, reject }));
  }

  /**
   * Retries every waiter with `tryLock` (null: not yet). `isActive` false means the task is ending,
   * so its wait ends with `endedReason`. `blocked` hears of each waiter the first time it must wait.
   */
  async retry(
    tryLock: (req: LockRequest) => Promise<ReadonlyMap<string, string> | null>,
    isActive: (taskId: string) => boolean,
    endedReason: string,
    blocked: (req: LockRequest) => void = () => {},
  ): Promise<void> {
    for (const [taskId, w] of this.#waiting) {
      if (!isActive(taskId)) {
        this.fail(taskId, endedReason);
        continue;
      }
      try {
        const versions = await tryLock(w.req);
        if (versions !== null) {
          this.#waiting.delete(taskId);
          w.resolve(versions);
        } else if (!w.told) {
          w.told = true;
          blocked(w.req);
        } else if (Date.now() - w.since > this.#timeoutMs) {
          this.fail(taskId, `Timed out after ${this.#timeoutMs} ms waiting for locks on ${w.req.intervals.map(intervalToString).join(', ')}`);
        }
      } catch (e) {
        this.#waiting.delete(taskId);
        w.reject(e as Error);
      }
    }
  }

  fail(taskId: string, reason: string): void {
    this.#waiting.get(taskId)?.reject(new Error(reason));
    this.#waiting.delete(taskId);
  }
}
