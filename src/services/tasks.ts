import fs from 'node:fs';
import type { GroveConfig } from '../config/config.js';
import type { Interval } from '../core/types.js';
import type { Db } from '../store/db.js';
import { getTask, getTasks, listCompleteTasks, storable, type TaskRow } from '../store/tasks.js';
import { listLocks } from '../store/locks.js';
import { deletePendingSegments } from '../store/segments.js';
import type { TaskDescription } from '../core/task-kind.js';
import { isSafeTaskId } from '../core/checks.js';
import type { DataPaths } from '../tasks/paths.js';
import type { ActiveTask, TaskQueue } from '../tasks/queue.js';
import type { TaskView } from '../core/task-view.js';

/** The task lists, as the Overlord names them. */
export type TaskListState = 'waiting' | 'pending' | 'running' | 'complete';

export interface TaskFilter {
  /** Which lists; all of them when absent. */
  readonly state?: TaskListState;
  readonly dataSource?: string;
  readonly type?: string;
  /** Created within; without it the complete list holds the recently finished tasks only. */
  readonly created?: Interval;
  /** At most this many complete tasks. */
  readonly max?: number;
}

/** A task's report: the live one while it runs, the final one (as stored JSON text) after. */
export type TaskReport = { readonly live: unknown } | { readonly json: Buffer };

const ACTIVE_ORDER = ['RUNNING', 'PENDING', 'WAITING'] as const;

/**
 * Tasks as the faces see them: the one place that merges what the scheduler holds (waiting,
 * pending, running) with what the store holds (ended), so a task is found wherever it is.
 */
export class TaskService {
  readonly #queue: TaskQueue;
  readonly #db: Db;
  readonly #paths: DataPaths;
  readonly #config: GroveConfig;

  constructor(queue: TaskQueue, db: Db, paths: DataPaths, config: GroveConfig) {
    this.#queue = queue;
    this.#db = db;
    this.#paths = paths;
    this.#config = config;
  }

  submit(desc: TaskDescription): Promise<void> {
    return this.#queue.submit(desc);
  }

