/**
 * The schemas and system tables Druid SQL exposes besides datasources: their names, column names
 * and column types as Druid 37 declares them (SystemSchema.java, InformationSchema.java; reference
 * druid.md §6). One list serves three purposes: resolving table references, creating the per-query
 * DuckDB tables, and describing the system tables themselves in INFORMATION_SCHEMA.COLUMNS.
 */

/** Druid's system table columns are STRING (VARCHAR) or LONG (BIGINT); nothing else. */
export type SystemColumnType = 'VARCHAR' | 'BIGINT';

export interface SystemColumn {
  readonly name: string;
  readonly type: SystemColumnType;
}

export type SystemSchemaName = 'sys' | 'INFORMATION_SCHEMA';

export interface SystemTable {
  readonly schema: SystemSchemaName;
  readonly name: string;
  readonly columns: readonly SystemColumn[];
}

/** Root schemas in Calcite's order (case-insensitive, then case-sensitive), as SCHEMATA lists them. */
export const SCHEMA_NAMES = ['druid', 'INFORMATION_SCHEMA', 'lookup', 'sys', 'view'] as const;

function table(schema: SystemSchemaName, name: string, spec: string): SystemTable {
  // spec: "col col:long ..." keeps the long column lists below readable next to Druid's source.
  const columns = spec
    .trim()
    .split(/\s+/)
    .map((c): SystemColumn => (c.endsWith(':long') ? { name: c.slice(0, -5), type: 'BIGINT' } : { name: c, type: 'VARCHAR' }));
  return { schema, name, columns };
}

export const SYSTEM_TABLES: readonly SystemTable[] = [
  table('INFORMATION_SCHEMA', 'COLUMNS', `
    TABLE_CATALOG TABLE_SCHEMA TABLE_NAME COLUMN_NAME ORDINAL_POSITION:long COLUMN_DEFAULT IS_NULLABLE DATA_TYPE
    CHARACTER_MAXIMUM_LENGTH:long CHARACTER_OCTET_LENGTH:long NUMERIC_PRECISION:long NUMERIC_PRECISION_RADIX:long
    NUMERIC_SCALE:long DATETIME_PRECISION:long CHARACTER_SET_NAME COLLATION_NAME JDBC_TYPE:long`),
  table('INFORMATION_SCHEMA', 'SCHEMATA', `
    CATALOG_NAME SCHEMA_NAME SCHEMA_OWNER DEFAULT_CHARACTER_SET_CATALOG DEFAULT_CHARACTER_SET_SCHEMA
    DEFAULT_CHARACTER_SET_NAME SQL_PATH`),
  table('INFORMATION_SCHEMA', 'TABLES', 'TABLE_CATALOG TABLE_SCHEMA TABLE_NAME TABLE_TYPE IS_JOINABLE IS_BROADCAST'),
  table('sys', 'segments', `
    segment_id datasource start end size:long version partition_num:long num_replicas:long num_rows:long
    is_active:long is_published:long is_available:long is_realtime:long is_overshadowed:long shard_spec
    dimensions metrics projections last_compaction_state replication_factor:long`),
  table('sys', 'servers', `
    server host plaintext_port:long tls_port:long server_type tier curr_size:long max_size:long is_leader:long
    start_time version labels`),
  // Grove has no streaming ingestion, so this one is always empty; the web console still queries it.
  table('sys', 'supervisors', 'supervisor_id datasource state detailed_state healthy:long type source suspended:long spec'),
  table('sys', 'tasks', `
    task_id group_id type datasource created_time queue_insertion_time status runner_status duration:long
    location host plaintext_port:long tls_port:long error_msg`),
];

/** Name of the DuckDB TEMP table holding a system table's rows for one query. */
export function tempTableName(t: SystemTable): string {
  return `__grove_${t.schema}_${t.name}`;
}

export function isSystemSchema(schema: string): schema is SystemSchemaName {
  return schema === 'sys' || schema === 'INFORMATION_SCHEMA';
}

/** What a `schema.name` reference resolves to outside the druid schema. */
export type SystemLookup =
  | { readonly kind: 'table'; readonly table: SystemTable }
  /** A known schema without that table (or a name in the wrong case): Calcite's message. */
  | { readonly kind: 'missing'; readonly message: string }
  /** Not a schema Grove knows; the caller keeps its generic "not found". */
  | { readonly kind: 'unknownSchema' };

/**
 * Druid's identifiers are case-sensitive: `sys.TASKS` and `information_schema.tables` do not
 * resolve. Calcite then retries case-insensitively and names what was probably meant.
 */
export function lookupSystemTable(schema: string, name: string): SystemLookup {
  const schemaMatch = SCHEMA_NAMES.find((s) => s === schema);
  if (schemaMatch === undefined) {
    const near = SCHEMA_NAMES.find((s) => s.toLowerCase() === schema.toLowerCase());
    if (near === undefined) return { kind: 'unknownSchema' };
    return { kind: 'missing', message: `Object '${schema}' not found; did you mean '${near}'?` };
  }
  const inSchema = SYSTEM_TABLES.filter((t) => t.schema === schema);
  const exact = inSchema.find((t) => t.name === name);
  if (exact) return { kind: 'table', table: exact };
  const near = inSchema.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (near) return { kind: 'missing', message: `Object '${name}' not found within '${schema}'; did you mean '${near.name}'?` };
  return { kind: 'missing', message: `Object '${name}' not found within '${schema}'` };
}
