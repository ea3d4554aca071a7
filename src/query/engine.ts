import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DRUID_MACROS } from '../engine/druid-macros.js';

export interface QueryEngineOptions {
  /**
   * Deep storage root. When given, the engine may read files only below it: SQL arrives from
   * users, and DuckDB's table functions would otherwise read any file the process can.
   * Leave it out only in tests that need to write scratch files through the same instance.
   */
  readonly deepStorageDir?: string;
  /** DuckDB worker threads; DuckDB's default is the number of cores. */
  readonly threads?: number;
  /** e.g. '2GB'; DuckDB's default is 80% of RAM. */
  readonly memoryLimit?: string;
}

/**
 * The shared DuckDB instance queries run on. Settings are GLOBAL so every per-query connection
 * inherits them: UTC (Druid's default sqlTimeZone), integer division (Druid: LONG / LONG is a
 * LONG), no extension downloads, and the Druid time-function macros.
 */
export async function createQueryEngine(options: QueryEngineOptions = {}): Promise<DuckDBInstance> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  try {
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    await conn.run(`SET GLOBAL integer_division = true`);
    // Keep parsed Parquet footers in memory: every query binds and scans the same segment files,
    // which never change in place (a new version is a new path). Measured in bench part e.
    await conn.run(`SET GLOBAL parquet_metadata_cache = true`);
    for (const macro of DRUID_MACROS) await conn.run(macro);
    if (options.deepStorageDir !== undefined) {
      const dir = path.resolve(options.deepStorageDir).replaceAll("'", "''");
      await conn.run(`SET GLOBAL allowed_directories = ['${dir}']`);
      await conn.run(`SET GLOBAL enable_external_access = false`);
      // Reads are confined to deep storage, where a file never changes once its segment is
      // published (its path names datasource, interval, version and partition, and a partition
      // number is never given out twice), so cached file contents and Parquet footers need no
      // re-validation against the file on every scan: that check cost ~6 ms per query over 30
      // segment files, more than the rest of a COUNT(*) (bench part e).
      await conn.run(`SET GLOBAL validate_external_file_cache = 'NO_VALIDATION'`);
      // Nothing a query sends can loosen the settings above.
      await conn.run(`SET GLOBAL lock_configuration = true`);
    }
  } finally {
    conn.closeSync();
  }
  return instance;
}
