/**
 * The one internal error type. Its codes say what went wrong in neutral terms; each API face maps
 * them to its own status codes and body shapes in one place (`src/api/<family>/errors.ts`).
 */
export type ErrorCode =
  /** A request, spec or statement that is malformed or names something impossible. */
  | 'invalidInput'
  /** A request body in a media type the endpoint does not take. */
  | 'unsupportedMediaType'
  /** A request body larger than the server takes. */
  | 'tooLarge'
  /** Something the caller may not do or read (a path outside the allowed input directories). */
  | 'forbidden'
  | 'notFound'
  /** Well-formed, but not something Grove does. */
  | 'unsupported'
  /** The work was cancelled by a user or a shutdown. */
  | 'canceled'
  /** The work ran out of the time it was given. */
  | 'timeout'
  /** Input that could not be fetched or read while the work ran. */
  | 'runtimeFailure'
  /** An invariant broke: a bug in Grove. */
  | 'internal';

export class GroveError extends Error {
  readonly code: ErrorCode;
  /** Facts beside the message for the client (SQL line/column, the offending field, a query id). */
  readonly context: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: { context?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GroveError';
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

export const invalidInput = (message: string, context?: Record<string, string>): GroveError =>
  new GroveError('invalidInput', message, { context });

/**
 * Anything thrown, as a GroveError, at the edge where it leaves for a client. A framework error
 * with a 4xx status is the client's mistake; anything else not already a GroveError is a bug.
 */
export function coerceError(e: unknown): GroveError {
  if (e instanceof GroveError) return e;
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode = status === 415 ? 'unsupportedMediaType' : status === 413 ? 'tooLarge' : status === 404 ? 'notFound' : 'invalidInput';
    return new GroveError(code, message, { cause: e });
  }
  return new GroveError('internal', message, { cause: e });
}
