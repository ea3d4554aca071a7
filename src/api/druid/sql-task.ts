import { SCHEMAS } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.js';
import { noteSqlTaskId } from './errors.js';
import { explainRows, planSqlTask, readSqlTaskBody } from './sql-body.js';

/** `POST /druid/v2/sql/task` (Druid's SQL-based ingestion) and `GET /druid/v2/sql/task/enabled`. */
export async function sqlTaskRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/druid/v2/sql/task/enabled', { schema: SCHEMAS.sqlTaskEnabled }, async () => ({ enabled: true }));

  app.post('/druid/v2/sql/task', { schema: SCHEMAS.sqlTask, config: { errorShape: 'sqlTask' } }, async (req, reply) => {
    const body = readSqlTaskBody(req.body);
    noteSqlTaskId(req, body.sqlQueryId);
    const { plan, desc } = await planSqlTask(s, body);
    // Druid answers EXPLAIN inline here, without a task (reference §5.2).
    if (plan.explain) return reply.code(200).send(explainRows(plan));
    await s.tasks.submit(desc);
    // Druid answers 202 here [src]; its docs say 200 (reference §0).
    return reply.code(202).send({ taskId: desc.id, state: 'RUNNING' });
  });
}
