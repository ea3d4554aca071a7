import { setTimeout as sleep } from 'node:timers/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { DruidColumnType } from '../../core/types.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { druidExceptionBody, GroveError, invalidInput } from '../../errors/catalogue.js';
import { formatSqlResponse, resultFormatOf } from '../../query/format.js';
import type { ResultFormat } from '../../query/types.js';
import { findStatement } from '../../statements/lookup.js';
import { readManifest, readPage } from '../../statements/manifest.js';
import { isSelect, planOf, statementObject, type StatementTask } from '../../statements/statement.js';
import type { Services } from '../services.js';
import { controllerTaskId, explainRows, planControllerTask, readSqlTaskBody } from './msq-submit.js';

/**
 * Druid's SQL statements API (`/druid/v2/sql/statements`): asynchronous statements run as MSQ
 * controller tasks, polled, paged through and cancelled; plus Grove's `POST .../{id}/stop`, which
 * ends a SELECT early with the rows it has computed so far (Elasticsearch's async stop semantics).
 * Messages follow Druid's SqlStatementResource [src].
 */

/** How long `stop` waits for the statement to finish over what it has read. */
const STOP_WAIT_MS = 10_000;
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

async function mustFind(s: Services, id: string): Promise<StatementTask> {
  const task = await findStatement(s, id);
  if (!task) throw notFound(id);
  return task;
}

/** Waits until the statement has ended, or the deadline passes; answers its latest state. */
async function waitForEnd(s: Services, id: string, deadline: number): Promise<StatementTask> {
  let task = await mustFind(s, id);
  while ((task.state === 'RUNNING' || task.state === 'ACCEPTED') && Date.now() < deadline) {
    await sleep(20);
    task = await mustFind(s, id);
  }
  return task;
}

export async function statementRoutes(app: FastifyInstance, s: Services, duckdb: DuckDBInstance): Promise<void> {
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const g = err instanceof GroveError ? err : new GroveError(status === 500 ? 'internal' : 'invalidInput', err.message, { status });
    if (g.status >= 500) s.log.error({ err }, 'SQL statements request failed');
    return reply.code(g.status).type('application/json').send(druidExceptionBody(g));
  });

  app.get('/druid/v2/sql/statements/enabled', async () => ({ enabled: true }));

  app.post('/druid/v2/sql/statements', async (req) => {
    const body = readSqlTaskBody(req.body);
    checkExecutionMode(body.context);
    const raw = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const format = resultFormatOf({ resultFormat: raw.resultFormat as ResultFormat | undefined });
    // Submitting the same sqlQueryId again answers the statement already known, not a second run.
    const existing = await findStatement(s, controllerTaskId(body.sqlQueryId));
    if (existing) return statementObject(existing, { detail: false, withResults: true });
    const { plan, desc } = await planControllerTask(s, duckdb, { ...body, context: { ...body.context, [RESULT_FORMAT_KEY]: format } });
    // Druid answers EXPLAIN inline with the plan rows, as a plain query would.
    if (plan.explain) return explainRows(plan);
    try {
      await s.queue.submit(desc);
    } catch (e) {
      // Two submissions with one id racing: the loser answers the winner's statement.
      const raced = await findStatement(s, desc.id);
      if (raced) return statementObject(raced, { detail: false, withResults: true });
      throw e;
    }
    return statementObject(await mustFind(s, desc.id), { detail: false, withResults: true });
  });

  app.get<{ Params: { id: string }; Querystring: { detail?: string } }>('/druid/v2/sql/statements/:id', async (req) => {
    const task = await mustFind(s, req.params.id);
    return statementObject(task, { detail: req.query.detail === 'true', withResults: true });
  });

  app.get<{ Params: { id: string }; Querystring: { page?: string; resultFormat?: string; filename?: string } }>(
    '/druid/v2/sql/statements/:id/results',
    async (req, reply) => sendResults(s, req.params.id, req.query, reply),
  );

  app.delete<{ Params: { id: string } }>('/druid/v2/sql/statements/:id', async (req, reply) => {
    const task = await mustFind(s, req.params.id);
    if (task.state === 'SUCCESS' || task.state === 'FAILED') return reply.code(200).send();
    await s.queue.shutdown(task.id);
    return reply.code(202).send();
  });

  app.post<{ Params: { id: string } }>('/druid/v2/sql/statements/:id/stop', async (req) => {
    const started = Date.now();
    const task = await mustFind(s, req.params.id);
    if (!isSelect(task)) {
      throw invalidInput(`Query [${task.id}] is an ingestion ([${planOf(task)?.kind.toUpperCase() ?? 'UNKNOWN'}]); stop with partial results applies to SELECT statements. Use DELETE to cancel it.`);
    }
    if (task.state === 'SUCCESS' || task.state === 'FAILED') return { ...statementObject(task, { detail: false, withResults: true }), isPartial: false };
    s.queue.requestStop(task.id);
    const ended = await waitForEnd(s, task.id, started + STOP_WAIT_MS);
    const out = statementObject(ended, { detail: false, withResults: true });
    return { ...out, isPartial: out.isPartial === true };
  });
}

async function sendResults(s: Services, id: string, query: { page?: string; resultFormat?: string; filename?: string }, reply: FastifyReply): Promise<FastifyReply> {
  let page: number | undefined;
  if (query.page !== undefined) {
    if (!/^-?\d+$/.test(query.page)) throw invalidInput(`Invalid page [${query.page}]: it must be a whole number`);
    page = Number(query.page);
    if (page < 0) throw invalidInput('Page cannot be negative. Please pass a positive number.');
  }
  const task = await mustFind(s, id);
  if (task.state === 'RUNNING' || task.state === 'ACCEPTED') {
    throw invalidInput(`Query[${id}] is currently in [${task.state}] state. Please wait for it to complete.`);
  }
  if (task.state === 'FAILED') throw invalidInput(`Query[${id}] failed. Check the status api for more details.`);
  if (query.filename !== undefined) reply.header('Content-Disposition', `attachment; filename="${validateFilename(query.filename)}"`);
  const plan = planOf(task);
  // An ingestion has no rows to return.
  if (!plan || plan.kind !== 'select') return reply.code(200).send();
  const manifest = readManifest(task.resultsDir);
  if (!manifest) {
    throw new GroveError('notFound', `Query[${id}] results are no longer available: results are kept for ${s.config.resultsRetentionMs / 3_600_000} hour(s) after a query ends`);
  }
  const chosen = page === undefined ? manifest.pages : manifest.pages.filter((p) => p.id === page);
  if (page !== undefined && chosen.length === 0) {
    // A query with no rows has no pages; Druid's task-report destination treats page 0 as that empty page.
    if (!(page === 0 && manifest.pages.length === 0)) throw invalidInput(`Invalid page id [${page}] passed.`);
  }
  const context = (task.payload.sqlQueryContext ?? {}) as Record<string, unknown>;
  const format = resultFormatOf({ resultFormat: (query.resultFormat ?? context[RESULT_FORMAT_KEY] ?? 'object') as ResultFormat });
  const rows: unknown[][] = [];
  for (const p of chosen) rows.push(...(await readPage(task.resultsDir, p.file)));
  const columns = manifest.columns.map((c) => ({ name: c.name, druidType: c.nativeType as DruidColumnType, sqlType: c.type }));
  const formatted = formatSqlResponse({ queryId: id, columns, rows, plan: { dataSources: [], duckdbSql: '' } }, { query: '', resultFormat: format });
  return reply.code(200).type(formatted.contentType).send(formatted.body);
}
