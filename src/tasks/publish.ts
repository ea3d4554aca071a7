import fs from 'node:fs';
import path from 'node:path';
import { contains, segmentId, type Interval, type PublishRequest } from '../core/types.js';
import { GroveError } from '../errors/catalogue.js';
import type { Db } from '../store/db.js';
import type { HeldLock } from './lockbox.js';

export interface TaskEnd {
  readonly taskId: string;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly errorMsg: string | null;
  readonly startedMs: number | null;
  readonly endedMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Where a segment lives under deep storage: `<ds>/<start>_<end>/<version>/<partitionNum>.parquet`. */
export function segmentRelativePath(dataSource: string, interval: Interval, version: string, partitionNum: number): string {
  return path.join(dataSource, `${iso(interval.start)}_${iso(interval.end)}`, version, `${partitionNum}.parquet`);
}

/** Ends a task in the store: status, duration, and its locks and pending segments gone. */
export async function recordTaskEnd(db: Db, end: TaskEnd, groupId: string): Promise<void> {
  await db
    .updateTable('tasks')
    .set({
      status: end.status,
      runner_state: 'NONE',
      error_msg: end.errorMsg,
      ended_ms: end.endedMs,
      duration_ms: end.startedMs === null ? 0 : end.endedMs - end.startedMs,
    })
    .where('id', '=', end.taskId)
    .execute();
  await db.deleteFrom('task_locks').where('task_id', '=', end.taskId).execute();
  await db.deleteFrom('pending_segments').where('task_group', '=', groupId).execute();
}

/**
 * Publishes a task's segments and records its success in ONE metadata transaction (invariant 1):
 * the segments become visible exactly when the task becomes SUCCESS. Files move into deep storage
 * first; if the transaction fails they are moved away again, so nothing half-published remains.
 */
export async function publishAndSucceed(
  db: Db,
  deepStorageDir: string,
  req: PublishRequest,
  locks: readonly HeldLock[],
  end: TaskEnd,
  groupId: string,
): Promise<number> {
  for (const seg of req.segments) {
    const lock = locks.find((l) => contains(l.interval, seg.interval) && l.version === seg.version);
    if (!lock) {
      throw new GroveError('runtimeFailure', `Segment for interval [${iso(seg.interval.start)}/${iso(seg.interval.end)}] version [${seg.version}] is not covered by a valid lock; it may have been revoked`);
    }
  }
  const moved: string[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      const nextPartition = new Map<string, number>();
      for (const seg of req.segments) {
        const key = `${seg.interval.start}_${seg.interval.end}_${seg.version}`;
        let partitionNum = nextPartition.get(key);
        if (partitionNum === undefined) {
          const row = await trx
            .selectFrom('segments')
            .select((eb) => eb.fn.max('partition_num').as('max'))
            .where('datasource', '=', req.dataSource)
            .where('start_ms', '=', seg.interval.start)
            .where('end_ms', '=', seg.interval.end)
            .where('version', '=', seg.version)
            .executeTakeFirst();
          partitionNum = row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
        }
        nextPartition.set(key, partitionNum + 1);
        const rel = segmentRelativePath(req.dataSource, seg.interval, seg.version, partitionNum);
        const abs = path.join(deepStorageDir, rel);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.renameSync(seg.localPath, abs);
        moved.push(abs);
        await trx
          .insertInto('segments')
          .values({
            id: segmentId(req.dataSource, seg.interval, seg.version, partitionNum),
            datasource: req.dataSource,
            start_ms: seg.interval.start,
            end_ms: seg.interval.end,
            version: seg.version,
            partition_num: partitionNum,
            path: rel,
            size: seg.size,
            num_rows: seg.numRows,
            used: 1,
            schema_json: JSON.stringify({ dimensions: seg.dimensions, metrics: seg.metrics, columns: seg.columns }),
            created_ms: end.endedMs,
            task_id: end.taskId,
          })
          .execute();
      }
      // dropExisting: older segments inside the replaced intervals go even where no new data landed.
      const newest = locks.reduce((v, l) => (l.version > v ? l.version : v), '');
      for (const drop of req.dropIntervals) {
        await trx
          .updateTable('segments')
          .set({ used: 0 })
          .where('datasource', '=', req.dataSource)
          .where('used', '=', 1)
          .where('start_ms', '>=', drop.start)
          .where('end_ms', '<=', drop.end)
          .where('version', '<', newest)
          .where('task_id', '<>', end.taskId)
          .execute();
      }
      await recordTaskEnd(trx, end, groupId);
    });
  } catch (e) {
    for (const file of moved) fs.rmSync(file, { force: true });
    throw e;
  }
  return req.segments.length;
}
