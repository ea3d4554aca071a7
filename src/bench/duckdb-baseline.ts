import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DataFormat } from './generate.js';

/**
 * What DuckDB alone needs to turn the benchmark file into Parquet: the floor under Grove's native
 * ingestion, which does this plus validation, partitioning by time chunk, locking and publishing.
 * Each run uses a fresh instance so no cached file metadata or warm buffers carry over.
 */

export interface BaselineResult {
  readonly ms: number;
  readonly rows: number;
  readonly parquetBytes: number;
}

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export async function duckdbBaseline(file: string, format: DataFormat, options: { threads?: number } = {}): Promise<BaselineResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grove-bench-baseline-'));
  const out = path.join(dir, 'x.parquet');
  const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
  if (options.threads !== undefined) config.threads = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  try {
    const conn = await instance.connect();
    const reader = format === 'json' ? `read_json(${quote(file)}, format = 'newline_delimited')` : `read_csv(${quote(file)}, header = true)`;
    // Parse the timestamp as ingestion must; everything else stays as DuckDB infers it.
    const select = `SELECT CAST("time" AS TIMESTAMP) AS __time, * EXCLUDE ("time") FROM ${reader}`;
    const started = performance.now();
    const result = await conn.runAndReadAll(`COPY (${select}) TO ${quote(out)} (FORMAT parquet)`);
    const ms = performance.now() - started;
    const rows = Number(result.getRowsJS()[0]?.[0] ?? 0);
    const parquetBytes = (await stat(out)).size;
    conn.closeSync();
    return { ms, rows, parquetBytes };
  } finally {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
