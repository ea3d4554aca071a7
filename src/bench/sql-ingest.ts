import { msqPayload, stageViews, summarize } from '../cli/progress-model.js';
import { getTaskReports, SubmitError, submitSqlTask } from '../cli/sql-client.js';
import { duckdbBaseline } from './duckdb-baseline.js';
import { waitForTask } from './druid-client.js';
import type { DataFormat } from './generate.js';
import { WIKI_COLUMNS } from './generate.js';
import { fmtMs, measure, summarize as summarizeMs, type Summary } from './harness.js';
import { countRows } from './parts.js';

/**
 * (d) SQL-based ingestion (MSQ): INSERT of the benchmark file through /druid/v2/sql/task with
 * maxNumTasks 2 (one worker) and 3 (two workers), then REPLACE ... OVERWRITE ALL of the same data,
 * each timed from submit to SUCCESS and set against DuckDB's own COPY of the file in the same run.
 */

export const SQL_DATASOURCE = 'bench_sql';

/** EXTERN signature types, matching the dimension types part (a)'s native spec declares. */
const LONGS = new Set(['metroCode', 'delta', 'added', 'deleted', 'commentLength']);
const DOUBLES = new Set(['deltaBucket']);
const typeOf = (c: string): string => (LONGS.has(c) ? 'long' : DOUBLES.has(c) ? 'double' : 'string');

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * The statement, with every column written out (rather than `* EXCEPT`, which Druid SQL lacks) so
 * the raw "time" string is not stored beside __time.
 */
export function wikipediaMsqStatement(kind: 'insert' | 'replace', file: string | readonly string[], format: DataFormat, dataSource = SQL_DATASOURCE): string {
  const inputSource = JSON.stringify({ type: 'local', files: typeof file === 'string' ? [file] : file });
  const inputFormat = JSON.stringify(format === 'json' ? { type: 'json' } : { type: 'csv', findColumnsFromHeader: true });
  const signature = JSON.stringify(WIKI_COLUMNS.map((name) => ({ name, type: typeOf(name) })));
  const columns = WIKI_COLUMNS.filter((c) => c !== 'time').map((c) => `  "${c}"`);
  const head = kind === 'insert' ? `INSERT INTO ${dataSource}` : `REPLACE INTO ${dataSource} OVERWRITE ALL`;
  return [
    head,
    'SELECT',
    '  TIME_PARSE("time") AS __time,',
    columns.join(',\n'),
    `FROM TABLE(EXTERN(${sqlString(inputSource)}, ${sqlString(inputFormat)}, ${sqlString(signature)}))`,
    'PARTITIONED BY DAY',
  ].join('\n');
}

export interface SqlRun {
  readonly label: string;
  readonly maxNumTasks: number;
  readonly wallMs: Summary;
  /** Per run: rows the report says were written, task duration, and each stage's duration and workers. */
  readonly runs: ReadonlyArray<{ taskId: string; rowsWritten: number | null; segments: number | null; taskMs: number | null; stages: Array<{ ms: number | null; workers: number | null }> }>;
  /** median wall time / median DuckDB COPY time. */
  readonly ratio: number;
}

export type SqlIngestResult =
  | { readonly skipped: string }
  | {
      readonly rows: number;
      readonly duckdbMs: Summary;
      readonly jobs: readonly SqlRun[];
      /** COUNT(*) via /druid/v2/sql after the INSERTs and after the REPLACE, with what each should be. */
      readonly counts: { afterInsert: number | null; expectedAfterInsert: number; afterReplace: number | null; expectedAfterReplace: number };
    };

/** A server without the endpoint answers 404/405 in its router's own words, not a Druid error. */
const missingEndpoint = (e: unknown): boolean =>
  e instanceof SubmitError && (e.httpStatus === 404 || e.httpStatus === 405) && !/"errorCode"/.test(e.body);

/** Submits one statement and waits for SUCCESS; returns what the report said. */
async function runJob(url: string, query: string, maxNumTasks: number): Promise<SqlRun['runs'][number]> {
  const taskId = await submitSqlTask(url, query, { maxNumTasks });
  const status = await waitForTask(url, taskId, 50);
  const payload = msqPayload(await getTaskReports(url, taskId).catch(() => null));
  const summary = summarize(payload, status);
  if (status.statusCode !== 'SUCCESS') {
    throw new Error(`SQL task ${taskId} ${status.statusCode}: ${summary.error ? `${summary.error.code}: ${summary.error.message}` : status.errorMsg}`);
  }
  return {
    taskId,
    rowsWritten: summary.rowsWritten,
    segments: summary.segments,
    taskMs: status.duration,
    stages: payload ? stageViews(payload).map((v) => ({ ms: v.durationMs, workers: v.workerCount })) : [],
  };
}

