import { randomUUID } from 'node:crypto';
import { GroveError } from '../../core/errors.js';
import type { SystemTable } from '../../query/system/catalog.js';
import { lookupSystemTable } from '../../query/system/catalog.js';
import { useSystemTables } from '../../query/system/tables.js';
import type { QueryPlan, QueryResult } from '../../query/types.js';
import { normalizeZone } from '../../time/index.js';
import { druidSqlError } from './errors.js';
import { bindParameters, parseSql, type SqlParameter } from './parse.js';
import { toDuckDbSql } from './rewrite.js';
import { findTables, objectNotFound, type TableRef } from './tables.js';
import { widenForZone } from './time-filter.js';

/** A Druid SQL query as the front end takes it: text, context and `?` parameters. */
export interface DruidQueryRequest {
  readonly query: string;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly parameters?: readonly SqlParameter[];
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

interface PlannedQuery {
  readonly plan: QueryPlan;
  /** Where each datasource is named in the text, for Druid's "Object not found" position. */
  readonly refs: readonly TableRef[];
}

/**
 * Compiles a Druid SQL SELECT into the engine's plan: parameters bound, SET statements folded into
 * the context, system tables looked up, Druid functions and `__time` conditions translated, and the
 * time ranges each datasource's conditions allow (for pruning). Errors are Druid's 400s.
 */
export function planDruidQuery(request: DruidQueryRequest): PlannedQuery {
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
  const refs: TableRef[] = [];
  for (const ref of usage.refs) {
    if (ref.schema === undefined || ref.schema.toLowerCase() === 'druid') {
      refs.push(ref);
      continue;
    }
    const found = lookupSystemTable(ref.schema, ref.name);
    if (found.kind !== 'table') throw objectNotFound(request.query, ref, found.kind === 'missing' ? found.message : undefined);
    systemTables.add(found.table);
  }
  const dataSources = [...usage.filters.entries()].map(([name, filter]) => ({ name, filter: widenForZone(filter ?? null, timeZone) }));
  return {
    plan: {
      queryId,
      sql: toDuckDbSql(systemTables.size > 0 ? useSystemTables(query) : query, { timeZone }),
      dataSources,
      systemTables: [...systemTables],
      timeZone,
      timeoutMs,
      explain: parsed.explain,
      stringifyArrays: context.sqlStringifyArrays !== false,
    },
    refs,
  };
}

/** Plans a Druid SQL query, runs it with `run`, and words what went wrong as Druid does. */
export async function runDruidQuery(request: DruidQueryRequest, run: (plan: QueryPlan) => Promise<QueryResult>): Promise<QueryResult> {
  const { plan, refs } = planDruidQuery(request);
  try {
    return await run(plan);
  } catch (e) {
    if (!(e instanceof GroveError)) throw e;
    const missing = e.code === 'notFound' ? refs.find((r) => r.name === e.context.dataSource) : undefined;
    if (missing) throw objectNotFound(request.query, missing);
    throw druidSqlError(e, request.query);
  }
}
