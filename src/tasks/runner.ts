import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Interval, LockType, PublishRequest, SegmentRecord } from '../core/types.js';
import type { ChildMessage, ParentMessage } from './protocol.js';

/** How a task process ended, as the scheduler needs to know it. */
export type TaskOutcome =
  | { readonly kind: 'done'; readonly publish?: PublishRequest }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'killed'; readonly reason: string }
  | { readonly kind: 'crashed'; readonly code: number | null; readonly signal: string | null };

export interface RunnerEvents {
  lockRequest(taskId: string, intervals: readonly Interval[], type: LockType): Promise<ReadonlyMap<string, string>>;
  launchWorkers(taskId: string, count: number): Promise<readonly string[]>;
  relay(from: string, to: string, message: unknown): void;
  listSegments(dataSources: readonly string[]): Promise<readonly SegmentRecord[]>;
  report(taskId: string, report: unknown): void;
  /** Called exactly once per started task. */
  finished(taskId: string, outcome: TaskOutcome): void;
}

export interface StartOptions {
  readonly taskId: string;
  readonly dataSource: string;
  readonly task: unknown;
  readonly logFile: string;
  readonly workDir: string;
  readonly deepStorageDir: string;
  readonly resultsDir: string;
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
}

export interface RunnerOptions {
  /** Task slots: at most this many processes run tasks at once, and one more is kept ready. */
  readonly slots: number;
  /** A shut-down task gets this long to stop by itself before it is killed (invariant 6: < 1 s). */
  readonly shutdownGraceMs: number;
  /** A process runs at most this many tasks, so nothing builds up in it. */
  readonly tasksPerProcess: number;
}

/** A process is not reused past this size. */
const MAX_REUSE_RSS = 1024 ** 3;
/** Idle processes beyond the first two end after this long without a task. */
const IDLE_RETIRE_MS = 60_000;
const KEEP_IDLE = 2;
const ENTRY = fileURLToPath(new URL('./task-process.js', import.meta.url));
// Room in argv for the process title `grove-task --task=<id>` (ids are at most 255 characters), so
// `ps` shows which task a process runs.
const TITLE_ROOM = `--title-room=${'.'.repeat(280)}`;

/** A started task process: idle, or running one task. */
interface Host {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  tasksRun: number;
  current: Running | null;
  idleSince: number;
}

interface Running {
  readonly taskId: string;
  readonly logFile: string;
  readonly host: Host;
  outcome?: TaskOutcome;
  killReason?: string;
  /** Set when the process must not run another task after this one. */
  retire: boolean;
}

/**
 * Runs each task in a process of its own, so the HTTP server stays responsive and a kill is clean.
 * Processes are started ahead of need and a process whose task ended by itself may run the next
 * one (it is retired after a shutdown, many tasks or much memory): starting Node and loading
 * DuckDB cost about 300 ms of CPU, more than a small task itself.
 */
export class TaskRunner {
  readonly #running = new Map<string, Running>();
  readonly #idle: Host[] = [];
  readonly #events: RunnerEvents;
  /** Processes alive at most: one per slot, and one ready for the next task. */
  readonly #maxProcesses: number;
  readonly #options: RunnerOptions;
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(events: RunnerEvents, options: RunnerOptions) {
    this.#events = events;
    this.#maxProcesses = options.slots + 1;
    this.#options = options;
    this.#sweeper = setInterval(() => this.#retireIdle(), IDLE_RETIRE_MS / 4);
    this.#sweeper.unref();
  }

  /** Starts a couple of processes, so the first tasks need not wait for one. */
  warmUp(): void {
    while (!this.#closed && this.#idle.length < Math.min(KEEP_IDLE, this.#maxProcesses)) this.#idle.push(this.#fork());
  }

  start(o: StartOptions): void {
    fs.mkdirSync(o.workDir, { recursive: true });
    fs.closeSync(fs.openSync(o.logFile, 'a'));
    const host = this.#idle.pop() ?? this.#fork();
    const entry: Running = { taskId: o.taskId, logFile: o.logFile, host, retire: false };
    host.current = entry;
    host.tasksRun++;
    this.#running.set(o.taskId, entry);
    this.#send(host, {
      kind: 'start',
      taskId: o.taskId,
      dataSource: o.dataSource,
      task: o.task,
      workDir: o.workDir,
      logFile: o.logFile,
      deepStorageDir: o.deepStorageDir,
      resultsDir: o.resultsDir,
      allowedInputDirs: o.allowedInputDirs,
      allowedHttpProtocols: o.allowedHttpProtocols,
    });
    // Keep one process ready for the next task; a finishing task usually hands its own back.
    if (this.#idle.length === 0) {
      setImmediate(() => {
        if (!this.#closed && this.#idle.length === 0 && this.#running.size + 1 <= this.#maxProcesses) this.#idle.push(this.#fork());
      });
    }
  }

