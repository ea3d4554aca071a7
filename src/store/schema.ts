import type { Generated } from 'kysely';

/**
 * Metadata tables. Times are epoch milliseconds in BIGINT columns (sortable and dialect-neutral);
 * booleans are 0/1 integers because SQLite has no boolean type.
 */
export interface TasksTable {
  id: string;
  group_id: string;
  type: string;
  datasource: string;
  created_ms: number;
  priority: number;
  /** RUNNING | SUCCESS | FAILED */
  status: string;
  /** WAITING | PENDING | RUNNING | NONE */
  runner_state: string;
  payload: string;
  error_msg: string | null;
  started_ms: number | null;
  ended_ms: number | null;
  duration_ms: number | null;
  location_host: string | null;
  location_port: number | null;
}

export interface TaskLocksTable {
  id: Generated<number>;
  task_id: string;
  group_id: string;
  datasource: string;
  start_ms: number;
  end_ms: number;
  version: string;
  /** exclusive | shared */
  lock_type: string;
  priority: number;
  revoked: number;
}

export interface SegmentsTable {
  id: string;
  datasource: string;
  start_ms: number;
  end_ms: number;
  version: string;
  partition_num: number;
  path: string;
  size: number;
  num_rows: number;
  used: number;
  /** JSON: {dimensions, metrics, columns} */
  schema_json: string;
  created_ms: number;
  task_id: string;
}

export interface PendingSegmentsTable {
  id: string;
  datasource: string;
  start_ms: number;
  end_ms: number;
  version: string;
  task_group: string;
  created_ms: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  audit_key: string;
  type: string;
  author: string;
  comment: string;
  created_ms: number;
  payload: string;
}

/** Publishes per datasource; its row is the lock that orders concurrent publishes into one datasource. */
export interface DatasourcePublishesTable {
  datasource: string;
  publishes: number;
  updated_ms: number;
}

/**
 * How long a face keeps an asynchronous query it was asked to keep (Elasticsearch's keep_alive):
 * until expires_ms the query and its results can be read; then it is cancelled and removed.
 */
export interface StatementLeasesTable {
  statement_id: string;
  /** The face that holds it (`esql`): a face sees only its own. */
  owner: string;
  expires_ms: number;
  created_ms: number;
}

export interface Database {
  tasks: TasksTable;
  task_locks: TaskLocksTable;
  segments: SegmentsTable;
  pending_segments: PendingSegmentsTable;
  audit_log: AuditLogTable;
  datasource_publishes: DatasourcePublishesTable;
  statement_leases: StatementLeasesTable;
}
