import fs from 'node:fs/promises';
import path from 'node:path';
import { faultPoint } from '../../core/fault-points.js';
import { openDuckSession, type DuckSession } from '../../engine/duck.js';
import { DRUID_MACROS } from '../../engine/druid-macros.js';
import { parseGranularity } from '../../time/granularity.js';
import { isDataSourceInput, type ChannelCounters, type MsqFault, type MsqInput, type MsqPlan, type StageResult, type WorkerCounters, type WorkOrder } from '../types.js';
import { castProjection } from './columns.js';
import { describe } from './combine.js';
import { asFaultError, checkAborted, MAX_COLUMNS, FaultError, tooManyColumnsFault, tooManyWarningsFault } from '../faults.js';
import { fetchSplit } from './inputs.js';
import type { WorkerIO } from './inputs.js';
import { emptyInputTables, relationOf } from '../relations.js';
import { KEPT_WARNINGS, readSplit } from './read.js';
import { finishDirect, writeDirect } from './direct.js';
import { fetchSegmentSplit, readSegmentSplit } from './segments.js';
import { shuffleToken, writeShuffle, type Partition } from './shuffle.js';

/**
 * Stage 0 of an MSQ job on one worker: read each input file in turn, run the statement's SQL over
 * it, collect the rows, then shuffle them into per-time-chunk Parquet files (shuffle.ts).
 *
 * Two ways to run the SQL. Streaming: when the statement distributes over files (one input, not
 * singleWorker), it runs once per file and its rows are appended, so counters grow file by file and
 * no input is held whole. Materialised: joins of several inputs and statements that need all rows at
 * once (ORDER BY, LIMIT, aggregates without a combine) load every file into `__input<n>` first and
 * run the SQL once at the end.
 *
 * Output goes to a table that shuffle.ts checks, sorts and cuts into per-chunk files, except when
 * it is one file made by one run of the SQL (SELECT jobs, PARTITIONED BY ALL): then straight to it.
 *
 * Stop with partial results (io.stopSignal): no further split is read, and a segment being read is
 * interrupted and left out, as is an http file still downloading; the stage then finishes normally
 * over the splits it has, which it reports as `covered`. An external file already being parsed is
 * finished first: its reader is transactional and reports parse errors per file.
 */

const OUT = '__out';

class Counters {
  readonly input0: { type: 'channel'; rows: number[]; bytes: number[]; files: number[]; totalFiles: number[] };
  readonly output: { type: 'channel'; rows: number[]; bytes: number[]; frames: number[] } = { type: 'channel', rows: [0], bytes: [0], frames: [0] };
  shuffle: ChannelCounters | undefined;
  warnings = 0;

  constructor(totalFiles: number) {
    this.input0 = { type: 'channel', rows: [0], bytes: [0], files: [0], totalFiles: [totalFiles] };
  }

  setOutput(out: { rows: number; bytes: number }, frames: number): void {
    this.output.rows[0] = out.rows;
    this.output.bytes[0] = out.bytes;
    this.output.frames[0] = frames;
  }

  snapshot(): WorkerCounters {
    const c: WorkerCounters = { input0: structuredClone(this.input0), output: structuredClone(this.output) };
    if (this.shuffle) c.shuffle = structuredClone(this.shuffle);
    if (this.warnings > 0) c.warnings = { CannotParseExternalData: this.warnings };
    return c;
  }
}

async function tableBytes(db: DuckSession): Promise<number> {
  const [r] = await db.rows(`SELECT COALESCE(sum(memory_usage_bytes), 0) AS b FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`);
  return Number(r.b);
}

/**
 * Appends the rows of `sql` to the output table, created on first use with the plan's declared
 * column types (columns.ts); answers the rows appended.
 */