/** Counts until the expected figure shows (segments may become visible just after SUCCESS). */
async function countEventually(url: string, expected: number): Promise<number | null> {
  let n: number | null = null;
  for (let i = 0; i < 20; i++) {
    n = await countRows(url, SQL_DATASOURCE);
    if (n === expected) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  return n;
}

export async function sqlIngestion(
  url: string,
  file: { path: string; format: DataFormat; rows: number },
  repeat: number,
): Promise<SqlIngestResult> {
  const insert = wikipediaMsqStatement('insert', file.path, file.format);
  const jobs: SqlRun[] = [];
  const timed = async (label: string, query: string, maxNumTasks: number): Promise<{ label: string; maxNumTasks: number; samples: number[]; runs: SqlRun['runs'][number][] }> => {
    const runs: SqlRun['runs'][number][] = [];
    const samples = await measure(async () => runs.push(await runJob(url, query, maxNumTasks)), repeat);
    return { label, maxNumTasks, samples, runs };
  };
  const raw: Awaited<ReturnType<typeof timed>>[] = [];
  try {
    raw.push(await timed('INSERT', insert, 2));
  } catch (e) {
    if (missingEndpoint(e)) return { skipped: `the server has no POST /druid/v2/sql/task yet (HTTP ${(e as SubmitError).httpStatus})` };
    throw e;
  }
  raw.push(await timed('INSERT', insert, 3));
  const afterInsert = await countEventually(url, 2 * repeat * file.rows);
  raw.push(await timed('REPLACE OVERWRITE ALL', wikipediaMsqStatement('replace', file.path, file.format), 3));
  const afterReplace = await countEventually(url, file.rows);
  const duckdbMs = summarizeMs(await measure(() => duckdbBaseline(file.path, file.format), repeat));
  for (const r of raw) {
    const wallMs = summarizeMs(r.samples);
    jobs.push({ label: r.label, maxNumTasks: r.maxNumTasks, wallMs, runs: r.runs, ratio: wallMs.median / duckdbMs.median });
  }
  return {
    rows: file.rows,
    duckdbMs,
    jobs,
    counts: { afterInsert, expectedAfterInsert: 2 * repeat * file.rows, afterReplace, expectedAfterReplace: file.rows },
  };
}

/** Rows of the closing table for part d. */
export function sqlIngestionRows(d: SqlIngestResult, repeat: number): string[][] {
  if ('skipped' in d) return [['d', `skipped: ${d.skipped}`, '-']];
  const rows: string[][] = [];
  for (const j of d.jobs) {
    // Where the time went in the first run, and on how many workers (one input file is never split).
    const stages = j.runs[0]?.stages.map((st, i) => `s${i} ${st.ms === null ? '?' : fmtMs(st.ms)} x${st.workers ?? '?'}`).join(', ');
    rows.push(['d', `Grove SQL ${j.label}, maxNumTasks ${j.maxNumTasks}, ${d.rows} rows (submit to SUCCESS, median of ${repeat}${stages ? `; ${stages}` : ''})`, fmtMs(j.wallMs.median)]);
    rows.push(['d', `  ratio Grove / DuckDB (target <= 1.25x)`, `${j.ratio.toFixed(2)}x`]);
  }
  rows.push(['d', 'DuckDB COPY read_json -> Parquet, fresh instance', fmtMs(d.duckdbMs.median)]);
  const c = d.counts;
  const shown = (n: number | null, want: number): string => (n === null ? 'n/a' : n === want ? String(n) : `${n} (expected ${want})`);
  rows.push(['d', `rows in ${SQL_DATASOURCE} via /druid/v2/sql after the INSERTs`, shown(c.afterInsert, c.expectedAfterInsert)]);
  rows.push(['d', 'rows after REPLACE OVERWRITE ALL', shown(c.afterReplace, c.expectedAfterReplace)]);
  return rows;
}
