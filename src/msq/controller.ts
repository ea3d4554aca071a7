import fs from 'node:fs/promises';
import path from 'node:path';
import type { Interval, PublishRequest, SegmentToPublish } from '../core/types.js';
import type { TaskContext } from '../core/task-context.js';
import { ETERNITY, bucketInterval, parseGranularity } from '../time/granularity.js';
import { collectResults, expandInputs, type SplitRef } from './exec/index.js';
import { writeManifest } from '../results/manifest.js';
import { coverageOf } from './coverage.js';
import { faultOf, FaultError, faultMessage } from './faults.js';
import { MsqReport } from './report.js';
import type { ControllerToWorker, MsqPlan, MsqSettings, StageResult } from './types.js';
import { WorkerPool } from './worker-pool.js';

/** Druid's report keeps at most this many rows of a SELECT job (`resultsTruncated` beyond). */
const REPORT_ROW_LIMIT = 3000;

/**
 * The MSQ controller task (`query-<uuid>`, type query_controller). It plans the work, starts its
 * workers as tasks of its group, hands each stage's work orders out, keeps the live report, takes
 * the time-chunk locks, and returns the segments for the scheduler to publish in one transaction.
 */
export async function runController(task: Record<string, unknown>, ctx: TaskContext): Promise<PublishRequest | undefined> {
  const { plan, settings } = task.spec as { plan: MsqPlan; settings: MsqSettings };
  const report = new MsqReport(ctx.taskId, plan, settings);
  // At most five report messages a second, but never hold back the latest counters: an update
  // inside the window is sent when the window ends.
  let lastPush = 0;
  let trailing: NodeJS.Timeout | null = null;
  const push = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastPush < 200) {
      trailing ??= setTimeout(() => {
        trailing = null;
        push(true);
      }, 200 - (now - lastPush));
      return;
    }
    if (trailing) clearTimeout(trailing);
    trailing = null;
    lastPush = now;
    ctx.report(report.toJSON());
  };
  push(true);
  const pool = new WorkerPool(ctx, report, () => push());
  // Stop with partial results (SELECT jobs): workers read no more input; a stop before they run
  // skips reading altogether.
  let stopRequested = false;
  let stopBeforeStart: () => void = () => {};
  const stoppedEarly = new Promise<'stopped'>((resolve) => (stopBeforeStart = () => resolve('stopped')));
  let stageZeroSent = false;
  ctx.onStop(() => {
    if (plan.kind !== 'select' || stopRequested) return;
    stopRequested = true;
    ctx.log('INFO', `Query [${ctx.taskId}]: stop requested; finishing with the input read so far`);
    if (stageZeroSent) pool.broadcast({ type: 'stop' } satisfies ControllerToWorker);
    else stopBeforeStart();
  });
  let stage = 0;
  let workersRan = true;
  try {
    const io = {
      workDir: ctx.workDir, allowedInputDirs: ctx.allowedInputDirs, allowedHttpProtocols: ctx.allowedHttpProtocols, signal: ctx.signal, log: ctx.log, counters: () => {},
      deepStorageDir: ctx.deepStorageDir, listSegments: (ds: readonly string[]) => ctx.listSegments(ds),
    };
    const splits = await expandInputs(plan.inputs, io);
    ctx.log('INFO', `Query [${ctx.taskId}]: ${plan.kind} with ${splits.length} input file(s)`);
    // maxNumTasks is a maximum: the job runs on as many workers as the scheduler can give it now.
    const wanted = plan.singleWorker ? 1 : Math.max(1, Math.min(settings.maxNumTasks - 1, splits.length));
    let started: 'started' | 'stopped' = 'stopped';
    if (!stopRequested) {
      const starting = pool.start(wanted);
      starting.catch(() => undefined);
      started = await Promise.race([starting.then(() => 'started' as const), stoppedEarly]);
    }
    const workerCount = Math.max(1, pool.size);
    if (pool.size < wanted && started === 'started') ctx.log('INFO', `Query [${ctx.taskId}]: running on ${pool.size} of ${wanted} wanted worker(s); no more task slots were free`);
    push(true);

    // Stage 0: each worker scans its files (a file is never split) and shuffles rows by time chunk.
    const shuffleDir = path.join(ctx.workDir, 'shuffle');
    const assigned = assignSplits(splits, workerCount);
    let stage0: Array<StageResult & { stage: 0 }> = [];
    if (started === 'started') {
      report.stageStarted(0, workerCount);
      push(true);
      stageZeroSent = true;
      const running = pool.runStage(assigned.map((mySplits) => ({ stage: 0 as const, plan, splits: mySplits, shuffleDir, settings })));
      // A stop that came while the orders were being sent still reaches every worker.
      if (stopRequested) pool.broadcast({ type: 'stop' } satisfies ControllerToWorker);
      stage0 = (await running) as Array<StageResult & { stage: 0 }>;
    } else {
      workersRan = false;
      ctx.log('INFO', `Query [${ctx.taskId}]: stopped before its workers started; no input was read`);
    }
    for (const [w, r] of stage0.entries()) for (const warning of r.warnings) report.warning(warning, pool.workerId(w), 0);
    const partitions = stage0.flatMap((r) => r.partitions).filter((p) => p.rows > 0);
    const chunkStarts = [...new Set(partitions.map((p) => p.chunkStart))].sort((a, b) => a - b);
    report.stagePhase(0, 'RESULTS_COMPLETE', chunkStarts.length);
    push(true);

    if (plan.kind === 'select') {
      const covered: SplitRef[] = stage0.flatMap((r, w) => r.covered.map((i) => assigned[w][i]));
      const files = partitions.map((p) => p.file);
      const limit = Math.min(REPORT_ROW_LIMIT, plan.limit ?? REPORT_ROW_LIMIT);
      const pagesDir = ctx.resultsDir;
      await fs.rm(pagesDir, { recursive: true, force: true });
      const collected = await collectResults(plan, files, { reportLimit: limit, pagesDir, rowsPerPage: settings.rowsPerPage });
      report.results({
        signature: plan.columns.map((c) => ({ name: c.name, type: c.druidType })),
        sqlTypeNames: plan.columns.map((c) => c.sqlType),
        results: collected.rows,
        resultsTruncated: collected.truncated && (plan.limit === null || plan.limit > REPORT_ROW_LIMIT),
      });
      const isPartial = covered.length < splits.length;
      await writeManifest(pagesDir, {
        queryId: ctx.taskId,
        columns: plan.columns.map((c) => ({ name: c.name, type: c.sqlType, nativeType: c.druidType })),
        numTotalRows: collected.total,
        totalSizeInBytes: collected.pages.reduce((n, p) => n + p.sizeInBytes, 0),
        pages: collected.pages,
        isPartial,
        coverage: coverageOf(plan, covered, splits),
        writtenMs: Date.now(),
      });
      if (isPartial) ctx.log('INFO', `Query [${ctx.taskId}]: partial result over ${covered.length} of ${splits.length} input file(s), ${collected.total} row(s)`);
      report.stagePhase(0, 'FINISHED');
      return finish(undefined);
    }

    const gran = parseGranularity(plan.partitionedBy, 'PARTITIONED BY');
    const chunks = chunkStarts.map((s) => (gran.type === 'all' ? ETERNITY : bucketInterval(s, gran)));
    checkBounds(plan, chunks);
    if (chunks.length === 0) {
      if (settings.failOnEmptyInsert) {
        throw new FaultError({ errorCode: 'InsertCannotBeEmpty', dataSource: plan.dataSource, errorMessage: `No rows to insert for dataSource[${plan.dataSource}]` });
      }
      report.stagePhase(0, 'FINISHED');
      // An empty INSERT is a no-op; an empty REPLACE still drops the range it overwrites.
      return finish(plan.kind === 'replace' ? publishRequest(plan, []) : undefined);
    }

    const versions = await ctx.acquireLocks(chunks, plan.kind === 'insert' ? 'shared' : 'exclusive');
    stage = 1;
    const outDir = path.join(ctx.workDir, 'segments');
    const perWorker = assignChunks(chunks, workerCount).map((mine) =>
      mine.map((chunk) => ({
        chunk,
        files: partitions.filter((p) => p.chunkStart === chunk.start || (gran.type === 'all' && p.chunkStart === ETERNITY.start)).map((p) => p.file),
        version: versions.get(`${chunk.start}_${chunk.end}`) as string,
      })),
    );
    report.stageStarted(1, workerCount);
    push(true);
    const stage1 = (await pool.runStage(perWorker.map((p) => ({ stage: 1 as const, plan, partitions: p, outDir, settings })))) as Array<StageResult & { stage: 1 }>;
    const segments = stage1.flatMap((r) => r.segments);
    report.stagePhase(1, 'FINISHED', segments.length);
    report.stagePhase(0, 'FINISHED');
    ctx.log('INFO', `Query [${ctx.taskId}]: ${segments.reduce((n, s) => n + s.numRows, 0)} rows in ${segments.length} segment(s) to publish`);
    return finish(publishRequest(plan, segments));
  } catch (e) {
    const fault = faultOf(e, ctx.signal);
    report.fail(fault, ctx.taskId, stage);
    push(true);
    await pool.stop(false);
    throw new Error(faultMessage(fault), { cause: e });
  }

  async function finish(result: PublishRequest | undefined): Promise<PublishRequest | undefined> {
    // Workers that never started are stopped by the scheduler when the controller ends.
    await pool.stop(workersRan);
    report.succeed();
    push(true);
    return result;
  }
}

