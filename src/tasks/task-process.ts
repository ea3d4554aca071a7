/**
 * Entry point of a task process. The scheduler keeps a few of these started (runner.ts), hands one
 * a task at a time, and may hand it another once a task has ended by itself; DuckDB work, a crash or a
 * hard kill never touches the HTTP server. Each task writes its own log file.
 */
import fs from 'node:fs';
import type { Interval, LockType, PublishRequest, SegmentRecord } from '../core/types.js';
import type { ChildMessage, ParentMessage, StartMessage } from './protocol.js';
import type { TaskContext } from '../core/task-context.js';
import { kindOf, preloadKinds } from '../kinds/index.js';

process.title = 'grove-task (idle)';

interface Waiter<T> {
  readonly resolve: (v: T) => void;
  readonly reject: (e: Error) => void;
}

/** One task's life in this process: its log, its pending requests to the scheduler, its stop and shutdown. */
class Session {
  readonly controller = new AbortController();
  readonly waiters = new Map<number, Waiter<never>>();
  readonly messageHandlers: Array<(from: string, message: unknown) => void> = [];
  readonly stopHandlers: Array<() => void> = [];
  stopRequested = false;
  /** Cleared when the task has answered: anything it still tries to say is dropped. */
  open = true;
  readonly #logFd: number;

  constructor(readonly start: StartMessage) {
    this.#logFd = fs.openSync(start.logFile, 'a');
  }

  send(m: ChildMessage): void {
    if (this.open) process.send?.(m);
  }

  log(level: string, message: string): void {
    // Druid's task log line format: `2023-07-03T22:11:17,891 INFO [thread] logger - message`.
    const ts = new Date().toISOString().replace('.', ',').replace('Z', '');
    this.write(`${ts} ${level} [task-runner-0] grove.task - ${message}\n`);
  }

  write(text: string): void {
    // Late words of an ended task (a callback that outlived it) go nowhere, not into a closed file.
    if (this.open) fs.writeSync(this.#logFd, text);
  }

  request<T>(make: (requestId: number) => ChildMessage): Promise<T> {
    const requestId = nextRequest++;
    return new Promise<T>((resolve, reject) => {
      this.waiters.set(requestId, { resolve, reject } as Waiter<never>);
      this.send(make(requestId));
    });
  }

  answer(requestId: number, settle: (w: Waiter<never>) => void): void {
    const w = this.waiters.get(requestId);
    this.waiters.delete(requestId);
    if (w) settle(w);
  }

  close(): void {
    this.open = false;
    fs.closeSync(this.#logFd);
  }
}

let nextRequest = 1;
let session: Session | null = null;

function makeContext(s: Session): TaskContext {
  const start = s.start;
  return {
    taskId: start.taskId,
    dataSource: start.dataSource,
    workDir: start.workDir,
    deepStorageDir: start.deepStorageDir,
    resultsDir: start.resultsDir,
    allowedInputDirs: start.allowedInputDirs,
    allowedHttpProtocols: start.allowedHttpProtocols,
    signal: s.controller.signal,
    log: (level, message) => s.log(level, message),
    report: (report) => s.send({ kind: 'report', report }),
    acquireLocks: (intervals: readonly Interval[], type: LockType) =>
      s.request<Map<string, string>>((requestId) => ({ kind: 'acquireLocks', requestId, intervals, type })),
    launchWorkers: (count: number) => s.request<readonly string[]>((requestId) => ({ kind: 'launchWorkers', requestId, count })),
    listSegments: (dataSources: readonly string[]) => s.request<readonly SegmentRecord[]>((requestId) => ({ kind: 'listSegments', requestId, dataSources })),
    onStop: (handler) => {
      s.stopHandlers.push(handler);
      // A stop that arrived before the task got this far still counts.
      if (s.stopRequested) handler();
    },
    send: (to, message) => s.send({ kind: 'relay', to, message }),
    onMessage: (handler) => {
      s.messageHandlers.push(handler);
    },
  };
}

async function run(s: Session): Promise<PublishRequest | undefined> {
  const task = s.start.task as Record<string, unknown>;
  s.log('INFO', `Running task[${s.start.taskId}] of type[${String(task.type)}]`);
  // The kind's code is loaded on demand: DuckDB costs start-up time a noop task need not pay.
  const work = await kindOf(String(task.type)).load();
  return work(task, makeContext(s));
}

function begin(start: StartMessage): void {
  const s = new Session(start);
  session = s;
  process.title = `grove-task --task=${start.taskId}`;
  run(s).then(
    (publish) => {
      s.log('INFO', `Task[${start.taskId}] finished its work${publish ? `; ${publish.segments.length} segment(s) to publish` : ''}`);
      s.send({ kind: 'done', publish, rssBytes: process.memoryUsage.rss() });
      end(s);
    },
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      s.log('ERROR', `Task[${start.taskId}] failed: ${message}`);
      if (e instanceof Error && e.stack) s.write(`${e.stack}\n`);
      s.send({ kind: 'failed', error: message, rssBytes: process.memoryUsage.rss() });
      end(s);
    },
  );
}

function end(s: Session): void {
  s.close();
  if (session === s) session = null;
  process.title = 'grove-task (idle)';
}

process.on('message', (m: ParentMessage) => {
  if (m.kind === 'start') {
    begin(m);
    return;
  }
  const s = session;
  if (s === null) return;
  switch (m.kind) {
    case 'locksGranted':
      s.answer(m.requestId, (w) => w.resolve(new Map(m.versions) as never));
      break;
    case 'workersLaunched':
      s.answer(m.requestId, (w) => w.resolve(m.ids as never));
      break;
    case 'segments':
      s.answer(m.requestId, (w) => w.resolve(m.segments as never));
      break;
    case 'locksRefused':
    case 'workersRefused':
      s.answer(m.requestId, (w) => w.reject(new Error(m.error)));
      break;
    case 'stop':
      s.log('INFO', 'Stop requested: finishing with the input read so far');
      if (!s.stopRequested) {
        s.stopRequested = true;
        for (const h of s.stopHandlers) h();
      }
      break;
    case 'relayed':
      for (const h of s.messageHandlers) h(m.from, m.message);
      break;
    case 'shutdown':
      s.log('INFO', 'Shutdown requested; stopping');
      s.controller.abort(new Error('Shutdown request from user'));
      for (const w of s.waiters.values()) w.reject(new Error('Shutdown request from user'));
      s.waiters.clear();
      break;
  }
});

// If the scheduler dies, a task must not run on unsupervised: its output could never be published.
process.on('disconnect', () => process.exit(1));

// A promise nobody waits for cannot change a task's outcome; one left behind by an earlier task
// (a download raced by a failure) must not end the process running the next. It is logged.
process.on('unhandledRejection', (e) => {
  session?.log('WARN', `Unhandled rejection, ignored: ${e instanceof Error ? e.message : String(e)}`);
});

// An idle process loads what tasks need while it waits, so a task does not pay for it.
setImmediate(() => void preloadKinds().catch(() => undefined));
