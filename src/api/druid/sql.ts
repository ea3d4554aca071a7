import { randomUUID } from 'node:crypto';
import { SCHEMAS } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import { GroveError } from '../../core/errors.js';
import type { SqlParameter } from '../../lang/druid-sql/parse.js';
import { runDruidQuery } from '../../lang/druid-sql/query.js';
import type { QueryService } from '../../services/queries.js';
import { formatSqlResponse, resultFormatOf, type SqlRequest } from './format.js';

function invalid(message: string): GroveError {
  return new GroveError('invalidInput', message);
}

/** Validates a JSON body into a SqlRequest; raw text bodies are SQL with default options. */
export function toSqlRequest(body: unknown): SqlRequest {
  if (typeof body === 'string') return { query: body };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('Request body must be a JSON object with a "query" field');
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || b.query.trim() === '') throw invalid('Missing or empty "query" in request body');
  for (const flag of ['header', 'typesHeader', 'sqlTypesHeader'] as const) {
    if (b[flag] !== undefined && b[flag] !== null && typeof b[flag] !== 'boolean') throw invalid(`"${flag}" must be true or false`);
  }
  if (b.context !== undefined && b.context !== null && (typeof b.context !== 'object' || Array.isArray(b.context))) {
    throw invalid('"context" must be a JSON object');
  }
  if (b.parameters !== undefined && b.parameters !== null && !Array.isArray(b.parameters)) throw invalid('"parameters" must be a JSON array');
  const request: SqlRequest = {
    query: b.query,
    resultFormat: b.resultFormat === undefined || b.resultFormat === null ? undefined : resultFormatOf({ resultFormat: b.resultFormat as SqlRequest['resultFormat'] }),
    header: b.header === true,
    typesHeader: b.typesHeader === true,
    sqlTypesHeader: b.sqlTypesHeader === true,
    context: (b.context ?? undefined) as Record<string, unknown> | undefined,
    parameters: (b.parameters ?? undefined) as SqlParameter[] | undefined,
  };
  return request;
}

/** What the SQL routes need: a way to run plans and to cancel them. */
export type SqlQueries = Pick<QueryService, 'run' | 'cancel'>;

/**
 * POST /druid/v2/sql and DELETE /druid/v2/sql/{sqlQueryId}: Druid SQL planned by its front end and
 * run by the query service. Errors take the `query` shape (legacy forms for cancel and timeout).
 */
export async function sqlRoutes(app: FastifyInstance, s: { readonly queries: SqlQueries }): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const query = { errorShape: 'query' } as const;

  app.post('/druid/v2/sql', { schema: SCHEMAS.sql, config: query }, async (req, reply) => {
    const parsed = toSqlRequest(req.body);
    const given = parsed.context?.sqlQueryId;
    const queryId = typeof given === 'string' && given !== '' ? given : randomUUID();
    // The id goes back in a header, which can carry only printable Latin-1.
    if (/[^\x20-\x7e\xa0-\xff]/.test(queryId)) {
      throw invalid(`Invalid sqlQueryId [${JSON.stringify(queryId).slice(1, -1)}]: it must be printable Latin-1 text, as it is sent back in the X-Druid-SQL-Query-Id header`);
    }
    reply.header('X-Druid-SQL-Query-Id', queryId);
    const request: SqlRequest = { ...parsed, context: { ...(parsed.context ?? {}), sqlQueryId: queryId } };
    const result = await runDruidQuery(request, (plan) => s.queries.run(plan));
    const formatted = formatSqlResponse(result, request);
    for (const [k, v] of Object.entries(formatted.headers)) reply.header(k, v);
    // Druid's ObjectWriter and ArrayWriter end the JSON array with a line feed.
    const lf = formatted.contentType === 'application/json' ? '\n' : '';
    return reply.type(formatted.contentType).send(formatted.body + lf);
  });

  app.delete<{ Params: { sqlQueryId: string } }>('/druid/v2/sql/:sqlQueryId', { schema: SCHEMAS.cancelSql, config: query }, async (req, reply) => {
    // Druid: 202 with an empty body when something was cancelled, 404 when nothing was running.
    return reply.code(s.queries.cancel(req.params.sqlQueryId) ? 202 : 404).send();
  });
}
