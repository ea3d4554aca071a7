import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import type { TaskDescription } from '../core/task-kind.js';
import type { Db } from '../store/db.js';
import { deleteLease, expiredLeases, getLease, leasedIds, putLease, setLeaseExpiry } from '../store/leases.js';
import type { Statement, StatementService } from './statements.js';

/** How often expired async queries are looked for. */
const SWEEP_EVERY_MS = 1000;

/**
 * Asynchronous queries a face keeps for a while (Elasticsearch's keep_alive): statements with a
 * lease in the store. While the lease holds, the face can read, stop or delete the query; once it
 * runs out the query reads as unknown at once, and the sweep cancels it if it still runs and
 * removes its results. A face sees only the queries it submitted.
 */
export class AsyncQueryService {
  readonly #db: Db;
  readonly #statements: StatementService;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, statements: StatementService, log: Logger) {
    this.#db = db;
    this.#statements = statements;
    this.#log = log;
  }

  /** Submits a statement that `owner` keeps for `keepAliveMs` from now. */
  async submit(desc: TaskDescription, owner: string, keepAliveMs: number): Promise<Statement> {
    const now = Date.now();
    // The lease comes first: a query is never running without one, so the sweep always finds it.
    await putLease(this.#db, { statementId: desc.id, owner, expiresMs: now + keepAliveMs, createdMs: now });
    try {
      return await this.#statements.submit(desc);
    } catch (e) {
      await deleteLease(this.#db, desc.id);
      throw e;
    }
  }

  /** The statement behind an id `owner` keeps, or null: unknown, another face's, expired or removed. */
  async find(id: string, owner: string): Promise<Statement | null> {
    const lease = await getLease(this.#db, id);
    if (!lease || lease.owner !== owner || lease.expiresMs <= Date.now()) return null;
    return this.#statements.find(id);
  }

  /** Keeps a query for `keepAliveMs` from now. */
  async keepAlive(id: string, keepAliveMs: number): Promise<void> {
    await setLeaseExpiry(this.#db, id, Date.now() + keepAliveMs);
  }

  /** Forgets a query: cancels it if it runs and removes its results. False when it was not kept. */
  async remove(id: string): Promise<boolean> {
    if (!(await deleteLease(this.#db, id))) return false;
    const s = await this.#statements.find(id);
    if (s) {
      await this.#statements.cancel(s);
      await fs.rm(s.resultsDir, { recursive: true, force: true });
    }
    return true;
  }

  /** Removes every query whose lease ran out by `nowMs`; answers how many. */
  async sweep(nowMs = Date.now()): Promise<number> {
    let removed = 0;
    for (const id of await expiredLeases(this.#db, nowMs)) if (await this.remove(id)) removed++;
    return removed;
  }

  /** Ids of the queries kept now (their results outlive the general retention). */
  kept(): Promise<Set<string>> {
    return leasedIds(this.#db);
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.sweep().then(
        (n) => n > 0 && this.#log.info({ removed: n }, 'removed expired async queries'),
        (err: unknown) => this.#log.warn({ err }, 'sweeping expired async queries failed'),
      );
    }, SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
