import path from 'node:path';
import cliProgress from 'cli-progress';
import { msqPayload, stageViews, summarize as summarizeJob } from '../cli/progress-model.js';
import { getTaskReports, submitSqlTask } from '../cli/sql-client.js';
import { submitTask, waitForTask, wikipediaIngestSpec } from './druid-client.js';
import type { DataFormat } from './generate.js';
import { fmtMs } from './harness.js';
import { countRows } from './parts.js';
import { wikipediaMsqStatement } from './sql-ingest.js';

/** Ingesting (e)'s input files into Grove through its API, natively or by SQL, with live progress. */

export interface IngestInput {
  readonly rows: number;
  readonly format: DataFormat;
  /** Native ingestion tasks running at once. */
  readonly ingestConcurrency: number;
}

interface LiveStatus {
  done: number;
  rows: number;
}

/** Rows a native task's report says it has processed so far (live or final form). */
async function processedRows(url: string, id: string): Promise<number> {
  try {
    const res = await fetch(`${url}/druid/indexer/v1/task/${encodeURIComponent(id)}/reports`);
    if (!res.ok) {
      await res.body?.cancel();
      return 0;
    }
    const body = (await res.json()) as { ingestionStatsAndErrors?: { payload?: { rowStats?: Record<string, { processed?: number; buildSegments?: { processed?: number } }> } } };
    const stats = body.ingestionStatsAndErrors?.payload?.rowStats;
    const live = (stats?.totals as { buildSegments?: { processed?: number } } | undefined)?.buildSegments?.processed;
    const final = (stats?.buildSegments as { processed?: number } | undefined)?.processed;
    return Number(live ?? final ?? 0);
  } catch {
    return 0;
  }
}

/** A progress display: a bar on a terminal, otherwise a line every 10 s. */
function progress(label: string, total: number): { update(value: number, detail: string): void; stop(): void } {
  const started = performance.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {percentage}% {duration}s {detail}` },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return { update: (value, detail) => bar.update(Math.min(total, value), { detail }), stop: () => bar.stop() };
  }
  let last = started;
  return {
    update: (_value, detail) => {
      if (performance.now() - last < 10_000) return;
      last = performance.now();
      process.stdout.write(`(e) ${label}, ${fmtMs(last - started)}: ${detail}\n`);
    },
    stop: () => undefined,
  };
}

/**
 * Native batch ingestion, one index_parallel task per input file (appendToExisting, so files that
 * share a day could never replace each other's rows), `concurrency` tasks at once. Progress: files
 * finished and rows the task reports have counted.
 */
export async function ingestNative(url: string, ds: string, inputDir: string, files: readonly string[], o: IngestInput): Promise<number> {
  const show = progress('ingesting (native)', o.rows);
  const live: LiveStatus = { done: 0, rows: 0 };
  const running = new Map<string, number>();
  const started = performance.now();
  const tick = async (): Promise<void> => {
    let rows = live.rows;
    for (const id of running.keys()) rows += await processedRows(url, id);
    show.update(rows, `${rows} rows read, ${live.done}/${files.length} files done`);
  };
  const timer = setInterval(() => void tick(), 1000);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      const spec = wikipediaIngestSpec(ds, inputDir, path.basename(file), o.format, 1) as { spec: { ioConfig: { appendToExisting: boolean } } };
      spec.spec.ioConfig.appendToExisting = true;
      const id = await submitTask(url, spec);
      running.set(id, 0);
      const status = await waitForTask(url, id, 200);
      running.delete(id);
      if (status.statusCode !== 'SUCCESS') throw new Error(`ingestion task ${id} (${path.basename(file)}) failed: ${status.errorMsg}`);
      live.done++;
      live.rows += o.rows / files.length;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.ingestConcurrency, files.length) }, lane));
  } finally {
    clearInterval(timer);
    show.stop();
  }
  return performance.now() - started;
}

/**
 * SQL-based ingestion: one INSERT ... PARTITIONED BY DAY over all the input files through
 * POST /druid/v2/sql/task with maxNumTasks 3 (a controller, two workers). Progress from the live
 * multiStageQuery report: rows read by stage 0 and rows persisted by stage 1.
 */
export async function ingestSql(url: string, ds: string, files: readonly string[], o: IngestInput): Promise<number> {
  const show = progress('ingesting (SQL INSERT)', 2 * o.rows);
  const started = performance.now();
  const id = await submitSqlTask(url, wikipediaMsqStatement('insert', files, o.format, ds), { maxNumTasks: 3 });
  const tick = async (): Promise<void> => {
    const payload = msqPayload(await getTaskReports(url, id).catch(() => null));
    if (!payload) return;
    const views = stageViews(payload);
    const value = views.reduce((sum, v) => sum + (v.stageNumber === 0 ? v.rowsIn : v.bar.unit === 'rows' ? v.bar.value : 0), 0);
    show.update(value, views.map((v) => `s${v.stageNumber} ${v.phase} ${v.rowsIn} in${v.files ? `, files ${v.files.read}/${v.files.total}` : ''}`).join('; '));
  };
  const timer = setInterval(() => void tick(), 1000);
  try {
    const status = await waitForTask(url, id, 200);
    if (status.statusCode !== 'SUCCESS') {
      const summary = summarizeJob(msqPayload(await getTaskReports(url, id).catch(() => null)), status);
      throw new Error(`SQL INSERT ${id} ${status.statusCode}: ${summary.error ? `${summary.error.code}: ${summary.error.message}` : status.errorMsg}`);
    }
  } finally {
    clearInterval(timer);
    show.stop();
  }
  return performance.now() - started;
}

/** Counts until `expected` shows: segments become visible right after SUCCESS. */
export async function countEventually(url: string, ds: string, expected: number): Promise<number | null> {
  let n: number | null = null;
  for (let i = 0; i < 40; i++) {
    n = await countRows(url, ds);
    if (n === expected) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  return n;
}
