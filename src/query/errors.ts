import { GroveError } from '../errors/catalogue.js';

/**
 * DuckDB's errors, reworded the way Druid words the same mistakes where the two differ, without
 * DuckDB's caret excerpts and suggestions (they quote Grove's rewritten SQL, not the user's).
 */

const USER_ERRORS = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Out of Range|Not implemented|Constraint|Invalid Configuration|Dependency|Mismatch Type|Syntax) Error/i;

export const QUERY_TIMEOUT_MESSAGE =
  'Query did not complete within configured timeout period. You can increase query timeout or tune the performance of query.';

function clean(message: string): string {
  return message
    .split(/\n\s*\nLINE \d+:/)[0]
    .split('\n')
    .filter((line) => !/^\s*(Did you mean|Candidate bindings|LINE \d+:)/.test(line))
    .join('\n')
    .trim();
}

function reword(message: string): string {
  let m = /Referenced column "([^"]+)" not found in FROM clause/.exec(message);
  if (m) return `Column '${m[1]}' not found in any table`;
  m = /(?:Scalar|Aggregate|Table) Function with name "?([^\s"!]+)"? does not exist/i.exec(message);
  if (m) return `No match found for function signature ${m[1].toUpperCase()}`;
  m = /Table with name "?([^\s"!]+)"? does not exist/i.exec(message);
  if (m) return `Object '${m[1]}' not found`;
  return message.replace(/^[A-Za-z ]+ Error: /, '');
}

export interface InterruptReason {
  readonly timedOut: boolean;
  readonly canceled: boolean;
}

export function fromDuckDbError(e: unknown, interrupt: InterruptReason): GroveError {
  if (e instanceof GroveError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  if (interrupt.timedOut) return new GroveError('timeout', QUERY_TIMEOUT_MESSAGE, { cause: e });
  if (interrupt.canceled || /^INTERRUPT Error/i.test(raw)) return new GroveError('canceled', 'Query cancelled', { cause: e });
  const message = clean(raw);
  if (/^Permission Error/i.test(message)) {
    return new GroveError('forbiddenPath', 'Reading files from SQL is not allowed', { cause: e });
  }
  if (USER_ERRORS.test(message)) {
    return new GroveError('invalidInput', reword(message), { context: { sourceType: 'sql' }, cause: e });
  }
  return new GroveError('runtimeFailure', reword(message), { cause: e });
}
