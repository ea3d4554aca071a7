import type { TaskContext, WorkerExited } from '../core/task-context.js';
import { CANCELED, FaultError } from './faults.js';
import type { MsqReport } from './report.js';
import type { ControllerToWorker, StageResult, WorkOrder, WorkerToController } from './types.js';

/** How long a finishing controller waits for its workers to end by themselves. */
const EXIT_WAIT_MS = 5000;
/** Druid gives workers about ten minutes to start before TaskStartTimeout. */
const START_TIMEOUT_MS = 10 * 60_000;

/** Druid's TaskStartTimeout fault; totalTasks counts the controller too. */
const taskStartTimeout = (pendingTasks: number, timeout: number, errorMessage: string) =>
  ({ errorCode: 'TaskStartTimeout', pendingTasks, totalTasks: pendingTasks + 1, timeout, errorMessage });

interface Pending {
  readonly resolve: (r: StageResult) => void;
  readonly reject: (e: Error) => void;
}

/**
 * The controller's view of its worker tasks: starts them, waits until all run (they need free
 * slots), sends work orders, gathers results and counters, and turns a worker that dies into a
 * WorkerFailed fault for the whole query.
 */
export class WorkerPool {
  readonly #ctx: TaskContext;
  readonly #report: MsqReport;
  readonly #changed: () => void;
  #ids: readonly string[] = [];
  /** Messages that came before the workers' ids were known; null once they are. */
  #early: Array<[string, WorkerToController | WorkerExited]> | null = [];
  readonly #ready = new Set<string>();
  readonly #pending = new Map<string, Pending>();
  #failure: Error | null = null;
  #onReady: (() => void) | null = null;
  #finished = false;
  readonly #exited = new Set<string>();
  #onExit: (() => void) | null = null;

  constructor(ctx: TaskContext, report: MsqReport, changed: () => void) {
    this.#ctx = ctx;
    this.#report = report;
    this.#changed = changed;
    ctx.onMessage((from, message) => this.#receive(from, message as WorkerToController | WorkerExited));
    ctx.signal.addEventListener('abort', () => this.#fail(new FaultError(CANCELED)), { once: true });
  }

  workerId(n: number): string {
    return this.#ids[n];
  }

  /** Workers the job runs on (fewer than asked for when fewer slots were free). */
  get size(): number {
    return this.#ids.length;
  }

  /**
   * Launches up to `count` workers and waits until every launched one runs. The scheduler grants at
   * least one (a slot is kept for it) or refuses when no slot can ever be had: TaskStartTimeout.
   */
  async start(count: number): Promise<void> {
    try {
      this.#ids = await this.#ctx.launchWorkers(count);
    } catch (e) {
      if (this.#ctx.signal.aborted) throw new FaultError(CANCELED);
      throw new FaultError(taskStartTimeout(count, 0, `Unable to launch ${count} worker task(s): ${(e as Error).message}`));
    }
    for (const id of this.#ids) this.#report.workerSubmitted(id);
    const early = this.#early ?? [];
    this.#early = null;
    for (const [from, m] of early) this.#receive(from, m);
    this.#changed();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const pendingTasks = this.#ids.length - this.#ready.size;
        reject(new FaultError(taskStartTimeout(pendingTasks, START_TIMEOUT_MS,
          `Unable to launch ${pendingTasks} worker task(s) within ${START_TIMEOUT_MS / 1000} seconds; there might be insufficient available slots`)));
      }, START_TIMEOUT_MS);
      this.#onReady = () => {
        if (this.#failure) {
          clearTimeout(timer);
          reject(this.#failure);
        } else if (this.#ready.size === this.#ids.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.#onReady();
    });
  }

  /** Sends one work order per worker and waits for every result; the first failure fails all. */
  async runStage(orders: readonly WorkOrder[]): Promise<StageResult[]> {
    if (this.#failure) throw this.#failure;
    try {
      return await Promise.all(orders.map((order, n) => new Promise<StageResult>((resolve, reject) => {
        const id = this.#ids[n];
        this.#pending.set(id, { resolve, reject });
        this.#ctx.send(id, { type: 'workOrder', order } satisfies ControllerToWorker);
      })));
    } finally {
      this.#pending.clear();
    }
  }

  /** Sends a message to every worker that has started. */
  broadcast(message: ControllerToWorker): void {
    for (const id of this.#ready) this.#ctx.send(id, message);
  }

  /**
   * Tells the workers the query is over. On success the controller waits (briefly) until they have
   * ended SUCCESS, so their slots are free and the scheduler never has to stop them; on failure it
   * does not wait: the scheduler stops whatever is left of the group.
   */
  async stop(waitForExit: boolean): Promise<void> {
    this.#finished = true;
    for (const id of this.#ids) this.#ctx.send(id, { type: 'finish' } satisfies ControllerToWorker);
    if (!waitForExit || this.#exited.size === this.#ids.length) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EXIT_WAIT_MS);
      this.#onExit = () => {
        if (this.#exited.size === this.#ids.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }

  #receive(from: string, m: WorkerToController | WorkerExited): void {
    // A worker can start and say so before the answer naming it reaches this process: the
    // scheduler launches it while it is still submitting the others. Its words wait for the names.
    if (this.#early !== null) {
      this.#early.push([from, m]);
      return;
    }
    const n = this.#ids.indexOf(from);
    if (n < 0) return;
    switch (m.type) {
      case 'ready':
        this.#ready.add(from);
        this.#report.workerState(from, 'RUNNING');
        this.#changed();
        this.#onReady?.();
        break;
      case 'counters':
        this.#report.counters(m.stage, n, m.counters);
        this.#changed();
        break;
      case 'stageResult':
        this.#pending.get(from)?.resolve(m.result);
        this.#pending.delete(from);
        break;
      case 'stageFailed':
        this.#fail(new FaultError(m.fault));
        break;
      case 'exited':
        this.#exited.add(from);
        this.#report.workerState(from, m.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED');
        this.#changed();
        this.#onExit?.();
        if (!this.#finished) {
          const errorMsg = m.errorMsg ?? 'exited before the query finished';
          this.#fail(new FaultError({ errorCode: 'WorkerFailed', workerTaskId: from, errorMsg, errorMessage: `Worker task failed: [${from}] (${errorMsg})` }));
        }
        break;
    }
  }

  #fail(e: Error): void {
    if (this.#failure) return;
    this.#failure = e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#onReady?.();
  }
}
