import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataFormat } from './generate.js';
import { startGroveProcess, type GroveProcess } from './grove-process.js';
import { baselineInstance, duckRows, GROVE_SCAN_SETTINGS, groveThreads, parquetList, sysSegmentCount } from './query-clients.js';
import { ensureDatasource, ensureInputFiles, QUERY_DATASOURCE, type IngestionFigure } from './query-data.js';
import { pruningFigure, visibleFiles, type PruningFigure } from './query-pruning.js';
import { benchQueries, queryFigures, runQueries, type QueryFigure } from './query-runs.js';
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
 *
 * The parts: query-data.ts (the cache) and query-ingest.ts (ingestion), query-clients.ts (the two
 * sides), query-runs.ts (the five queries, measured), query-pruning.ts, query-report.ts (tables).
 */

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

export async function queryBench(o: QueryBenchOptions): Promise<QueryBenchResult> {
  const cacheDir = path.join(o.out, `e-r${o.rows}-d${o.days}-f${o.files}-s${o.seed}-${o.format}`);
  const inputDir = path.join(cacheDir, 'input');
  const dataDir = path.join(cacheDir, 'grove');
  const ingestMetaFile = path.join(cacheDir, 'ingest.meta.json');
  if (o.days % o.files !== 0 || o.rows % o.files !== 0) throw new Error(`(e) --e-files must divide both --e-rows and --e-days, got ${o.files}`);
  await mkdir(cacheDir, { recursive: true });
  const files = await ensureInputFiles(o, inputDir);

  const start = (): Promise<GroveProcess> =>
    startGroveProcess({ dataDir, allowedInputDirs: [inputDir], workerCapacity: o.workerCapacity, logFile: path.join(o.out, 'grove-server-e.log') });
  const { grove, ingestion } = await ensureDatasource(o, files, { inputDir, dataDir, ingestMetaFile }, start);
  try {
    const visible = await visibleFiles(dataDir, QUERY_DATASOURCE);
    for (const v of visible) if (!existsSync(v.file)) throw new Error(`(e) visible segment file missing: ${v.file}`);
    const sysSegments = await sysSegmentCount(grove.url, QUERY_DATASOURCE);
    const threadsGrove = await groveThreads(grove.url);
    const threads = threadsGrove ?? os.availableParallelism();
    const queries = benchQueries(QUERY_DATASOURCE, o.days);
    const narrow = queries.find((q) => q.interval)!;
    const overlapping = visible.filter((v) => v.start < narrow.interval!.end && narrow.interval!.start < v.end);

    // DuckDB as anyone would run it on these files (the baseline), and with Grove's scan settings
    // (to tell what the settings buy from what Grove's own path costs).
    const base = await baselineInstance(threads, [], parquetList(visible), parquetList(overlapping));
    const tuned = await baselineInstance(threads, GROVE_SCAN_SETTINGS, parquetList(visible), parquetList(overlapping));
    try {
      const conn = base.conn;
      const duckThreads = Number((await duckRows(conn, `SELECT current_setting('threads')`))[0]?.[0]);

      process.stdout.write(`(e) ${visible.length} visible segment files; ${o.warmup} warm-up + ${o.repeat} measured runs per query and side, ${threads} DuckDB threads\n`);
      const measured = await runQueries(grove.url, conn, tuned.conn, queries, o);
      const figures = queryFigures(measured);
      const pruning = await pruningFigure(grove.url, conn, narrow, visible, overlapping, measured.find((m) => m.q === narrow)!);

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