  /** Delivers a message to a running task; false when it is not running (or no longer listening). */
  deliver(taskId: string, m: ParentMessage): boolean {
    const entry = this.#running.get(taskId);
    if (!entry || entry.outcome !== undefined || !entry.host.child.connected) return false;
    entry.host.child.send(m);
    return true;
  }

  isRunning(taskId: string): boolean {
    return this.#running.has(taskId);
  }

  /** Asks the task to stop, kills it after a grace period; resolves when its process is gone. */
  async shutdown(taskId: string, reason: string): Promise<void> {
    const entry = this.#running.get(taskId);
    if (!entry) return;
    const { child, exited } = entry.host;
    entry.retire = true;
    // A task that already reported its outcome keeps it; a shutdown cannot un-finish it.
    if (entry.outcome === undefined) entry.killReason ??= reason;
    if (child.connected) child.send({ kind: 'shutdown' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), this.#options.shutdownGraceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the idle processes; running ones are the scheduler's to shut down. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const host of this.#idle.splice(0)) if (host.child.connected) host.child.disconnect();
  }

  #send(host: Host, m: ParentMessage): void {
    if (host.child.connected) host.child.send(m);
  }

  #fork(): Host {
    // stdout/stderr carry only what the task's own log does not (a native library's complaint).
    const child = fork(ENTRY, [TITLE_ROOM], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [], serialization: 'advanced' });
    const host: Host = { child, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())), tasksRun: 0, current: null, idleSince: Date.now() };
    const stray = (chunk: Buffer): void => {
      const entry = host.current;
      if (entry) fs.appendFile(entry.logFile, chunk, () => {});
    };
    child.stdout?.on('data', stray);
    child.stderr?.on('data', stray);
    child.on('message', (m: ChildMessage) => this.#receive(host, m));
    child.once('exit', (code, signal) => {
      const idleAt = this.#idle.indexOf(host);
      if (idleAt >= 0) this.#idle.splice(idleAt, 1);
      const entry = host.current;
      host.current = null;
      if (!entry) return;
      this.#running.delete(entry.taskId);
      const outcome: TaskOutcome = entry.killReason !== undefined
        ? { kind: 'killed', reason: entry.killReason }
        : entry.outcome ?? { kind: 'crashed', code, signal };
      this.#events.finished(entry.taskId, outcome);
    });
    return host;
  }

  #receive(host: Host, m: ChildMessage): void {
    const entry = host.current;
    if (!entry) return;
    const id = entry.taskId;
    const send = (reply: ParentMessage): void => {
      if (host.current === entry) this.#send(host, reply);
    };
    switch (m.kind) {
      case 'report':
        this.#events.report(id, m.report);
        break;
      case 'acquireLocks':
        this.#events.lockRequest(id, m.intervals, m.type).then(
          (versions) => send({ kind: 'locksGranted', requestId: m.requestId, versions: [...versions] }),
          (e: Error) => send({ kind: 'locksRefused', requestId: m.requestId, error: e.message }),
        );
        break;
      case 'launchWorkers':
        this.#events.launchWorkers(id, m.count).then(
          (ids) => send({ kind: 'workersLaunched', requestId: m.requestId, ids }),
          (e: Error) => send({ kind: 'workersRefused', requestId: m.requestId, error: e.message }),
        );
        break;
      case 'relay':
        this.#events.relay(id, m.to, m.message);
        break;
      case 'listSegments':
        // A failed read ends the task: it cannot know what to read.
        this.#events.listSegments(m.dataSources).then(
          (segments) => send({ kind: 'segments', requestId: m.requestId, segments }),
          () => host.child.kill('SIGKILL'),
        );
        break;
      case 'done':
      case 'failed':
        entry.outcome ??= m.kind === 'done' ? { kind: 'done', publish: m.publish } : { kind: 'failed', error: m.error };
        this.#settle(host, entry, m.rssBytes < MAX_REUSE_RSS);
        break;
    }
  }

  /**
   * The task has answered. A process whose task ended by itself (done, or failed by throwing), and
   * that is not too old or too big, goes back to the idle ones; one that was shut down ends, and
   * the task is finished when the process is gone.
   */
  #settle(host: Host, entry: Running, clean: boolean): void {
    const reuse = clean && !entry.retire && entry.killReason === undefined && !this.#closed
      && host.tasksRun < this.#options.tasksPerProcess && this.#running.size + this.#idle.length <= this.#maxProcesses;
    if (!reuse) {
      if (host.child.connected) host.child.disconnect();
      return;
    }
    host.current = null;
    host.idleSince = Date.now();
    this.#running.delete(entry.taskId);
    this.#idle.push(host);
    this.#events.finished(entry.taskId, entry.outcome as TaskOutcome);
  }

  /** Ends processes that have waited long for a task, down to the two kept ready. */
  #retireIdle(): void {
    const now = Date.now();
    for (const host of [...this.#idle]) {
      if (this.#idle.length <= KEEP_IDLE) break;
      if (now - host.idleSince < IDLE_RETIRE_MS) continue;
      this.#idle.splice(this.#idle.indexOf(host), 1);
      if (host.child.connected) host.child.disconnect();
    }
  }
}
