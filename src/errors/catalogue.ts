/**
 * The one error catalogue. Every error Grove reports to a user is a GroveError with a code from
 * this table; each HTTP face (Druid overlord, Druid SQL, ...) renders it in its own family's shape.
 *
 * Categories are Druid's DruidException categories; their HTTP statuses follow
 * `ErrorResponse`/`DruidException.Category` (reference druid.md §3.2).
 */

export type Category =
  | 'DEFENSIVE'
  | 'INVALID_INPUT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CAPACITY_EXCEEDED'
  | 'CANCELED'
  | 'RUNTIME_FAILURE'
  | 'SERVICE_UNAVAILABLE'
  | 'TIMEOUT'
  | 'UNSUPPORTED'
  | 'UNCATEGORIZED';

export const CATEGORY_STATUS: Record<Category, number> = {
  DEFENSIVE: 500,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CAPACITY_EXCEEDED: 429,
  CANCELED: 500,
  RUNTIME_FAILURE: 500,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  UNSUPPORTED: 501,
  UNCATEGORIZED: 500,
};

interface Entry {
  readonly category: Category;
  /** Druid's `errorCode` for the druidException shape. */
  readonly druidCode: string;
}

const CATALOGUE = {
  /** A request or spec that is malformed or names something impossible. */
  invalidInput: { category: 'INVALID_INPUT', druidCode: 'invalidInput' },
  /** A request body in a media type the endpoint does not take. */
  unsupportedMediaType: { category: 'INVALID_INPUT', druidCode: 'unsupportedMediaType' },
  /** Reading a path outside the allowed base directories. */
  forbiddenPath: { category: 'FORBIDDEN', druidCode: 'forbidden' },
  notFound: { category: 'NOT_FOUND', druidCode: 'notFound' },
  /** SQL that does not parse or plan. */
  sqlParse: { category: 'INVALID_INPUT', druidCode: 'invalidInput' },
  unsupported: { category: 'UNSUPPORTED', druidCode: 'unsupported' },
  canceled: { category: 'CANCELED', druidCode: 'canceled' },
  timeout: { category: 'TIMEOUT', druidCode: 'timeout' },
  /** Input that could not be fetched or read while a task ran. */
  runtimeFailure: { category: 'RUNTIME_FAILURE', druidCode: 'runtimeFailure' },
  /** An invariant broke: a bug in Grove. */
  internal: { category: 'DEFENSIVE', druidCode: 'defensive' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;

export class GroveError extends Error {
  readonly code: ErrorCode;
  readonly category: Category;
  readonly druidCode: string;
  readonly status: number;
  /** Extra fields for the druidException `context` (SQL line/column, the offending field...). */
  readonly context: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: { context?: Record<string, string>; cause?: unknown; status?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GroveError';
    this.code = code;
    const entry: Entry = CATALOGUE[code];
    this.category = entry.category;
    this.druidCode = entry.druidCode;
    this.status = options.status ?? CATEGORY_STATUS[entry.category];
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

export const invalidInput = (message: string, context?: Record<string, string>): GroveError =>
  new GroveError('invalidInput', message, { context });

/** Normalises anything thrown into an Error at a boundary; a non-GroveError is a bug to report as 500. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

/** Druid's current ErrorResponse body (reference §3.2). */
export function druidExceptionBody(e: GroveError): Record<string, unknown> {
  return {
    error: 'druidException',
    errorCode: e.druidCode,
    persona: 'USER',
    category: e.category,
    errorMessage: e.message,
    context: e.context,
  };
}
