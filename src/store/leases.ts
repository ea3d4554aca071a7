import type { Db } from './db.js';

/** An asynchronous query a face keeps until `expiresMs` (see StatementLeasesTable). */
export interface Lease {
  readonly statementId: string;
  readonly owner: string;
  readonly expiresMs: number;
  readonly createdMs: number;
}

export async function putLease(db: Db, lease: Lease): Promise<void> {
  await db
    .insertInto('statement_leases')
    .values({ statement_id: lease.statementId, owner: lease.owner, expires_ms: lease.expiresMs, created_ms: lease.createdMs })
    .execute();
}

export async function getLease(db: Db, statementId: string): Promise<Lease | null> {
  const r = await db.selectFrom('statement_leases').selectAll().where('statement_id', '=', statementId).executeTakeFirst();
  return r ? { statementId: r.statement_id, owner: r.owner, expiresMs: r.expires_ms, createdMs: r.created_ms } : null;
}

/** Sets a lease's expiry; false when there is no such lease (it was removed meanwhile). */
export async function setLeaseExpiry(db: Db, statementId: string, expiresMs: number): Promise<boolean> {
  const r = await db.updateTable('statement_leases').set({ expires_ms: expiresMs }).where('statement_id', '=', statementId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes a lease; false when it was already gone (someone else removed it first). */
export async function deleteLease(db: Db, statementId: string): Promise<boolean> {
  const r = await db.deleteFrom('statement_leases').where('statement_id', '=', statementId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ids of leases that ran out by `nowMs`. */
export async function expiredLeases(db: Db, nowMs: number): Promise<string[]> {
  const rows = await db.selectFrom('statement_leases').select('statement_id').where('expires_ms', '<=', nowMs).execute();
  return rows.map((r) => r.statement_id);
}

/** Ids of every lease still held: their results outlive the general retention. */
export async function leasedIds(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('statement_leases').select('statement_id').execute();
  return new Set(rows.map((r) => r.statement_id));
}
