import { GroveError } from '../errors/catalogue.js';
import { stringifyJson } from './convert.js';
import { RESULT_FORMATS, type ResultFormat, type SqlRequest, type SqlResult } from './types.js';

/**
 * Druid's SQL result formats (reference §5.1). object/array are JSON arrays; the *Lines formats
 * and csv end with a blank line so a reader can tell a complete response from a truncated one.
 */

export interface FormattedResponse {
  readonly contentType: string;
  readonly body: string;
  /** Extra response headers, e.g. X-Druid-SQL-Header-Included. */
  readonly headers: Record<string, string>;
}

export function resultFormatOf(request: Pick<SqlRequest, 'resultFormat'>): ResultFormat {
  const f = request.resultFormat ?? 'object';
  if (!(RESULT_FORMATS as readonly string[]).includes(f)) {
    throw new GroveError('invalidInput', `Unsupported resultFormat [${String(f)}]; must be one of ${RESULT_FORMATS.join(', ')}`);
  }
  return f;
}

function objectRow(names: readonly string[], row: readonly unknown[]): string {
  // Built by hand so duplicate column names stay duplicate keys, as in Druid's output.
  return `{${names.map((n, i) => `${JSON.stringify(n)}:${stringifyJson(row[i])}`).join(',')}}`;
}

function objectHeader(result: SqlResult, request: SqlRequest): string {
  const fields = result.columns.map((c) => {
    const t: Record<string, string> = {};
    if (request.typesHeader) t.type = c.druidType;
    if (request.sqlTypesHeader) t.sqlType = c.sqlType;
    return `${JSON.stringify(c.name)}:${Object.keys(t).length > 0 ? JSON.stringify(t) : 'null'}`;
  });
  return `{${fields.join(',')}}`;
}

function headerRows(result: SqlResult, request: SqlRequest): unknown[][] {
  const rows: unknown[][] = [result.columns.map((c) => c.name)];
  if (request.typesHeader) rows.push(result.columns.map((c) => c.druidType));
  if (request.sqlTypesHeader) rows.push(result.columns.map((c) => c.sqlType));
  return rows;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : stringifyJson(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function formatSqlResponse(result: SqlResult, request: SqlRequest): FormattedResponse {
  const format = resultFormatOf(request);
  const header = request.header === true;
  const headers: Record<string, string> = header ? { 'X-Druid-SQL-Header-Included': 'yes' } : {};
  const names = result.columns.map((c) => c.name);
  switch (format) {
    case 'object': {
      const items = result.rows.map((r) => objectRow(names, r));
      if (header) items.unshift(objectHeader(result, request));
      return { contentType: 'application/json', body: `[${items.join(',')}]`, headers };
    }
    case 'array': {
      const rows = header ? [...headerRows(result, request), ...result.rows] : result.rows;
      return { contentType: 'application/json', body: `[${rows.map((r) => stringifyJson(r)).join(',')}]`, headers };
    }
    case 'objectLines': {
      const lines = result.rows.map((r) => objectRow(names, r));
      if (header) lines.unshift(objectHeader(result, request));
      return { contentType: 'text/plain', body: lines.map((l) => `${l}\n`).join('') + '\n', headers };
    }
    case 'arrayLines': {
      const rows = header ? [...headerRows(result, request), ...result.rows] : result.rows;
      return { contentType: 'text/plain', body: rows.map((r) => `${stringifyJson(r)}\n`).join('') + '\n', headers };
    }
    case 'csv': {
      const rows = header ? [...headerRows(result, request), ...result.rows] : result.rows;
      return { contentType: 'text/csv', body: rows.map((r) => `${r.map(csvField).join(',')}\n`).join('') + '\n', headers };
    }
  }
}
