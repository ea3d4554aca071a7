import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { druidExceptionBody, GroveError } from '../errors/catalogue.js';
import type { Services } from './services.js';
import { consoleRoutes } from './routes/console.js';
import { statusRoutes } from './routes/status.js';
import { sqlTaskRoutes } from './routes/sql-task.js';
import { statementRoutes } from './routes/statements.js';
import { taskRoutes } from './routes/tasks.js';
import { workerRoutes } from './routes/workers.js';
import { createQueryEngine, sqlRoutes } from '../query/index.js';
import { UsedSegmentsCache } from '../segments/used-cache.js';
import { listDataSources, listUsedSegments } from '../store/segments.js';
import { listCompleteTasks } from '../store/tasks.js';
import { activeStatus, completeStatus } from '../tasks/status.js';
import { GROVE_VERSION } from './version.js';

/**
 * Builds the HTTP server: each API family is a plugin, and errors are rendered in the shape of the
 * family the request came through (invariant 5).
 */
export async function buildApp(s: Services, extra: (app: FastifyInstance) => Promise<void> = async () => {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: s.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });

  app.setErrorHandler((err: FastifyError | GroveError, req, reply) => {
    const isSql = req.url.startsWith('/druid/v2/sql');
    if (err instanceof GroveError) {
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      return isSql ? reply.code(err.status).send(druidExceptionBody(err)) : reply.code(err.status).send({ error: err.message });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unexpected error');
    const message = status === 500 ? `Internal error: ${err.message}` : err.message;
    if (isSql) {
      const g = new GroveError(status === 500 ? 'internal' : 'invalidInput', message, { status });
      return reply.code(status).send(druidExceptionBody(g));
    }
    return reply.code(status).send({ error: message });
  });

  // No id, name or parameter may carry a NUL character: PostgreSQL text cannot hold one, and no
  // Druid name allows it. Refused here once, in the route family's shape, for every endpoint.
  app.addHook('preHandler', async (req) => {
    for (const bag of [req.params, req.query] as Array<Record<string, unknown> | undefined>) {
      for (const [k, v] of Object.entries(bag ?? {})) {
        if (typeof v === 'string' && v.includes('\u0000')) throw new GroveError('invalidInput', `Invalid value for [${k}]: it must not contain a NUL character`);
      }
    }
  });

  // An unknown route answers in the shape of the family its path belongs to, like any other error.
  app.setNotFoundHandler((req, reply) => {
    const g = new GroveError('notFound', `No ${req.method} endpoint at [${req.url.split('?')[0]}]`);
    if (req.url.startsWith('/druid/v2/sql')) return reply.code(404).send(druidExceptionBody(g));
    return reply.code(404).send({ error: g.message });
  });

  await app.register(statusRoutes);
  await app.register(async (scope) => taskRoutes(scope, s));
  await app.register(async (scope) => workerRoutes(scope, s));
  // One query engine for the process: SQL queries run on it and MSQ plans are typed with it.
  const duckdb = await createQueryEngine({ deepStorageDir: s.paths.deepStorage });
  app.addHook('onClose', async () => duckdb.closeSync());
  await app.register(async (scope) => sqlTaskRoutes(scope, s, duckdb));
  await app.register(async (scope) => statementRoutes(scope, s, duckdb));
  // Queries read the used segments from memory; the queue clears it around every publish.
  const usedSegments = new UsedSegmentsCache((names) => listUsedSegments(s.db, names));
  s.queue.onPublish(() => usedSegments.invalidate());
  await app.register(sqlRoutes({
    listUsedSegments: (dataSources) => usedSegments.get(dataSources),
    knownDataSources: () => listDataSources(s.db),
    deepStorageDir: s.paths.deepStorage,
    duckdb,
    // sys.tasks shows what GET /druid/indexer/v1/tasks lists: the queue's tasks, then those that
    // finished within recentlyFinishedThreshold.
    listTasks: async () => {
      const active = s.queue.list();
      const complete = (await listCompleteTasks(s.db, { endedSince: Date.now() - s.config.recentlyFinishedMs })).map(completeStatus);
      // A task ending between the two reads is in both; it is listed once, as complete.
      const ended = new Set(complete.map((t) => t.id));
      return [...active.filter((t) => !ended.has(t.desc.id)).map((t) => activeStatus(t, { host: s.config.host, port: s.config.port }, false)), ...complete];
    },
    server: { host: s.config.host, port: s.config.port, startTime: new Date().toISOString(), version: GROVE_VERSION },
  }));
  await app.register(consoleRoutes);
  await extra(app);
  return app;
}
