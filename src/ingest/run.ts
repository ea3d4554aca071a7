import fs from 'node:fs/promises';
import path from 'node:path';
import type { Interval, PublishRequest } from '../core/types.js';
import { GroveError } from '../core/errors.js';
import type { TaskContext } from '../core/task-context.js';
import { delimitedColumns, discoverDelimitedFields, discoverJsonFields } from './discover.js';
import { abortError, openDuckSession, type DuckSession } from '../engine/duck.js';
import type { InputFile } from '../engine/input.js';
import { listInputs } from './inputs.js';
import { planRows } from './plan.js';
import { createRowsTable, readFile, ROWS_TABLE, type ReadOptions } from './read.js';
import { buildIngestionReport, buildLiveReport, MovingAverages, zeroRowStats, type IngestionState, type ParseExceptionReport, type RowStats } from './report.js';
import { rollupAndBucket, writeSegments } from './segments.js';
import type { IndexTask } from './spec-types.js';
import { lockRequirement, specChunks } from './spec.js';

/** Saving more parse exceptions than this only bloats the report. */
const MAX_KEPT_EVENTS = 10_000;

/** The context a task reports in its `taskContext` (Druid adds these lock defaults). */
export function reportContext(task: IndexTask): Record<string, unknown> {
  return { forceTimeChunkLock: true, useLineageBasedSegmentAllocation: true, ...task.context };
}

/**
 * Runs a native batch task (`index_parallel` / `index`) inside the task process: reads the input
 * file by file into DuckDB, reporting Druid's row counters after each, then rolls up, takes the
 * time-chunk locks, writes one Parquet file per chunk (split at maxRowsPerSegment) and answers
 * what the parent must publish. On failure it leaves a completion-shaped report with the counters
 * measured so far and rethrows.
 */
export async function runNativeIndexTask(task: IndexTask, ctx: TaskContext, options: ReadOptions = {}): Promise<PublishRequest> {
  const started = Date.now();
  const tc = task.spec.tuningConfig;
  const keep = Math.min(tc.maxSavedParseExceptions, MAX_KEPT_EVENTS);
  const eventsToRead = Math.max(keep, tc.logParseExceptions ? 100 : 0);
  const totals: RowStats = zeroRowStats();
  let saved: ParseExceptionReport[] = [];
  const averages = new MovingAverages(started);
  const context = reportContext(task);
  const events = (): ParseExceptionReport[] | null => (keep > 0 ? saved : null);
  // Grove's native ingestion has one phase; COMPLETED comes from the scheduler after publishing.
  const state: IngestionState = 'BUILD_SEGMENTS';
  const live = (): void => {
    const now = Date.now();
    averages.record(now, totals);
    ctx.report(buildLiveReport(ctx.taskId, { state, rowStats: totals, unparseableEvents: events(), context, movingAverages: averages.rates(now) }));
  };
  live();

  let session: DuckSession | undefined;
  try {
    const db = (session = await openDuckSession(ctx.workDir, ctx.signal));
    const inputs = await listInputs(task, ctx);
    ctx.log('INFO', `Reading ${inputs.length} input(s)`);
    const opened: Array<InputFile | undefined> = [];
    // Schemaless dimensions come from every file, so all of them are fetched first; otherwise the
    // first file is enough (it only tells JSON numbers from text) and the rest arrive in turn.
    const dims = task.spec.dataSchema.dimensionsSpec;
    const fullDiscovery = dims.dimensions.length === 0 || dims.useSchemaDiscovery || dims.includeAllDimensions;
    for (let i = 0; i < (fullDiscovery ? inputs.length : 1); i++) opened[i] = await inputs[i].open();
    const sample = opened.filter((f): f is InputFile => f !== undefined);
    const fmt = task.spec.ioConfig.inputFormat;
    const discovered = fmt.type === 'json' ? await discoverJsonFields(db, sample) : (await discoverDelimitedFields(sample, fmt)).fields;
    const plan = planRows(task, discovered);
    ctx.log('INFO', `Dimensions: [${plan.dimensions.map((d) => `${d.name}:${d.druidType}`).join(', ')}]; metrics: [${plan.metrics.map((m) => m.name).join(', ')}]`);
    await createRowsTable(db, plan);

    for (const [i, input] of inputs.entries()) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const file = opened[i] ?? (await input.open());
      opened[i] = undefined;
      const t0 = Date.now();
      const columns = fmt.type === 'json' ? [] : await delimitedColumns(file, fmt);
      const batch = await readFile(db, task, plan, file, columns, i, eventsToRead, options);
      if (batch.fallback !== null) ctx.log('INFO', `Reading [${input.label}] line by line: ${batch.fallback}`);
      if (input.temporary) await fs.rm(file.path, { force: true });
      for (const k of Object.keys(totals) as (keyof RowStats)[]) totals[k] += batch.stats[k];
      if (tc.logParseExceptions) for (const e of batch.events) ctx.log('ERROR', `Encountered parse exception: ${e.details.join('; ')}`);
      saved = [...batch.events, ...saved].slice(0, keep);
      const s = batch.stats;
      ctx.log('INFO', `Read [${input.label}] in ${Date.now() - t0} ms (${batch.reader}): processed=${s.processed} processedWithError=${s.processedWithError} thrownAway=${s.thrownAway} unparseable=${s.unparseable} bytes=${s.processedBytes}`);
      live();
      if (totals.unparseable + totals.processedWithError > tc.maxParseExceptions) {
        throw new GroveError('runtimeFailure', `Max parse exceptions[${tc.maxParseExceptions}] exceeded`);
      }
    }

    const t1 = Date.now();
    const dataChunks = await rollupAndBucket(db, task, plan, ROWS_TABLE);
    const lockChunks: Interval[] = specChunks(task) ?? dataChunks;
    ctx.log('INFO', `Rolled up into ${dataChunks.length} time chunk(s) in ${Date.now() - t1} ms; locking ${lockChunks.length}`);
    const versions = lockChunks.length === 0 ? new Map<string, string>() : await ctx.acquireLocks(lockChunks, lockRequirement(task).type);
    if (ctx.signal.aborted) throw abortError(ctx.signal);

    const segments = await writeSegments(db, task, plan, dataChunks, {
      versions,
      outDir: path.join(ctx.workDir, 'segments'),
      log: (m) => ctx.log('INFO', m),
    });
    const io = task.spec.ioConfig;
    // The last word of the task itself: every row is in a segment. COMPLETED is for the scheduler
    // to say, once the publish has committed (tasks/reports.ts).
    ctx.report(buildIngestionReport(ctx.taskId, { state, rowStats: totals, unparseableEvents: events(), errorMsg: null, context }));
    ctx.log('INFO', `Ingestion done in ${Date.now() - started} ms: ${segments.length} segment(s), ${segments.reduce((n, s) => n + s.numRows, 0)} rows`);
    return {
      dataSource: task.dataSource,
      segments,
      append: io.appendToExisting,
      dropIntervals: io.dropExisting ? (specChunks(task) ?? []) : [],
    };
  } catch (e) {
    const errorMsg = e instanceof Error ? e.message : String(e);
    ctx.report(buildIngestionReport(ctx.taskId, { state, rowStats: totals, unparseableEvents: events(), errorMsg, context }));
    throw e;
  } finally {
    session?.close();
  }
}
