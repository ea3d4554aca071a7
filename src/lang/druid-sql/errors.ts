import { GroveError } from '../../core/errors.js';
import { ENGINE_MESSAGE } from '../../query/engine-errors.js';

/** Errors of Druid SQL statements as Druid words them, with the position Calcite gives. */

/** DuckDB's wording of a mistake, as Calcite (and so Druid) words the same one. */
function reword(message: string): string {
  let m = /Referenced column "([^"]+)" not found in FROM clause/.exec(message);
  if (m) return `Column '${m[1]}' not found in any table`;
  m = /(?:Scalar|Aggregate|Table) Function with name "?([^\s"!]+)"? does not exist/i.exec(message);
  if (m) return `No match found for function signature ${m[1].toUpperCase()}`;
  m = /Table with name "?([^\s"!]+)"? does not exist/i.exec(message);
  if (m) return `Object '${m[1]}' not found`;
  return message;
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
 * A validation error with its position as Druid gives it: ` (line [l], column [c])` after the
 * message, and line, column, endLine and endColumn in `context`.
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

/**
 * An engine error about a Druid SQL statement, worded as Druid words it: unknown columns and
 * functions with their position in `sql` (the statement as the user wrote it).
 */
export function druidSqlError(e: GroveError, sql: string): GroveError {
  if (e.context[ENGINE_MESSAGE] === undefined) return e;
  const worded = reword(e.message);
  const column = /^Column '(.+)' not found in any table$/.exec(worded);
  if (column) return located(sql, worded, column[1], false, e);
  const fn = /^No match found for function signature (\S+)$/.exec(worded);
  if (fn) return located(sql, worded, fn[1], true, e);
  return new GroveError('invalidInput', worded, { context: { sourceType: 'sql' }, cause: e });
}
