import fs from 'node:fs/promises';
import path from 'node:path';
import type { ColumnInfo, Interval, SegmentToPublish } from '../core/types.js';
import { intervalKey } from '../core/task-context.js';
import { bucketInterval } from '../time/granularity.js';
import { floorTimestampSql } from '../time/sql.js';
import type { DuckSession } from '../engine/duck.js';
import type { OutputMetric, RowPlan } from './plan.js';
import type { IndexTask } from './spec-types.js';
import { quoteIdent, quotePath } from '../engine/sql-text.js';

/**
 * Rollup and segment files: rows are grouped (when rollup is on), bucketed into segment-granularity
 * time chunks, split into files of at most maxRowsPerSegment rows, each sorted by __time then the
 * dimensions, and written as Parquet in the task's work directory.
 *
 * One COPY per file rather than one `COPY ... PARTITION_BY (__chunk)`: measured on 1M rows in 24
 * hourly chunks (2 cores), 24 COPYs took 690 ms against 800 ms, and the partitioned write did not
 * keep the rows of a file in __time order. The COPYs run WRITERS at a time, each on its own
 * connection to the same database: one file's sort and Parquet encoding leave threads idle that
 * another's can use.
 */

/** Files written at once (connections). */
const WRITERS = 2;

function aggregate(m: OutputMetric, rollup: boolean): string {
  const col = m.alias;
  if (m.spec.type === 'count') return rollup ? 'CAST(count(*) AS BIGINT)' : 'CAST(1 AS BIGINT)';
  if (!rollup) return col;
  const [fn] = m.spec.type.match(/Sum|Min|Max$/) ?? ['Sum'];
  const agg = fn === 'Sum' ? `sum(${col})` : fn === 'Min' ? `min(${col})` : `max(${col})`;
  return `CAST(${agg} AS ${m.duckType})`;
}

/** Builds the rolled-up table `final` with each row's chunk start; answers the distinct chunks. */
export async function rollupAndBucket(db: DuckSession, task: IndexTask, plan: RowPlan, rowsTable: string): Promise<Interval[]> {
  const gs = task.spec.dataSchema.granularitySpec;
  const dims = plan.dimensions.map((d) => d.alias);
  const keys = ['__time', ...dims];
  const metrics = plan.metrics.map((m) => `${aggregate(m, gs.rollup)} AS ${m.alias}`);
  const select = [...keys, ...metrics].join(', ');
  const grouped = gs.rollup ? `SELECT ${select} FROM ${rowsTable} GROUP BY ${keys.join(', ')}` : `SELECT ${select} FROM ${rowsTable}`;
  await db.run(`CREATE OR REPLACE TABLE final AS SELECT *, epoch_ms(${floorTimestampSql('__time', gs.segmentGranularity)}) AS __chunk FROM (${grouped})`);
  const rows = await db.rows('SELECT DISTINCT __chunk FROM final ORDER BY __chunk');
  return rows.map((r) => {
    const start = Number(r.__chunk);
    const chunk = bucketInterval(start, gs.segmentGranularity);
    if (chunk.start !== start) throw new Error(`internal: SQL bucketed a row at ${start} but the granularity starts that bucket at ${chunk.start}`);
    return chunk;
  });
}

export interface WriteOptions {
  readonly versions: ReadonlyMap<string, string>;
  readonly outDir: string;
  readonly log: (message: string) => void;
}

export async function writeSegments(db: DuckSession, task: IndexTask, plan: RowPlan, chunks: readonly Interval[], opts: WriteOptions): Promise<SegmentToPublish[]> {
  const maxRows = task.spec.tuningConfig.maxRowsPerSegment;
  const order = ['__time', ...plan.dimensions.map((d) => d.alias), ...plan.metrics.map((m) => m.alias)].join(', ');
  const counts = new Map((await db.rows('SELECT __chunk, count(*) AS n FROM final GROUP BY __chunk')).map((r) => [Number(r.__chunk), Number(r.n)]));
  const split = [...counts.values()].some((n) => n > maxRows);
  if (split) {
    // Number the rows of each chunk in sort order once; each file takes one run of maxRows of them.
    await db.run(`CREATE OR REPLACE TABLE final_parts AS SELECT *, (row_number() OVER (PARTITION BY __chunk ORDER BY ${order}) - 1) // ${maxRows} AS __part FROM final`);
  }
  const table = split ? 'final_parts' : 'final';
  const columns: ColumnInfo[] = [
    { name: '__time', type: 'LONG' },
    ...plan.dimensions.map((d) => ({ name: d.name, type: d.druidType })),
    ...plan.metrics.map((m) => ({ name: m.name, type: m.druidType })),
  ];
  const project = ['__time', ...plan.dimensions.map((d) => `${d.alias} AS ${quoteIdent(d.name)}`), ...plan.metrics.map((m) => `${m.alias} AS ${quoteIdent(m.name)}`)].join(', ');
  await fs.mkdir(opts.outDir, { recursive: true });
  const jobs: Array<{ chunk: Interval; version: string; part: number; numRows: number }> = [];
  for (const chunk of chunks) {
    const n = counts.get(chunk.start) ?? 0;
    if (n === 0) continue;
    const version = opts.versions.get(intervalKey(chunk));
    if (version === undefined) throw new Error(`internal: no lock version for chunk ${new Date(chunk.start).toISOString()}`);
    const parts = Math.ceil(n / maxRows);
    for (let part = 0; part < parts; part++) jobs.push({ chunk, version, part, numRows: split ? Math.min(maxRows, n - part * maxRows) : n });
  }

  const out: SegmentToPublish[] = new Array(jobs.length);
  const write = async (conn: DuckSession, i: number): Promise<void> => {
    const { chunk, version, part, numRows } = jobs[i];
    const file = path.join(opts.outDir, `${chunk.start}_${chunk.end}_${part}.parquet`);
    const where = `__chunk = ${chunk.start}${split ? ` AND __part = ${part}` : ''}`;
    const started = Date.now();
    await conn.run(`COPY (SELECT ${project} FROM ${table} WHERE ${where} ORDER BY ${order}) TO ${quotePath(file)} (FORMAT parquet)`);
    const size = (await fs.stat(file)).size;
    opts.log(`Wrote segment ${new Date(chunk.start).toISOString()}/${new Date(chunk.end).toISOString()} part ${part}: ${numRows} rows, ${size} bytes in ${Date.now() - started} ms`);
    out[i] = {
      interval: chunk,
      version,
      localPath: file,
      numRows,
      size,
      dimensions: plan.dimensions.map((d) => d.name),
      metrics: plan.metrics.map((m) => m.name),
      columns,
    };
  };
  // Each writer takes the next file until none is left or one has failed.
  let next = 0;
  let failed = false;
  const writer = async (conn: DuckSession): Promise<void> => {
    while (!failed && next < jobs.length) {
      const i = next++;
      try {
        await write(conn, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const conns: DuckSession[] = [db];
  try {
    while (conns.length < Math.min(WRITERS, jobs.length)) conns.push(await db.fork());
    const results = await Promise.allSettled(conns.map(writer));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    for (const c of conns.slice(1)) c.close();
  }
  return out;
}