async function appendOutput(db: DuckSession, plan: MsqPlan, sql: string): Promise<number> {
  const types = await describe(db.rows, `(${sql})`);
  if (types.size > MAX_COLUMNS) throw new FaultError(tooManyColumnsFault(types.size));
  const cast = castProjection(plan, types);
  const select = cast === null ? `SELECT * FROM (${sql})` : `SELECT ${cast} FROM (${sql})`;
  // A plain table (the database is private): forked connections writing the shuffle must see it.
  await db.run(`CREATE TABLE IF NOT EXISTS ${OUT} AS ${select} LIMIT 0`);
  const r = await db.run(`INSERT INTO ${OUT} ${select}`);
  return Number(r.rowsChanged);
}

export async function runStage0(order: WorkOrder & { stage: 0 }, io: WorkerIO): Promise<StageResult & { stage: 0 }> {
  const { plan, settings } = order;
  const streaming = plan.inputs.length === 1 && !plan.singleWorker;
  // One output file made by one run of the SQL goes straight to its file (direct.ts).
  const oneFile = plan.kind === 'select' || parseGranularity(plan.partitionedBy ?? 'ALL', 'PARTITIONED BY').type === 'all';
  const direct = oneFile && (!streaming || order.splits.length <= 1);
  const directFile = path.join(order.shuffleDir, `${plan.kind === 'select' ? 'select' : 'all'}_${shuffleToken()}.parquet`);
  let directRows = -1;
  const counters = new Counters(order.splits.filter((s) => s.inputNumber === 0).length);
  const publish = (): void => io.counters(0, counters.snapshot());
  const warnings: MsqFault[] = [];
  const started = Date.now();
  let db: DuckSession | null = null;
  try {
    db = await openDuckSession(path.join(io.workDir, 'stage0'), io.signal);
    const session = db;
    await fs.mkdir(order.shuffleDir, { recursive: true });
    // The planned SQL calls Druid's functions through the same macros the query engine defines,
    // and Druid's LONG / LONG is integer division.
    await session.run('SET integer_division = true');
    for (const macro of DRUID_MACROS) await session.run(macro);
    if (!streaming) for (const statement of emptyInputTables(plan.inputs)) await session.run(statement);
    // Runs the statement once more over what is loaded: into its file, or appended to the table.
    const runSql = async (): Promise<number> => (direct ? (directRows = await writeDirect(session, plan, plan.stage0Sql, directFile)) : appendOutput(session, plan, plan.stage0Sql));
    const outputSoFar = async (): Promise<{ rows: number; bytes: number }> =>
      direct ? { rows: directRows, bytes: (await fs.stat(directFile)).size } : { rows: Number((await session.rows(`SELECT count(*) AS n FROM ${OUT}`))[0].n), bytes: await tableBytes(session) };
    publish();
    let batches = 0;
    const stop = io.stopSignal;
    const covered: number[] = [];
    for (const [i, split] of order.splits.entries()) {
      checkAborted(io.signal);
      if (stop?.aborted) break;
      const input = plan.inputs[split.inputNumber];
      if (input === undefined) throw new Error(`internal: work order names input ${split.inputNumber} of ${plan.inputs.length}`);
      const segment = isDataSourceInput(input);
      let file;
      try {
        file = segment ? await fetchSegmentSplit(split, io.deepStorageDir) : await fetchSplit(split, input, i, io);
      } catch (e) {
        // A download cut short by a stop: that file is simply not read.
        if (stop?.aborted && !io.signal.aborted) break;
        throw e;
      }
      const relationName = relationOf(input, split.inputNumber);
      const interrupt = (): void => session.conn.interrupt();
      try {
        const consume = streaming
          ? async (relation: string): Promise<number> => {
              await session.run(`CREATE OR REPLACE TEMP VIEW ${relationName} AS ${asPlanned(input, relation)}`);
              return runSql();
            }
          : async (relation: string): Promise<number> =>
              Number((await session.run(`INSERT INTO ${relationName} ${asPlanned(input, relation)}`)).rowsChanged);
        const splitStarted = Date.now();
        // An interrupted statement leaves nothing behind, so a stopped segment simply is not covered.
        if (segment) stop?.addEventListener('abort', interrupt, { once: true });
        let res;
        try {
          res = segment ? await readSegmentSplit(session, input, split, file, consume) : await readSplit(session, input, file, String(i), io.signal, consume);
        } catch (e) {
          if (stop?.aborted && !io.signal.aborted) {
            io.log('INFO', `Stopped while reading ${split.uri}; its rows are left out`);
            break;
          }
          throw e;
        } finally {
          stop?.removeEventListener('abort', interrupt);
        }
        covered.push(i);
        batches++;
        counters.warnings += res.warningCount;
        warnings.push(...res.warnings.slice(0, Math.max(0, KEPT_WARNINGS - warnings.length)));
        if (split.inputNumber === 0) {
          counters.input0.rows[0] += res.rows;
          counters.input0.bytes[0] += file.size;
          counters.input0.files[0] += 1;
        }
        if (streaming) counters.setOutput(await outputSoFar(), batches);
        io.log('INFO', `Read ${split.uri}: ${res.rows} rows, ${res.warningCount} unparseable, in ${Date.now() - splitStarted} ms`);
        publish();
        if (settings.maxParseExceptions >= 0 && counters.warnings > settings.maxParseExceptions) {
          throw new FaultError(tooManyWarningsFault(settings.maxParseExceptions), { warnings });
        }
        await faultPoint('worker.split-read', stop ? AbortSignal.any([io.signal, stop]) : io.signal);
      } finally {
        if (file.temporary) await fs.rm(file.path, { force: true });
      }
    }
    if (!streaming) {
      // Every input is loaded: the statement runs once over all of them.
      await runSql();
      counters.setOutput(await outputSoFar(), 1);
      await session.run(plan.inputs.map((input, n) => `DROP TABLE ${relationOf(input, n)}`).join('; '));
      publish();
    }
    checkAborted(io.signal);
    let partitions: Partition[];
    if (direct) {
      partitions = directRows < 0 ? [] : await finishDirect(session, plan, directFile, directRows);
      const total = partitions.reduce((a, p) => ({ rows: a.rows + p.rows, bytes: a.bytes + p.bytes }), { rows: 0, bytes: 0 });
      counters.shuffle = { type: 'channel', rows: [total.rows], bytes: [total.bytes], frames: [partitions.length] };
    } else {
      const [exists] = await session.rows(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${OUT}'`);
      if (Number(exists.n) === 0) return { stage: 0, partitions: [], warnings, covered };
      partitions = await writeShuffle(session, plan, {
        table: OUT,
        shuffleDir: order.shuffleDir,
        combine: plan.grouped && streaming && batches > 1,
        signal: io.signal,
        log: (msg) => io.log('INFO', msg),
        progress: (written, chunks, rows, bytes) => {
          counters.shuffle = { type: 'channel', rows: [rows], bytes: [bytes], frames: [written] };
          publish();
        },
      });
    }
    publish();
    io.log('INFO', `Stage 0 done: ${counters.input0.rows[0]} rows in, ${partitions.length} shuffle file(s)${direct ? ' written directly' : ''}, ${Date.now() - started} ms`);
    return { stage: 0, partitions, warnings, covered };
  } catch (e) {
    throw asFaultError(e, io.signal, warnings);
  } finally {
    db?.close();
  }
}

/**
 * The input relation as the planner typed it: Druid reads an EXTERN column named `__time` (declared
 * long) as a TIMESTAMP, so its epoch millis become one here.
 */
function asPlanned(input: MsqInput, relation: string): string {
  if (isDataSourceInput(input) || !input.signature.some((c) => c.name === '__time')) return `SELECT * FROM (${relation})`;
  return `SELECT * REPLACE (epoch_ms(CAST("__time" AS BIGINT)) AS "__time") FROM (${relation})`;
}
