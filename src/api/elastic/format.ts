import type { EsqlColumn } from '../../lang/esql/index.js';
import { illegalArgument } from './errors.js';

/**
 * ES|QL responses in the formats the face speaks: JSON (rows or columnar, optionally without
 * all-null columns) and the text formats csv, tsv and txt, each as Elasticsearch writes it. The
 * format comes from `?format`, else the Accept header.
 */

export type EsFormat = 'json' | 'csv' | 'tsv' | 'txt';

export interface Negotiated {
  readonly format: EsFormat;
  /** The request spoke Elasticsearch's vendored JSON type: the answer does too. */
  readonly vendored: boolean;
  readonly delimiter: string;
  /** csv: write the header line (`header=absent` leaves it out). */
  readonly header: boolean;
}

const FORMATS: Record<string, EsFormat> = { json: 'json', csv: 'csv', tsv: 'tsv', txt: 'txt' };
const MEDIA: Record<string, EsFormat> = {
  'application/json': 'json', 'application/vnd.elasticsearch+json': 'json', 'text/csv': 'csv', 'text/tab-separated-values': 'tsv', 'text/plain': 'txt',
};
const OTHER_FORMATS = new Set(['yaml', 'cbor', 'smile', 'arrow']);

const VENDORED = /application\/vnd\.elasticsearch\+json/i;

export function negotiate(query: Readonly<Record<string, string | undefined>>, headers: Readonly<Record<string, string | string[] | undefined>>, path: string): Negotiated {
  const accept = String(headers.accept ?? '');
  const contentType = String(headers['content-type'] ?? '');
  let format: EsFormat | undefined;
  let header = true;
  if (query.format !== undefined) {
    const f = query.format.toLowerCase();
    format = FORMATS[f];
    if (!format) {
      if (OTHER_FORMATS.has(f)) throw illegalArgument(`Grove does not answer ES|QL in the format [${query.format}]; use json, csv, tsv or txt`);
      throw illegalArgument(`Invalid request content type: Accept=[${accept}], Content-Type=[${contentType}], format=[${query.format}]`);
    }
  } else {
    // The first media type of the Accept header Grove speaks; none (or */*) is JSON.
    for (const part of accept.split(',')) {
      const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
      if (MEDIA[type]) {
        format = MEDIA[type];
        if (params.includes('header=absent')) header = false;
        break;
      }
    }
    format ??= 'json';
  }
  if (query.header !== undefined) header = query.header !== 'absent';
  let delimiter = format === 'tsv' ? '\t' : ',';
  if (query.delimiter !== undefined) {
    if (format !== 'csv') throw illegalArgument(`parameter: [delimiter] can only be used with the format [csv] for request [${path}]`);
    const d = query.delimiter;
    if ([...d].length !== 1) throw illegalArgument(`invalid delimiter [${d}]: it must be a single character`);
    if (d === '"' || d === '\n' || d === '\r' || d === '\t') throw illegalArgument(`illegal delimiter [${JSON.stringify(d).slice(1, -1)}]: quotes, line breaks and tabs cannot separate csv fields`);
    delimiter = d;
  }
  return { format, vendored: format === 'json' && (VENDORED.test(accept) || (query.format === undefined && accept === '' && VENDORED.test(contentType))), delimiter, header };
}

export const contentTypeOf = (n: Negotiated): string =>
  n.format === 'json' ? (n.vendored ? 'application/vnd.elasticsearch+json;compatible-with=9' : 'application/json')
    : n.format === 'csv' ? `text/csv; charset=utf-8; header=${n.header ? 'present' : 'absent'}`
      : n.format === 'tsv' ? 'text/tab-separated-values; charset=utf-8' : 'text/plain; charset=UTF-8';

/** What is known of a query when it is answered (async queries add their id and whether they run). */
export interface ResultMeta {
  readonly id?: string;
  readonly isRunning?: boolean;
  readonly tookMs: number;
  readonly isPartial: boolean;
}

export interface ResultTable {
  readonly columns: readonly EsqlColumn[];
  /** Values as Elasticsearch prints them (esqlRow). */
  readonly rows: readonly unknown[][];
}

export interface RenderOptions {
  readonly columnar: boolean;
  readonly dropNullColumns: boolean;
}

