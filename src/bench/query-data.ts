import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateFilesWithProgress, type DataFormat } from './generate.js';
import type { GroveProcess } from './grove-process.js';
import { fmtMs } from './harness.js';
import { countRows } from './parts.js';
import { countEventually, ingestNative, ingestSql, type IngestInput } from './query-ingest.js';

/**
 * (e)'s data, built once and cached: the generated input files, and Grove's data directory with
 * the datasource ingested from them (checked by counting its rows before it is reused).
 */

export const QUERY_DATASOURCE = 'wiki_e';
/** Bump when the generated data or the way it is ingested changes, to invalidate caches. */
const CACHE_VERSION = 1;

/** The options that decide the data; see QueryBenchOptions for what each means. */
export interface DataOptions extends IngestInput {
  readonly days: number;
  readonly files: number;
  readonly seed: number;
  readonly ingest: 'sql' | 'native';
  readonly fresh: boolean;
}

export interface IngestionFigure {
  readonly method: string;
  readonly ms: number;
  /** True when this run reused a datasource ingested (and timed) by an earlier run. */
  readonly cached: boolean;
  readonly ingestedAt: string;
}

interface InputMeta {
  readonly version: number;
  readonly rows: number;
  readonly days: number;
  readonly seed: number;
  readonly files: number;
  readonly format: DataFormat;
  readonly bytes: number[];
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

const sameParams = (a: Record<string, unknown>, b: Record<string, unknown>, keys: readonly string[]): boolean => keys.every((k) => a[k] === b[k]);

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function ensureInputFiles(o: DataOptions, dir: string): Promise<string[]> {
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

export interface DatasourceDirs {
  readonly inputDir: string;
  /** Grove's data directory. */
  readonly dataDir: string;
  readonly ingestMetaFile: string;
}

/**
 * A running Grove (from `start`, on `dirs.dataDir`) serving QUERY_DATASOURCE with `o.rows` rows:
 * the cached datasource when its parameters and row count check out, otherwise one ingested now from
 * `files` and timed. The caller stops the returned process; on failure it is stopped here.
 */
export async function ensureDatasource(
  o: DataOptions,
  files: readonly string[],
  dirs: DatasourceDirs,
  start: () => Promise<GroveProcess>,
): Promise<{ grove: GroveProcess; ingestion: IngestionFigure }> {
  const { inputDir, dataDir, ingestMetaFile } = dirs;
  const params = { version: CACHE_VERSION, rows: o.rows, days: o.days, seed: o.seed, files: o.files, format: o.format, ingest: o.ingest };
  let meta = o.fresh ? null : await readJson<IngestMeta>(ingestMetaFile);
  if (meta && !sameParams(meta as unknown as Record<string, unknown>, params, Object.keys(params))) meta = null;
  if (!meta) await rm(dataDir, { recursive: true, force: true });

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
      const ms = o.ingest === 'sql' ? await ingestSql(grove.url, QUERY_DATASOURCE, files, o) : await ingestNative(grove.url, QUERY_DATASOURCE, inputDir, files, o);
      const n = await countEventually(grove.url, QUERY_DATASOURCE, o.rows);
      if (n !== o.rows) throw new Error(`(e) ${QUERY_DATASOURCE} has ${n} rows after ingestion, expected ${o.rows}`);
      meta = { ...params, method, ms, ingestedAt: new Date().toISOString() };
      await writeFile(ingestMetaFile, JSON.stringify(meta));
      process.stdout.write(`(e) ingested ${o.rows} rows in ${fmtMs(ms)}\n`);
    }
    return { grove, ingestion: { method: meta.method, ms: meta.ms, cached, ingestedAt: meta.ingestedAt } };
  } catch (err) {
    await grove.stop();
    throw err;
  }
}
