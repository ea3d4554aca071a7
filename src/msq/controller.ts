import path from 'node:path';
import type { Interval, PublishRequest, SegmentToPublish } from '../core/types.js';
import type { TaskContext } from '../tasks/task-context.js';
import { ETERNITY, bucketInterval, parseGranularity } from '../time/granularity.js';
import { expandInputs, readResults } from './exec/index.js';
import { faultOf, FaultError, faultMessage } from './faults.js';
import { MsqReport } from './report.js';
import type { MsqPlan, MsqSettings, StageResult } from './types.js';
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
  let stage = 0;
  try {
    const io = { workDir: ctx.workDir, allowedInputDirs: ctx.allowedInputDirs, allowedHttpProtocols: ctx.allowedHttpProtocols, signal: ctx.signal, log: ctx.log, counters: () => {} };
    const splits = await expandInputs(plan.inputs, io);
    ctx.log('INFO', `Query [${ctx.taskId}]: ${plan.kind} with ${splits.length} input file(s)`);
    const workerCount = plan.singleWorker ? 1 : Math.max(1, Math.min(settings.maxNumTasks - 1, splits.length));
    await pool.start(workerCount);
    push(true);

    // Stage 0: each worker scans its files (a file is never split) and shuffles rows by time chunk.
    const shuffleDir = path.join(ctx.workDir, 'shuffle');
    const assigned = assignSplits(splits, workerCount);
    report.stageStarted(0, workerCount);
    push(true);
    const stage0 = (await pool.runStage(assigned.map((mySplits) => ({ stage: 0 as const, plan, splits: mySplits, shuffleDir, settings })))) as Array<StageResult & { stage: 0 }>;
    for (const [w, r] of stage0.entries()) for (const warning of r.warnings) report.warning(warning, pool.workerId(w), 0);
    const partitions = stage0.flatMap((r) => r.partitions).filter((p) => p.rows > 0);
    const chunkStarts = [...new Set(partitions.map((p) => p.chunkStart))].sort((a, b) => a - b);
    report.stagePhase(0, 'RESULTS_COMPLETE', chunkStarts.length);
    push(true);

    if (plan.kind === 'select') {
      const files = partitions.map((p) => p.file);
      const limit = Math.min(REPORT_ROW_LIMIT, plan.limit ?? REPORT_ROW_LIMIT);
      const { rows, truncated } = await readResults(plan, files, limit);
      report.results({
        signature: plan.columns.map((c) => ({ name: c.name, type: c.druidType })),
        sqlTypeNames: plan.columns.map((c) => c.sqlType),
        results: rows,
        resultsTruncated: truncated && (plan.limit === null || plan.limit > REPORT_ROW_LIMIT),
      });
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
    await pool.stop(true);
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
