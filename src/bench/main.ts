import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { generateWithProgress, type DataFormat } from './generate.js';
import { GROVE_CLI, runGroveCli, startGroveProcess, type GroveProcess } from './grove-process.js';
import { fmtMs, table } from './harness.js';
import { completeTaskList, ingestionVsBaseline, rawCompleteTaskRead, submitToRunning } from './parts.js';
import { queryBench } from './query-bench.js';
import { queryRows, queryTable } from './query-report.js';
import { sqlIngestion, sqlIngestionRows } from './sql-ingest.js';

/**
 * `npm run bench`: (a) native ingestion vs DuckDB's own COPY, (b) submit-to-running latency,
 * (c) the complete-task list over 10,000 completed tasks, (d) SQL-based (MSQ) INSERT and REPLACE vs
 * DuckDB's COPY, (e) five queries over 10,000,000 ingested rows through /druid/v2/sql vs DuckDB on the
 * same segment files, segment pruning, and the stop latency of a long query. Results go to
 * bench-out/results.json.
 */

const GENERATOR_VERSION = 1;
type Part = 'a' | 'b' | 'c' | 'd' | 'e';
const PARTS: readonly Part[] = ['a', 'b', 'c', 'd', 'e'];
/** Part d runs maxNumTasks 3: a controller and two workers at once. */
const SQL_MIN_CAPACITY = 3;

interface Options {
  rows: number;
  days: number;
  seed: number;
  format: DataFormat;
  only: Set<Part>;
  out: string;
  repeat: number;
  latencyTasks: number;
  seedTasks: number;
  workerCapacity: number;
  keep: boolean;
  eRows: number;
  eDays: number;
  eFiles: number;
  eFormat: DataFormat;
  eIngest: 'sql' | 'native';
  queryRepeat: number;
  stopRepeat: number;
  fresh: boolean;
}

