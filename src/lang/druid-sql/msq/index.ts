import type { MsqPlan } from '../../../msq/types.js';
import { normalizeZone } from '../../../time/zone.js';
import { intervalText } from './overwrite.js';

/** The SQL front end of SQL-based ingestion (POST /druid/v2/sql/task): statement → MsqPlan. */
export { planMsqStatement } from './plan.js';
export { resolveSettings, MAX_NUM_TASKS_CAP, UNLIMITED_PARSE_EXCEPTIONS } from '../../../msq/settings.js';
export { inputColumns } from '../../../msq/relations.js';
export { quoteIdent } from '../../../engine/sql-text.js';

export interface ControllerPayloadFields {
  readonly sqlQuery: string;
  readonly sqlQueryContext: Record<string, unknown>;
  readonly sqlTypeNames: readonly string[];
  readonly nativeTypeNames: readonly string[];
  readonly context: Record<string, unknown>;
}

/**
 * The SQL-derived fields of a query_controller task payload. Druid adds the segment granularity
 * and the REPLACE time chunks to the SQL query context (as JSON text and comma-joined intervals),
 * and always runs MSQ with time-chunk locks.
 */
export function controllerPayloadFields(plan: MsqPlan): ControllerPayloadFields {
  const sqlQueryContext: Record<string, unknown> = { ...plan.context };
  if (plan.kind !== 'select') sqlQueryContext.sqlInsertSegmentGranularity = JSON.stringify(plan.partitionedBy);
  if (plan.kind === 'replace' && plan.overwrite !== null) {
    sqlQueryContext.sqlReplaceTimeChunks = plan.overwrite === 'all' ? 'all' : plan.overwrite.map(intervalText).join(',');
  }
  return {
    sqlQuery: plan.sql,
    sqlQueryContext,
    sqlTypeNames: plan.columns.map((c) => c.sqlType),
    nativeTypeNames: plan.columns.map((c) => c.druidType),
    context: { forceTimeChunkLock: true },
  };
}

/** What a Druid SQL statement adds to its controller task's payload: the SQL fields and result settings. */
export function druidControllerPayload(plan: MsqPlan): Record<string, unknown> {
  return {
    ...controllerPayloadFields(plan),
    sqlResultsContext: { timeZone: normalizeZone(plan.context.sqlTimeZone, 'sqlTimeZone'), serializeComplexValues: true, stringifyArrays: plan.context.sqlStringifyArrays !== false },
  };
}
