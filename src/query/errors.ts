import os from 'node:os';
import { druidExceptionBody, GroveError } from '../errors/catalogue.js';

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

/**
 * A failure Druid still reports through its legacy QueryException (cancel, timeout). Druid renders
 * those through QueryExceptionCompat (apache/druid ErrorResponse.java, QueryExceptionCompat.java):
 * `error` is the legacy code, `errorClass` and `host` sit at the top level and again in `context`
 * next to `legacyErrorCode`, `errorCode` is `legacyQueryException` and the persona is OPERATOR.
 */
export class LegacyQueryError extends GroveError {
  constructor(
    code: 'canceled' | 'timeout',
    message: string,
    readonly legacyCode: string,
    readonly errorClass: string | null,
    readonly host: string | null,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** Druid's legacy code and message for a query cancelled through DELETE /druid/v2/sql/{id} (DirectStatement). */
export function queryCanceled(queryId: string, cause?: unknown): LegacyQueryError {
  return new LegacyQueryError('canceled', `Query is canceled [${queryId}]`, 'Query cancelled', null, null, { cause });
}

/** Druid's QueryTimeoutException: its class, and the host that gave up (Druid: the local host name). */
export function queryTimedOut(cause?: unknown): LegacyQueryError {
  return new LegacyQueryError('timeout', QUERY_TIMEOUT_MESSAGE, 'Query timeout', 'org.apache.druid.query.QueryTimeoutException', os.hostname(), { cause });
}

/** The body of an error response of POST /druid/v2/sql. */
export function sqlErrorBody(e: GroveError): Record<string, unknown> {
  if (!(e instanceof LegacyQueryError)) return druidExceptionBody(e);
  return {
    error: e.legacyCode,
    errorClass: e.errorClass,
    host: e.host,
    errorCode: 'legacyQueryException',
    persona: 'OPERATOR',
    category: e.category,
    errorMessage: e.message,
    context: { host: e.host, errorClass: e.errorClass, legacyErrorCode: e.legacyCode },
  };
}

/** Where an identifier (bare, any case, or double-quoted) first occurs in `sql` outside string literals. */
export function identifierPosition(sql: string, name: string, opts: { call?: boolean } = {}): { line: number; column: number } | undefined {
  const token = /'(?:[^']|'')*'|"((?:[^"]|"")*)"|--[^\n]*|\/\*[\s\S]*?\*\/|([A-Za-z_][A-Za-z0-9_$]*)/g;
  for (let m = token.exec(sql); m; m = token.exec(sql)) {
    const quoted = m[1]?.replaceAll('""', '"');
    const matches = quoted !== undefined ? quoted === name : m[2] !== undefined && m[2].toLowerCase() === name.toLowerCase();
    if (!matches) continue;
    if (opts.call && !/^\s*\(/.test(sql.slice(m.index + m[0].length))) continue;
    const before = sql.slice(0, m.index).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }
  return undefined;
}

/**
 * A validation error with its position in `context` (line, column, endLine, endColumn) as Druid
 * gives it. Druid also appends ` (line [l], column [c])` to the message; Grove's message stays
 * without it for now because existing callers and tests match the bare wording.
 */
function located(sql: string | undefined, message: string, name: string, call: boolean, cause: unknown): GroveError {
  const pos = sql === undefined ? undefined : identifierPosition(sql, name, { call });
  if (!pos) return new GroveError('invalidInput', message, { context: { sourceType: 'sql' }, cause });
  // Druid words Calcite's validation errors with their position, as for an unknown table.
  return new GroveError('invalidInput', `${message} (line [${pos.line}], column [${pos.column}])`, {
    context: {
      sourceType: 'sql',
      line: String(pos.line),
      column: String(pos.column),
      endLine: String(pos.line),
      endColumn: String(pos.column + name.length - 1),
    },
    cause,
  });
}

export interface InterruptReason {
  readonly timedOut: boolean;
  readonly canceled: boolean;
}

/**
 * `sql` is the statement as the user wrote it, to point at an unknown column or function the way
 * Calcite does; `queryId` names the query in Druid's cancel message.
 */
export function fromDuckDbError(e: unknown, interrupt: InterruptReason, sql?: string, queryId?: string): GroveError {
  if (e instanceof GroveError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  if (interrupt.timedOut) return queryTimedOut(e);
  if (interrupt.canceled || /^INTERRUPT Error/i.test(raw)) return queryCanceled(queryId ?? '', e);
  const message = clean(raw);
  if (/^Permission Error/i.test(message)) {
    return new GroveError('forbiddenPath', 'Reading files from SQL is not allowed', { cause: e });
  }
  if (USER_ERRORS.test(message)) {
    const worded = reword(message);
    const column = /^Column '(.+)' not found in any table$/.exec(worded);
    if (column) return located(sql, worded, column[1], false, e);
    const fn = /^No match found for function signature (\S+)$/.exec(worded);
    if (fn) return located(sql, worded, fn[1], true, e);
    return new GroveError('invalidInput', worded, { context: { sourceType: 'sql' }, cause: e });
  }
  return new GroveError('runtimeFailure', reword(message), { cause: e });
}
