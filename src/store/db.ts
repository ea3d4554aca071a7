import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider, type StoreDialect } from './migrations/index.js';

export type Db = Kysely<Database>;

export interface MetadataStore {
  readonly db: Db;
  readonly dialect: StoreDialect;
  close(): Promise<void>;
}

// pg returns BIGINT (int8) as strings to avoid precision loss; our BIGINTs are epoch millis and
// byte counts, far below 2^53, so plain numbers are safe and keep both dialects alike.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens the metadata store named by a `sqlite:<path>` or `postgres://` URL and migrates it. */
export async function openMetadataStore(url: string): Promise<MetadataStore> {
  let db: Db;
  let dialect: StoreDialect;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets readers (HTTP lists) proceed while the scheduler writes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    dialect = 'sqlite';
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
  }
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`metadata store migration ${failed} failed: ${String((error as Error).message ?? error)}`, { cause: error });
  }
  return { db, dialect, close: () => db.destroy() };
}
