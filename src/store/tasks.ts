import type { Selectable, Updateable } from 'kysely';
import type { Db } from './db.js';
import type { TasksTable } from './schema.js';

export type TaskRow = Selectable<TasksTable>;

export interface CompleteTaskFilter {
  readonly dataSource?: string;
  readonly type?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  /** Only tasks that ended at or after this time (Druid's recentlyFinishedThreshold). */
  readonly endedSince?: number;
  readonly max?: number;
}

export async function insertTask(db: Db, row: TaskRow): Promise<void> {
  await db.insertInto('tasks').values(row).execute();
}

export async function updateTask(db: Db, id: string, patch: Updateable<TasksTable>): Promise<void> {
  await db.updateTable('tasks').set(patch).where('id', '=', id).execute();
}

/**
 * Whether a string can be stored at all: PostgreSQL text holds no NUL, and every name Grove stores
 * is checked for it on the way in. A lookup by a name that cannot be stored finds nothing, on
 * either store, instead of failing inside PostgreSQL.
 */
export const storable = (s: string): boolean => !s.includes('\u0000');

export async function getTask(db: Db, id: string): Promise<TaskRow | undefined> {
  if (!storable(id)) return undefined;
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getTasks(db: Db, ids: readonly string[]): Promise<TaskRow[]> {
  const wanted = ids.filter(storable);
  if (wanted.length === 0) return [];
  return db.selectFrom('tasks').selectAll().where('id', 'in', wanted).execute();
}

/** Tasks not yet finished, oldest first (the queue order before priorities are applied). */
export async function listActiveTasks(db: Db): Promise<TaskRow[]> {
  return db.selectFrom('tasks').selectAll().where('status', '=', 'RUNNING').orderBy('created_ms').orderBy('id').execute();
}

/** Completed tasks, newest first, as Druid's complete list orders them. */
export async function listCompleteTasks(db: Db, f: CompleteTaskFilter): Promise<TaskRow[]> {
  if ([f.dataSource, f.type].some((v) => v !== undefined && !storable(v))) return [];
  let q = db.selectFrom('tasks').selectAll().where('status', '<>', 'RUNNING');
  if (f.dataSource !== undefined) q = q.where('datasource', '=', f.dataSource);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.createdFrom !== undefined) q = q.where('created_ms', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('created_ms', '<', f.createdTo);
  if (f.endedSince !== undefined) q = q.where('ended_ms', '>=', f.endedSince);
  q = q.orderBy('created_ms', 'desc').orderBy('id', 'desc');
  if (f.max !== undefined) q = q.limit(f.max);
  return q.execute();
}

export async function insertAudit(db: Db, auditKey: string, type: string, comment: string, payload: unknown): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ audit_key: auditKey, type, author: 'grove', comment, created_ms: Date.now(), payload: JSON.stringify(payload) })
    .execute();
}
