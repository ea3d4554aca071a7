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

/** A shut-down task gets this long to stop by itself before it is killed (invariant 6: < 1 s). */
const GRACE_MS = 600;
const ENTRY = fileURLToPath(new URL('./task-process.js', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  outcome?: TaskOutcome;
  killReason?: string;
  readonly exited: Promise<void>;
}

/** Runs each task in its own Node process, so the HTTP server stays responsive and a kill is clean. */
export class TaskRunner {
  readonly #running = new Map<string, Running>();
  readonly #events: RunnerEvents;

  constructor(events: RunnerEvents) {
    this.#events = events;
  }

  start(o: StartOptions): void {
    fs.mkdirSync(o.workDir, { recursive: true });
    const logFd = fs.openSync(o.logFile, 'a');
    // The task id in argv shows in `ps`, so an operator can tell which process runs which task.
    const child = fork(ENTRY, [`--task=${o.taskId}`], { stdio: ['ignore', logFd, logFd, 'ipc'], execArgv: [], serialization: 'advanced' });
    fs.closeSync(logFd);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const entry: Running = { child, exited };
    this.#running.set(o.taskId, entry);

    const send = (m: ParentMessage): void => {
      if (child.connected) child.send(m);
    };
    child.on('message', (m: ChildMessage) => {
      switch (m.kind) {
        case 'report':
          this.#events.report(o.taskId, m.report);
          break;
        case 'acquireLocks':
          this.#events.lockRequest(o.taskId, m.intervals, m.type).then(
            (versions) => send({ kind: 'locksGranted', requestId: m.requestId, versions: [...versions] }),
            (e: Error) => send({ kind: 'locksRefused', requestId: m.requestId, error: e.message }),
          );
          break;
        case 'launchWorkers':
          this.#events.launchWorkers(o.taskId, m.count).then(
            (ids) => send({ kind: 'workersLaunched', requestId: m.requestId, ids }),
            (e: Error) => send({ kind: 'workersRefused', requestId: m.requestId, error: e.message }),
          );
          break;
        case 'relay':
          this.#events.relay(o.taskId, m.to, m.message);
          break;
        case 'listSegments':
          // A failed read ends the task: it cannot know what to read.
          this.#events.listSegments(m.dataSources).then(
            (segments) => send({ kind: 'segments', requestId: m.requestId, segments }),
            () => child.kill('SIGKILL'),
          );
          break;
        case 'done':
        case 'failed':
          entry.outcome ??= m;
          // The work is over; the process has nothing left to do.
          child.disconnect();
          break;
      }
    });
    child.once('exit', (code, signal) => {
      this.#running.delete(o.taskId);
      const outcome: TaskOutcome = entry.killReason !== undefined
        ? { kind: 'killed', reason: entry.killReason }
        : entry.outcome ?? { kind: 'crashed', code, signal };
      this.#events.finished(o.taskId, outcome);
    });
    send({
      kind: 'start',
      taskId: o.taskId,
      dataSource: o.dataSource,
      task: o.task,
      workDir: o.workDir,
      deepStorageDir: o.deepStorageDir,
      resultsDir: o.resultsDir,
      allowedInputDirs: o.allowedInputDirs,
      allowedHttpProtocols: o.allowedHttpProtocols,
    });
  }

  /** Delivers a message to a running task; false when it is not running (or no longer listening). */
  deliver(taskId: string, m: ParentMessage): boolean {
    const child = this.#running.get(taskId)?.child;
    if (!child?.connected) return false;
    child.send(m);
    return true;
  }

  isRunning(taskId: string): boolean {
    return this.#running.has(taskId);
  }

  pid(taskId: string): number | undefined {
    return this.#running.get(taskId)?.child.pid;
  }

  /** Asks the task to stop, kills it after a grace period; resolves when the process is gone. */
  async shutdown(taskId: string, reason: string): Promise<void> {
    const entry = this.#running.get(taskId);
    if (!entry) return;
    // A task that already reported its outcome keeps it; a shutdown cannot un-finish it.
    if (entry.outcome === undefined) entry.killReason ??= reason;
    if (entry.child.connected) entry.child.send({ kind: 'shutdown' } satisfies ParentMessage);
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), GRACE_MS);
    await entry.exited;
    clearTimeout(timer);
  }
}
