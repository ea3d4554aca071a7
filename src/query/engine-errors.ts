import { GroveError } from '../core/errors.js';

/**
 * DuckDB's errors as neutral ones: the class of the error decides the code; the message loses
 * DuckDB's class prefix, caret excerpts and suggestions (they quote the generated SQL, not what the
 * user wrote). Front ends word them for their language (lang/druid-sql/errors.ts).
 */

const USER_ERRORS = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Out of Range|Not implemented|Constraint|Invalid Configuration|Dependency|Mismatch Type|Syntax) Error/i;

export interface InterruptReason {
  readonly timedOut: boolean;
  readonly canceled: boolean;
}

/** Marks an error as the engine's message, which a front end may reword. */
export const ENGINE_MESSAGE = 'engine';

function clean(message: string): string {
  return message
    .split(/\n\s*\nLINE \d+:/)[0]
    .split('\n')
    .filter((line) => !/^\s*(Did you mean|Candidate bindings|LINE \d+:)/.test(line))
    .join('\n')
    .trim();
}

/** A query cancelled through its id. */
export function queryCanceled(queryId: string, cause?: unknown): GroveError {
  return new GroveError('canceled', `Query [${queryId}] was canceled`, { context: { queryId }, cause });
}

/** A query that ran past its timeout. */
export function queryTimedOut(queryId: string, cause?: unknown): GroveError {
  return new GroveError('timeout', `Query [${queryId}] did not complete within its timeout`, { context: { queryId }, cause });
}

export function engineError(e: unknown, interrupt: InterruptReason, queryId: string): GroveError {
  if (e instanceof GroveError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  if (interrupt.timedOut) return queryTimedOut(queryId, e);
  if (interrupt.canceled || /^INTERRUPT Error/i.test(raw)) return queryCanceled(queryId, e);
  const message = clean(raw);
  if (/^Permission Error/i.test(message)) return new GroveError('forbidden', 'Reading files from SQL is not allowed', { cause: e });
  const text = message.replace(/^[A-Za-z ]+ Error: /, '');
  if (USER_ERRORS.test(message)) return new GroveError('invalidInput', text, { context: { sourceType: 'sql', [ENGINE_MESSAGE]: 'duckdb' }, cause: e });
  return new GroveError('runtimeFailure', text, { cause: e });
}
