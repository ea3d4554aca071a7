import { checkTaskId } from '../core/checks.js';
import type { TaskDescription, TaskKind } from '../core/task-kind.js';
import { zeroRowStats } from './report.js';
import { defaultTaskId, lockRequirement, parseIndexTask, taskPayload, validateInputAccess } from './spec.js';

/**
 * Druid's native batch ingestion (`index_parallel`, and `index`, which Grove runs the same way):
 * the spec is parsed on submit, the work runs on DuckDB in the task process.
 */

interface IngestionReport {
  ingestionStatsAndErrors: {
    payload: { ingestionState: string; rowStats: Record<string, unknown>; errorMsg: string | null; [k: string]: unknown };
  };
}

const isIngestionReport = (r: unknown): r is IngestionReport => typeof r === 'object' && r !== null && 'ingestionStatsAndErrors' in r;

/**
 * Druid's `ingestionStatsAndErrors` completion report (reference §4.6) from the last live one. It
 * says COMPLETED only here, for a task that succeeded: its segments were published in the same
 * transaction. A task that failed before reporting anything gets a NOT_STARTED one.
 */
function finalReport(taskId: string, errorMsg: string | null, live: unknown): unknown {
  if (isIngestionReport(live)) {
    const report = structuredClone(live);
    const payload = report.ingestionStatsAndErrors.payload;
    const stats = payload.rowStats as { totals?: { buildSegments?: unknown } };
    if (stats.totals !== undefined) {
      // A live report carries moving averages and totals; a completed one carries the totals.
      payload.rowStats = { buildSegments: stats.totals.buildSegments ?? zeroRowStats() };
    }
    if (errorMsg === null) payload.ingestionState = 'COMPLETED';
    else payload.errorMsg = errorMsg;
    return report;
  }
  return {
    ingestionStatsAndErrors: {
      type: 'ingestionStatsAndErrors',
      taskId,
      payload: {
        ingestionState: 'NOT_STARTED',
        unparseableEvents: {},
        rowStats: { buildSegments: zeroRowStats() },
        errorMsg,
        segmentAvailabilityConfirmed: false,
        segmentAvailabilityWaitTimeMs: 0,
        recordsProcessed: null,
      },
    },
  };
}

function nativeKind(type: 'index_parallel' | 'index'): TaskKind {
  return {
    type,
    describe(body, options): TaskDescription {
      const task = parseIndexTask(body);
      validateInputAccess(task, options.allowedInputDirs, options.allowedHttpProtocols);
      const id = checkTaskId(body.id) ?? defaultTaskId(task);
      const req = lockRequirement(task);
      return {
        id,
        groupId: id,
        type: task.type,
        dataSource: task.dataSource,
        priority: task.priority,
        lock: { type: req.type, intervals: req.intervals },
        payload: taskPayload(task, id, id),
      };
    },
    async load() {
      const [{ parseIndexTask: parse }, { runNativeIndexTask }] = await Promise.all([import('./spec.js'), import('./run.js')]);
      return (task, ctx) => runNativeIndexTask(parse(task), ctx);
    },
    finalReport,
  };
}

export const indexParallelKind = nativeKind('index_parallel');
export const indexKind = nativeKind('index');
