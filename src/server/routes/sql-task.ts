import { randomUUID } from 'node:crypto';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { druidExceptionBody, GroveError, invalidInput } from '../../errors/catalogue.js';
import { controllerPayloadFields, planMsqStatement, resolveSettings } from '../../msq/sql/index.js';
import type { MsqPlan, MsqSettings } from '../../msq/types.js';
import type { SqlParameter } from '../../query/types.js';
import type { TaskDescription } from '../../tasks/kinds.js';
import { isSafeTaskId } from '../../tasks/paths.js';
import { ETERNITY, bucketsOverlapping, parseGranularity } from '../../time/granularity.js';
import type { Services } from '../services.js';

/** Druid names the datasource of a SELECT job this way. */
const SELECT_DATASOURCE = '__query_select';

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
      sqlResultsContext: { timeZone: 'UTC', serializeComplexValues: true, stringifyArrays: true },
    },
  };
}

/** `POST /druid/v2/sql/task` (Druid's SQL-based ingestion) and `GET /druid/v2/sql/task/enabled`. */
export async function sqlTaskRoutes(app: FastifyInstance, s: Services, duckdb: DuckDBInstance): Promise<void> {
  app.get('/druid/v2/sql/task/enabled', async () => ({ enabled: true }));
  // Errors before planning (a body that is not JSON, say) still answer in this endpoint's shape.
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const g = err instanceof GroveError ? err : new GroveError(status === 500 ? 'internal' : 'invalidInput', err.message, { status });
    if (g.status >= 500) s.log.error({ err }, 'SQL task request failed');
    return reply.code(g.status).send({ taskId: null, state: 'FAILED', error: druidExceptionBody(g) });
  });

  app.post('/druid/v2/sql/task', async (req, reply) => {
    const body = (typeof req.body === 'string' ? { query: req.body } : req.body ?? {}) as Record<string, unknown>;
    const context = (body.context ?? {}) as Record<string, unknown>;
    const sqlQueryId = typeof context.sqlQueryId === 'string' && context.sqlQueryId !== '' ? context.sqlQueryId : randomUUID();
    try {
      if (typeof body.query !== 'string' || body.query.trim() === '') throw invalidInput('Missing or empty "query" in request body');
      if (typeof context !== 'object' || Array.isArray(context)) throw invalidInput('"context" must be a JSON object');
      const id = `query-${sqlQueryId}`;
      if (!isSafeTaskId(id)) throw invalidInput(`Invalid sqlQueryId [${sqlQueryId}]: it must not contain '/'`);
      if (body.parameters !== undefined && !Array.isArray(body.parameters)) throw invalidInput('"parameters" must be a JSON array');
      const plan = await planMsqStatement(body.query, { ...context, sqlQueryId }, duckdb, body.parameters as SqlParameter[] | undefined);
      const settings = resolveSettings(plan.context);
      await s.queue.submit(describeController(id, plan, settings));
      // Druid answers 202 here [src]; its docs say 200 (reference §0).
      return reply.code(202).send({ taskId: id, state: 'RUNNING' });
    } catch (e) {
      if (!(e instanceof GroveError)) throw e;
      return reply.code(e.status).send({ taskId: sqlQueryId, state: 'FAILED', error: druidExceptionBody(e) });
    }
  });
}
