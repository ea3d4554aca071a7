import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { msqPayload, stageViews, summarize as summarizeJob } from '../cli/progress-model.js';
import { getTaskReports, submitSqlTask } from '../cli/sql-client.js';
import { toSegmentRecord } from '../store/segments.js';
import { segmentPath, visibleSegments } from '../segments/timeline.js';
import { submitTask, waitForTask, wikipediaIngestSpec } from './druid-client.js';
import { generateFilesWithProgress, WIKI_START, type DataFormat } from './generate.js';
import { startGroveProcess, type GroveProcess } from './grove-process.js';
import { fmtMs, measure, summarize, table, type Summary } from './harness.js';
import { countRows } from './parts.js';
import { wikipediaMsqStatement } from './sql-ingest.js';
import { stopLatency, type StopLatencyResult } from './stop-latency.js';

/**
 * (e) Queries over a large datasource: rows generated once, ingested into Grove through its API,
 * then five queries through POST /druid/v2/sql (HTTP, end to end) against DuckDB running the
 * equivalent SQL in this process over exactly the Parquet files of the visible segments. Both
 * sides run warm (warm-up runs first) with the same DuckDB thread count, interleaved run by run
 * so that load from elsewhere on the machine hits both alike.
 *
 * The input files and Grove's data directory are cached under `<out>/e-<params>/`: a re-run with
 * the same parameters reuses the ingested datasource (checked by counting its rows) and reports
 * the ingestion time measured when it was built; `--fresh` rebuilds it.
 */

export const QUERY_DATASOURCE = 'wiki_e';
/** Bump when the generated data or the way it is ingested changes, to invalidate caches. */
const CACHE_VERSION = 1;

export interface QueryBenchOptions {
  readonly rows: number;
  readonly days: number;
  /** Input files; each covers days / files whole days. */
  readonly files: number;
  readonly seed: number;
  readonly format: DataFormat;
  readonly out: string;
  /** Measured runs per query and side, after `warmup` unmeasured ones. */
  readonly repeat: number;
  readonly warmup: number;
  readonly stopRepeat: number;
  readonly workerCapacity: number;
  /**
   * How the rows get in: `sql` (one INSERT over all files, MSQ) or `native` (an index_parallel task
   * per file). Measured on 10M rows (10 JSON files), 2 cores: sql 41-51 s, native 132 s (2 tasks at a time).
   */
  readonly ingest: 'sql' | 'native';
  /** Native ingestion tasks running at once. */
  readonly ingestConcurrency: number;
  readonly fresh: boolean;
}

interface BenchQuery {
  readonly name: string;
  /** Druid SQL sent to Grove. */
  readonly druid: string;
  /** The same question for DuckDB over a view named by `from`. */
  readonly duckdb: (from: string) => string;
  /** Set on the query whose __time range prunes segments. */
  readonly interval?: { start: number; end: number };
}

const isoSql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '');

