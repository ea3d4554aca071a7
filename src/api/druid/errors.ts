import os from 'node:os';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { coerceError, type ErrorCode, type GroveError } from '../../core/errors.js';

/**
 * How the Druid face shows an error: the one place Grove's neutral errors become Druid's statuses
 * and bodies (reference druid.md §3.2). Each route says which of Druid's shapes its errors take in
 * its config (`errorShape`); the face's one error handler renders them.
 */
export type DruidErrorShape =
  /** Overlord (`/druid/indexer/v1/...`): `{"error": message}`. */
  | 'overlord'
  /** Overlord endpoints Druid answers with plain text (task log and reports, the tasks list's state). */
  | 'text'
  /** SQL and statements APIs: the druidException ErrorResponse. */
  | 'sql'
  /** `POST /druid/v2/sql`: druidException, except cancel and timeout in the legacy QueryException form. */
  | 'query'
  /** `POST /druid/v2/sql/task`: `{taskId, state: FAILED, error: druidException}`. */
  | 'sqlTask';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which of Druid's error shapes a Druid route answers in (see DruidErrorShape). */
    errorShape?: DruidErrorShape;
  }
}

type Category = 'INVALID_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNSUPPORTED' | 'CANCELED' | 'TIMEOUT' | 'RUNTIME_FAILURE' | 'DEFENSIVE';

/** Druid's errorCode, DruidException category and HTTP status for each neutral code. */
const DRUID: Record<ErrorCode, { readonly errorCode: string; readonly category: Category; readonly status: number }> = {
  invalidInput: { errorCode: 'invalidInput', category: 'INVALID_INPUT', status: 400 },
  unsupportedMediaType: { errorCode: 'unsupportedMediaType', category: 'INVALID_INPUT', status: 415 },
  tooLarge: { errorCode: 'invalidInput', category: 'INVALID_INPUT', status: 413 },
  forbidden: { errorCode: 'forbidden', category: 'FORBIDDEN', status: 403 },
  notFound: { errorCode: 'notFound', category: 'NOT_FOUND', status: 404 },
  unsupported: { errorCode: 'unsupported', category: 'UNSUPPORTED', status: 501 },
  canceled: { errorCode: 'canceled', category: 'CANCELED', status: 500 },
  timeout: { errorCode: 'timeout', category: 'TIMEOUT', status: 504 },
  runtimeFailure: { errorCode: 'runtimeFailure', category: 'RUNTIME_FAILURE', status: 500 },
  internal: { errorCode: 'defensive', category: 'DEFENSIVE', status: 500 },
};

export const druidStatus = (e: GroveError): number => DRUID[e.code].status;

/** Druid's current ErrorResponse body. */
export function druidException(e: GroveError): Record<string, unknown> {
  const d = DRUID[e.code];
  return { error: 'druidException', errorCode: d.errorCode, persona: 'USER', category: d.category, errorMessage: e.message, context: e.context };
}

export const QUERY_TIMEOUT_MESSAGE =
  'Query did not complete within configured timeout period. You can increase query timeout or tune the performance of query.';

/**
 * Cancel and timeout of `POST /druid/v2/sql` as Druid still reports them, through QueryExceptionCompat
 * (apache/druid ErrorResponse.java): `error` is the legacy code, `errorClass` and `host` sit at the
 * top and again in `context` beside `legacyErrorCode`, and the persona is OPERATOR.
 */
function legacyQueryException(e: GroveError): Record<string, unknown> {
  const timeout = e.code === 'timeout';
  const legacy = timeout ? 'Query timeout' : 'Query cancelled';
  const errorClass = timeout ? 'org.apache.druid.query.QueryTimeoutException' : null;
  // Druid's QueryTimeoutException names the host that gave up; a cancel names none.
  const host = timeout ? os.hostname() : null;
  return {
    error: legacy,
    errorClass,
    host,
    errorCode: 'legacyQueryException',
    persona: 'OPERATOR',
    category: DRUID[e.code].category,
    errorMessage: timeout ? QUERY_TIMEOUT_MESSAGE : `Query is canceled [${e.context.queryId ?? ''}]`,
    context: { host, errorClass, legacyErrorCode: legacy },
  };
}

/** The body of an error in `shape`; text shapes answer a string. */
export function druidErrorBody(e: GroveError, shape: DruidErrorShape, taskId: string | null = null): unknown {
  switch (shape) {
    case 'overlord':
      return { error: e.message };
    case 'text':
      return e.message;
    case 'query':
      return e.code === 'canceled' || e.code === 'timeout' ? legacyQueryException(e) : druidException(e);
    case 'sqlTask':
      return { taskId, state: 'FAILED', error: druidException(e) };
    case 'sql':
      return druidException(e);
  }
}

export function sendDruidError(reply: FastifyReply, e: GroveError, shape: DruidErrorShape, taskId: string | null = null): FastifyReply {
  const body = druidErrorBody(e, shape, taskId);
  const type = shape === 'text' ? 'text/plain; charset=UTF-8' : 'application/json';
  return reply.code(druidStatus(e)).type(type).send(body);
}

/** The Druid face's error handler: every error of every Druid route goes through here. */
export function druidErrorHandler(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = coerceError(error);
  if (druidStatus(e) >= 500) req.log.error({ err: error }, 'request failed');
  const shape = req.routeOptions.config.errorShape ?? (req.url.startsWith('/druid/v2/sql') ? 'sql' : 'overlord');
  const taskId = shape === 'sqlTask' ? (sqlTaskIds.get(req) ?? sqlQueryIdOf(req.body)) : null;
  return sendDruidError(reply, e, shape, taskId);
}

/** The query id a SQL task request was given (or made), for its error answer; Druid names it there. */
const sqlTaskIds = new WeakMap<FastifyRequest, string>();

export function noteSqlTaskId(req: FastifyRequest, id: string): void {
  sqlTaskIds.set(req, id);
}

function sqlQueryIdOf(body: unknown): string | null {
  const given = (body as { context?: { sqlQueryId?: unknown } } | null)?.context?.sqlQueryId;
  return typeof given === 'string' ? given : null;
}
