import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GroveError } from '../../core/errors.js';
import { compileEsql, esqlController, esqlOfPayload, esqlQueryPlan, esqlRow, type EsqlColumn, type EsqlProgram } from '../../lang/esql/index.js';
import type { Services } from '../../services/index.js';
import type { Statement } from '../../services/statements.js';
import { esError } from './errors.js';
import { contentTypeOf, negotiate, renderResult, type Negotiated, type RenderOptions, type ResultMeta, type ResultTable } from './format.js';
import { warningHeader } from './headers.js';
import { checkUrlParams, readEsqlBody, urlBoolean, urlTime, type EsqlBody } from './request.js';
import { SCHEMAS } from './schemas.js';

/**
 * The ES|QL query API: `_query` runs a query and answers its rows; `_query/async` runs it as a
 * Grove task (a SELECT job) that the face keeps for `keep_alive`, answering at once when it ends
 * within `wait_for_completion_timeout`, else its id; GET, stop and DELETE follow it by that id.
 * The route schemas document; the routes check (attachValidation), so errors are in ES's words.
 */

/** The face's name on the queries it keeps (a face sees only its own). */
const OWNER = 'esql';
const ID_RE = /^esql_[A-Za-z0-9_-]{24}$/;
const newAsyncId = (): string => `esql_${randomBytes(18).toString('base64url')}`;

const QUERY_PARAMS = ['format', 'delimiter', 'drop_null_columns', 'allow_partial_results', 'header'];
const GET_PARAMS = ['wait_for_completion_timeout', 'keep_alive', 'drop_null_columns', 'format', 'delimiter', 'header'];

type Query = Record<string, string | undefined>;

interface Answer {
  readonly n: Negotiated;
  readonly opts: RenderOptions;
}

function answerOf(req: FastifyRequest, path: string, allowed: readonly string[]): Answer {
  const q = req.query as Query;
  checkUrlParams(path, q, allowed);
  urlBoolean('allow_partial_results', q.allow_partial_results);
  return { n: negotiate(q, req.headers, path), opts: { columnar: false, dropNullColumns: urlBoolean('drop_null_columns', q.drop_null_columns) } };
}

function send(reply: FastifyReply, a: Answer, meta: ResultMeta, table: ResultTable | null, warnings: readonly string[] = []): FastifyReply {
  const body = renderResult(a.n, meta, table, a.opts);
  if (warnings.length > 0) reply.header('warning', warnings.map(warningHeader));
  return reply.header('content-type', contentTypeOf(a.n)).header('took-nanos', String(Math.round(meta.tookMs * 1e6))).send(body);
}

