import fs from 'node:fs/promises';
import type { DuckSession } from '../../engine/duck.js';
import { quoteIdent, quotePath } from '../../engine/sql-text.js';
import { ETERNITY } from '../../time/granularity.js';
import type { MsqPlan } from '../types.js';
import { castProjection, segmentProjection } from './columns.js';
import { describe } from './combine.js';
import { insertTimeNullFault, MAX_COLUMNS, FaultError, tooManyColumnsFault } from '../faults.js';
import type { Partition } from './shuffle.js';

/**
 * Stage 0 output written straight to its one shuffle file, for jobs whose output is a single file
 * made by a single run of the SQL: a SELECT job, or PARTITIONED BY ALL, when the worker has one input
 * file (or loaded all of them first). A plain COPY keeps the input order, so for time-ordered input
 * the file is already sorted; nothing is held in memory, which saves a third of the work of
 * materialising then writing. The checks stage 0 makes on its table are made on the file instead.
 */

/** Writes the rows of `sql` to `file` (segment layout for INSERT/REPLACE); answers the rows written. */
export async function writeDirect(db: DuckSession, plan: MsqPlan, sql: string, file: string): Promise<number> {
  const types = await describe(db.rows, `(${sql})`);
  if (types.size > MAX_COLUMNS) throw new FaultError(tooManyColumnsFault(types.size));
  const project = plan.kind === 'select' ? (castProjection(plan, types) ?? '*') : segmentProjection(plan, types);
  const r = await db.run(`COPY (SELECT ${project} FROM (${sql})) TO ${quotePath(file)} (FORMAT parquet)`);
  return Number(r.rowsChanged);
}

/**
 * The partition of a directly written file, after checking it: no null __time (InsertTimeNull),
 * and sorted by __time then the other columns, re-sorting the file when its order is not that.
 */
export async function finishDirect(db: DuckSession, plan: MsqPlan, file: string, rows: number): Promise<Partition[]> {
  if (rows === 0) {
    await fs.rm(file, { force: true });
    return [];
  }
  if (plan.kind !== 'select') {
    const lit = quotePath(file);
    const [c] = await db.rows(`SELECT count(*) FILTER (WHERE __time IS NULL) AS nulls, count(*) FILTER (WHERE __time <= __p) AS inv
      FROM (SELECT __time, lag(__time) OVER (ORDER BY file_row_number) AS __p FROM read_parquet(${lit}, file_row_number=true))`);
    if (Number(c.nulls) > 0) {
      await fs.rm(file, { force: true });
      throw new FaultError(insertTimeNullFault());
    }
    if (Number(c.inv) > 0) {
      const names = [...(await describe(db.rows, `read_parquet(${lit})`)).keys()];
      const cluster = plan.clusteredBy.filter((n) => names.includes(n) && n !== '__time');
      const keys = ['__time', ...cluster, ...names.filter((n) => n !== '__time' && !cluster.includes(n))];
      const sorted = `${file}.sorted`;
      await db.run(`COPY (SELECT * FROM read_parquet(${lit}) ORDER BY ${keys.map(quoteIdent).join(', ')}) TO ${quotePath(sorted)} (FORMAT parquet)`);
      await fs.rename(sorted, file);
    }
  }
  return [{ chunkStart: ETERNITY.start, file, rows, bytes: (await fs.stat(file)).size }];
}
