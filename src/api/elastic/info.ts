import { createHash } from 'node:crypto';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { ES_BUILD } from '../../lang/esql/index.js';
import type { Services } from '../../services/index.js';
import { SCHEMAS } from './schemas.js';

/**
 * `GET /` (the client's `info()`) and `HEAD /` (its ping when it revives a node): who answers, as
 * Elasticsearch's main action says it. The cluster uuid is stable for a data directory.
 */
export async function infoRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const uuid = createHash('sha1').update(s.config.dataDir).digest('base64url').slice(0, 22);
  const body = {
    name: os.hostname(),
    cluster_name: 'grove',
    cluster_uuid: uuid,
    version: {
      number: ES_BUILD.version,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: ES_BUILD.hash,
      build_date: ES_BUILD.date,
      build_snapshot: false,
      lucene_version: ES_BUILD.luceneVersion,
      minimum_wire_compatibility_version: ES_BUILD.minimumWireCompatibilityVersion,
      minimum_index_compatibility_version: ES_BUILD.minimumIndexCompatibilityVersion,
    },
    tagline: 'You Know, for Search',
  };
  app.get('/', { schema: SCHEMAS.info }, async (_req, reply) => reply.header('content-type', 'application/json').send(body));
}
