import { SqlBase, SqlFunction, SqlQuery } from 'druid-query-toolkit';
import { GroveError } from '../../../core/errors.js';
import { parseError } from '../parse.js';
import { lineColumn, maskSql, quoteLabels, statementStart } from './lexer.js';

/**
 * Parsing one MSQ statement: `SET` prefixes, then INSERT, REPLACE or SELECT. Druid's own grammar
 * (insert.ftl / replace.ftl) raises a few errors while parsing that the toolkit's grammar reports
 * as plain syntax errors or not at all; those are recognised here and given Druid's wording.
 */

export type StatementKind = 'insert' | 'replace' | 'select';

export interface ParsedMsq {
  readonly kind: StatementKind;
  /** The statement without its SET prefixes (INSERT/REPLACE/PARTITIONED BY/CLUSTERED BY kept). */
  readonly query: SqlQuery;
  /** Context set by `SET k = literal;` statements. */
  readonly setContext: Record<string, unknown>;
  /** `EXPLAIN PLAN FOR <statement>`: plan it, answer the plan, run nothing. */
  readonly explain: boolean;
  /**
   * INSERT/REPLACE target name parts as written (`druid.ds` → ['druid', 'ds']): the toolkit's tree
   * keeps only the last part of a qualified target.
   */
  readonly target: readonly string[];
}

export const MISSING_OVERWRITE =
  'Missing time chunk information in OVERWRITE clause for REPLACE. Use OVERWRITE WHERE <__time based condition> or OVERWRITE ALL to overwrite the entire table.';
export const OVERWRITE_WITH_INSERT =
  'An OVERWRITE clause is not allowed with INSERT statements. Use REPLACE statements if overwriting existing segments is required or remove the OVERWRITE clause.';
export const CLUSTERED_BEFORE_PARTITIONED =
  'CLUSTERED BY found before PARTITIONED BY, CLUSTERED BY must come after the PARTITIONED BY clause';

export function invalidSql(message: string, extra: Record<string, string> = {}): GroveError {
  return new GroveError('invalidInput', message, { context: { sourceType: 'sql', ...extra } });
}

const TABLE_NAME = String.raw`(?:"[^"]*"|[\w$]+)(?:\s*\.\s*(?:"[^"]*"|[\w$]+))*`;

/** The parts of the INSERT/REPLACE target, unquoted, read from the text (quotes are kept by the mask). */
function targetParts(sql: string, masked: string, start: number): string[] {
  const m = new RegExp(String.raw`^(?:INSERT|REPLACE)\s+INTO\s+(${TABLE_NAME})`, 'i').exec(masked.slice(start));
  if (!m) return [];
  const from = start + m[0].length - m[1].length;
  const parts: string[] = [];
  const re = /"[^"]*"|[\w$]+/g;
  for (let p = re.exec(m[1]); p; p = re.exec(m[1])) {
    const text = sql.slice(from + p.index, from + p.index + p[0].length);
    parts.push(text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text);
  }
  return parts;
}

/** True when `REPLACE INTO t [(cols)]` is not followed by OVERWRITE ALL or OVERWRITE WHERE. */
function lacksOverwrite(head: string): boolean {
  const m = new RegExp(String.raw`^REPLACE\s+INTO\s+${TABLE_NAME}(?:\s*\([^)]*\))?`, 'i').exec(head);
  return m !== null && !/^\s+OVERWRITE\s+(?:ALL|WHERE)\b/i.test(head.slice(m[0].length));
}

interface PegError extends Error {
  location: { start: { offset: number }; end: { offset: number } };
  expected?: { description?: string; text?: string }[];
}

function isPegError(e: unknown): e is PegError {
  return e instanceof Error && typeof (e as { location?: unknown }).location === 'object';
}