  async get(id: string): Promise<TaskView | undefined> {
    const active = this.#queue.get(id);
    if (active) return this.#fromActive(active);
    const row = await getTask(this.#db, id);
    return row ? fromRow(row) : undefined;
  }

  /** Several tasks by id; unknown ids are left out. */
  async getMany(ids: readonly string[]): Promise<TaskView[]> {
    const out: TaskView[] = [];
    const ended: string[] = [];
    for (const id of ids) {
      const t = this.#queue.get(id);
      if (t) out.push(this.#fromActive(t));
      else ended.push(id);
    }
    for (const row of await getTasks(this.#db, ended)) out.push(fromRow(row));
    return out;
  }

  /** The task as submitted (with the defaults filled in), or undefined for an unknown id. */
  async payload(id: string): Promise<Record<string, unknown> | undefined> {
    const active = this.#queue.get(id);
    if (active) return withoutInternals(active.desc.payload);
    const row = await getTask(this.#db, id);
    return row ? withoutInternals(JSON.parse(row.payload) as Record<string, unknown>) : undefined;
  }

  /** The raw scheduler entry of a task that has not ended (its description and live report). */
  active(id: string): ActiveTask | undefined {
    return this.#queue.get(id);
  }

  /**
   * The lists: active tasks first (running, pending, waiting; newest first within each), then
   * complete ones newest first. The queue is read before the store, so a task that ends between
   * the two reads is in both; it is listed once, as complete.
   */
  async list(f: TaskFilter = {}): Promise<TaskView[]> {
    const keep = (t: TaskView): boolean =>
      (f.dataSource === undefined || t.dataSource === f.dataSource)
      && (f.type === undefined || t.type === f.type)
      && (f.created === undefined || (t.createdMs >= f.created.start && t.createdMs < f.created.end));
    const wanted: readonly string[] = f.state === undefined ? ACTIVE_ORDER : f.state === 'complete' ? [] : [f.state.toUpperCase()];
    const active = wanted.length === 0 ? [] : this.#queue.list().filter((t) => wanted.includes(t.runnerState));
    const complete = f.state === undefined || f.state === 'complete'
      ? (await listCompleteTasks(this.#db, {
          dataSource: f.dataSource,
          type: f.type,
          createdFrom: f.created?.start,
          createdTo: f.created?.end,
          endedSince: f.created ? undefined : Date.now() - this.#config.recentlyFinishedMs,
          max: f.max,
        })).map(fromRow)
      : [];
    const ended = new Set(complete.map((t) => t.id));
    const live = active
      .filter((t) => !ended.has(t.desc.id))
      .sort((a, b) => wanted.indexOf(a.runnerState) - wanted.indexOf(b.runnerState) || b.createdMs - a.createdMs)
      .map((t) => this.#fromActive(t))
      .filter(keep);
    return [...live, ...complete];
  }

  /** Ends an active task FAILED; false when no task with this id is active. */
  shutdown(id: string, reason?: string): Promise<boolean> {
    return this.#queue.shutdown(id, reason);
  }

  /** Shuts down every active task of a datasource; answers how many there were. */
  async shutdownDataSource(dataSource: string): Promise<number> {
    const active = this.#queue.list().filter((t) => t.desc.dataSource === dataSource);
    await Promise.all(active.map((t) => this.#queue.shutdown(t.desc.id)));
    return active.length;
  }

  /** Asks a running SELECT job to stop with what it has read; false when it is not active. */
  requestStop(id: string): boolean {
    return this.#queue.requestStop(id);
  }

  report(id: string): TaskReport | undefined {
    const active = this.#queue.get(id);
    if (active?.liveReport !== undefined) return { live: active.liveReport };
    if (active || !isSafeTaskId(id)) return undefined;
    try {
      return { json: fs.readFileSync(this.#paths.reportFile(id)) };
    } catch {
      return undefined;
    }
  }

  /** The task's log file, or undefined for an id that cannot have one. */
  logFile(id: string): string | undefined {
    return isSafeTaskId(id) ? this.#paths.logFile(id) : undefined;
  }

  /**
   * Removes a datasource's pending segments, as Druid does: only those older than its oldest active
   * task, so running tasks keep their allocations.
   */
  async killPendingSegments(dataSource: string, interval?: Interval): Promise<number> {
    if (!storable(dataSource)) return 0;
    const active = this.#queue.list().filter((t) => t.desc.dataSource === dataSource);
    const before = active.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...active.map((t) => t.createdMs));
    return deletePendingSegments(this.#db, dataSource, before, interval);
  }

  usage(): ReturnType<TaskQueue['usage']> {
    return this.#queue.usage();
  }

  /**
   * Intervals locked on `dataSource` by tasks of at least `minPriority`, overlapping `within` (all
   * when empty), as the store records them.
   */
  async lockedIntervals(dataSource: string, minPriority: number, within: readonly Interval[]): Promise<Interval[]> {
    if (!storable(dataSource)) return [];
    return (await listLocks(this.#db, { dataSource, minPriority }))
      .filter((l) => within.length === 0 || within.some((w) => w.start < l.interval.end && l.interval.start < w.end))
      .map((l) => l.interval);
  }

  #fromActive(t: ActiveTask): TaskView {
    return {
      id: t.desc.id,
      groupId: t.desc.groupId,
      type: t.desc.type,
      dataSource: t.desc.dataSource,
      createdMs: t.createdMs,
      status: 'RUNNING',
      runnerState: t.runnerState,
      startedMs: t.startedMs,
      durationMs: null,
      errorMsg: null,
      location: t.runnerState === 'RUNNING' ? { host: this.#config.host, port: this.#config.port } : null,
    };
  }
}

function fromRow(r: TaskRow): TaskView {
  return {
    id: r.id,
    groupId: r.group_id,
    type: r.type,
    dataSource: r.datasource,
    createdMs: r.created_ms,
    status: r.status as TaskView['status'],
    runnerState: r.status === 'RUNNING' ? (r.runner_state as TaskView['runnerState']) : 'NONE',
    startedMs: r.started_ms,
    durationMs: r.duration_ms,
    errorMsg: r.error_msg,
    location: r.location_host === null ? null : { host: r.location_host, port: r.location_port ?? -1 },
  };
}

/** The payload without what the scheduler keeps in it for itself (the lock requirement). */
function withoutInternals(payload: Record<string, unknown>): Record<string, unknown> {
  const { __lock: _, ...rest } = payload;
  return rest;
}