function parseOptions(): Options {
  const program = new Command()
    .name('bench')
    .option('--rows <n>', 'rows in the ingestion file', '1000000')
    .option('--days <d>', 'days the rows spread over (one DAY segment each)', '7')
    .option('--seed <s>', 'generator seed', '1')
    .option('--format <f>', 'json or csv', 'json')
    .option('--only <parts>', 'comma-separated subset of a,b,c,d,e', 'a,b,c,d,e')
    .option('--out <dir>', 'output directory', 'bench-out')
    .option('--repeat <n>', 'ingestion and baseline runs (median reported)', '1')
    .option('--latency-tasks <n>', 'inline tasks for the latency probe', '200')
    .option('--seed-tasks <n>', 'completed tasks in the store for the task-list probe', '10000')
    .option('--worker-capacity <n>', 'Grove task slots', '4')
    .option('--keep', 'keep the Grove data directory')
    .option('--e-rows <n>', '(e) rows ingested for the query benchmark', '10000000')
    .option('--e-days <d>', '(e) days they spread over (one DAY segment each)', '30')
    .option('--e-files <n>', '(e) input files, one ingestion task each (must divide --e-rows and --e-days)', '10')
    .option('--e-format <f>', '(e) input format, json or csv (half the bytes of json, generated twice as fast)', 'csv')
    .option('--e-ingest <how>', '(e) sql (one INSERT over all files) or native (a task per file)', 'sql')
    .option('--query-repeat <n>', '(e) measured runs per query and side (median, p90), after 2 warm-ups', '15')
    .option('--stop-repeat <n>', '(e) long queries stopped for the stop latency', '5')
    .option('--fresh', '(e) ingest again instead of reusing the cached datasource');
  const o = program.parse().opts<Record<string, string | boolean>>();
  const int = (name: string, min: number): number => {
    const n = Number(o[name]);
    if (!Number.isInteger(n) || n < min) program.error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  const only = new Set(String(o.only).split(',').map((s) => s.trim()).filter((s) => s !== ''));
  for (const p of only) if (!PARTS.includes(p as Part)) program.error(`--only takes a, b, c, d and e, got ${p}`);
  if (only.has('d') && Number(o.workerCapacity) < SQL_MIN_CAPACITY) {
    process.stdout.write(`(d) needs ${SQL_MIN_CAPACITY} task slots: running Grove with --worker-capacity ${SQL_MIN_CAPACITY}\n`);
  }
  if (o.format !== 'json' && o.format !== 'csv') program.error('--format must be json or csv');
  if (o.eFormat !== 'json' && o.eFormat !== 'csv') program.error('--e-format must be json or csv');
  if (o.eIngest !== 'sql' && o.eIngest !== 'native') program.error('--e-ingest must be sql or native');
  return {
    rows: int('rows', 1),
    days: int('days', 1),
    seed: int('seed', 0),
    format: o.format as DataFormat,
    only: only as Set<Part>,
    out: path.resolve(String(o.out)),
    repeat: int('repeat', 1),
    latencyTasks: int('latencyTasks', 1),
    seedTasks: int('seedTasks', 1),
    workerCapacity: Math.max(int('workerCapacity', 2), only.has('d') ? SQL_MIN_CAPACITY : 0),
    keep: o.keep === true,
    eRows: int('eRows', 1),
    eDays: int('eDays', 1),
    eFiles: int('eFiles', 1),
    eFormat: o.eFormat as DataFormat,
    eIngest: o.eIngest as 'sql' | 'native',
    queryRepeat: int('queryRepeat', 1),
    stopRepeat: int('stopRepeat', 1),
    fresh: o.fresh === true,
  };
}

/** Generates the input file unless one with the same parameters is already there. */
async function ensureInput(o: Options): Promise<{ dir: string; name: string; path: string; format: DataFormat; rows: number }> {
  const name = `wikipedia-r${o.rows}-d${o.days}-s${o.seed}.${o.format}`;
  const file = path.join(o.out, name);
  const metaFile = `${file}.meta.json`;
  const params = { rows: o.rows, days: o.days, seed: o.seed, format: o.format, generatorVersion: GENERATOR_VERSION };
  try {
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as typeof params & { bytes: number };
    const same = Object.entries(params).every(([k, v]) => meta[k as keyof typeof params] === v);
    if (same && (await stat(file)).size === meta.bytes) {
      process.stdout.write(`using cached ${file}\n`);
      return { dir: o.out, name, path: file, format: o.format, rows: o.rows };
    }
  } catch {
    // no usable cache
  }
  const started = performance.now();
  const { bytes } = await generateWithProgress({ rows: o.rows, days: o.days, seed: o.seed, format: o.format, out: file });
  await writeFile(metaFile, JSON.stringify({ ...params, bytes }));
  process.stdout.write(`generated ${file} (${(bytes / 1e6).toFixed(1)} MB) in ${fmtMs(performance.now() - started)}\n`);
  return { dir: o.out, name, path: file, format: o.format, rows: o.rows };
}

async function main(): Promise<void> {
  const o = parseOptions();
  await mkdir(o.out, { recursive: true });
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { cpus: os.availableParallelism(), memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.release()}` },
    options: { ...o, only: [...o.only] },
  };
  const rows: string[][] = [];
  const input = o.only.has('a') || o.only.has('d') ? await ensureInput(o) : undefined;
  if (!existsSync(GROVE_CLI)) throw new Error(`${GROVE_CLI} not found: run npm run build first`);

  const shared = ['a', 'b', 'c', 'd'].some((p) => o.only.has(p as Part));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'grove-bench-'));
  let seeded = 0;
  if (o.only.has('c')) {
    // Seed before start: the store is then exactly as a long-running cluster's history leaves it.
    const r = await runGroveCli(['seed-tasks', '--count', String(o.seedTasks), '--data-dir', dataDir]);
    if (r.code === 0) seeded = o.seedTasks;
    else {
      const why = /unknown command/i.test(r.stderr) ? 'grove seed-tasks is not available in this build' : r.stderr.trim().slice(0, 500);
      results.c = { skipped: why };
      process.stdout.write(`(c) skipped: ${why}\n`);
    }
  }

  let grove: GroveProcess | undefined;
  let eTable: string | undefined;
  try {
    if (shared) grove = await startGroveProcess({
      dataDir,
      allowedInputDirs: [o.out],
      workerCapacity: o.workerCapacity,
      logFile: path.join(o.out, 'grove-server.log'),
    });
    if (grove) process.stdout.write(`Grove is up at ${grove.url} (data dir ${dataDir})\n`);
    if (grove && input && o.only.has('a')) {
      process.stdout.write(`(a) ingesting ${o.rows} rows, then the DuckDB baseline...\n`);
      const a = await ingestionVsBaseline(grove.url, input, o.repeat, o.workerCapacity);
      results.a = a;
      rows.push(['a', `Grove native ingestion, ${o.rows} rows (submit to SUCCESS, median of ${o.repeat})`, fmtMs(a.groveMs.median)]);
      rows.push(['a', 'DuckDB COPY read_json -> Parquet, fresh instance', fmtMs(a.duckdbMs.median)]);
      rows.push(['a', 'ratio Grove / DuckDB', `${a.ratio.toFixed(2)}x`]);
      rows.push(['a', 'rows counted back through /druid/v2/sql', a.rowsQueried === null ? 'n/a' : String(a.rowsQueried)]);
    }
    if (grove && input && o.only.has('d')) {
      process.stdout.write(`(d) SQL INSERT (maxNumTasks 2, 3) and REPLACE of ${o.rows} rows, then the DuckDB baseline...\n`);
      // A failing SQL job is reported and the other parts still run.
      const d = await sqlIngestion(grove.url, input, o.repeat).catch((e: unknown) => ({ failed: (e as Error).message }));
      results.d = d;
      if ('skipped' in d) process.stdout.write(`(d) skipped: ${d.skipped}\n`);
      if ('failed' in d) {
        process.stderr.write(`(d) failed: ${d.failed}\n`);
        process.exitCode = 1;
        rows.push(['d', `failed: ${d.failed.slice(0, 200)}`, '-']);
      } else rows.push(...sqlIngestionRows(d, o.repeat));
    }
    if (grove && o.only.has('b')) {
      process.stdout.write(`(b) ${o.latencyTasks} inline tasks...\n`);
      const b = await submitToRunning(grove.url, o.latencyTasks, Math.max(1, o.workerCapacity - 1));
      results.b = b;
      rows.push(['b', `submit -> RUNNING p50 (${b.tasks} tasks)`, fmtMs(b.latencyMs.median)]);
      rows.push(['b', 'submit -> RUNNING p99', fmtMs(b.latencyMs.p99)]);
      if (b.failed > 0) rows.push(['b', `probe tasks that FAILED (first: ${b.firstError ?? '?'})`, String(b.failed)]);
    }
    if (grove && o.only.has('c') && seeded > 0) {
      process.stdout.write(`(c) listing complete tasks...\n`);
      const c = await completeTaskList(grove.url, seeded, 20);
      results.c = c;
      rows.push(['c', `GET tasks?state=complete, ${seeded} seeded (${c.returned} returned) median`, fmtMs(c.latencyMs.median)]);
      rows.push(['c', 'GET tasks?state=complete p99', fmtMs(c.latencyMs.p99)]);
      const raw = await rawCompleteTaskRead(path.join(dataDir, 'metadata.sqlite'), 20);
      results.cBaseline = raw;
      rows.push(['c', 'raw SQLite SELECT of the same rows + JSON.stringify, median', fmtMs(raw.median)]);
      rows.push(['c', 'ratio API / raw store read', `${(c.latencyMs.median / raw.median).toFixed(2)}x`]);
    }
    await grove?.stop();
    if (o.only.has('e')) {
      // Its own Grove, on a data directory cached between runs: ingesting the rows is the slow part.
      const e = await queryBench({
        rows: o.eRows,
        days: o.eDays,
        files: o.eFiles,
        seed: o.seed,
        format: o.eFormat,
        out: o.out,
        repeat: o.queryRepeat,
        warmup: 2,
        stopRepeat: o.stopRepeat,
        workerCapacity: Math.max(o.workerCapacity, SQL_MIN_CAPACITY),
        ingest: o.eIngest,
        ingestConcurrency: 2,
        fresh: o.fresh,
      });
      results.e = e;
      eTable = queryTable(e);
      rows.push(...queryRows(e));
    }
  } catch (e) {
    results.error = (e as Error).message;
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await grove?.stop();
    if (!o.keep) await rm(dataDir, { recursive: true, force: true });
  }
  results.finishedAt = new Date().toISOString();
  await writeFile(path.join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (eTable) process.stdout.write(`\n(e) queries through POST /druid/v2/sql vs DuckDB on the same segment files\n${eTable}\n`);
  if (rows.length > 0) process.stdout.write(`\n${table(['part', 'measurement', 'value'], rows)}\n`);
  process.stdout.write(`\nresults: ${path.join(o.out, 'results.json')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
