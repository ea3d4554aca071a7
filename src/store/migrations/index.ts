import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';

/**
 * Versioned migrations, written once with Kysely's schema builder so the same steps run on SQLite
 * and PostgreSQL. Append new entries; never edit a released one.
 */
function migrations(dialect: StoreDialect): Record<string, Migration> {
  // SQLite spells an identity column "integer primary key autoincrement", PostgreSQL "serial".
  const identity = dialect === 'sqlite' ? 'integer' : 'serial';
  const identityOpts = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey();
  return {
  '0001_init': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tasks')
        .addColumn('id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('group_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('type', 'varchar(64)', (c) => c.notNull())
        .addColumn('datasource', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('runner_state', 'varchar(16)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('error_msg', 'text')
        .addColumn('started_ms', 'bigint')
        .addColumn('ended_ms', 'bigint')
        .addColumn('duration_ms', 'bigint')
        .addColumn('location_host', 'varchar(255)')
        .addColumn('location_port', 'integer')
        .execute();
      await db.schema.createIndex('tasks_status_created').on('tasks').columns(['status', 'created_ms']).execute();
      await db.schema.createIndex('tasks_datasource').on('tasks').columns(['datasource', 'status']).execute();

      await db.schema
        .createTable('task_locks')
        .addColumn('id', identity, identityOpts)
        .addColumn('task_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('group_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('datasource', 'varchar(255)', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('version', 'varchar(64)', (c) => c.notNull())
        .addColumn('lock_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('task_locks_task').on('task_locks').column('task_id').execute();

      await db.schema
        .createTable('segments')
        .addColumn('id', 'varchar(1024)', (c) => c.primaryKey())
        .addColumn('datasource', 'varchar(255)', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('version', 'varchar(64)', (c) => c.notNull())
        .addColumn('partition_num', 'integer', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('num_rows', 'bigint', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull())
        .addColumn('schema_json', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('task_id', 'varchar(512)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('segments_ds_used').on('segments').columns(['datasource', 'used', 'start_ms']).execute();

      await db.schema
        .createTable('pending_segments')
        .addColumn('id', 'varchar(1024)', (c) => c.primaryKey())
        .addColumn('datasource', 'varchar(255)', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('version', 'varchar(64)', (c) => c.notNull())
        .addColumn('task_group', 'varchar(512)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', identity, identityOpts)
        .addColumn('audit_key', 'varchar(512)', (c) => c.notNull())
        .addColumn('type', 'varchar(64)', (c) => c.notNull())
        .addColumn('author', 'varchar(255)', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_datasource_publishes': {
    // One row per datasource, updated by every publish: the row lock makes concurrent publishes into
    // one datasource take partition numbers one after the other (PostgreSQL; SQLite has one writer).
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('datasource_publishes')
        .addColumn('datasource', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('publishes', 'bigint', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0003_statement_leases': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('statement_leases')
        .addColumn('statement_id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('owner', 'varchar(32)', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('statement_leases_expires').on('statement_leases').column('expires_ms').execute();
    },
  },
  };
}

export type StoreDialect = 'sqlite' | 'postgres';

export const migrationProvider = (dialect: StoreDialect): MigrationProvider => ({
  getMigrations: async () => migrations(dialect),
});
