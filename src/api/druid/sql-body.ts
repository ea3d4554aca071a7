import { randomUUID } from 'node:crypto';
import { invalidInput } from '../../core/errors.js';
import type { TaskDescription } from '../../core/task-kind.js';
import { controllerPayloadFields, druidControllerPayload, planMsqStatement } from '../../lang/druid-sql/msq/index.js';
import type { SqlParameter } from '../../lang/druid-sql/parse.js';
import { controllerTaskId, describeController } from '../../msq/kind.js';
import { resolveSettings } from '../../msq/settings.js';
import type { MsqPlan } from '../../msq/types.js';
import type { Services } from '../../services/index.js';

/**
 * Turning a SQL request into an MSQ controller task, shared by `POST /druid/v2/sql/task` and the
 * statements API: both run a statement the same way, as a `query-<sqlQueryId>` task.
 */

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

/** Plans the statement (400s for anything wrong with it) and describes its controller task. */
export async function planSqlTask(s: Services, body: SqlTaskBody): Promise<{ plan: MsqPlan; desc: TaskDescription }> {
  const id = controllerTaskId(body.sqlQueryId);
  const plan = await planMsqStatement(body.query, { ...body.context, sqlQueryId: body.sqlQueryId }, s.queries.engine, body.parameters, (names) =>
    s.datasources.current(names),
  );
  return { plan, desc: describeController(id, plan, resolveSettings(plan.context), druidControllerPayload(plan)) };
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