/** The five queries; the narrow one asks for one hour in the middle of the data. */
export function benchQueries(ds: string, days: number): BenchQuery[] {
  const start = WIKI_START + Math.floor(days / 2) * 86_400_000 + 10 * 3_600_000;
  const end = start + 3_600_000;
  const timeWhere = `__time >= TIMESTAMP '${isoSql(start)}' AND __time < TIMESTAMP '${isoSql(end)}'`;
  return [
    { name: 'count', druid: `SELECT COUNT(*) AS "rows" FROM "${ds}"`, duckdb: (t) => `SELECT COUNT(*) AS "rows" FROM ${t}` },
    {
      name: 'group by channel',
      druid: `SELECT channel, COUNT(*) AS edits, SUM(added) AS added FROM "${ds}" GROUP BY channel ORDER BY edits DESC`,
      duckdb: (t) => `SELECT channel, COUNT(*) AS edits, SUM(added) AS added FROM ${t} GROUP BY channel ORDER BY edits DESC`,
    },
    {
      name: 'hourly time series',
      druid: `SELECT TIME_FLOOR(__time, 'PT1H') AS "hour", COUNT(*) AS edits, SUM(delta) AS delta FROM "${ds}" GROUP BY 1 ORDER BY 1`,
      duckdb: (t) => `SELECT date_trunc('hour', __time) AS "hour", COUNT(*) AS edits, SUM(delta) AS delta FROM ${t} GROUP BY 1 ORDER BY 1`,
    },
    {
      name: 'top-10 pages by added',
      druid: `SELECT page, SUM(added) AS added FROM "${ds}" GROUP BY page ORDER BY added DESC LIMIT 10`,
      duckdb: (t) => `SELECT page, SUM(added) AS added FROM ${t} GROUP BY page ORDER BY added DESC LIMIT 10`,
    },
    {
      name: 'count, 1 h of __time',
      druid: `SELECT COUNT(*) AS "rows" FROM "${ds}" WHERE ${timeWhere}`,
      duckdb: (t) => `SELECT COUNT(*) AS "rows" FROM ${t} WHERE ${timeWhere}`,
      interval: { start, end },
    },
  ];
}

export interface QueryFigure {
  readonly name: string;
  readonly druid: string;
  readonly groveMs: Summary;
  readonly duckdbMs: Summary;
  /** median Grove / median DuckDB. */
  readonly ratio: number;
  /** DuckDB with Grove's scan settings (GROVE_SCAN_SETTINGS). */
  readonly duckdbTunedMs: Summary;
  /** median Grove / median tuned DuckDB: what Grove's own path (HTTP, planning, views) adds. */
  readonly ratioVsTuned: number;
  readonly resultRows: number;
  /** Grove's rows equal DuckDB's (as sorted, normalised rows). */
  readonly resultsMatch: boolean;
}

export interface PruningFigure {
  readonly totalFiles: number;
  /** Visible segment files whose interval overlaps the queried range. */
  readonly overlappingFiles: number;
  /** Files in Grove's scan, inferred from its EXPLAIN scan estimate (null when unreadable). */
  readonly groveFilesRead: number | null;
  readonly groveScanEstimate: number | null;
  readonly duckdbScanEstimateAll: number | null;
  readonly duckdbScanEstimatePruned: number | null;
  /** DuckDB over only the overlapping files. */
  readonly duckdbPrunedMs: Summary;
  /** median Grove / median DuckDB over the overlapping files. */
  readonly ratioVsPruned: number;
  readonly ok: boolean;
}

export interface QueryBenchResult {
  readonly rows: number;
  readonly days: number;
  readonly segmentFiles: number;
  readonly segmentBytes: number;
  readonly sysSegments: number | null;
  readonly threads: { grove: number | null; duckdb: number };
  readonly ingestion: IngestionFigure;
  readonly queries: QueryFigure[];
  readonly pruning: PruningFigure;
  readonly stop: StopLatencyResult;
}

export interface IngestionFigure {
  readonly method: string;
  readonly ms: number;
  /** True when this run reused a datasource ingested (and timed) by an earlier run. */
  readonly cached: boolean;
  readonly ingestedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Cache: input files and Grove's data directory

interface InputMeta {
  readonly version: number;
  readonly rows: number;
  readonly days: number;
  readonly seed: number;
  readonly files: number;
  readonly format: DataFormat;
  readonly bytes: number[];
}

const sameParams = (a: Record<string, unknown>, b: Record<string, unknown>, keys: readonly string[]): boolean => keys.every((k) => a[k] === b[k]);

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function ensureInputFiles(o: QueryBenchOptions, dir: string): Promise<string[]> {
  const names = Array.from({ length: o.files }, (_, k) => `part-${String(k).padStart(3, '0')}.${o.format}`);
  const files = names.map((n) => path.join(dir, n));
  const metaFile = path.join(dir, 'input.meta.json');
  const params = { version: CACHE_VERSION, rows: o.rows, days: o.days, seed: o.seed, files: o.files, format: o.format };
  const meta = await readJson<InputMeta>(metaFile);
  if (meta && sameParams(meta as unknown as Record<string, unknown>, params, Object.keys(params))) {
    const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => -1)));
    if (sizes.every((s, i) => s === meta.bytes[i])) {
      process.stdout.write(`(e) using cached input ${dir} (${o.files} files)\n`);
      return files;
    }
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  process.stdout.write(`(e) generating ${o.rows} rows over ${o.days} days into ${o.files} ${o.format} files...\n`);
  const started = performance.now();
  const { bytes } = await generateFilesWithProgress({ rows: o.rows, days: o.days, seed: o.seed, format: o.format, outs: files });
  await writeFile(metaFile, JSON.stringify({ ...params, bytes }));
  const total = bytes.reduce((a, b) => a + b, 0);
  process.stdout.write(`(e) generated ${(total / 1e6).toFixed(0)} MB in ${fmtMs(performance.now() - started)}\n`);
  return files;
}