/** The body of a query response; a running query without rows has only its meta (JSON) or nothing (text). */
export function renderResult(n: Negotiated, meta: ResultMeta, table: ResultTable | null, opts: RenderOptions): string {
  if (opts.columnar && n.format !== 'json') throw illegalArgument('Invalid use of [columnar] argument: cannot be used in combination with [txt, csv, tsv] formats');
  let columns = table?.columns ?? [];
  let rows = table?.rows ?? [];
  let all: readonly EsqlColumn[] | null = null;
  if (opts.dropNullColumns && table) {
    const kept = columns.map((_, i) => rows.some((r) => r[i] !== null));
    all = columns;
    columns = columns.filter((_, i) => kept[i]);
    rows = rows.map((r) => r.filter((_, i) => kept[i]));
  }
  if (n.format === 'json') return json(meta, table === null ? null : { columns, rows }, all, opts.columnar);
  if (table === null) return n.format === 'csv' ? '\r\n' : n.format === 'tsv' ? '\n' : '';
  if (n.format === 'txt') return txt(columns, rows);
  return delimited(columns, rows, n);
}

function json(meta: ResultMeta, table: ResultTable | null, all: readonly EsqlColumn[] | null, columnar: boolean): string {
  const parts: string[] = [];
  if (meta.id !== undefined) parts.push(`"id":${JSON.stringify(meta.id)}`);
  if (meta.isRunning !== undefined) parts.push(`"is_running":${meta.isRunning}`);
  parts.push(`"took":${Math.max(0, Math.round(meta.tookMs))}`, `"is_partial":${meta.isPartial}`);
  const cols = (cs: readonly EsqlColumn[]): string => `[${cs.map((c) => `{"name":${JSON.stringify(c.name)},"type":${JSON.stringify(c.type)}}`).join(',')}]`;
  if (all !== null) parts.push(`"all_columns":${cols(all)}`);
  if (table === null) {
    parts.push('"columns":[]');
  } else {
    parts.push(`"columns":${cols(table.columns)}`);
    const value = (c: EsqlColumn, v: unknown): string => jsonValue(c, v);
    const values = columnar
      ? table.columns.map((c, i) => `[${table.rows.map((r) => value(c, r[i])).join(',')}]`)
      : table.rows.map((r) => `[${r.map((v, i) => value(table.columns[i], v)).join(',')}]`);
    parts.push(`"values":[${values.join(',')}]`);
  }
  return `{${parts.join(',')}}`;
}

/** A value as Elasticsearch's JSON has it: doubles keep their `.0`, longs all their digits. */
function jsonValue(c: EsqlColumn, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => jsonValue(c, x)).join(',')}]`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return c.type === 'double' ? javaDouble(v) : Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Java's Double.toString: `2.0`, `0.001`, `1.0E7`, `1.5E-4`. */
export function javaDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A value as Elasticsearch's text formats print it (Java's toString). */
function text(c: EsqlColumn, v: unknown, nullText: string): string {
  if (v === null || v === undefined) return nullText;
  if (Array.isArray(v)) return `[${v.map((x) => text(c, x, 'null')).join(', ')}]`;
  if (typeof v === 'number' && c.type === 'double') return javaDouble(v);
  return String(v);
}

/** Elasticsearch's txt table: columns at least 15 wide, names centred, values left-aligned. */
function txt(columns: readonly EsqlColumn[], rows: readonly unknown[][]): string {
  if (columns.length === 0) return '';
  const cells = rows.map((r) => r.map((v, i) => text(columns[i], v, 'null')));
  const widths = columns.map((c, i) => Math.max(15, c.name.length, ...cells.map((r) => r[i].length)));
  const head = columns.map((c, i) => {
    const left = Math.floor((widths[i] - c.name.length) / 2);
    return ' '.repeat(left) + c.name + ' '.repeat(widths[i] - c.name.length - left);
  });
  const lines = [head.join('|'), widths.map((w) => '-'.repeat(w)).join('+'), ...cells.map((r) => r.map((v, i) => v.padEnd(widths[i])).join('|'))];
  return lines.map((l) => `${l}\n`).join('');
}

function delimited(columns: readonly EsqlColumn[], rows: readonly unknown[][], n: Negotiated): string {
  const csv = n.format === 'csv';
  const eol = csv ? '\r\n' : '\n';
  const field = (s: string): string => {
    if (!csv) return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    return s.includes('"') || s.includes('\n') || s.includes('\r') || s.includes(n.delimiter) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines: string[] = [];
  if (n.header) lines.push(columns.map((c) => field(c.name)).join(n.delimiter));
  for (const r of rows) lines.push(r.map((v, i) => field(text(columns[i], v, ''))).join(n.delimiter));
  return lines.map((l) => l + eol).join('');
}