function publishRequest(plan: MsqPlan, segments: readonly SegmentToPublish[]): PublishRequest {
  return {
    dataSource: plan.dataSource as string,
    segments,
    append: plan.kind === 'insert',
    dropIntervals: plan.kind !== 'replace' ? [] : plan.overwrite === 'all' ? [ETERNITY] : [...(plan.overwrite ?? [])],
  };
}

/** REPLACE ... OVERWRITE WHERE may only write inside the intervals it overwrites (Druid's fault). */
function checkBounds(plan: MsqPlan, chunks: readonly Interval[]): void {
  if (plan.kind !== 'replace' || plan.overwrite === 'all' || plan.overwrite === null) return;
  const allowed = plan.overwrite;
  const outside = chunks.find((c) => !allowed.some((o) => o.start <= c.start && c.end <= o.end));
  if (outside) {
    const interval = `${new Date(outside.start).toISOString()}/${new Date(outside.end).toISOString()}`;
    throw new FaultError({ errorCode: 'InsertTimeOutOfBounds', interval, errorMessage: `Query generated time chunk [${interval}] out of bounds specified by replaceExistingTimeChunks` });
  }
}

/** Largest files first to the least-loaded worker, so workers finish together. */
function assignSplits<T extends { size?: number }>(splits: readonly T[], workers: number): T[][] {
  const out: T[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  for (const s of [...splits].sort((a, b) => (b.size ?? 0) - (a.size ?? 0))) {
    const w = load.indexOf(Math.min(...load));
    out[w].push(s);
    load[w] += s.size ?? 1;
  }
  return out;
}

function assignChunks(chunks: readonly Interval[], workers: number): Interval[][] {
  const out: Interval[][] = Array.from({ length: workers }, () => []);
  chunks.forEach((c, i) => out[i % workers].push(c));
  return out;
}
