import fs from 'node:fs';
import type { TaskDescription } from '../core/task-kind.js';
import type { Db } from '../store/db.js';
import { listActiveTasks, updateTask } from '../store/tasks.js';
import type { DataPaths } from './paths.js';
import { recordTaskEnd } from './publish.js';
import type { TaskFiles } from './task-files.js';

/** A task to queue again after a restart. */
export interface Requeued {
  readonly desc: TaskDescription;
  readonly createdMs: number;
}

/**
 * After a (possibly unclean) stop, every task the store says has not ended is settled (invariant
 * 2): one that was running died with the old process, and nothing it wrote was published, so it
 * ends FAILED; a member of a group (an MSQ worker) cannot outlive its leader, so it ends FAILED too;
 * the others go back to waiting, to be scheduled again.
 */
export async function recoverTasks(db: Db, paths: DataPaths, files: TaskFiles): Promise<Requeued[]> {
  const now = Date.now();
  const requeued: Requeued[] = [];
  for (const row of await listActiveTasks(db)) {
    const lost = row.runner_state === 'RUNNING'
      ? 'Task was running when Grove stopped; it was not completed and nothing it wrote was published'
      : row.group_id !== row.id ? `Its controller task[${row.group_id}] did not survive a restart of Grove; the worker never ran` : null;
    if (lost !== null) {
      fs.rmSync(paths.workDir(row.id), { recursive: true, force: true });
      files.appendLog(row.id, 'ERROR', lost);
      await db.transaction().execute((trx) => recordTaskEnd(trx, { taskId: row.id, status: 'FAILED', errorMsg: lost, startedMs: row.started_ms, endedMs: now }, row.group_id));
      files.writeReport(row.id, row.type, lost, undefined);
      continue;
    }
    await updateTask(db, row.id, { runner_state: 'WAITING' });
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    requeued.push({
      desc: {
        id: row.id,
        groupId: row.group_id,
        type: row.type,
        dataSource: row.datasource,
        priority: row.priority,
        lock: (payload.__lock as TaskDescription['lock'] | undefined) ?? null,
        payload,
      },
      createdMs: row.created_ms,
    });
  }
  return requeued;
}
