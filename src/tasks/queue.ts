import fs from 'node:fs';
import type { Logger } from 'pino';
import type { GroveConfig } from '../config/config.js';
import { faultPoint } from '../core/fault-points.js';
import { GroveError } from '../core/errors.js';
import type { WorkerExited } from '../core/task-context.js';
import type { TaskDescription } from '../core/task-kind.js';
import { intervalToString, type Interval, type LockType, type SegmentRecord } from '../core/types.js';
import { kindOf } from '../kinds/index.js';
import type { Db } from '../store/db.js';
import { getTask, insertAudit, insertTask, updateTask } from '../store/tasks.js';
import { TaskLocks } from './locking.js';
import type { DataPaths } from './paths.js';
import { publishAndSucceed, recordTaskEnd } from './publish.js';
import { recoverTasks } from './recovery.js';
import { TaskRunner, type TaskOutcome } from './runner.js';
import { Slots } from './slots.js';
import { TaskFiles } from './task-files.js';

export const SHUTDOWN_BY_USER = 'Shutdown request from user';

/** A task the queue is responsible for: waiting, pending or running. */
export interface ActiveTask {
  readonly desc: TaskDescription;
  readonly createdMs: number;
  runnerState: 'WAITING' | 'PENDING' | 'RUNNING';
  startedMs: number | null;
  liveReport: unknown;
  /** Set once the task is being ended, so a second shutdown or a late message does nothing. */
  ending: boolean;
  /** A stop-with-partial-results request that came before the task ran; delivered when it starts. */
  stopRequested?: boolean;
}


/**
 * Druid's TaskQueue + TaskLockbox + a local TaskRunner in one: tasks wait for their locks
 * (`waiting`), then for a slot (`pending`), then run in a child process (`running`). All state
 * that must survive a restart lives in the metadata store; this object is the single scheduler.
 */
export class TaskQueue {
  readonly #db: Db;
  readonly #config: GroveConfig;
  readonly #paths: DataPaths;
  readonly #log: Logger;
  readonly #locks: TaskLocks;
  readonly #runner: TaskRunner;
  readonly #active = new Map<string, ActiveTask>();
  readonly #files: TaskFiles;
  readonly #slots: Slots;
  #lastCompletedMs: number | null = null;
  #ticking: Promise<void> | null = null;
  #tickAgain = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  /** Task endings being recorded; stop() waits for them before the store closes. */
  readonly #finishing = new Set<Promise<void>>();
  /** Told when a publish transaction is about to start and once it has ended (segment caches). */
  readonly #publishListeners: Array<() => void> = [];

