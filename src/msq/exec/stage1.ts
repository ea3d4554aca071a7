import fs from 'node:fs/promises';
import path from 'node:path';
import type { ColumnInfo, Interval, SegmentToPublish } from '../../core/types.js';
import { openDuckSession, type DuckSession } from '../../engine/duck.js';
import { quoteIdent, quotePath } from '../../engine/sql-text.js';
import type { MsqPlan, StageResult, WorkerCounters, WorkOrder } from '../types.js';
import { segmentProjection } from './columns.js';
import { combineSql, describe, filesRelation, needsOrder, ORDER_COLUMNS } from './combine.js';
import { asFaultError, checkAborted } from '../faults.js';
import type { WorkerIO } from './inputs.js';

/**
 * Stage 1 (Druid's segmentGenerator): each assigned time chunk's shuffle files, from every stage-0
 * worker, become segment files of at most rowsPerSegment rows. A chunk fed by one file is taken as
 * it is, or cut by row number when too big: stage 0 wrote it as a sorted, combined segment file
 * (shuffle.ts). Several files are merged, partial aggregates folded by their combine, and sorted by
 * __time, CLUSTERED BY, then the rest.
 */

function sortKeys(plan: MsqPlan, types: ReadonlyMap<string, string>): string {
  const names = [...types.keys()];
  const cluster = plan.clusteredBy.filter((c) => types.has(c) && c !== '__time');
  const rest = names.filter((n) => n !== '__time' && !cluster.includes(n));
  return [...(types.has('__time') ? ['__time'] : []), ...cluster, ...rest].map(quoteIdent).join(', ');
}

interface ChunkSource {
  readonly from: string;
  readonly rows: number;
  /** Restricts `from` to rows [a, b) of its order. */
  readonly range: (a: number, b: number) => string;
  readonly types: ReadonlyMap<string, string>;
}

async function chunkSource(db: DuckSession, plan: MsqPlan, files: readonly string[]): Promise<ChunkSource> {
  if (files.length === 1) {
    const from = `read_parquet(${quotePath(files[0])}, file_row_number=true)`;
    const [m] = await db.rows(`SELECT sum(num_rows) AS n FROM parquet_file_metadata(${quotePath(files[0])})`);
    const types = await describe(db.rows, `read_parquet(${quotePath(files[0])})`);
    return { from, rows: Number(m.n ?? 0), range: (a, b) => `file_row_number >= ${a} AND file_row_number < ${b}`, types };
  }
  const merged = plan.grouped ? combineSql(plan, await describe(db.rows, filesRelation(files, needsOrder(plan)), ORDER_COLUMNS), filesRelation(files, needsOrder(plan)), '__f, __r') : `SELECT * FROM ${filesRelation(files, false)}`;
  const types = await describe(db.rows, `(${merged})`);
  await db.run(`CREATE OR REPLACE TEMP TABLE __chunk AS SELECT * FROM (${merged}) ORDER BY ${sortKeys(plan, types)}`);
  const [m] = await db.rows('SELECT count(*) AS n FROM __chunk');
  return { from: '__chunk', rows: Number(m.n), range: (a, b) => `rowid >= ${a} AND rowid < ${b}`, types };
}

const sizeOf = async (f: string): Promise<number> => (await fs.stat(f)).size;

/** A hard link when both sit on one file system (the job's work directory), else a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await fs.rm(to, { force: true });
  await fs.link(from, to).catch(() => fs.copyFile(from, to));
}

export async function runStage1(order: WorkOrder & { stage: 1 }, io: WorkerIO): Promise<StageResult & { stage: 1 }> {
  const { plan, settings } = order;
  const maxRows = Math.max(1, settings.rowsPerSegment);
  const counters: WorkerCounters = {
    input0: { type: 'channel', rows: [0], bytes: [0], frames: [0] },
    segmentGenerationProgress: { type: 'segmentGenerationProgress', rowsProcessed: 0, rowsPersisted: 0, rowsMerged: 0 },
  };
  const input0 = counters.input0 as { rows: number[]; bytes: number[]; frames: number[] };
  const progress = counters.segmentGenerationProgress as { rowsProcessed: number; rowsPersisted: number; rowsMerged: number };
  const publish = (): void => io.counters(1, structuredClone(counters));
  const dims = plan.columns.filter((c) => c.combine === null && c.name !== '__time').map((c) => c.name);
  const metrics = plan.columns.filter((c) => c.combine !== null).map((c) => c.name);
  const columns: ColumnInfo[] = [{ name: '__time', type: 'LONG' }, ...plan.columns.filter((c) => c.name !== '__time').map((c) => ({ name: c.name, type: c.druidType }))];
  const segments: SegmentToPublish[] = [];
  let db: DuckSession | null = null;
  try {
    db = await openDuckSession(path.join(io.workDir, 'stage1'), io.signal);
    await fs.mkdir(order.outDir, { recursive: true });
    publish();
    for (const p of order.partitions) {
      checkAborted(io.signal);
      if (p.files.length === 0) continue;
      const started = Date.now();
      input0.bytes[0] += (await Promise.all(p.files.map(sizeOf))).reduce((a, b) => a + b, 0);
      input0.frames[0] += p.files.length;
      const src = await chunkSource(db, plan, p.files);
      const [read] = p.files.length === 1 ? [{ n: src.rows }] : await db.rows(`SELECT sum(num_rows) AS n FROM parquet_file_metadata([${p.files.map(quotePath).join(', ')}])`);
      input0.rows[0] += Number(read.n);
      progress.rowsProcessed += Number(read.n);
      progress.rowsMerged += src.rows;
      publish();
      const parts = Math.ceil(src.rows / maxRows);
      const project = segmentProjection(plan, src.types);
      for (let part = 0; part < parts; part++) {
        checkAborted(io.signal);
        const file = path.join(order.outDir, `${p.chunk.start}_${p.chunk.end}_${part}.parquet`);
        let numRows: number;
        if (parts === 1 && p.files.length === 1) {
          // Already a sorted segment file (shuffle.ts): taken without decoding and encoding again.
          await linkOrCopy(p.files[0], file);
          numRows = src.rows;
        } else {
          const where = parts === 1 ? '' : ` WHERE ${src.range(part * maxRows, (part + 1) * maxRows)}`;
          numRows = Number((await db.run(`COPY (SELECT ${project} FROM ${src.from}${where}) TO ${quotePath(file)} (FORMAT parquet)`)).rowsChanged);
        }
        progress.rowsPersisted += numRows;
        segments.push(segment(p.chunk, p.version, file, numRows, await sizeOf(file), dims, metrics, columns));
        publish();
      }
      await db.run('DROP TABLE IF EXISTS __chunk');
      io.log('INFO', `Chunk ${new Date(p.chunk.start).toISOString()}: ${src.rows} rows from ${p.files.length} file(s) into ${parts} segment(s) in ${Date.now() - started} ms`);
    }
    return { stage: 1, segments };
  } catch (e) {
    throw asFaultError(e, io.signal);
  } finally {
    db?.close();
  }
}

function segment(interval: Interval, version: string, localPath: string, numRows: number, size: number, dimensions: string[], metrics: string[], columns: ColumnInfo[]): SegmentToPublish {
  return { interval, version, localPath, numRows, size, dimensions, metrics, columns };
}
