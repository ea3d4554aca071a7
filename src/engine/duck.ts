import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { GroveError } from '../core/errors.js';
import { quoteString } from './sql-text.js';

/**
 * A DuckDB session for one ingestion task: private to the task process, spilling into the task's
 * work directory, with extension auto-loading off (nothing is fetched from the network) and UTC
 * as the session zone so TIMESTAMP arithmetic is plain UTC.
 */
export interface DuckSession {
  readonly conn: DuckDBConnection;
  /** Runs one statement; aborting `signal` interrupts it. */
  run(sql: string): Promise<DuckDBMaterializedResult>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * Another connection to the same database (same tables, settings and thread pool), for running
   * statements side by side; closing it leaves this session open.
   */
  fork(): Promise<DuckSession>;
  close(): void;
}

function memoryLimit(): string {
  const quarter = Math.floor(os.totalmem() / 4 / 1024 / 1024);
  return `${Math.max(256, Math.min(4096, quarter))}MB`;
}

function abortError(signal: AbortSignal): GroveError {
  const reason = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'Task was shut down';
  return new GroveError('canceled', reason);
}

export async function openDuckSession(workDir: string, signal: AbortSignal): Promise<DuckSession> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const tmp = path.join(workDir, 'duckdb-tmp');
  await fs.mkdir(tmp, { recursive: true });
  const threads = Math.max(1, Math.min(4, os.availableParallelism()));
  await conn.run(
    [
      'SET autoinstall_known_extensions=false',
      'SET autoload_known_extensions=false',
      "SET TimeZone='UTC'",
      `SET temp_directory=${quoteString(tmp)}`,
      `SET threads=${threads}`,
      `SET memory_limit='${memoryLimit()}'`,
      'SET preserve_insertion_order=true',
    ].join('; '),
  );

  const session = (c: DuckDBConnection, close: () => void): DuckSession => {
    const run = async (sql: string): Promise<DuckDBMaterializedResult> => {
      if (signal.aborted) throw abortError(signal);
      const onAbort = (): void => c.interrupt();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await c.run(sql);
      } catch (e) {
        if (signal.aborted) throw abortError(signal);
        const message = e instanceof Error ? e.message : String(e);
        throw new GroveError('runtimeFailure', `DuckDB failed: ${message.split('\n')[0]}`, { cause: e });
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    };
    return {
      conn: c,
      run,
      rows: async (sql) => {
        const r = await run(sql);
        return (await r.getRowObjectsJS()) as Record<string, unknown>[];
      },
      fork: async () => {
        const other = await instance.connect();
        // The time zone is per connection; the other settings above are the database's.
        await other.run("SET TimeZone='UTC'");
        return session(other, () => other.closeSync());
      },
      close,
    };
  };
  return session(conn, () => {
    conn.closeSync();
    instance.closeSync();
  });
}

export { abortError };