interface IngestMeta {
  readonly version: number;
  readonly rows: number;
  readonly days: number;
  readonly seed: number;
  readonly files: number;
  readonly format: DataFormat;
  readonly ingest: 'sql' | 'native';
  readonly method: string;
  readonly ms: number;
  readonly ingestedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Ingestion

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
async function ingestNative(url: string, inputDir: string, files: readonly string[], o: QueryBenchOptions): Promise<number> {
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
      const spec = wikipediaIngestSpec(QUERY_DATASOURCE, inputDir, path.basename(file), o.format, 1) as { spec: { ioConfig: { appendToExisting: boolean } } };
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
async function ingestSql(url: string, files: readonly string[], o: QueryBenchOptions): Promise<number> {
  const show = progress('ingesting (SQL INSERT)', 2 * o.rows);
  const started = performance.now();
  const id = await submitSqlTask(url, wikipediaMsqStatement('insert', files, o.format, QUERY_DATASOURCE), { maxNumTasks: 3 });
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
async function countEventually(url: string, expected: number): Promise<number | null> {
  let n: number | null = null;
  for (let i = 0; i < 40; i++) {
    n = await countRows(url, QUERY_DATASOURCE);
    if (n === expected) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Querying both sides

/**
 * Timed requests go through node:http with a keep-alive agent rather than fetch: undici's fetch adds
 * about a millisecond of client-side work per request, which is not Grove's to count against the
 * in-process baseline. It is still a full HTTP round trip on a TCP connection, body read to the end.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function post(url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const target = new URL(path, url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function groveSql(url: string, query: string): Promise<unknown[][]> {
  const res = await post(url, '/druid/v2/sql', { query, resultFormat: 'array' });
  if (res.status !== 200) throw new Error(`POST /druid/v2/sql: HTTP ${res.status} ${res.text.slice(0, 500)}\n${query}`);
  return JSON.parse(res.text) as unknown[][];
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** One value as both sides would agree on it: numbers as numbers, times as epoch ms. */
function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && ISO_TIME.test(v)) return Date.parse(v);
  if (v !== null && typeof v === 'object') {
    const s = String(v);
    const t = Date.parse(`${s.replace(' ', 'T')}Z`);
    if (Number.isFinite(t)) return t;
    return s;
  }
  return v;
}

const canonical = (rows: readonly (readonly unknown[])[]): string => JSON.stringify(rows.map((r) => JSON.stringify(r.map(normalise))).sort());

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

async function duckRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJS() as unknown[][];
}

/** DuckDB's cardinality estimate of the bottom (scan) operator of an EXPLAIN plan text. */
function scanEstimate(plan: string): number | null {
  const all = [...plan.matchAll(/~([\d,]+) rows/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1].replaceAll(',', '')) : null;
}

async function groveThreads(url: string): Promise<number | null> {
  try {
    const rows = await groveSql(url, `SELECT current_setting('threads') AS threads`);
    const n = Number(rows[0]?.[0]);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The visible segments' files, straight from the metadata store, as the query path sees them. */
async function visibleFiles(dataDir: string, ds: string): Promise<Array<{ file: string; start: number; end: number; bytes: number }>> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(path.join(dataDir, 'metadata.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM segments WHERE datasource = ? AND used = 1').all(ds) as Parameters<typeof toSegmentRecord>[0][];
    const deep = path.join(dataDir, 'segments');
    return visibleSegments(rows.map(toSegmentRecord)).map((v) => ({
      file: segmentPath(deep, v.segment),
      start: v.segment.interval.start,
      end: v.segment.interval.end,
      bytes: v.segment.size,
    }));
  } finally {
    db.close();
  }
}

async function sysSegmentCount(url: string, ds: string): Promise<number | null> {
  try {
    const rows = await groveSql(url, `SELECT COUNT(*) FROM sys.segments WHERE datasource = '${ds}' AND is_active = 1`);
    return Number(rows[0]?.[0]);
  } catch {
    return null;
  }
}

interface Measured {
  readonly q: BenchQuery;
  readonly grove: number[];
  readonly duck: number[];
  readonly tuned: number[];
  readonly pruned: number[];
  readonly groveRows: unknown[][];
  readonly duckRows: unknown[][];
}

/**
 * Per query: warm-up runs of every side, then `repeat` rounds of one run per side in turn, so a
 * burst of load elsewhere on the machine lands on all sides alike.
 */
async function runQueries(url: string, duck: DuckDBConnection, tuned: DuckDBConnection, queries: readonly BenchQuery[], o: QueryBenchOptions): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const q of queries) {
    const sides: Array<[string, () => Promise<unknown[][]>]> = [
      ['grove', () => groveSql(url, q.druid)],
      ['duck', () => duckRows(duck, q.duckdb('wiki_all'))],
      ['tuned', () => duckRows(tuned, q.duckdb('wiki_all'))],
    ];
    if (q.interval) sides.push(['pruned', () => duckRows(duck, q.duckdb('wiki_pruned'))]);
    const groveRows = await sides[0][1]();
    const duckResult = await sides[1][1]();
    for (let i = 1; i < Math.max(1, o.warmup); i++) for (const [, run] of sides) await run();
    const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
    for (let i = 0; i < o.repeat; i++) {
      for (const [name, run] of sides) samples.get(name)!.push(...(await measure(run, 1)));
    }
    const m: Measured = {
      q,
      grove: samples.get('grove')!,
      duck: samples.get('duck')!,
      tuned: samples.get('tuned')!,
      pruned: samples.get('pruned') ?? [],
      groveRows,
      duckRows: duckResult,
    };
    const g = summarize(m.grove).median;
    const d = summarize(m.duck).median;
    process.stdout.write(`(e) ${q.name}: Grove ${fmtMs(g)}, DuckDB ${fmtMs(d)} (${(g / d).toFixed(2)}x), DuckDB with Grove's cache settings ${fmtMs(summarize(m.tuned).median)}\n`);
    out.push(m);
  }
  return out;
}

/** What Grove's query engine sets beyond DuckDB's defaults that changes scan speed (src/query/engine.ts). */
export const GROVE_SCAN_SETTINGS = ['SET GLOBAL parquet_metadata_cache = true', "SET GLOBAL validate_external_file_cache = 'NO_VALIDATION'"];

async function baselineInstance(threads: number, settings: readonly string[], all: string, pruned: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  for (const sql of settings) await conn.run(sql);
  await conn.run(`CREATE VIEW wiki_all AS SELECT * FROM read_parquet(${all})`);
  await conn.run(`CREATE VIEW wiki_pruned AS SELECT * FROM read_parquet(${pruned})`);
  return { instance, conn };
}

// ---------------------------------------------------------------------------------------------

export async function queryBench(o: QueryBenchOptions): Promise<QueryBenchResult> {
  const cacheDir = path.join(o.out, `e-r${o.rows}-d${o.days}-f${o.files}-s${o.seed}-${o.format}`);
  const inputDir = path.join(cacheDir, 'input');
  const dataDir = path.join(cacheDir, 'grove');
  const ingestMetaFile = path.join(cacheDir, 'ingest.meta.json');
  if (o.days % o.files !== 0 || o.rows % o.files !== 0) throw new Error(`(e) --e-files must divide both --e-rows and --e-days, got ${o.files}`);
  await mkdir(cacheDir, { recursive: true });
  const files = await ensureInputFiles(o, inputDir);

  const params = { version: CACHE_VERSION, rows: o.rows, days: o.days, seed: o.seed, files: o.files, format: o.format, ingest: o.ingest };
  let meta = o.fresh ? null : await readJson<IngestMeta>(ingestMetaFile);
  if (meta && !sameParams(meta as unknown as Record<string, unknown>, params, Object.keys(params))) meta = null;
  if (!meta) await rm(dataDir, { recursive: true, force: true });

  const start = (): Promise<GroveProcess> =>
    startGroveProcess({ dataDir, allowedInputDirs: [inputDir], workerCapacity: o.workerCapacity, logFile: path.join(o.out, 'grove-server-e.log') });
  let grove = await start();
  try {
    if (meta) {
      const n = await countRows(grove.url, QUERY_DATASOURCE);
      if (n === o.rows) process.stdout.write(`(e) reusing ${QUERY_DATASOURCE} in ${dataDir}: ${n} rows, ingested ${meta.ingestedAt} in ${fmtMs(meta.ms)}\n`);
      else {
        process.stdout.write(`(e) cached datasource has ${n ?? 'no'} rows, expected ${o.rows}: ingesting again\n`);
        meta = null;
        await grove.stop();
        await rm(dataDir, { recursive: true, force: true });
        await rm(ingestMetaFile, { force: true });
        grove = await start();
      }
    }
    let cached = true;
    if (!meta) {
      cached = false;
      const method =
        o.ingest === 'sql'
          ? `SQL INSERT ... PARTITIONED BY DAY of ${o.files} files, maxNumTasks 3`
          : `native index_parallel, ${o.files} tasks, ${o.ingestConcurrency} at a time`;
      process.stdout.write(`(e) ingesting ${o.rows} rows into ${QUERY_DATASOURCE}: ${method}...\n`);
      const ms = o.ingest === 'sql' ? await ingestSql(grove.url, files, o) : await ingestNative(grove.url, inputDir, files, o);
      const n = await countEventually(grove.url, o.rows);
      if (n !== o.rows) throw new Error(`(e) ${QUERY_DATASOURCE} has ${n} rows after ingestion, expected ${o.rows}`);
      meta = { ...params, method, ms, ingestedAt: new Date().toISOString() };
      await writeFile(ingestMetaFile, JSON.stringify(meta));
      process.stdout.write(`(e) ingested ${o.rows} rows in ${fmtMs(ms)}\n`);
    }
    const ingestion: IngestionFigure = { method: meta.method, ms: meta.ms, cached, ingestedAt: meta.ingestedAt };

    const visible = await visibleFiles(dataDir, QUERY_DATASOURCE);
    for (const v of visible) if (!existsSync(v.file)) throw new Error(`(e) visible segment file missing: ${v.file}`);
    const sysSegments = await sysSegmentCount(grove.url, QUERY_DATASOURCE);
    const threadsGrove = await groveThreads(grove.url);
    const threads = threadsGrove ?? os.availableParallelism();
    const queries = benchQueries(QUERY_DATASOURCE, o.days);
    const narrow = queries.find((q) => q.interval)!;
    const overlapping = visible.filter((v) => v.start < narrow.interval!.end && narrow.interval!.start < v.end);

    const list = (fs: readonly { file: string }[]): string => `[${fs.map((f) => quote(f.file)).join(', ')}]`;
    // DuckDB as anyone would run it on these files (the baseline), and with Grove's scan settings
    // (to tell what the settings buy from what Grove's own path costs).
    const base = await baselineInstance(threads, [], list(visible), list(overlapping));
    const tuned = await baselineInstance(threads, GROVE_SCAN_SETTINGS, list(visible), list(overlapping));
    try {
      const conn = base.conn;
      const duckThreads = Number((await duckRows(conn, `SELECT current_setting('threads')`))[0]?.[0]);

      process.stdout.write(`(e) ${visible.length} visible segment files; ${o.warmup} warm-up + ${o.repeat} measured runs per query and side, ${threads} DuckDB threads\n`);
      const measured = await runQueries(grove.url, conn, tuned.conn, queries, o);
      const figures: QueryFigure[] = measured.map((m) => {
        const g = summarize(m.grove);
        const d = summarize(m.duck);
        const t = summarize(m.tuned);
        return {
          name: m.q.name,
          druid: m.q.druid,
          groveMs: g,
          duckdbMs: d,
          ratio: g.median / d.median,
          duckdbTunedMs: t,
          ratioVsTuned: g.median / t.median,
          resultRows: m.groveRows.length,
          resultsMatch: canonical(m.groveRows) === canonical(m.duckRows),
        };
      });

      // Pruning: what Grove's EXPLAIN estimates its scan at, against DuckDB's estimate over the
      // overlapping files and over all files (estimates scale with the files in the scan).
      const explain = await groveSql(grove.url, `EXPLAIN PLAN FOR ${narrow.druid}`).catch(() => null);
      const groveEstimate = explain ? scanEstimate(String(explain[0]?.[0] ?? '')) : null;
      const planOf = async (from: string): Promise<number | null> =>
        scanEstimate((await duckRows(conn, `EXPLAIN ${narrow.duckdb(from)}`)).map((r) => String(r[1] ?? '')).join('\n'));
      const estAll = await planOf('wiki_all');
      const estPruned = await planOf('wiki_pruned');
      const perFile = estPruned !== null && overlapping.length > 0 ? estPruned / overlapping.length : null;
      const groveFilesRead = groveEstimate !== null && perFile ? Math.round(groveEstimate / perFile) : null;
      const narrowMeasured = measured.find((m) => m.q === narrow)!;
      const prunedMs = summarize(narrowMeasured.pruned);
      const narrowGrove = summarize(narrowMeasured.grove);
      const pruning: PruningFigure = {
        totalFiles: visible.length,
        overlappingFiles: overlapping.length,
        groveFilesRead,
        groveScanEstimate: groveEstimate,
        duckdbScanEstimateAll: estAll,
        duckdbScanEstimatePruned: estPruned,
        duckdbPrunedMs: prunedMs,
        ratioVsPruned: narrowGrove.median / prunedMs.median,
        ok: groveFilesRead === overlapping.length && overlapping.length < visible.length,
      };
      process.stdout.write(`(e) stop latency of a long query (statements API), ${o.stopRepeat} times...\n`);
      const stop = await stopLatency(grove.url, QUERY_DATASOURCE, o.stopRepeat);

      return {
        rows: o.rows,
        days: o.days,
        segmentFiles: visible.length,
        segmentBytes: visible.reduce((a, v) => a + v.bytes, 0),
        sysSegments,
        threads: { grove: threadsGrove, duckdb: duckThreads },
        ingestion,
        queries: figures,
        pruning,
        stop,
      };
    } finally {
      for (const side of [base, tuned]) {
        side.conn.closeSync();
        side.instance.closeSync();
      }
    }
  } finally {
    await grove.stop();
  }
}

/** The part's own table: one line per query. */
export function queryTable(e: QueryBenchResult): string {
  const rows = e.queries.map((q) => [
    q.name,
    fmtMs(q.groveMs.median),
    fmtMs(q.groveMs.p90),
    fmtMs(q.duckdbMs.median),
    fmtMs(q.duckdbMs.p90),
    `${q.ratio.toFixed(2)}x`,
    fmtMs(q.duckdbTunedMs.median),
    `${q.ratioVsTuned.toFixed(2)}x`,
    `${q.resultRows}${q.resultsMatch ? '' : ' MISMATCH'}`,
  ]);
  const p = e.pruning;
  rows.push([
    `  same, DuckDB over only the ${p.overlappingFiles} overlapping file(s)`,
    '',
    '',
    fmtMs(p.duckdbPrunedMs.median),
    fmtMs(p.duckdbPrunedMs.p90),
    `${p.ratioVsPruned.toFixed(2)}x`,
    '',
    '',
    '',
  ]);
  const head = [`query, ${e.rows} rows in ${e.segmentFiles} segments`, 'Grove p50', 'Grove p90', 'DuckDB p50', 'DuckDB p90', 'ratio', 'DuckDB+cache p50', 'ratio', 'rows'];
  const legend = [
    'Grove: POST /druid/v2/sql over HTTP, end to end. DuckDB: the same question in this process over read_parquet of the',
    'visible segment files, default settings (the baseline; target ratio <= 1.2x). DuckDB+cache: the same with Grove\'s',
    `scan settings (${GROVE_SCAN_SETTINGS.join('; ')}), so its ratio is what Grove's own path adds.`,
    `ratio = p50 / p50; ${e.threads.duckdb} DuckDB threads on every side; rows = result rows (MISMATCH if Grove's differ from DuckDB's).`,
  ];
  return `${table(head, rows)}\n${legend.join('\n')}`;
}

/** Rows of the closing summary table. */
export function queryRows(e: QueryBenchResult): string[][] {
  const rows: string[][] = [];
  const ing = e.ingestion;
  rows.push(['e', `ingestion of ${e.rows} rows (${ing.method})${ing.cached ? `, cached from ${ing.ingestedAt}` : ''}`, fmtMs(ing.ms)]);
  rows.push(['e', `visible segment files (sys.segments active: ${e.sysSegments ?? '?'}), DuckDB threads Grove ${e.threads.grove ?? '?'} / bench ${e.threads.duckdb}`, String(e.segmentFiles)]);
  for (const q of e.queries) {
    rows.push(['e', `${q.name}: Grove ${fmtMs(q.groveMs.median)} vs DuckDB ${fmtMs(q.duckdbMs.median)}${q.resultsMatch ? '' : ' (RESULTS DIFFER)'} (target <= 1.2x)`, `${q.ratio.toFixed(2)}x`]);
  }
  const p = e.pruning;
  rows.push([
    'e',
    `pruning: files Grove read for 1 h of __time, of ${p.totalFiles} (EXPLAIN scan ~${p.groveScanEstimate ?? '?'} rows; DuckDB ~${p.duckdbScanEstimatePruned ?? '?'} over ${p.overlappingFiles}, ~${p.duckdbScanEstimateAll ?? '?'} over all)${p.ok ? '' : ' NOT PRUNED'}`,
    `${p.groveFilesRead ?? '?'} / ${p.totalFiles}`,
  ]);
  rows.push(['e', `  narrow query, ratio Grove / DuckDB over only the pruned file(s)`, `${p.ratioVsPruned.toFixed(2)}x`]);
  const s = e.stop;
  if ('skipped' in s) rows.push(['e', `stop latency: ${s.skipped}`, '-']);
  else {
    rows.push(['e', `stop latency, POST .../statements/{id}/stop, median of ${s.stopMs.n} (${s.partial}/${s.stopMs.n} isPartial)`, fmtMs(s.stopMs.median)]);
    rows.push(['e', '  stop latency max', fmtMs(s.stopMs.max)]);
    if (s.problems.length > 0) rows.push(['e', `  problems: ${s.problems.slice(0, 3).join('; ')}`, String(s.problems.length)]);
  }
  return rows;
}
