import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SqlBase, SqlQuery } from 'druid-query-toolkit';
import { SqlAlias, SqlColumn, SqlStar, SqlTable } from 'druid-query-toolkit';
import type { SegmentRecord } from '../../core/types.js';
import { taskStatusPlus } from '../../core/task-status.js';
import type { QueryDeps } from '../types.js';
import { quoteIdent } from '../../engine/sql-text.js';
import { lookupSystemTable, tempTableName, type SystemTable } from './catalog.js';
import { columnRows, dataSourceColumns, schemataRows, tableRows } from './information-schema.js';
import { segmentRows, serverRows, taskRows, type SystemRow } from './rows.js';

/**
 * System tables for one query: their rows are read from the metadata store (and the task queue)
 * when the query names them, loaded into TEMP tables on the query's own DuckDB connection, and the
 * query's references are pointed at those tables. The user's SQL then runs unchanged, as it does
 * over datasource views; the tables vanish with the connection.
 */

export type LoadedTables = ReadonlyMap<SystemTable, SystemRow[]>;

/** Reads what the named tables need, each source at most once. */
export async function loadSystemTables(tables: Iterable<SystemTable>, deps: QueryDeps): Promise<LoadedTables> {
  let segments: Promise<SegmentRecord[]> | undefined;
  const allSegments = (): Promise<SegmentRecord[]> =>
    (segments ??= deps.knownDataSources().then((names) => deps.listUsedSegments(names)));
  const out = new Map<SystemTable, SystemRow[]>();
  for (const t of tables) {
    out.set(t, await rowsOf(t));
  }
  return out;

  async function rowsOf(t: SystemTable): Promise<SystemRow[]> {
    switch (`${t.schema}.${t.name}`) {
      case 'sys.segments':
        return segmentRows(await allSegments(), (seg) => fs.existsSync(path.join(deps.deepStorageDir, seg.path)));
      case 'sys.tasks':
        return taskRows((deps.listTasks ? await deps.listTasks() : []).map((t) => taskStatusPlus(t)));
      case 'sys.servers':
        return deps.server ? serverRows(deps.server, await allSegments()) : [];
      case 'INFORMATION_SCHEMA.SCHEMATA':
        return schemataRows();
      case 'INFORMATION_SCHEMA.TABLES':
        // Names are enough here; reading every segment's schema is COLUMNS' job.
        return tableRows(new Map((await deps.knownDataSources()).map((n) => [n, []])));
      case 'INFORMATION_SCHEMA.COLUMNS':
        return columnRows(dataSourceColumns(await allSegments()));
      default:
        // sys.supervisors: Grove runs no supervisors.
        return [];
    }
  }
}

export async function createSystemTables(conn: DuckDBConnection, loaded: LoadedTables): Promise<void> {
  for (const [t, rows] of loaded) {
    const name = tempTableName(t);
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} (${cols})`);
    const appender = await conn.createAppender(name, 'main', 'temp');
    try {
      for (const row of rows) {
        for (const c of t.columns) {
          const v = row[c.name];
          if (v === null || v === undefined) appender.appendNull();
          else if (c.type === 'BIGINT') appender.appendBigInt(BigInt(v));
          else appender.appendVarchar(String(v));
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

function systemTableOf(t: SqlTable): SystemTable | undefined {
  const schema = t.getNamespaceName();
  if (schema === undefined) return undefined;
  const found = lookupSystemTable(schema, t.getName());
  return found.kind === 'table' ? found.table : undefined;
}

/**
 * Points `sys.tasks` (any quoting) at its TEMP table. An unaliased reference keeps its table name
 * as alias, so `tasks.task_id` and `sys.tasks.task_id` still resolve; qualifiers of columns and
 * stars lose the schema, which DuckDB would otherwise look up as a schema of its own.
 */
export function useSystemTables(query: SqlQuery): SqlQuery {
  return query.walk((node: SqlBase) => {
    if (node instanceof SqlAlias && node.expression instanceof SqlTable) {
      const t = systemTableOf(node.expression);
      return t ? node.changeExpression(SqlTable.create(tempTableName(t))) : node;
    }
    if (node instanceof SqlTable) {
      const t = systemTableOf(node);
      return t ? SqlAlias.create(SqlTable.create(tempTableName(t)), t.name, true) : node;
    }
    if ((node instanceof SqlColumn || node instanceof SqlStar) && node.table && systemTableOf(node.table)) {
      return node.changeTable(node.table.changeNamespace(undefined));
    }
    return node;
  }) as SqlQuery;
}