export async function queryRoutes(app: FastifyInstance, s: Services): Promise<void> {
  async function compile(body: EsqlBody): Promise<EsqlProgram> {
    const schemas = await s.datasources.schemas();
    return compileEsql(body.query, body.params, { names: [...schemas.keys()].sort(), schema: (n) => schemas.get(n) ?? new Map() });
  }

  app.post('/_query', { schema: SCHEMAS.query, attachValidation: true }, async (req, reply) => {
    const a = answerOf(req, '/_query', QUERY_PARAMS);
    const { body } = readEsqlBody(req.body, false);
    const started = performance.now();
    const program = await compile(body);
    const queryId = randomUUID();
    // A client that goes away cancels its query.
    const abandon = (): void => {
      if (!reply.raw.writableFinished) s.queries.cancel(queryId);
    };
    reply.raw.once('close', abandon);
    const result = await s.queries.run(esqlQueryPlan(program, queryId)).catch((e: unknown) => {
      throw vanishedIndex(e);
    });
    const columns = program.columns as EsqlColumn[];
    const table = { columns, rows: result.rows.map((r) => esqlRow(columns, r)) };
    return send(reply, { ...a, opts: { ...a.opts, columnar: body.columnar } }, { tookMs: performance.now() - started, isPartial: false }, table, program.warnings);
  });

  app.post('/_query/async', { schema: SCHEMAS.asyncQuery, attachValidation: true }, async (req, reply) => {
    const a = answerOf(req, '/_query/async', QUERY_PARAMS);
    const { body, async } = readEsqlBody(req.body, true);
    const program = await compile(body);
    const id = newAsyncId();
    await s.asyncQueries.submit(esqlController(id, program, body.query), OWNER, async.keepAliveMs);
    return answer(reply, id, { ...a, opts: { ...a.opts, columnar: body.columnar } }, async.waitMs, async.keepOnCompletion);
  });

  app.get<{ Params: { id: string } }>('/_query/async/:id', { schema: SCHEMAS.getAsync, attachValidation: true }, async (req, reply) => {
    const path = `/_query/async/${req.params.id}`;
    const a = answerOf(req, path, GET_PARAMS);
    const q = req.query as Query;
    const waitMs = urlTime('wait_for_completion_timeout', q.wait_for_completion_timeout, -1, true);
    const keepAliveMs = q.keep_alive === undefined ? undefined : urlTime('keep_alive', q.keep_alive, 0, false);
    await kept(req.params.id);
    if (keepAliveMs !== undefined) await s.asyncQueries.keepAlive(req.params.id, keepAliveMs);
    return answer(reply, req.params.id, a, waitMs, true);
  });

  app.post<{ Params: { id: string } }>('/_query/async/:id/stop', { schema: SCHEMAS.stopAsync, attachValidation: true }, async (req, reply) => {
    const a = answerOf(req, `/_query/async/${req.params.id}/stop`, ['drop_null_columns', 'format', 'delimiter', 'header']);
    const statement = await kept(req.params.id);
    // Stop asks the job to end over what it has read; one that had ended keeps its whole result.
    await s.statements.stop(statement, Date.now() + s.config.stopWaitMs);
    return answer(reply, req.params.id, a, 0, true);
  });

  app.delete<{ Params: { id: string } }>('/_query/async/:id', { schema: SCHEMAS.deleteAsync, attachValidation: true }, async (req, reply) => {
    checkUrlParams(`/_query/async/${req.params.id}`, req.query as Query, []);
    await kept(req.params.id);
    if (!(await s.asyncQueries.remove(req.params.id))) throw notFound(req.params.id);
    return reply.header('content-type', 'application/json').send({ acknowledged: true });
  });

  /** The statement of an async id this face keeps; 400 for an id it could never have made, else 404. */
  async function kept(id: string): Promise<Statement> {
    if (!ID_RE.test(id)) throw esError('invalidInput', 'illegal_argument_exception', `invalid id: [${id}]`);
    const statement = await s.asyncQueries.find(id, OWNER);
    if (!statement) throw notFound(id);
    return statement;
  }

  /**
   * Waits up to `waitMs` (-1: until it ends) and answers the query: its id while it runs; its rows
   * once it succeeded (without the id, and forgotten, when it need not be kept); its error if it failed.
   */
  async function answer(reply: FastifyReply, id: string, a: Answer, waitMs: number, keep: boolean): Promise<FastifyReply> {
    let st = await kept(id);
    const deadline = waitMs < 0 ? Number.POSITIVE_INFINITY : Date.now() + waitMs;
    while ((st.state === 'RUNNING' || st.state === 'ACCEPTED') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      st = await kept(id);
    }
    const esql = esqlOfPayload(st.payload);
    if (!esql) throw notFound(id);
    if (st.state === 'RUNNING' || st.state === 'ACCEPTED') {
      reply.header('x-elasticsearch-async-id', id).header('x-elasticsearch-async-is-running', '?1');
      return send(reply, a, { id, isRunning: true, tookMs: Date.now() - st.createdMs, isPartial: false }, null);
    }
    const tookMs = st.durationMs >= 0 ? st.durationMs : Date.now() - st.createdMs;
    // Read before it is forgotten: a query not to be kept is removed once answered.
    const results = st.state === 'FAILED' ? failure(st) : await s.statements.results(st);
    if (keep) reply.header('x-elasticsearch-async-id', id);
    else await s.asyncQueries.remove(id);
    reply.header('x-elasticsearch-async-is-running', '?0');
    if (results instanceof GroveError) throw results;
    if (results.kind !== 'rows') throw notFound(id);
    const columns = esql.columns as EsqlColumn[];
    const table = { columns, rows: results.rows.map((r) => esqlRow(columns, r)) };
    return send(reply, a, { id: keep ? id : undefined, isRunning: false, tookMs, isPartial: results.manifest.isPartial === true }, table, esql.warnings);
  }
}

const notFound = (id: string): GroveError => esError('notFound', 'resource_not_found_exception', id);

/** A failed async query's error as the face shows it. */
function failure(st: Statement): GroveError {
  const message = st.errorMsg ?? 'the query failed';
  if (/canceled/i.test(message)) return esError('canceled', 'task_cancelled_exception', message);
  return esError('invalidInput', 'illegal_argument_exception', message);
}

/** A datasource dropped between compiling and running: as if it had never been named. */
function vanishedIndex(e: unknown): unknown {
  if (e instanceof GroveError && e.code === 'notFound' && e.context.dataSource) {
    return new GroveError('invalidInput', `Found 1 problem\nline 1:1: Unknown index [${e.context.dataSource}]`, { context: { esql: 'verification' } });
  }
  return e;
}
