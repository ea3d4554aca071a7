import { intervalToString, type Interval, type LockType } from '../core/types.js';
import type { Db } from './db.js';

/** A time-chunk lock as the store keeps it (one row per task and interval). */
export interface LockRow {
  readonly taskId: string;
  readonly groupId: string;
  readonly dataSource: string;
  readonly interval: Interval;
  readonly type: LockType;
  readonly priority: number;
  readonly version: string;
}

/** Records granted locks, with the pending segment each one reserves, in one transaction. */
export async function insertLocks(db: Db, locks: readonly LockRow[], nowMs: number): Promise<void> {
  if (locks.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('task_locks')
      .values(locks.map((l) => ({
        task_id: l.taskId, group_id: l.groupId, datasource: l.dataSource, start_ms: l.interval.start, end_ms: l.interval.end,
        version: l.version, lock_type: l.type, priority: l.priority, revoked: 0,
      })))
      .execute();
    await trx
      .insertInto('pending_segments')
      .values(locks.map((l) => ({
        id: `${l.dataSource}_${intervalToString(l.interval)}_${l.version}_${l.taskId}`,
        datasource: l.dataSource, start_ms: l.interval.start, end_ms: l.interval.end, version: l.version, task_group: l.groupId, created_ms: nowMs,
      })))
      .execute();
  });
}

/** Removes a task's locks (and its group's pending segments): it gave them up or ended. */
export async function deleteLocks(db: Db, taskId: string, groupId: string): Promise<void> {
  await db.deleteFrom('task_locks').where('task_id', '=', taskId).execute();
  await db.deleteFrom('pending_segments').where('task_group', '=', groupId).execute();
}

/** Every lock held, as the store has them. */
export async function listLocks(db: Db, filter: { dataSource?: string; minPriority?: number } = {}): Promise<LockRow[]> {
  let q = db.selectFrom('task_locks').selectAll();
  if (filter.dataSource !== undefined) q = q.where('datasource', '=', filter.dataSource);
  if (filter.minPriority !== undefined) q = q.where('priority', '>=', filter.minPriority);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    taskId: r.task_id,
    groupId: r.group_id,
    dataSource: r.datasource,
    interval: { start: r.start_ms, end: r.end_ms },
    type: r.lock_type as LockType,
    priority: r.priority,
    version: r.version,
  }));
}

/** The version each interval's used segments carry now (the newest, where several), for appends. */
export async function usedVersions(db: Db, dataSource: string): Promise<Array<{ interval: Interval; version: string }>> {
  const rows = await db.selectFrom('segments').select(['start_ms', 'end_ms', 'version']).where('datasource', '=', dataSource).where('used', '=', 1).execute();
  return rows.map((r) => ({ interval: { start: r.start_ms, end: r.end_ms }, version: r.version }));
}
