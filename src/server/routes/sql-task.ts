import type { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { druidExceptionBody, GroveError } from '../../errors/catalogue.js';
import type { Services } from '../services.js';
import { explainRows, planControllerTask, readSqlTaskBody } from './msq-submit.js';

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
    const given = (req.body as { context?: { sqlQueryId?: unknown } } | null)?.context?.sqlQueryId;
    let taskId = typeof given === 'string' ? given : null;
    try {
      const body = readSqlTaskBody(req.body);
      taskId = body.sqlQueryId;
      const { plan, desc } = await planControllerTask(s, duckdb, body);
      // Druid answers EXPLAIN inline here, without a task (reference §5.2).
      if (plan.explain) return reply.code(200).send(explainRows(plan));
      await s.queue.submit(desc);
      // Druid answers 202 here [src]; its docs say 200 (reference §0).
      return reply.code(202).send({ taskId: desc.id, state: 'RUNNING' });
    } catch (e) {
      if (!(e instanceof GroveError)) throw e;
      return reply.code(e.status).send({ taskId, state: 'FAILED', error: druidExceptionBody(e) });
    }
  });
}
