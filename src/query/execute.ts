import type { DuckDBConnection } from '@duckdb/node-api';
import { GroveError } from '../core/errors.js';
import type { SegmentRecord } from '../core/types.js';
import { visibleSegments, type VisibleSegment } from '../segments/timeline.js';
import { convertResult } from './convert.js';
import { engineError } from './engine-errors.js';
import { createSystemTables, loadSystemTables } from './system/index.js';
import type { DataSourcePlan, QueryDeps, QueryPlan, QueryResult } from './types.js';
import { createDataSourceView } from './views.js';

/** Connections of running queries by query id, for cancel. */
const running = new Map<string, Set<{ conn: DuckDBConnection; cancel: () => void }>>();

/** Interrupts every running query with this id; false when none is running. */
export function cancelQuery(queryId: string): boolean {
  const entries = running.get(queryId);
  if (!entries || entries.size === 0) return false;
  for (const e of entries) e.cancel();
  return true;
}

/** A datasource a plan reads that has no visible segment: the front end words it for its language. */
export const missingDataSource = (name: string): GroveError =>
  new GroveError('notFound', `Datasource [${name}] has no data`, { context: { dataSource: name } });

/**
 * Runs a plan over the visible segments of its datasources: one view per datasource (pruned by
 * the plan's time filters), its system tables, then the statement. Cancel and timeout interrupt
 * DuckDB; errors come back neutral (engine-errors.ts), for the front end to word.
 */
export async function executeQuery(plan: QueryPlan, deps: QueryDeps): Promise<QueryResult> {
  const names = plan.dataSources.map((d) => d.name);
  const segments: SegmentRecord[] = names.length > 0 ? await deps.listUsedSegments(names) : [];
  const byDataSource = new Map<string, VisibleSegment[]>();
  for (const v of visibleSegments(segments)) {
    const list = byDataSource.get(v.segment.dataSource) ?? [];
    list.push(v);
    byDataSource.set(v.segment.dataSource, list);
  }
  for (const name of names) if (!byDataSource.has(name)) throw missingDataSource(name);
  const systemRows = await loadSystemTables(plan.systemTables, deps);

  const conn = await deps.duckdb.connect();
  const interrupt: { timedOut: boolean; canceled: boolean } = { timedOut: false, canceled: false };
  // DuckDB forgets an interrupt that lands between two statements of this connection (or before
  // the first starts), so once cancelled or timed out the connection is interrupted again every
  // 50 ms until the query ends: cancels and timeouts always take effect.
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
  const set = running.get(plan.queryId) ?? new Set();
  set.add(entry);
  running.set(plan.queryId, set);
  const timer = plan.timeoutMs === undefined
    ? undefined
    : setTimeout(() => {
        if (!interrupt.canceled) interrupt.timedOut = true;
        stop();
      }, plan.timeoutMs);
  /** Throws the cancel or timeout error once either happened, even if DuckDB finished first. */
  const checkInterrupted = (): void => {
    if (interrupt.canceled || interrupt.timedOut) throw engineError(new Error('INTERRUPT Error: Interrupted!'), interrupt, plan.queryId);
  };
  try {
    await createSystemTables(conn, systemRows);
    const views: DataSourcePlan[] = [];
    for (const d of plan.dataSources) {
      const view = await createDataSourceView(conn, d.name, byDataSource.get(d.name) ?? [], d.filter === null ? null : [...d.filter], deps.deepStorageDir);
      views.push(view.plan);
    }
    const executed = { dataSources: views, duckdbSql: plan.sql };
    checkInterrupted();
    if (plan.explain) {
      const reader = await conn.runAndReadAll(`EXPLAIN ${plan.sql}`);
      checkInterrupted();
      const text = reader.getRowsJS().map((r) => String(r[1] ?? '')).join('\n');
      // Druid authorizes sys tables as SYSTEM_TABLE resources; INFORMATION_SCHEMA needs none.
      const sys = plan.systemTables.filter((t) => t.schema === 'sys').map((t) => ({ name: t.name, type: 'SYSTEM_TABLE' }));
      const resources = JSON.stringify([...names.map((n) => ({ name: n, type: 'DATASOURCE' })), ...sys]);
      return {
        queryId: plan.queryId,
        columns: [
          { name: 'PLAN', druidType: 'STRING', sqlType: 'VARCHAR' },
          { name: 'RESOURCES', druidType: 'STRING', sqlType: 'VARCHAR' },
          { name: 'ATTRIBUTES', druidType: 'STRING', sqlType: 'VARCHAR' },
        ],
        rows: [[text, resources, JSON.stringify({ statementType: 'SELECT' })]],
        plan: executed,
      };
    }
    const reader = await conn.runAndReadAll(plan.sql);
    checkInterrupted();
    const { columns, rows } = convertResult(reader, { stringifyArrays: plan.stringifyArrays, timeZone: plan.timeZone });
    return { queryId: plan.queryId, columns, rows, plan: executed };
  } catch (e) {
    throw engineError(e, interrupt, plan.queryId);
  } finally {
    if (timer) clearTimeout(timer);
    if (repeat) clearInterval(repeat);
    set.delete(entry);
    if (set.size === 0) running.delete(plan.queryId);
    conn.closeSync();
  }
}
