import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckSession } from '../../ingest/duck.js';
import { quoteIdent, quotePath } from '../../ingest/sql-text.js';
import { bucketInterval, ETERNITY, parseGranularity, type Granularity } from '../../time/granularity.js';
import { floorTimestampSql, timestampLiteral } from '../../time/sql.js';
import type { MsqPlan } from '../types.js';
import { combineSql, describe } from './combine.js';
import { checkAborted, insertTimeNullFault, MAX_BUCKETS, MsqFaultError, tooManyBucketsFault } from './faults.js';

/**
 * The end of stage 0: the worker's output table is checked (null __time, too many time chunks),
 * folded when it holds several partial aggregates, sorted unless already in order, and cut into one
 * Parquet shuffle file per time chunk.
 *
 * Invariant relied on by stage 1: every shuffle file of an INSERT/REPLACE is sorted by
 * (__time, CLUSTERED BY columns, remaining columns) and holds at most one row per key of a grouped
 * plan, so a chunk fed by a single file needs neither a sort nor a combine.
 */

export interface Partition {
  readonly chunkStart: number;
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
}

export interface ShuffleOptions {
  readonly table: string;
  readonly shuffleDir: string;
  /** Partial aggregates from more than one batch sit in `table`: combine them first. */
  readonly combine: boolean;
  readonly signal: AbortSignal;
  /** Called as files are written: (files written, chunks in all, rows, bytes). */
  readonly progress: (written: number, chunks: number, rows: number, bytes: number) => void;
}

/** Parquet for files read once by the next stage: LZ4 costs less CPU than Snappy to write and read. */
export const SHUFFLE_FORMAT = '(FORMAT parquet, COMPRESSION lz4_raw)';

/** The __time expression normalised to TIMESTAMP whatever the SQL produced (epoch ms, TIMESTAMPTZ...). */
export function timeExpr(type: string | undefined): string {
  if (type === undefined) return `TIMESTAMP '1970-01-01 00:00:00'`;
  if (/INT/.test(type)) return 'epoch_ms(CAST(__time AS BIGINT))';
  return type === 'TIMESTAMP' ? '__time' : 'CAST(__time AS TIMESTAMP)';
}

async function copyOut(db: DuckSession, sql: string, file: string): Promise<{ rows: number; bytes: number }> {
  const r = await db.run(`COPY (${sql}) TO ${quotePath(file)} ${SHUFFLE_FORMAT}`);
  return { rows: Number(r.rowsChanged), bytes: (await fs.stat(file)).size };
}

export async function writeShuffle(db: DuckSession, plan: MsqPlan, opts: ShuffleOptions): Promise<Partition[]> {
  await fs.mkdir(opts.shuffleDir, { recursive: true });
  const token = `${process.pid}_${randomUUID().slice(0, 8)}`;
  let src = opts.table;
  if (opts.combine) {
    const types = await describe(db.rows, src);
    await db.run(`CREATE OR REPLACE TEMP TABLE __combined AS ${combineSql(plan, types, src, 'rowid')}`);
    await db.run(`DROP TABLE ${src}`);
    src = '__combined';
  }
  checkAborted(opts.signal);
  const types = await describe(db.rows, src);

  if (plan.kind === 'select') {
    // No chunks and no sort: ORDER BY and LIMIT were applied by the (single-worker) SQL itself.
    const file = path.join(opts.shuffleDir, `select_${token}.parquet`);
    const out = await copyOut(db, `SELECT * FROM ${src}`, file);
    opts.progress(1, 1, out.rows, out.bytes);
    return out.rows === 0 ? [] : [{ chunkStart: ETERNITY.start, file, ...out }];
  }

  const time = timeExpr(types.get('__time'));
  if (types.has('__time')) {
    const [n] = await db.rows(`SELECT count(*) AS n FROM ${src} WHERE __time IS NULL`);
    if (Number(n.n) > 0) throw new MsqFaultError(insertTimeNullFault());
  }
  const gran: Granularity = parseGranularity(plan.partitionedBy ?? 'ALL', 'PARTITIONED BY');
  const counted = await db.rows(`SELECT epoch_ms(${floorTimestampSql(time, gran)}) AS c, count(*) AS n FROM ${src} GROUP BY 1 ORDER BY 1`);
  if (counted.length > MAX_BUCKETS) throw new MsqFaultError(tooManyBucketsFault());
  checkAborted(opts.signal);

  // Input is often already in time order (logs): then the table order is the sort order, whatever
  // the other keys, as long as __time strictly increases.
  const [inv] = await db.rows(`SELECT count(*) FILTER (WHERE __t <= __p) AS n FROM (SELECT ${time} AS __t, lag(${time}) OVER (ORDER BY rowid) AS __p FROM ${src})`);
  const names = [...types.keys()];
  let project = types.has('__time') && types.get('__time') !== 'TIMESTAMP' ? `* REPLACE (${time} AS __time)` : '*';
  let filterTime = time;
  if (Number(inv.n) > 0) {
    const keys = ['__time', ...plan.clusteredBy.filter((c) => types.has(c) && c !== '__time'), ...names.filter((n) => n !== '__time' && !plan.clusteredBy.includes(n))];
    const order = keys.map((k) => (k === '__time' ? time : quoteIdent(k))).join(', ');
    await db.run(`CREATE OR REPLACE TEMP TABLE __sorted AS SELECT ${project} FROM ${src} ORDER BY ${order}`);
    await db.run(`DROP TABLE ${src}`);
    src = '__sorted';
    project = '*';
    filterTime = types.has('__time') ? '__time' : time;
  }

  const out: Partition[] = [];
  let rows = 0;
  let bytes = 0;
  for (const c of counted) {
    checkAborted(opts.signal);
    const start = Number(c.c);
    const chunk = gran.type === 'all' ? ETERNITY : bucketInterval(start, gran);
    const file = path.join(opts.shuffleDir, `c${start}_${token}.parquet`);
    // The table is in time order, so each chunk is one contiguous run that zone maps find quickly.
    const where = gran.type === 'all' || !types.has('__time') ? '' : ` WHERE ${filterTime} >= ${timestampLiteral(chunk.start)} AND ${filterTime} < ${timestampLiteral(chunk.end)}`;
    const written = await copyOut(db, `SELECT ${project} FROM ${src}${where}`, file);
    if (written.rows !== Number(c.n)) throw new Error(`internal: chunk ${new Date(start).toISOString()} has ${Number(c.n)} rows but ${written.rows} were written`);
    out.push({ chunkStart: gran.type === 'all' ? ETERNITY.start : start, file, ...written });
    rows += written.rows;
    bytes += written.bytes;
    opts.progress(out.length, counted.length, rows, bytes);
  }
  return out;
}
