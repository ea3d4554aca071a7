import { SCHEMAS } from './schemas.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GroveError, invalidInput } from '../../core/errors.js';
import type { DruidColumnType } from '../../core/types.js';
import { controllerTaskId } from '../../msq/kind.js';
import type { Services } from '../../services/index.js';
import type { Statement } from '../../services/statements.js';
import { formatSqlResponse, resultFormatOf, type ResultFormat } from './format.js';
import { explainRows, planSqlTask, readSqlTaskBody } from './sql-body.js';
import { statementObject } from './statement-json.js';

/**
 * Druid's SQL statements API (`/druid/v2/sql/statements`): asynchronous statements run as MSQ
 * controller tasks, polled, paged through and cancelled; plus Grove's `POST .../{id}/stop`, which
 * ends a SELECT early with the rows it has computed so far (Elasticsearch's async stop semantics).
 * Messages follow Druid's SqlStatementResource [src].
 */

const RESULT_FORMAT_KEY = '__resultFormat';
// eslint-disable-next-line no-control-regex -- the characters Druid refuses in a filename
const FILENAME = /^[^/:*?><\\"|\u0000\n\r]*$/;

const notFound = (id: string): GroveError =>
  new GroveError('notFound', `Query [${id}] was not found. The query details are no longer present or might not be of the type [query_controller]. Verify that the id is correct.`);

function validateFilename(name: string): string {
  if (name === '') throw invalidInput('Filename cannot be empty.');
  if (name.length > 255) throw invalidInput('Filename cannot be longer than 255 characters.');
  if (!FILENAME.test(name)) throw invalidInput('Filename contains invalid characters. (/, \\, :, *, ?, ", <, >, |, \\0, \\n, or \\r)');
  return name;
}

function checkExecutionMode(context: Record<string, unknown>): void {
  const mode = context.executionMode;
  if (mode === undefined || mode === null) {
    throw invalidInput('Execution mode is not provided to the sql statement api. Please set [executionMode] to [ASYNC] in the query context');
  }
  if (String(mode).toUpperCase() !== 'ASYNC') {
    throw invalidInput(`The sql statement api currently does not support the provided execution mode [${String(mode)}]. Please set [executionMode] to [ASYNC] in the query context`);
  }
  if (RESULT_FORMAT_KEY in context) throw invalidInput(`Query context parameter [${RESULT_FORMAT_KEY}] is not allowed`);
}

async function mustFind(s: Services, id: string): Promise<Statement> {
  const statement = await s.statements.find(id);
  if (!statement) throw notFound(id);
  return statement;
}

/** Druid's statement JSON of a statement, with its result section. */
const view = (s: Services, statement: Statement, detail = false): Record<string, unknown> =>
  statementObject(statement, s.statements.manifest(statement), { detail, withResults: true });

export async function statementRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/druid/v2/sql/statements/enabled', { schema: SCHEMAS.statementsEnabled }, async () => ({ enabled: true }));

  app.post('/druid/v2/sql/statements', { schema: SCHEMAS.submitStatement }, async (req) => {
    const body = readSqlTaskBody(req.body);
    checkExecutionMode(body.context);
    const raw = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const format = resultFormatOf({ resultFormat: raw.resultFormat as ResultFormat | undefined });
    // Submitting the same sqlQueryId again answers the statement already known, not a second run.
    const existing = await s.statements.find(controllerTaskId(body.sqlQueryId));
    if (existing) return view(s, existing);
    const { plan, desc } = await planSqlTask(s, { ...body, context: { ...body.context, [RESULT_FORMAT_KEY]: format } });
    // Druid answers EXPLAIN inline with the plan rows, as a plain query would.
    if (plan.explain) return explainRows(plan);
    return view(s, await s.statements.submit(desc));
  });

  app.get<{ Params: { id: string }; Querystring: { detail?: string } }>('/druid/v2/sql/statements/:id', { schema: SCHEMAS.statement }, async (req) =>
    view(s, await mustFind(s, req.params.id), req.query.detail === 'true'));

  app.get<{ Params: { id: string }; Querystring: { page?: string; resultFormat?: string; filename?: string } }>(
    '/druid/v2/sql/statements/:id/results',
    { schema: SCHEMAS.results }, async (req, reply) => sendResults(s, req.params.id, req.query, reply),
  );

  app.delete<{ Params: { id: string } }>('/druid/v2/sql/statements/:id', { schema: SCHEMAS.cancelStatement }, async (req, reply) => {
    const canceled = await s.statements.cancel(await mustFind(s, req.params.id));
    return reply.code(canceled ? 202 : 200).send();
  });

  app.post<{ Params: { id: string } }>('/druid/v2/sql/statements/:id/stop', { schema: SCHEMAS.stopStatement }, async (req) => {
    const started = Date.now();
    const outcome = await s.statements.stop(await mustFind(s, req.params.id), started + s.config.stopWaitMs);
    if (outcome.kind === 'notSelect') {
      const kind = outcome.statement.plan?.kind.toUpperCase() ?? 'UNKNOWN';
      throw invalidInput(`Query [${outcome.statement.id}] is an ingestion ([${kind}]); stop with partial results applies to SELECT statements. Use DELETE to cancel it.`);
    }
    const out = view(s, outcome.statement);
    return { ...out, isPartial: outcome.kind === 'stopped' && out.isPartial === true };
  });
}

async function sendResults(s: Services, id: string, query: { page?: string; resultFormat?: string; filename?: string }, reply: FastifyReply): Promise<FastifyReply> {
  let page: number | undefined;
  if (query.page !== undefined) {
    if (!/^-?\d+$/.test(query.page)) throw invalidInput(`Invalid page [${query.page}]: it must be a whole number`);
    page = Number(query.page);
    if (page < 0) throw invalidInput('Page cannot be negative. Please pass a positive number.');
  }
  const statement = await mustFind(s, id);
  if (statement.state === 'RUNNING' || statement.state === 'ACCEPTED') {
    throw invalidInput(`Query[${id}] is currently in [${statement.state}] state. Please wait for it to complete.`);
  }
  if (statement.state === 'FAILED') throw invalidInput(`Query[${id}] failed. Check the status api for more details.`);
  if (query.filename !== undefined) reply.header('Content-Disposition', `attachment; filename="${validateFilename(query.filename)}"`);
  const results = await s.statements.results(statement, page);
  switch (results.kind) {
    case 'ingestion':
      // An ingestion has no rows to return.
      return reply.code(200).send();
    case 'expired':
      throw new GroveError('notFound', `Query[${id}] results are no longer available: results are kept for ${s.config.resultsRetentionMs / 3_600_000} hour(s) after a query ends`);
    case 'noSuchPage':
      throw invalidInput(`Invalid page id [${page}] passed.`);
  }
  const context = (statement.payload.sqlQueryContext ?? {}) as Record<string, unknown>;
  const format = resultFormatOf({ resultFormat: (query.resultFormat ?? context[RESULT_FORMAT_KEY] ?? 'object') as ResultFormat });
  const columns = results.manifest.columns.map((c) => ({ name: c.name, druidType: c.nativeType as DruidColumnType, sqlType: c.type }));
  const formatted = formatSqlResponse({ columns, rows: results.rows }, { query: '', resultFormat: format });
  return reply.code(200).type(formatted.contentType).send(formatted.body);
}
