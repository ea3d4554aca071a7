import { randomUUID } from 'node:crypto';
import type { DuckDBInstance } from '@duckdb/node-api';
import { invalidInput } from '../../errors/catalogue.js';
import { controllerPayloadFields, planMsqStatement, resolveSettings } from '../../msq/sql/index.js';
import type { MsqPlan, MsqSettings } from '../../msq/types.js';
import type { SqlParameter } from '../../query/types.js';
import { listUsedSegments } from '../../store/segments.js';
import type { TaskDescription } from '../../tasks/kinds.js';
import { isSafeTaskId } from '../../tasks/paths.js';
import { ETERNITY, bucketsOverlapping, parseGranularity } from '../../time/granularity.js';
import { normalizeZone } from '../../time/zone.js';
import type { Services } from '../services.js';

/**
 * Turning a SQL request into an MSQ controller task, shared by `POST /druid/v2/sql/task` and the
 * statements API: both run a statement the same way, as a `query-<sqlQueryId>` task.
 */

/** Druid names the datasource of a SELECT job this way. */
export const SELECT_DATASOURCE = '__query_select';

export interface SqlTaskBody {
  readonly query: string;
  readonly context: Record<string, unknown>;
  readonly parameters: readonly SqlParameter[] | undefined;
  readonly sqlQueryId: string;
}

/** The request body (JSON, or SQL as text) checked into its parts; sqlQueryId is made when absent. */
export function readSqlTaskBody(raw: unknown): SqlTaskBody {
  const body = (typeof raw === 'string' ? { query: raw } : raw ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidInput('Request body must be a JSON object with a "query" field');
  const context = body.context ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw invalidInput('"context" must be a JSON object');
  const ctx = context as Record<string, unknown>;
  const sqlQueryId = typeof ctx.sqlQueryId === 'string' && ctx.sqlQueryId !== '' ? ctx.sqlQueryId : randomUUID();
  if (typeof body.query !== 'string' || body.query.trim() === '') throw invalidInput('Missing or empty "query" in request body');
  if (body.parameters !== undefined && body.parameters !== null && !Array.isArray(body.parameters)) throw invalidInput('"parameters" must be a JSON array');
  return { query: body.query, context: ctx, parameters: (body.parameters ?? undefined) as SqlParameter[] | undefined, sqlQueryId };
}

/** The controller task id of a statement. */
export function controllerTaskId(sqlQueryId: string): string {
  const id = `query-${sqlQueryId}`;
  if (!isSafeTaskId(id)) {
    throw invalidInput(`Invalid sqlQueryId [${JSON.stringify(sqlQueryId).slice(1, -1)}]: it must be at most 249 characters, without '/', NUL or leading or trailing spaces`);
  }
  return id;
}

/** The lock an MSQ job holds before it runs: REPLACE locks what it overwrites; INSERT asks later. */
function lockFor(plan: MsqPlan): TaskDescription['lock'] {
  if (plan.kind === 'select') return null;
  if (plan.kind === 'insert') return { type: 'shared', intervals: null };
  if (plan.overwrite === 'all' || plan.overwrite === null) return { type: 'exclusive', intervals: [ETERNITY] };
  const gran = parseGranularity(plan.partitionedBy, 'PARTITIONED BY');
  return { type: 'exclusive', intervals: plan.overwrite.flatMap((i) => (gran.type === 'all' ? [ETERNITY] : bucketsOverlapping(i, gran))) };
}

function describeController(id: string, plan: MsqPlan, settings: MsqSettings): TaskDescription {
  const dataSource = plan.dataSource ?? SELECT_DATASOURCE;
  return {
    id,
    groupId: id,
    type: 'query_controller',
    dataSource,
    priority: settings.priority,
    lock: lockFor(plan),
    payload: {
      type: 'query_controller',
      id,
      groupId: id,
      dataSource,
      resource: { availabilityGroup: id, requiredCapacity: 1 },
      spec: { plan, settings },
      ...controllerPayloadFields(plan),
      sqlResultsContext: { timeZone: normalizeZone(plan.context.sqlTimeZone, 'sqlTimeZone'), serializeComplexValues: true, stringifyArrays: true },
    },
  };
}

/** Plans the statement (400s for anything wrong with it) and describes its controller task. */
export async function planControllerTask(s: Services, duckdb: DuckDBInstance, body: SqlTaskBody): Promise<{ plan: MsqPlan; desc: TaskDescription }> {
  const id = controllerTaskId(body.sqlQueryId);
  const plan = await planMsqStatement(body.query, { ...body.context, sqlQueryId: body.sqlQueryId }, duckdb, body.parameters, (names) =>
    listUsedSegments(s.db, names),
  );
  return { plan, desc: describeController(id, plan, resolveSettings(plan.context)) };
}

/**
 * `EXPLAIN PLAN FOR` answered inline, as Druid answers it for MSQ: one row of PLAN (the job: its
 * stage-0 SQL over its inputs and the output signature), RESOURCES and ATTRIBUTES, all JSON text.
 */
export function explainRows(plan: MsqPlan): Array<Record<string, string>> {
  const job = {
    query: { sql: plan.stage0Sql, inputs: plan.inputs, context: plan.context },
    signature: plan.columns.map((c) => ({ name: c.name, type: c.druidType })),
    columnMappings: plan.columns.map((c) => ({ queryColumn: c.name, outputColumn: c.name })),
  };
  const resources = [
    ...plan.inputs.map((i) => ('dataSource' in i ? { name: i.dataSource, type: 'DATASOURCE' } : { name: 'EXTERNAL', type: 'EXTERNAL' })),
    ...(plan.dataSource !== null ? [{ name: plan.dataSource, type: 'DATASOURCE' }] : []),
  ];
  const unique = [...new Map(resources.map((r) => [`${r.type}:${r.name}`, r])).values()];
  const attributes: Record<string, unknown> = { statementType: plan.kind.toUpperCase() };
  if (plan.dataSource !== null) attributes.targetDataSource = plan.dataSource;
  if (plan.partitionedBy !== null) attributes.partitionedBy = plan.partitionedBy;
  if (plan.clusteredBy.length > 0) attributes.clusteredBy = plan.clusteredBy;
  if (plan.kind === 'replace') attributes.replaceTimeChunks = controllerPayloadFields(plan).sqlQueryContext.sqlReplaceTimeChunks;
  return [{ PLAN: JSON.stringify([job]), RESOURCES: JSON.stringify(unique), ATTRIBUTES: JSON.stringify(attributes) }];
}
