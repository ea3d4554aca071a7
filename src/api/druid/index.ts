import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GroveError } from '../../core/errors.js';
import type { Services } from '../../services/index.js';
import { druidErrorHandler, sendDruidError } from './errors.js';
import { sqlRoutes } from './sql.js';
import { sqlTaskRoutes } from './sql-task.js';
import { statementRoutes } from './statements.js';
import { statusRoutes } from './status.js';
import { taskRoutes } from './tasks.js';
import { workerRoutes } from './workers.js';

/**
 * The Druid face: the Tasks API, SQL-based ingestion, the SQL and statements APIs and the process
 * status endpoints, over the core services. Every error of every route is rendered by one handler.
 */
export async function druidFace(app: FastifyInstance, s: Services): Promise<void> {
  app.setErrorHandler(druidErrorHandler);
  await app.register(statusRoutes);
  await app.register(async (scope) => taskRoutes(scope, s));
  await app.register(async (scope) => workerRoutes(scope, s));
  await app.register(async (scope) => sqlRoutes(scope, s));
  await app.register(async (scope) => sqlTaskRoutes(scope, s));
  await app.register(async (scope) => statementRoutes(scope, s));
}

/** Paths the Druid face answers unknown routes under, in its own shapes. */
export const DRUID_PREFIXES = ['/druid', '/status'];

export function druidNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = new GroveError('notFound', `No ${req.method} endpoint at [${req.url.split('?')[0]}]`);
  return sendDruidError(reply, e, req.url.startsWith('/druid/v2/sql') ? 'sql' : 'overlord');
}
