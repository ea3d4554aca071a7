import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { coerceError, GroveError } from '../core/errors.js';
import { GROVE_VERSION } from '../core/version.js';
import type { Services } from '../services/index.js';
import { consoleRoutes } from '../api/console.js';
import { druidErrorHandler } from '../api/druid/errors.js';
import { DRUID_PREFIXES, druidFace, druidNotFound } from '../api/druid/index.js';
import { elasticErrorHandler } from '../api/elastic/errors.js';
import { ES_PREFIX, elasticFace, elasticNotFound } from '../api/elastic/index.js';

/**
 * Builds the HTTP server: each API face is a plugin over the core services, rendering its own
 * errors (invariant 5); the console is served at `/`.
 */
function newServer(s: Services): FastifyInstance {
  const app = Fastify({
    loggerInstance: s.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: s.config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  // No id, name or parameter may carry a NUL character: PostgreSQL text cannot hold one, and no
  // name Grove stores allows it. Refused here once for every endpoint, in each face's shape.
  app.addHook('preHandler', async (req) => {
    for (const bag of [req.params, req.query] as Array<Record<string, unknown> | undefined>) {
      for (const [k, v] of Object.entries(bag ?? {})) {
        if (typeof v === 'string' && v.includes('\u0000')) throw new GroveError('invalidInput', `Invalid value for [${k}]: it must not contain a NUL character`);
      }
    }
  });
  return app;
}

export async function buildApp(s: Services, extra: (app: FastifyInstance) => Promise<void> = async () => {}): Promise<FastifyInstance> {
  const app = newServer(s);

  // An unknown route, and any error outside a face's own routes, answers in the shape of the face
  // its path belongs to.
  const isDruid = (url: string): boolean => DRUID_PREFIXES.some((p) => url.startsWith(p));
  const isElastic = (url: string): boolean => url === ES_PREFIX || url.startsWith(`${ES_PREFIX}/`) || url.startsWith(`${ES_PREFIX}?`);
  app.setNotFoundHandler((req, reply) => {
    if (isDruid(req.url)) return druidNotFound(req, reply);
    if (isElastic(req.url)) return elasticNotFound(req, reply, ES_PREFIX);
    return reply.code(404).send({ error: `No ${req.method} endpoint at [${req.url.split('?')[0]}]` });
  });
  app.setErrorHandler((err: Error, req, reply) => {
    if (isDruid(req.url)) return druidErrorHandler(err, req, reply);
    if (isElastic(req.url)) return elasticErrorHandler(err as FastifyError, req, reply);
    const e = coerceError(err);
    if (e.code === 'internal') req.log.error({ err }, 'request failed');
    return reply.code(e.code === 'internal' ? 500 : 400).send({ error: e.message });
  });

  // OpenAPI of every route, from the route schemas, at /docs.
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Grove', description: "Grove's API faces over one core. Druid: Tasks, SQL-based ingestion, SQL and statements APIs. Elasticsearch: ES|QL (at /es).", version: GROVE_VERSION },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(async (scope) => druidFace(scope, s));
  await app.register(async (scope) => elasticFace(scope, s), { prefix: ES_PREFIX });
  await app.register(consoleRoutes);
  await extra(app);
  return app;
}

/** The Elasticsearch face alone at the root of its own port (`--es-port`), as clients expect a cluster. */
export async function buildElasticApp(s: Services): Promise<FastifyInstance> {
  const app = newServer(s);
  app.setNotFoundHandler((req, reply) => elasticNotFound(req, reply, ''));
  app.setErrorHandler(elasticErrorHandler);
  await app.register(async (scope) => elasticFace(scope, s));
  return app;
}
