import fs from 'node:fs';
import type { Services } from '../server/services.js';
import { getTask } from '../store/tasks.js';
import { isSafeTaskId } from '../tasks/paths.js';
import type { StatementState, StatementTask } from './statement.js';

/**
 * Finds the controller task behind a statement id: in the queue while it waits or runs, in the
 * metadata store once it ended. Anything else (unknown id, a task of another type) is no statement.
 */
export async function findStatement(s: Services, id: string): Promise<StatementTask | null> {
  if (!isSafeTaskId(id)) return null;
  const active = s.queue.get(id);
  if (active) {
    if (active.desc.type !== 'query_controller') return null;
    // Druid: a task the overlord runs but has not placed yet is ACCEPTED.
    const state: StatementState = active.runnerState === 'RUNNING' ? 'RUNNING' : 'ACCEPTED';
    return {
      id, state, createdMs: active.createdMs, durationMs: -1, errorMsg: null,
      payload: active.desc.payload, report: active.liveReport, resultsDir: s.paths.resultsDir(id),
    };
  }
  const row = await getTask(s.db, id);
  if (!row || row.type !== 'query_controller') return null;
  const { __lock: _, ...payload } = JSON.parse(row.payload) as Record<string, unknown>;
  let report: unknown;
  try {
    report = JSON.parse(fs.readFileSync(s.paths.reportFile(id), 'utf8'));
  } catch {
    report = undefined;
  }
  const state: StatementState = row.status === 'SUCCESS' ? 'SUCCESS' : row.status === 'FAILED' ? 'FAILED' : 'ACCEPTED';
  return {
    id, state, createdMs: row.created_ms, durationMs: row.duration_ms ?? -1, errorMsg: row.error_msg,
    payload, report, resultsDir: s.paths.resultsDir(id),
  };
}
