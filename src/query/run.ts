import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SegmentRecord } from '../core/types.js';
import { GroveError } from '../errors/catalogue.js';
import { visibleSegments, type VisibleSegment } from '../segments/timeline.js';
import { normalizeZone } from '../time/index.js';
import { convertResult } from './convert.js';
import { fromDuckDbError } from './errors.js';
import { bindParameters, parseSql } from './parse.js';
import { toDuckDbSql } from './rewrite.js';
import { createSystemTables, loadSystemTables, lookupSystemTable, useSystemTables, type SystemTable } from './system/index.js';
import { findTables, objectNotFound, type TableRef } from './tables.js';
import { widenForZone } from './time-filter.js';
import type { DataSourcePlan, QueryDeps, SqlRequest, SqlResult } from './types.js';
import { createDataSourceView } from './views.js';

/** Connections of running queries by sqlQueryId, for DELETE /druid/v2/sql/{id}. */
const running = new Map<string, Set<{ conn: DuckDBConnection; cancel: () => void }>>();

/** Interrupts every running query with this id; false when none is running (Druid: 404). */
export function cancelSql(queryId: string): boolean {
  const entries = running.get(queryId);
  if (!entries || entries.size === 0) return false;
  for (const e of entries) e.cancel();
  return true;
}

/** The `timeout` context parameter in ms; absent or 0 means none, as in Druid. */
function timeoutOf(context: Record<string, unknown>): number | undefined {
  const raw = context.timeout;
  if (raw === undefined || raw === null) return undefined;
  const t = typeof raw === 'number' || (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new GroveError('invalidInput', `Query context parameter [timeout] must be a non-negative whole number of milliseconds, got [${String(raw)}]`, {
      context: { sourceType: 'sql' },
    });
  }
  return t > 0 ? t : undefined;
}


export async function runSql(request: SqlRequest, deps: QueryDeps): Promise<SqlResult> {
  const parsed = parseSql(request.query);
  const context: Record<string, unknown> = { ...(request.context ?? {}), ...parsed.contextFromSql };
  // An unknown zone is a 400, as in Druid; UTC spellings collapse to 'UTC'.
  const timeZone = normalizeZone(context.sqlTimeZone, 'sqlTimeZone');
  const timeoutMs = timeoutOf(context);
  const queryId = typeof context.sqlQueryId === 'string' && context.sqlQueryId !== '' ? context.sqlQueryId : randomUUID();
  const query = bindParameters(parsed.query, request.parameters);
  const usage = findTables(query);

  // References outside the druid schema are system tables (sys, INFORMATION_SCHEMA) or errors.
  const systemTables = new Set<SystemTable>();
  const dataSourceRefs: TableRef[] = [];
  for (const ref of usage.refs) {
    if (ref.schema === undefined || ref.schema.toLowerCase() === 'druid') {
      dataSourceRefs.push(ref);
      continue;
    }
    const found = lookupSystemTable(ref.schema, ref.name);
    if (found.kind !== 'table') throw objectNotFound(request.query, ref, found.kind === 'missing' ? found.message : undefined);
    systemTables.add(found.table);
  }
  const names = [...usage.filters.keys()];
  const segments: SegmentRecord[] = names.length > 0 ? await deps.listUsedSegments(names) : [];
  const byDataSource = new Map<string, VisibleSegment[]>();
  for (const v of visibleSegments(segments)) {
    const list = byDataSource.get(v.segment.dataSource) ?? [];
    list.push(v);
    byDataSource.set(v.segment.dataSource, list);
  }
  for (const ref of dataSourceRefs) {
    if (!byDataSource.has(ref.name)) throw objectNotFound(request.query, ref);
  }
  const systemRows = await loadSystemTables(systemTables, deps);

  const duckdbSql = toDuckDbSql(systemTables.size > 0 ? useSystemTables(query) : query, { timeZone });
  const conn = await deps.duckdb.connect();
  const interrupt = { timedOut: false, canceled: false };
  // DuckDB forgets an interrupt that lands between two statements of this connection (or before
  // the first starts), so once cancelled or timed out the connection is interrupted again every
  // 50 ms until the query ends: DELETE and timeouts always take effect.
  let repeat: NodeJS.Timeout | undefined;
  const stop = (): void => {
    conn.interrupt();
    repeat ??= setInterval(() => conn.interrupt(), 50);
  };
  const entry = {
    conn,
    cancel: () => {
      if (!interrupt.timedOut) interrupt.canceled = true;
      stop();
    },
  };
  const set = running.get(queryId) ?? new Set();
  set.add(entry);
  running.set(queryId, set);
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          if (!interrupt.canceled) interrupt.timedOut = true;
          stop();
        }, timeoutMs);
  /** Throws the cancel or timeout error once either happened, even if DuckDB finished first. */
  const checkInterrupted = (): void => {
    if (interrupt.canceled || interrupt.timedOut) throw fromDuckDbError(new Error('INTERRUPT Error: Interrupted!'), interrupt, request.query, queryId);
  };
  try {
    await createSystemTables(conn, systemRows);
    const plans: DataSourcePlan[] = [];
    for (const name of names) {
      const filter = usage.filters.get(name) ?? null;
      const view = await createDataSourceView(conn, name, byDataSource.get(name) ?? [], widenForZone(filter, timeZone), deps.deepStorageDir);
      plans.push(view.plan);
    }
    const plan = { dataSources: plans, duckdbSql };
    checkInterrupted();
    if (parsed.explain) {
      const reader = await conn.runAndReadAll(`EXPLAIN ${duckdbSql}`);
      checkInterrupted();
      const text = reader.getRowsJS().map((r) => String(r[1] ?? '')).join('\n');
      // Druid authorizes sys tables as SYSTEM_TABLE resources; INFORMATION_SCHEMA needs none.
      const sys = [...systemTables].filter((t) => t.schema === 'sys').map((t) => ({ name: t.name, type: 'SYSTEM_TABLE' }));
      const resources = JSON.stringify([...names.map((n) => ({ name: n, type: 'DATASOURCE' })), ...sys]);
      return {
        queryId,
        columns: [
          { name: 'PLAN', druidType: 'STRING', sqlType: 'VARCHAR' },
          { name: 'RESOURCES', druidType: 'STRING', sqlType: 'VARCHAR' },
          { name: 'ATTRIBUTES', druidType: 'STRING', sqlType: 'VARCHAR' },
        ],
        rows: [[text, resources, JSON.stringify({ statementType: 'SELECT' })]],
        plan,
      };
    }
    const reader = await conn.runAndReadAll(duckdbSql);
    checkInterrupted();
    const { columns, rows } = convertResult(reader, { stringifyArrays: context.sqlStringifyArrays !== false, timeZone });
    return { queryId, columns, rows, plan };
  } catch (e) {
    throw fromDuckDbError(e, interrupt, request.query, queryId);
  } finally {
    if (timer) clearTimeout(timer);
    if (repeat) clearInterval(repeat);
    set.delete(entry);
    if (set.size === 0) running.delete(queryId);
    conn.closeSync();
  }
}
