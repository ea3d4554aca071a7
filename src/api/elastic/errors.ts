import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { coerceError, GroveError, type ErrorCode } from '../../core/errors.js';

/**
 * How the Elasticsearch face shows an error: the one place Grove's errors become Elasticsearch's
 * `{"error":{"root_cause":[...],"type","reason"},"status"}`. ES|QL's front end marks its errors
 * (context `esql`: parsing, verification, illegal_argument); the face marks the request errors
 * Elasticsearch names otherwise (context `esType`).
 */

const ESQL_TYPES: Record<string, string> = {
  parsing: 'parsing_exception',
  verification: 'verification_exception',
  illegal_argument: 'illegal_argument_exception',
};

const BY_CODE: Record<ErrorCode, { readonly type: string; readonly status: number }> = {
  invalidInput: { type: 'illegal_argument_exception', status: 400 },
  unsupportedMediaType: { type: 'media_type_header_exception', status: 400 },
  tooLarge: { type: 'content_too_long_exception', status: 413 },
  forbidden: { type: 'security_exception', status: 403 },
  notFound: { type: 'resource_not_found_exception', status: 404 },
  unsupported: { type: 'illegal_argument_exception', status: 400 },
  canceled: { type: 'task_cancelled_exception', status: 400 },
  timeout: { type: 'elasticsearch_timeout_exception', status: 504 },
  runtimeFailure: { type: 'exception', status: 500 },
  internal: { type: 'exception', status: 500 },
};

/** An error Elasticsearch gives a type of its own; `causedBy` becomes `caused_by`. */
export function esError(code: ErrorCode, type: string, reason: string, causedBy?: { type: string; reason: string }): GroveError {
  const context: Record<string, string> = { esType: type };
  if (causedBy) Object.assign(context, { esCausedByType: causedBy.type, esCausedByReason: causedBy.reason });
  return new GroveError(code, reason, { context });
}

export const illegalArgument = (reason: string): GroveError => esError('invalidInput', 'illegal_argument_exception', reason);

export function esStatus(e: GroveError): number {
  return BY_CODE[e.code].status;
}

export function esErrorBody(e: GroveError): Record<string, unknown> {
  const type = e.context.esType ?? ESQL_TYPES[e.context.esql ?? ''] ?? BY_CODE[e.code].type;
  const error: Record<string, unknown> = { root_cause: [{ type, reason: e.message }], type, reason: e.message };
  if (e.context.esCausedByType) error.caused_by = { type: e.context.esCausedByType, reason: e.context.esCausedByReason ?? '' };
  return { error, status: esStatus(e) };
}

/** Fastify's own request errors (a body that is not JSON, an empty body) as Elasticsearch names them. */
function fromFramework(err: FastifyError): GroveError | null {
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return esError('invalidInput', 'parse_exception', 'request body is required');
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return esError('invalidInput', 'x_content_parse_exception', `Failed to parse request body: ${err.message}`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return esError('unsupportedMediaType', 'media_type_header_exception', 'Invalid media-type value on headers [Content-Type]');
  return null;
}

export function sendEsError(reply: FastifyReply, e: GroveError): FastifyReply {
  return reply.code(esStatus(e)).header('content-type', 'application/json').send(esErrorBody(e));
}

/** The face's one error handler. */
export function elasticErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = fromFramework(err) ?? coerceError(err);
  if (e.code === 'internal' || e.code === 'runtimeFailure') req.log.error({ err }, 'ES|QL request failed');
  return sendEsError(reply, e);
}