  constructor(db: Db, config: GroveConfig, paths: DataPaths, log: Logger, deps: { listSegments(dataSources: readonly string[]): Promise<readonly SegmentRecord[]> }) {
    this.#db = db;
    this.#config = config;
    this.#paths = paths;
    this.#log = log;
    this.#files = new TaskFiles(paths);
    this.#slots = new Slots(config.workerCapacity);
    this.#locks = new TaskLocks(db, log, config.lockTimeoutMs, {
      unstarted: (id) => {
        const t = this.#active.get(id);
        return t !== undefined && t.runnerState !== 'RUNNING' && !t.ending;
      },
      preempted: (id, by) => void this.shutdown(id, `Task lock was revoked by higher priority task[${by}]`),
      demoted: (id) => {
        const t = this.#active.get(id);
        if (t) t.runnerState = 'WAITING';
      },
    });
    this.#runner = new TaskRunner({
      lockRequest: (id, intervals, type) => this.#requestLocks(id, intervals, type),
      launchWorkers: (id, count) => this.#launchWorkers(id, count),
      relay: (from, to, message) => this.#relay(from, to, message),
      listSegments: (dataSources) => deps.listSegments(dataSources),
      report: (id, report) => {
        const t = this.#active.get(id);
        if (t) t.liveReport = report;
      },
      finished: (id, outcome) => {
        const p = this.#onFinished(id, outcome);
        this.#finishing.add(p);
        void p.finally(() => this.#finishing.delete(p));
      },
    }, { slots: config.workerCapacity, shutdownGraceMs: config.shutdownGraceMs, tasksPerProcess: config.tasksPerProcess });
  }

  /** Recovers the queue after a (possibly unclean) stop, then starts scheduling. */
  async start(): Promise<void> {
    for (const r of await recoverTasks(this.#db, this.#paths, this.#files)) {
      this.#active.set(r.desc.id, { desc: r.desc, createdMs: r.createdMs, runnerState: 'WAITING', startedMs: null, liveReport: undefined, ending: false });
    }
    // Tasks queued again keep the locks (and versions) they held; the rest are gone.
    await this.#locks.restore((id) => this.#active.has(id));
    this.#runner.warmUp();
    // Lock waits time out and orphaned ticks are retried even when no event arrives.
    this.#timer = setInterval(() => this.#tick(), this.#config.schedulerTickMs);
    this.#timer.unref();
    this.#tick();
  }

  async submit(desc: TaskDescription): Promise<void> {
    if (this.#active.has(desc.id) || (await getTask(this.#db, desc.id))) {
      throw new GroveError('invalidInput', `Task[${desc.id}] already exists`);
    }
    const now = Date.now();
    // One transaction: on PostgreSQL every commit waits for the disk, and a task is one fact.
    await this.#db.transaction().execute(async (trx) => {
      await insertTask(trx, {
        id: desc.id,
        group_id: desc.groupId,
        type: desc.type,
        datasource: desc.dataSource,
        created_ms: now,
        priority: desc.priority,
        status: 'RUNNING',
        runner_state: 'WAITING',
        // The lock requirement rides along so a restarted queue can re-schedule without re-parsing.
        payload: JSON.stringify({ ...desc.payload, __lock: desc.lock }),
        error_msg: null,
        started_ms: null,
        ended_ms: null,
        duration_ms: null,
        location_host: null,
        location_port: null,
      });
      await insertAudit(trx, desc.id, 'task.submit', `Submitted ${desc.type} task`, { dataSource: desc.dataSource });
    });
    this.#active.set(desc.id, { desc, createdMs: now, runnerState: 'WAITING', startedMs: null, liveReport: undefined, ending: false });
    this.#log.info({ taskId: desc.id, type: desc.type }, 'task submitted');
    this.#tick();
  }

  get(taskId: string): ActiveTask | undefined {
    return this.#active.get(taskId);
  }

  list(): ActiveTask[] {
    return [...this.#active.values()];
  }

  /** What the slots are doing: running tasks, and slots in use (running plus kept for MSQ workers). */
  usage(): { capacity: number; used: number; running: string[]; lastCompletedMs: number | null } {
    const running = [...this.#active.values()].filter((t) => t.runnerState === 'RUNNING').map((t) => t.desc.id);
    return { capacity: this.#slots.capacity, used: this.#slots.capacity - this.#slots.free(running.length), running, lastCompletedMs: this.#lastCompletedMs };
  }

  /** Ends an active task as FAILED with `reason`. Returns false when the task is not active. */
  async shutdown(taskId: string, reason = SHUTDOWN_BY_USER): Promise<boolean> {
    const t = this.#active.get(taskId);
    if (!t || t.ending) return t !== undefined;
    await insertAudit(this.#db, taskId, 'task.shutdown', reason, {});
    // An MSQ controller's workers stop together with it, not after it (invariant 6: within a second).
    const group = this.#groupMembers(t);
    if (t.runnerState === 'RUNNING' && this.#runner.isRunning(taskId)) {
      await Promise.all([this.#runner.shutdown(taskId, reason), ...group.map((w) => this.shutdown(w.desc.id, this.#membersEndedReason(t)))]);
      return true;
    }
    await Promise.all(group.map((w) => this.shutdown(w.desc.id, this.#membersEndedReason(t))));
    t.ending = true;
    await this.#end(t, 'FAILED', reason);
    return true;
  }

  /** Registers a listener told around every publish (before it starts and once it has ended). */
  onPublish(listener: () => void): void {
    this.#publishListeners.push(listener);
  }

  #notifyPublish(): void {
    for (const l of this.#publishListeners) l();
  }

  /**
   * Asks a task to stop with partial results: it then ends normally over what it has read. A task
   * still waiting or pending gets the request as it starts, and so reads nothing.
   */
  requestStop(taskId: string): boolean {
    const t = this.#active.get(taskId);
    if (!t || t.ending) return false;
    t.stopRequested = true;
    return t.runnerState !== 'RUNNING' || this.#runner.deliver(taskId, { kind: 'stop' });
  }

  /** Stops scheduling and kills running tasks (they end FAILED); queued tasks stay queued. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    const running = [...this.#active.values()].filter((t) => t.runnerState === 'RUNNING');
    this.#runner.close();
    await Promise.all(running.map((t) => this.#runner.shutdown(t.desc.id, 'Grove was shut down while the task was running')));
    await Promise.all([...this.#finishing]);
    await this.#ticking;
  }

  #tick(): void {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#ticking = this.#schedule()
      .catch((e: unknown) => this.#log.error({ err: e }, 'scheduler pass failed'))
      .finally(() => {
        this.#ticking = null;
        if (this.#tickAgain) {
          this.#tickAgain = false;
          this.#tick();
        }
      });
  }

  #ordered(state: ActiveTask['runnerState']): ActiveTask[] {
    return [...this.#active.values()]
      .filter((t) => t.runnerState === state && !t.ending)
      .sort((a, b) => b.desc.priority - a.desc.priority || a.createdMs - b.createdMs);
  }

  async #schedule(): Promise<void> {
    // Running tasks' lock requests first: they hold slots, and a queued task must not take (again)
    // a lock a running one is waiting for.
    await this.#locks.retryRequests(
      (id) => {
        const t = this.#active.get(id);
        return t && !t.ending ? t.desc : undefined;
      },
      SHUTDOWN_BY_USER,
      (req) => this.#files.appendLog(req.taskId, 'INFO', `Waiting for ${req.type} locks on ${req.intervals.map(intervalToString).join(', ')}: held by other tasks`),
    );
    for (const t of this.#ordered('WAITING')) {
      const lock = t.desc.lock;
      if (lock !== null && lock.intervals !== null) {
        let granted: ReadonlyMap<string, string> | null;
        try {
          granted = await this.#locks.tryLock(t.desc, lock.intervals, lock.type);
        } catch (e) {
          // A lock that can never be granted (e.g. an append across granularities) fails this task
          // alone; the rest of the queue goes on.
          t.ending = true;
          await this.#end(t, 'FAILED', (e as Error).message);
          continue;
        }
        if (granted === null) continue;
      }
      // Kept in memory only: a restart puts waiting and pending tasks alike back to waiting, and
      // lists read the queue for active tasks.
      t.runnerState = 'PENDING';
    }
    // Workers first: their slots were kept for them when their controller was granted them.
    for (const t of this.#ordered('PENDING')) {
      if (t.desc.groupId !== t.desc.id && this.#slots.take(t.desc.groupId)) await this.#launch(t);
    }
    let free = this.#slots.free(this.#runningCount());
    for (const t of this.#ordered('PENDING')) {
      const needed = this.#slots.needed(kindOf(t.desc.type).startSlots ?? 1);
      // No backfill: the task at the head of the queue keeps what is free until it can start, so a
      // stream of small tasks never starves a controller that needs two slots.
      if (free < needed) break;
      free -= needed;
      if (needed > 1) this.#slots.keep(t.desc.id, needed - 1);
      await this.#launch(t);
    }
  }

  #runningCount(): number {
    let n = 0;
    for (const t of this.#active.values()) if (t.runnerState === 'RUNNING') n++;
    return n;
  }

  async #launch(t: ActiveTask): Promise<void> {
    const id = t.desc.id;
    t.runnerState = 'RUNNING';
    t.startedMs = Date.now();
    fs.mkdirSync(this.#paths.taskDir(id), { recursive: true });
    await updateTask(this.#db, id, {
      runner_state: 'RUNNING',
      started_ms: t.startedMs,
      location_host: this.#config.host,
      location_port: this.#config.port,
    });
    const { __lock: _, ...task } = { ...t.desc.payload } as Record<string, unknown>;
    this.#runner.start({
      taskId: id,
      dataSource: t.desc.dataSource,
      task: { ...task, id },
      logFile: this.#paths.logFile(id),
      workDir: this.#paths.workDir(id),
      deepStorageDir: this.#paths.deepStorage,
      resultsDir: this.#paths.resultsDir(id),
      allowedInputDirs: this.#config.allowedInputDirs,
      allowedHttpProtocols: this.#config.allowedHttpProtocols,
    });
    if (t.stopRequested) this.#runner.deliver(id, { kind: 'stop' });
    this.#log.info({ taskId: id }, 'task running');
  }

  #membersEndedReason(leader: ActiveTask): string {
    return kindOf(leader.desc.type).membersEndedReason ?? SHUTDOWN_BY_USER;
  }

  /** Other active tasks of the group an MSQ controller leads (none for other tasks). */
  #groupMembers(t: ActiveTask): ActiveTask[] {
    if (t.desc.groupId !== t.desc.id) return [];
    return [...this.#active.values()].filter((o) => o.desc.groupId === t.desc.id && o.desc.id !== t.desc.id);
  }

  /**
   * Submits up to `count` worker tasks of a controller (same group, datasource and priority): the
   * slot kept for it when it started, plus those free right now (maxNumTasks is a maximum, as with
   * Druid's `taskAssignment: max`). Each worker's slot stays kept until it runs.
   */
  async #launchWorkers(controllerId: string, count: number): Promise<readonly string[]> {
    const ctl = this.#active.get(controllerId);
    if (!ctl || ctl.ending) throw new Error(`Task[${controllerId}] is not active`);
    const describeMember = kindOf(ctl.desc.type).describeMember;
    if (!describeMember) throw new Error(`Task[${controllerId}] of type [${ctl.desc.type}] has no workers`);
    const kept = this.#slots.keptFor(controllerId);
    const granted = Math.min(count, kept + Math.max(0, this.#slots.free(this.#runningCount())));
    if (granted === 0) {
      throw new Error(`this Grove has ${this.#slots.capacity} task slot(s) and an MSQ job needs at least 2: its controller and one worker (--worker-capacity)`);
    }
    this.#slots.keep(controllerId, granted);
    const ids: string[] = [];
    for (let n = 0; n < granted; n++) {
      const worker = describeMember(ctl.desc, n);
      await this.submit(worker);
      ids.push(worker.id);
    }
    await faultPoint('scheduler.workers-submitted');
    return ids;
  }

  #relay(from: string, to: string, message: unknown): void {
    const sender = this.#active.get(from);
    const target = this.#active.get(to);
    // Only tasks of one group talk to each other.
    if (target === undefined || (sender !== undefined && sender.desc.groupId !== target.desc.groupId)) return;
    this.#runner.deliver(to, { kind: 'relayed', from, message });
  }

  /** A running task asks for locks on intervals it found in its input (no intervals in its spec). */
  #requestLocks(taskId: string, intervals: readonly Interval[], type: LockType): Promise<ReadonlyMap<string, string>> {
    const t = this.#active.get(taskId);
    if (!t) return Promise.reject(new Error(`Task[${taskId}] is not active`));
    const waiting = this.#locks.request({ taskId, groupId: t.desc.groupId, dataSource: t.desc.dataSource, priority: t.desc.priority, type, intervals });
    this.#tick();
    return waiting;
  }

  async #onFinished(taskId: string, outcome: TaskOutcome): Promise<void> {
    const t = this.#active.get(taskId);
    if (!t) return;
    t.ending = true;
    try {
      if (outcome.kind === 'done') {
        // A REPLACE with an empty result still publishes: it drops the overwritten range.
        if (outcome.publish && (outcome.publish.segments.length > 0 || outcome.publish.dropIntervals.length > 0)) {
          this.#locks.setPublishing(taskId);
          const endedMs = Date.now();
          this.#notifyPublish();
          let n: number;
          try {
            n = await publishAndSucceed(
              this.#db, this.#paths.deepStorage, outcome.publish, this.#locks.locksOf(taskId),
              { taskId, status: 'SUCCESS', errorMsg: null, startedMs: t.startedMs, endedMs }, t.desc.groupId,
            );
          } finally {
            // Synchronously after the commit: nothing can read the task's SUCCESS before this runs.
            this.#notifyPublish();
          }
          this.#files.appendLog(taskId, 'INFO', `Published ${n} segment(s) for dataSource[${outcome.publish.dataSource}]`);
          await this.#end(t, 'SUCCESS', null, true);
        } else {
          await this.#end(t, 'SUCCESS', null);
        }
        return;
      }
      const reason =
        outcome.kind === 'failed' ? outcome.error
          : outcome.kind === 'killed' ? outcome.reason
            : `Task process exited unexpectedly (exit code ${outcome.code ?? 'none'}, signal ${outcome.signal ?? 'none'})`;
      await this.#end(t, 'FAILED', reason);
    } catch (e) {
      this.#log.error({ err: e, taskId }, 'publishing failed');
      await this.#end(t, 'FAILED', `Failed to publish segments: ${(e as Error).message}`);
    }
  }

  /** Records the final state, releases locks, removes scratch files and frees the slot. */
  async #end(t: ActiveTask, status: 'SUCCESS' | 'FAILED', errorMsg: string | null, alreadyRecorded = false): Promise<void> {
    const id = t.desc.id;
    this.#files.writeReport(id, t.desc.type, errorMsg, t.liveReport);
    if (!alreadyRecorded) {
      const end = { taskId: id, status, errorMsg, startedMs: t.startedMs, endedMs: Date.now() };
      await this.#db.transaction().execute((trx) => recordTaskEnd(trx, end, t.desc.groupId));
    }
    if (errorMsg !== null && t.startedMs !== null) this.#files.appendLog(id, 'ERROR', `Task failed: ${errorMsg}`);
    this.#locks.release(id, errorMsg ?? 'Task ended');
    this.#slots.forget(id);
    fs.rmSync(this.#paths.workDir(id), { recursive: true, force: true });
    this.#active.delete(id);
    if (t.startedMs !== null) this.#lastCompletedMs = Date.now();
    if (t.desc.groupId !== id) {
      this.#relay(id, t.desc.groupId, { type: 'exited', status, errorMsg } satisfies WorkerExited);
    } else {
      // Workers never outlive their controller, whatever ended it.
      for (const w of this.#groupMembers(t)) void this.shutdown(w.desc.id, errorMsg ?? this.#membersEndedReason(t));
    }
    this.#log.info({ taskId: id, status, errorMsg }, 'task complete');
    this.#tick();
  }

}
