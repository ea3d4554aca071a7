import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { faultPoint } from '../core/fault-points.js';
import { contains, segmentId, type Interval, type PublishRequest } from '../core/types.js';
import { GroveError } from '../core/errors.js';
import type { Db } from '../store/db.js';
import { deleteLocks } from '../store/locks.js';
import type { HeldLock } from './lockbox.js';

export interface TaskEnd {
  readonly taskId: string;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly errorMsg: string | null;
  readonly startedMs: number | null;
  readonly endedMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Where a segment file lives under deep storage: `<ds>/<start>_<end>/<version>/<name>.parquet`.
 * The name is unique to one publish, so a file is never overwritten and a path never reused (the
 * query engine caches Parquet metadata by path).
 */
export function segmentRelativePath(dataSource: string, interval: Interval, version: string, name: string): string {
  return path.join(dataSource, `${iso(interval.start)}_${iso(interval.end)}`, version, `${name}.parquet`);
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
  await deleteLocks(db, end.taskId, groupId);
}

/**
 * Publishes a task's segments and records its success in ONE metadata transaction (invariant 1):
 * the segments become visible exactly when the task becomes SUCCESS.
 *
 * The files move into deep storage first, under names of this publish alone, so no file is ever
 * visible without its committed row: if the transaction fails they are removed again, and if the
 * process dies before the commit, start-up removes files no row points to (sweepOrphanSegments).
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
  const token = randomBytes(6).toString('hex');
  const placed: string[] = [];
  try {
    for (const [k, seg] of req.segments.entries()) {
      const rel = segmentRelativePath(req.dataSource, seg.interval, seg.version, `${k}_${token}`);
      const abs = path.join(deepStorageDir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.renameSync(seg.localPath, abs);
      placed.push(rel);
    }
    await faultPoint('publish.after-move');
    await db.transaction().execute(async (trx) => {
      await lockDataSourceForPublish(trx, req.dataSource, end.endedMs);
      const nextPartition = new Map<string, number>();
      for (const [k, seg] of req.segments.entries()) {
        const key = `${seg.interval.start}_${seg.interval.end}_${seg.version}`;
        const partitionNum = nextPartition.get(key) ?? (await nextPartitionNum(trx, req.dataSource, seg.interval, seg.version));
        nextPartition.set(key, partitionNum + 1);
        await trx
          .insertInto('segments')
          .values({
            id: segmentId(req.dataSource, seg.interval, seg.version, partitionNum),
            datasource: req.dataSource,
            start_ms: seg.interval.start,
            end_ms: seg.interval.end,
            version: seg.version,
            partition_num: partitionNum,
            path: placed[k],
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
      await faultPoint('publish.before-commit');
    });
  } catch (e) {
    for (const rel of placed) fs.rmSync(path.join(deepStorageDir, rel), { force: true });
    throw e;
  }
  await faultPoint('publish.after-commit');
  return req.segments.length;
}

/**
 * Takes the datasource's publish row lock for the rest of the transaction: two appends into one
 * time chunk then read the highest partition number one after the other, never the same one.
 */
async function lockDataSourceForPublish(trx: Db, dataSource: string, nowMs: number): Promise<void> {
  await trx
    .insertInto('datasource_publishes')
    .values({ datasource: dataSource, publishes: 1, updated_ms: nowMs })
    .onConflict((oc) => oc.column('datasource').doUpdateSet((eb) => ({ publishes: eb('datasource_publishes.publishes', '+', 1), updated_ms: nowMs })))
    .execute();
}

async function nextPartitionNum(trx: Db, dataSource: string, interval: Interval, version: string): Promise<number> {
  const row = await trx
    .selectFrom('segments')
    .select((eb) => eb.fn.max('partition_num').as('max'))
    .where('datasource', '=', dataSource)
    .where('start_ms', '=', interval.start)
    .where('end_ms', '=', interval.end)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

/**
 * Removes files under deep storage that no segment row points to: what a publish moved in before
 * the process died ahead of its commit. Runs at start-up, before any task can publish.
 */
export async function sweepOrphanSegments(db: Db, deepStorageDir: string): Promise<string[]> {
  if (!fs.existsSync(deepStorageDir)) return [];
  const known = new Set((await db.selectFrom('segments').select('path').execute()).map((r) => path.normalize(r.path)));
  const removed: string[] = [];
  const walk = (dir: string): boolean => {
    let empty = true;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (walk(abs)) fs.rmdirSync(abs);
        else empty = false;
      } else if (known.has(path.relative(deepStorageDir, abs))) {
        empty = false;
      } else {
        fs.rmSync(abs, { force: true });
        removed.push(path.relative(deepStorageDir, abs));
      }
    }
    return empty;
  };
  walk(deepStorageDir);
  return removed;
}
