/**
 * The task slots of this process (`--worker-capacity`) and the slots kept for MSQ workers that are
 * not running yet. A controller starts only when a slot for its first worker can be kept with it,
 * so a job never holds a slot while it waits for one that cannot come (issue 9.1; Druid's #15368
 * and #16889 are the same deadlock). Workers beyond the first take only slots free at that moment.
 */
export class Slots {
  readonly capacity: number;
  /** Group (controller) id -> slots kept for its workers that have not started. */
  readonly #kept = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Slots neither running a task nor kept for a worker. */
  free(running: number): number {
    let kept = 0;
    for (const n of this.#kept.values()) kept += n;
    return this.capacity - running - kept;
  }

  /**
   * Slots a task of a kind that asks for `wanted` must find free to start. With fewer slots in all
   * that can never be, so it starts alone (an MSQ controller then fails TaskStartTimeout).
   */
  needed(wanted: number): number {
    return Math.max(1, Math.min(wanted, this.capacity));
  }

  keptFor(groupId: string): number {
    return this.#kept.get(groupId) ?? 0;
  }

  keep(groupId: string, n: number): void {
    if (n > 0) this.#kept.set(groupId, n);
    else this.#kept.delete(groupId);
  }

  /** A worker of `groupId` starts on a kept slot; false when none is kept for it. */
  take(groupId: string): boolean {
    const n = this.keptFor(groupId);
    if (n === 0) return false;
    this.keep(groupId, n - 1);
    return true;
  }

  /** The group ended: whatever it kept is free again. */
  forget(groupId: string): void {
    this.#kept.delete(groupId);
  }
}