/** A toolkit syntax error as Druid words it, positioned in the user's SQL (not the quoted text). */
function parseFailure(sql: string, masked: string, keyword: string, e: unknown, toOriginal: (o: number) => number): GroveError {
  if (!isPegError(e)) return parseError(sql, e);
  const start = toOriginal(e.location.start.offset);
  const end = Math.max(start, toOriginal(e.location.end.offset));
  const token = (/^\w+/.exec(masked.slice(start))?.[0] ?? '').toUpperCase();
  if (keyword === 'INSERT' && token === 'OVERWRITE') return invalidSql(OVERWRITE_WITH_INSERT);
  if (token === 'PARTITIONED' && /\bCLUSTERED\s+BY\b/i.test(masked.slice(0, start))) return invalidSql(CLUSTERED_BEFORE_PARTITIONED);
  const located = Object.assign(new Error(e.message), {
    location: { start: { offset: start, ...lineColumn(sql, start) }, end: { offset: end, ...lineColumn(sql, end) } },
    expected: e.expected,
  });
  const base = parseError(sql, located);
  const expected = [...new Set((e.expected ?? []).map((x) => x.description ?? x.text ?? '').filter((x) => x !== ''))];
  return new GroveError('invalidInput', base.message, { context: { ...base.context, expected: expected.join(', ') }, cause: e });
}

export function parseMsqSql(sql: string): ParsedMsq {
  if (sql.trim() === '') throw invalidSql('Query must not be empty');
  const masked = maskSql(sql);
  let start = statementStart(masked);
  start += /^EXPLAIN\s+PLAN\s+FOR\s+/i.exec(masked.slice(start))?.[0].length ?? 0;
  const head = masked.slice(start);
  const keyword = (/^\w+/.exec(head)?.[0] ?? '').toUpperCase();
  // Druid's grammar takes a REPLACE without OVERWRITE and rejects it while validating; the
  // toolkit's grammar requires OVERWRITE, so catch the case before its syntax error would.
  if (keyword === 'REPLACE' && lacksOverwrite(head)) throw invalidSql(MISSING_OVERWRITE);

  const { text, toOriginal } = quoteLabels(sql, masked);
  let parsed: SqlBase;
  try {
    parsed = SqlBase.parseSql(text);
  } catch (e) {
    throw parseFailure(sql, masked, keyword, e, toOriginal);
  }
  if (!(parsed instanceof SqlQuery)) throw invalidSql(`Unsupported SQL statement [${parsed.type}]; expected INSERT, REPLACE or SELECT`);
  const explain = parsed.explain === true;
  const setContext = parsed.hasContext() ? (parsed.getContext() as Record<string, unknown>) : {};
  const query = parsed.changeContextStatements(undefined).changeExplain(false);
  const kind: StatementKind = query.insertClause ? 'insert' : query.replaceClause ? 'replace' : 'select';

  if (query.insertClause?.table instanceof SqlFunction && query.insertClause.table.getEffectiveFunctionName().toUpperCase() === 'EXTERN') {
    throw invalidSql(exportRefusal(query.insertClause.table));
  }
  if (kind === 'select' && query.partitionedByClause) throw invalidSql('PARTITIONED BY is only allowed in INSERT and REPLACE statements');
  // Druid's grammar checks this after reading both clauses, before any validation.
  if (query.clusteredByClause && !query.partitionedByClause) throw invalidSql(CLUSTERED_BEFORE_PARTITIONED);
  return { kind, query, setContext, explain, target: targetParts(sql, masked, start) };
}

/**
 * Grove has no export storage, so `INSERT INTO EXTERN(...)` is refused as Druid refuses an export
 * to a destination whose storage is not configured. Druid files that under NOT_FOUND (404, persona
 * OPERATOR); here no operator can configure it, so it is the statement that must change: a 400.
 */
function exportRefusal(extern: SqlFunction): string {
  const destination = extern.args?.values[0];
  const kind = destination instanceof SqlFunction ? destination.getEffectiveFunctionName().toLowerCase() : '';
  switch (kind) {
    case 'local':
      return 'The runtime property `druid.export.storage.baseDir` must be configured for local export.';
    case 's3':
      return 'The runtime property `druid.export.storage.s3.tempLocalDir` must be configured for S3 export.';
    case 'google':
      return 'The runtime property `druid.export.storage.google.tempLocalDir` must be configured for GCS export.';
    default:
      return `Unknown export destination [${kind || String(destination)}]: INSERT INTO EXTERN takes local(...), s3(...) or google(...), and this server has no export storage configured for any of them.`;
  }
}
