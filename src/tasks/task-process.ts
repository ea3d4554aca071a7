/**
 * Entry point of a task process. The scheduler forks one per running task so that DuckDB work,
 * a crash or a hard kill never touches the HTTP server. stdout/stderr are the task log file.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Interval, LockType, PublishRequest, SegmentRecord } from '../core/types.js';
import type { ChildMessage, ParentMessage, StartMessage } from './protocol.js';
import type { TaskContext } from './task-context.js';

const send = (m: ChildMessage): void => {
  process.send?.(m);
};

function logLine(level: string, message: string): void {
  // Druid's task log line format: `2023-07-03T22:11:17,891 INFO [thread] logger - message`.
  const ts = new Date().toISOString().replace('.', ',').replace('Z', '');
  process.stdout.write(`${ts} ${level} [task-runner-0] grove.task - ${message}\n`);
}

const controller = new AbortController();
const lockWaiters = new Map<number, { resolve: (v: Map<string, string>) => void; reject: (e: Error) => void }>();
const workerWaiters = new Map<number, { resolve: (ids: readonly string[]) => void; reject: (e: Error) => void }>();
const segmentWaiters = new Map<number, { resolve: (s: readonly SegmentRecord[]) => void; reject: (e: Error) => void }>();
const messageHandlers: Array<(from: string, message: unknown) => void> = [];
const stopHandlers: Array<() => void> = [];
let stopRequested = false;
let nextRequest = 1;

function makeContext(start: StartMessage): TaskContext {
  return {
    taskId: start.taskId,
    dataSource: start.dataSource,
    workDir: start.workDir,
    deepStorageDir: start.deepStorageDir,
    resultsDir: start.resultsDir,
    allowedInputDirs: start.allowedInputDirs,
    allowedHttpProtocols: start.allowedHttpProtocols,
    signal: controller.signal,
    log: logLine,
    report: (report) => send({ kind: 'report', report }),
    acquireLocks(intervals: readonly Interval[], type: LockType) {
      const requestId = nextRequest++;
      return new Promise((resolve, reject) => {
        lockWaiters.set(requestId, { resolve, reject });
        send({ kind: 'acquireLocks', requestId, intervals, type });
      });
    },
    launchWorkers(count: number) {
      const requestId = nextRequest++;
      return new Promise((resolve, reject) => {
        workerWaiters.set(requestId, { resolve, reject });
        send({ kind: 'launchWorkers', requestId, count });
      });
    },
    listSegments(dataSources: readonly string[]) {
      const requestId = nextRequest++;
      return new Promise((resolve, reject) => {
        segmentWaiters.set(requestId, { resolve, reject });
        send({ kind: 'listSegments', requestId, dataSources });
      });
    },
    onStop: (handler) => {
      stopHandlers.push(handler);
      // A stop that arrived before the task got this far still counts.
      if (stopRequested) handler();
    },
    send: (to, message) => send({ kind: 'relay', to, message }),
    onMessage: (handler) => {
      messageHandlers.push(handler);
    },
  };
}

async function runNoop(task: Record<string, unknown>, ctx: TaskContext): Promise<undefined> {
  const runTime = typeof task.runTime === 'number' ? task.runTime : 2500;
  ctx.log('INFO', `Running noop task for ${runTime} ms`);
  await sleep(runTime, undefined, { signal: ctx.signal });
  ctx.log('INFO', 'Noop task finished');
  return undefined;
}

async function run(start: StartMessage): Promise<PublishRequest | undefined> {
  const ctx = makeContext(start);
  const task = start.task as Record<string, unknown>;
  logLine('INFO', `Running task[${start.taskId}] of type[${String(task.type)}]`);
  if (task.type === 'noop') return runNoop(task, ctx);
  if (task.type === 'query_controller') return (await import('../msq/controller.js')).runController(task, ctx);
  if (task.type === 'query_worker') return (await import('../msq/worker.js')).runWorker(task, ctx);
  // Loaded on demand: DuckDB and the ingestion code cost start-up time a noop task need not pay.
  const [{ parseIndexTask }, { runNativeIndexTask }] = await Promise.all([import('../ingest/spec.js'), import('../ingest/run.js')]);
  return runNativeIndexTask(parseIndexTask(task), ctx);
}

process.on('message', (m: ParentMessage) => {
  switch (m.kind) {
    case 'start':
      run(m).then(
        (publish) => {
          logLine('INFO', `Task[${m.taskId}] finished its work${publish ? `; ${publish.segments.length} segment(s) to publish` : ''}`);
          send({ kind: 'done', publish });
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          logLine('ERROR', `Task[${m.taskId}] failed: ${message}`);
          if (e instanceof Error && e.stack) process.stdout.write(`${e.stack}\n`);
          send({ kind: 'failed', error: message });
        },
      );
      break;
    case 'locksGranted':
      lockWaiters.get(m.requestId)?.resolve(new Map(m.versions));
      lockWaiters.delete(m.requestId);
      break;
    case 'locksRefused':
      lockWaiters.get(m.requestId)?.reject(new Error(m.error));
      lockWaiters.delete(m.requestId);
      break;
    case 'workersLaunched':
      workerWaiters.get(m.requestId)?.resolve(m.ids);
      workerWaiters.delete(m.requestId);
      break;
    case 'workersRefused':
      workerWaiters.get(m.requestId)?.reject(new Error(m.error));
      workerWaiters.delete(m.requestId);
      break;
    case 'segments':
      segmentWaiters.get(m.requestId)?.resolve(m.segments);
      segmentWaiters.delete(m.requestId);
      break;
    case 'stop':
      logLine('INFO', 'Stop requested: finishing with the input read so far');
      if (!stopRequested) {
        stopRequested = true;
        for (const h of stopHandlers) h();
      }
      break;
    case 'relayed':
      for (const h of messageHandlers) h(m.from, m.message);
      break;
    case 'shutdown':
      logLine('INFO', 'Shutdown requested; stopping');
      controller.abort(new Error('Shutdown request from user'));
      for (const w of [...lockWaiters.values(), ...workerWaiters.values(), ...segmentWaiters.values()]) w.reject(new Error('Shutdown request from user'));
      lockWaiters.clear();
      workerWaiters.clear();
      segmentWaiters.clear();
      break;
  }
});

// If the scheduler dies, a task must not run on unsupervised: its output could never be published.
process.on('disconnect', () => process.exit(1));
