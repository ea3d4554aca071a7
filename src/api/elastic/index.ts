import type { FastifyBodyParser, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.js';
import { elasticErrorHandler } from './errors.js';
import { infoRoutes } from './info.js';
import { queryRoutes } from './query.js';

/**
 * The Elasticsearch face: the ES|QL query APIs (sync and async) and cluster info, over the core
 * services, so the official client works unchanged. Mounted at `/es` on the main port, and at the
 * root of `--es-port` when set. Every answer, errors included, says it comes from Elasticsearch:
 * the client refuses any 2xx without `X-elastic-product`.
 */
export async function elasticFace(app: FastifyInstance, s: Services): Promise<void> {
  app.setErrorHandler(elasticErrorHandler);
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-elastic-product', 'Elasticsearch');
    return payload;
  });
  // JSON comes as application/json or Elasticsearch's vendored type; the client sends the type
  // with an empty body too (stop, delete), which is no body rather than bad JSON.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parse: FastifyBodyParser<string> = (req, body, done) => {
    if (body.trim() === '') return done(null, undefined);
    return json(req, body, done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parse);
  app.addContentTypeParser(/^application\/vnd\.elasticsearch\+json/i, { parseAs: 'string' }, parse);
  await app.register(async (scope) => infoRoutes(scope, s));
  await app.register(async (scope) => queryRoutes(scope, s));
}

export const ES_PREFIX = '/es';

/** The methods each route of the face takes, for Elasticsearch's 405 on a known path. */
const ROUTES: ReadonlyArray<{ readonly re: RegExp; readonly methods: readonly string[] }> = [
  { re: /^\/?$/, methods: ['GET', 'HEAD'] },
  { re: /^\/_query\/?$/, methods: ['POST'] },
  { re: /^\/_query\/async\/?$/, methods: ['POST'] },
  { re: /^\/_query\/async\/[^/]+\/stop\/?$/, methods: ['POST'] },
  { re: /^\/_query\/async\/[^/]+\/?$/, methods: ['DELETE', 'GET'] },
];

/** An unknown route under the face: 405 for a known path with another method, else 400, as Elasticsearch answers. */
export function elasticNotFound(req: FastifyRequest, reply: FastifyReply, prefix: string): FastifyReply {
  const [rawPath, search] = req.url.split('?');
  const path = rawPath.slice(prefix.length) || '/';
  const uri = search === undefined ? path : `${path}?${search}`;
  const known = ROUTES.find((r) => r.re.test(path));
  reply.header('x-elastic-product', 'Elasticsearch').header('content-type', 'application/json');
  if (known) {
    return reply.code(405).header('allow', known.methods.join(',')).send({ error: `Incorrect HTTP method for uri [${uri}] and method [${req.method}], allowed: [${known.methods.join(', ')}]`, status: 405 });
  }
  return reply.code(400).send({ error: `no handler found for uri [${uri}] and method [${req.method}]`, status: 400 });
}
