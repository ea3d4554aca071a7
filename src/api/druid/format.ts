import { GroveError } from '../../core/errors.js';
import { javaDouble, stringifyJson } from '../../query/convert.js';
import type { QueryResult } from '../../query/types.js';
import type { SqlParameter } from '../../lang/druid-sql/parse.js';

/**
 * Druid's SQL result formats (reference §5.1). object/array are JSON arrays; the *Lines formats
 * and csv end with a blank line so a reader can tell a complete response from a truncated one.
 */

/** Result formats of POST /druid/v2/sql (reference §5.1). */
export const RESULT_FORMATS = ['object', 'array', 'objectLines', 'arrayLines', 'csv'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Body of POST /druid/v2/sql. */
export interface SqlRequest {
  readonly query: string;
  readonly resultFormat?: ResultFormat;
  readonly header?: boolean;
  readonly typesHeader?: boolean;
  readonly sqlTypesHeader?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly parameters?: readonly SqlParameter[];
}

/** The columns and rows a response writes (a query's result, or a statement's result pages). */
export type ResultRows = Pick<QueryResult, 'columns' | 'rows'>;

export interface FormattedResponse {
  readonly contentType: string;
  readonly body: string;
  /** Extra response headers, e.g. X-Druid-SQL-Header-Included. */
  readonly headers: Record<string, string>;
}

/** The result format a request names; like Druid's ResultFormat.fromString, any letter case. */
export function resultFormatOf(request: Pick<SqlRequest, 'resultFormat'>): ResultFormat {
  const f = request.resultFormat ?? 'object';
  const found = typeof f === 'string' ? RESULT_FORMATS.find((x) => x.toLowerCase() === f.toLowerCase()) : undefined;
  if (!found) {
    throw new GroveError('invalidInput', `Unsupported resultFormat [${String(f)}]; must be one of ${RESULT_FORMATS.join(', ')}`);
  }
  return found;
}

/** JSON text of column `i`'s value: DOUBLE and FLOAT values as Java writes them (1.0, 1.0E10). */
type Cell = (i: number, v: unknown) => string;

function cellWriter(result: ResultRows): Cell {
  const isDouble = result.columns.map((c) => c.druidType === 'DOUBLE' || c.druidType === 'FLOAT');
  return (i, v) => (isDouble[i] && typeof v === 'number' ? javaDouble(v) : stringifyJson(v));
}

function objectRow(names: readonly string[], row: readonly unknown[], cell: Cell): string {
  // Built by hand so duplicate column names stay duplicate keys, as in Druid's output.
  return `{${names.map((n, i) => `${JSON.stringify(n)}:${cell(i, row[i])}`).join(',')}}`;
}

function arrayRow(row: readonly unknown[], cell: Cell): string {
  return `[${row.map((v, i) => cell(i, v)).join(',')}]`;
}

function objectHeader(result: ResultRows, request: SqlRequest): string {
  const fields = result.columns.map((c) => {
    const t: Record<string, string> = {};
    if (request.typesHeader) t.type = c.druidType;
    if (request.sqlTypesHeader) t.sqlType = c.sqlType;
    return `${JSON.stringify(c.name)}:${Object.keys(t).length > 0 ? JSON.stringify(t) : 'null'}`;
  });
  return `{${fields.join(',')}}`;
}

function headerRows(result: ResultRows, request: SqlRequest): unknown[][] {
  const rows: unknown[][] = [result.columns.map((c) => c.name)];
  if (request.typesHeader) rows.push(result.columns.map((c) => c.druidType));
  if (request.sqlTypesHeader) rows.push(result.columns.map((c) => c.sqlType));
  return rows;
}

function csvField(v: unknown, i: number, cell: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : cell(i, v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * One CSV line. A row of one empty field is written `""`, as Druid's CsvWriter does, so that no
 * data row can be mistaken for the blank line that ends the response.
 */
function csvLine(row: readonly unknown[], cell: Cell): string {
  const fields = row.map((v, i) => csvField(v, i, cell));
  return fields.length === 1 && fields[0] === '' ? '""\n' : `${fields.join(',')}\n`;
}

/** Lines formats: one JSON value per line, then a blank line (Druid writes `\n\n` even for no rows). */
function lines(items: readonly string[]): string {
  return `${items.join('\n')}\n\n`;
}

export function formatSqlResponse(result: ResultRows, request: SqlRequest): FormattedResponse {
  const format = resultFormatOf(request);
  const header = request.header === true;
  const headers: Record<string, string> = header ? { 'X-Druid-SQL-Header-Included': 'yes' } : {};
  const names = result.columns.map((c) => c.name);
  const cell = cellWriter(result);
  const headerCell: Cell = (_i, v) => stringifyJson(v);
  const headerRowsOut = header ? headerRows(result, request) : [];
  switch (format) {
    case 'object': {
      const items = result.rows.map((r) => objectRow(names, r, cell));
      if (header) items.unshift(objectHeader(result, request));
      return { contentType: 'application/json', body: `[${items.join(',')}]`, headers };
    }
    case 'array': {
      const rows = [...headerRowsOut.map((r) => arrayRow(r, headerCell)), ...result.rows.map((r) => arrayRow(r, cell))];
      return { contentType: 'application/json', body: `[${rows.join(',')}]`, headers };
    }
    case 'objectLines': {
      const items = result.rows.map((r) => objectRow(names, r, cell));
      if (header) items.unshift(objectHeader(result, request));
      return { contentType: 'text/plain', body: lines(items), headers };
    }
    case 'arrayLines': {
      const rows = [...headerRowsOut.map((r) => arrayRow(r, headerCell)), ...result.rows.map((r) => arrayRow(r, cell))];
      return { contentType: 'text/plain', body: lines(rows), headers };
    }
    case 'csv': {
      const rows = [...headerRowsOut.map((r) => csvLine(r, headerCell)), ...result.rows.map((r) => csvLine(r, cell))];
      return { contentType: 'text/csv', body: rows.join('') + '\n', headers };
    }
  }
}
