import { duckdbBaseline } from './duckdb-baseline.js';
import { inlineSpec, isComplete, submitTask, taskStatus, waitForTask, wikipediaIngestSpec } from './druid-client.js';
import type { DataFormat } from './generate.js';
import { measure, summarize, type Summary } from './harness.js';

/** The three measurements of `npm run bench`; each takes a running Grove's URL. */

export interface IngestResult {
  readonly rows: number;
  readonly groveMs: Summary;
  readonly groveTaskDurationMs: number[];
  readonly duckdbMs: Summary;
  /** median Grove time / median DuckDB time. */
  readonly ratio: number;
  /** COUNT(*) over the ingested datasource via /druid/v2/sql, when the server answers SQL. */
  readonly rowsQueried: number | null;
}

export async function countRows(url: string, dataSource: string): Promise<number | null> {
  try {
    const res = await fetch(`${url}/druid/v2/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `SELECT COUNT(*) AS c FROM "${dataSource}"`, resultFormat: 'array' }),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as number[][];
    return Number(body[0]?.[0]);
  } catch {
    return null;
  }
}

/**
 * (a) Wall time from submitting an index_parallel task over the file to observing SUCCESS
 * (polled every 50 ms), against DuckDB's own COPY of the same file to Parquet.
 */
export async function ingestionVsBaseline(
  url: string,
  file: { dir: string; name: string; path: string; format: DataFormat; rows: number },
  repeat: number,
  subTasks: number,
): Promise<IngestResult> {
  const durations: number[] = [];
  let run = 0;
  const grove = await measure(async () => {
    run++;
    const id = await submitTask(url, wikipediaIngestSpec(`wikipedia_bench_${run}`, file.dir, file.name, file.format, subTasks));
    const status = await waitForTask(url, id, 50);
    if (status.statusCode !== 'SUCCESS') throw new Error(`ingestion task ${id} failed: ${status.errorMsg}`);
    durations.push(status.duration);
  }, repeat);
  const duck = await measure(() => duckdbBaseline(file.path, file.format), repeat);
  const groveMs = summarize(grove);
  const duckdbMs = summarize(duck);
  return {
    rows: file.rows,
    groveMs,
    groveTaskDurationMs: durations,
    duckdbMs,
    ratio: groveMs.median / duckdbMs.median,
    rowsQueried: await countRows(url, 'wikipedia_bench_1'),
  };
}

export interface LatencyResult {
  readonly tasks: number;
  readonly concurrency: number;
  readonly latencyMs: Summary;
  /** Probes whose first observation was already a completed task (RUNNING was never seen). */
  readonly completedBeforeSeenRunning: number;
  readonly failed: number;
  /** errorMsg of the first probe that failed, to tell a broken build from a slow one. */
  readonly firstError: string | null;
}

/**
 * (b) Submit-to-running latency. Method: `concurrency` loops (worker capacity - 1, so a slot is
 * always free and queueing behind other probes is not measured) each submit a tiny inline task,
 * then poll its status back to back; the latency is from the submit response's arrival to the
 * arrival of the first status showing runnerStatusCode RUNNING or a completed statusCode. The
 * loop waits for the task to finish before the next submit. Resolution is one status round trip.
 */
export async function submitToRunning(url: string, tasks: number, concurrency: number): Promise<LatencyResult> {
  const samples: number[] = [];
  let completedFirst = 0;
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const loop = async (lane: number): Promise<void> => {
    while (next < tasks) {
      const n = next++;
      const id = await submitTask(url, inlineSpec(`latency_probe_${lane}`, n));
      const submitted = performance.now();
      for (;;) {
        const s = await taskStatus(url, id);
        if (s.runnerStatusCode === 'RUNNING' || isComplete(s)) {
          samples.push(performance.now() - submitted);
          if (isComplete(s)) completedFirst++;
          break;
        }
      }
      const final = await waitForTask(url, id, 20);
      if (final.statusCode !== 'SUCCESS') {
        failed++;
        firstError ??= final.errorMsg;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => loop(lane)));
  return { tasks, concurrency, latencyMs: summarize(samples), completedBeforeSeenRunning: completedFirst, failed, firstError };
}

export interface TaskListResult {
  readonly seeded: number;
  readonly returned: number;
  readonly responseBytes: number;
  readonly latencyMs: Summary;
}

/** (c) GET /druid/indexer/v1/tasks?state=complete over a store holding `seeded` completed tasks. */
export async function completeTaskList(url: string, seeded: number, repeat: number): Promise<TaskListResult> {
  let returned = 0;
  let responseBytes = 0;
  const samples = await measure(
    async () => {
      const res = await fetch(`${url}/druid/indexer/v1/tasks?state=complete`);
      const text = await res.text();
      if (!res.ok) throw new Error(`GET tasks?state=complete: HTTP ${res.status} ${text.slice(0, 300)}`);
      responseBytes = text.length;
      returned = (JSON.parse(text) as unknown[]).length;
    },
    repeat,
    3,
  );
  return { seeded, returned, responseBytes, latencyMs: summarize(samples) };
}

/**
 * Baseline for (c): the same completed-task rows read straight from the SQLite file and serialised
 * to JSON in this process, so the ratio shows what the HTTP API adds over the raw store read.
 */
export async function rawCompleteTaskRead(sqliteFile: string, repeat: number): Promise<Summary> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(sqliteFile, { readonly: true });
  try {
    const stmt = db.prepare("SELECT * FROM tasks WHERE status <> 'RUNNING' ORDER BY created_ms DESC, id DESC");
    const samples = await measure(async () => JSON.stringify(stmt.all()), repeat, 3);
    return summarize(samples);
  } finally {
    db.close();
  }
}
