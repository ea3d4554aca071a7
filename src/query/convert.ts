import type { DuckDBResultReader, DuckDBType } from '@duckdb/node-api';
import { DuckDBTypeId } from '@duckdb/node-api';
import type { DruidColumnType } from '../core/types.js';
import { zoneOffset } from '../time/zone.js';
import type { ResultColumn } from './types.js';

/**
 * DuckDB result columns and values as Druid's SQL API presents them: timestamps as ISO strings
 * with milliseconds, booleans as JSON booleans on a LONG column, arrays as JSON text unless the
 * query sets sqlStringifyArrays=false (Druid's default is to stringify), JSON as nested values.
 */

type Kind = 'timestamp' | 'date' | 'integer' | 'number' | 'float' | 'boolean' | 'string' | 'text' | 'json' | 'array' | 'complex';

interface ColumnShape extends ResultColumn {
  readonly kind: Kind;
}

const INTEGER_IDS = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT,
]);
const FLOAT_IDS = new Set([DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL]);
const TIMESTAMP_IDS = new Set([
  DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_TZ,
]);
/** Types JS has no natural form for; their DuckDB text form is what a person expects to read. */
const TEXT_IDS = new Set([
  DuckDBTypeId.TIME, DuckDBTypeId.TIME_TZ, DuckDBTypeId.INTERVAL, DuckDBTypeId.UUID, DuckDBTypeId.BIT, DuckDBTypeId.BIGNUM,
  DuckDBTypeId.ENUM, DuckDBTypeId.BLOB,
]);

const SMALL_SQL: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.TINYINT]: 'TINYINT',
  [DuckDBTypeId.SMALLINT]: 'SMALLINT',
  [DuckDBTypeId.INTEGER]: 'INTEGER',
  [DuckDBTypeId.UTINYINT]: 'SMALLINT',
  [DuckDBTypeId.USMALLINT]: 'INTEGER',
};

function elementType(t: DuckDBType): DruidColumnType {
  if (INTEGER_IDS.has(t.typeId) || t.typeId === DuckDBTypeId.BOOLEAN) return 'ARRAY<LONG>';
  if (FLOAT_IDS.has(t.typeId)) return 'ARRAY<DOUBLE>';
  return 'ARRAY<STRING>';
}

function shapeOf(name: string, t: DuckDBType): ColumnShape {
  const id = t.typeId;
  if (TIMESTAMP_IDS.has(id)) return { name, druidType: 'LONG', sqlType: 'TIMESTAMP', kind: 'timestamp' };
  if (id === DuckDBTypeId.DATE) return { name, druidType: 'LONG', sqlType: 'DATE', kind: 'date' };
  if (id === DuckDBTypeId.BOOLEAN) return { name, druidType: 'LONG', sqlType: 'BOOLEAN', kind: 'boolean' };
  if (INTEGER_IDS.has(id)) return { name, druidType: 'LONG', sqlType: SMALL_SQL[id] ?? 'BIGINT', kind: 'integer' };
  if (id === DuckDBTypeId.FLOAT) return { name, druidType: 'FLOAT', sqlType: 'FLOAT', kind: 'float' };
  if (id === DuckDBTypeId.DOUBLE) return { name, druidType: 'DOUBLE', sqlType: 'DOUBLE', kind: 'number' };
  if (id === DuckDBTypeId.DECIMAL) return { name, druidType: 'DOUBLE', sqlType: 'DECIMAL', kind: 'number' };
  if (id === DuckDBTypeId.VARCHAR && t.alias?.toUpperCase() === 'JSON') return { name, druidType: 'COMPLEX<json>', sqlType: 'OTHER', kind: 'json' };
  if (id === DuckDBTypeId.VARCHAR) return { name, druidType: 'STRING', sqlType: 'VARCHAR', kind: 'string' };
  if (id === DuckDBTypeId.LIST || id === DuckDBTypeId.ARRAY) {
    return { name, druidType: elementType((t as { valueType: DuckDBType }).valueType), sqlType: 'ARRAY', kind: 'array' };
  }
  if (id === DuckDBTypeId.SQLNULL) return { name, druidType: 'STRING', sqlType: 'NULL', kind: 'string' };
  if (TEXT_IDS.has(id)) return { name, druidType: 'STRING', sqlType: 'VARCHAR', kind: 'text' };
  return { name, druidType: 'COMPLEX<json>', sqlType: 'OTHER', kind: 'complex' };
}

/**
 * A FLOAT as Java prints a float: the shortest decimal that reads back as the same 32-bit value
 * (0.1, not the 0.10000000149011612 its widening to a double gives).
 */
export function shortestFloat(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let digits = 1; digits <= 9; digits++) {
    const x = Number(v.toPrecision(digits));
    if (Math.fround(x) === v) return x;
  }
  return v;
}

function isoOf(d: Date): string | null {
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * An instant as Joda's ISODateTimeFormat.dateTime() prints it in `zone`, which is how Druid writes
 * TIMESTAMP results under a sqlTimeZone: local fields and the offset (`Z` when it is zero).
 */
export function isoInZone(d: Date, zone: string): string | null {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return null;
  if (zone === 'UTC') return d.toISOString();
  const offset = zoneOffset(ms, zone);
  const local = new Date(ms + offset).toISOString().slice(0, -1);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** Nested values (list elements, struct fields) in JSON-safe form. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v instanceof Date) return isoOf(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export interface Converted {
  readonly columns: ResultColumn[];
  readonly rows: unknown[][];
}

export function convertResult(reader: DuckDBResultReader, options: { stringifyArrays: boolean; timeZone?: string }): Converted {
  const zone = options.timeZone ?? 'UTC';
  const names = reader.columnNames();
  const shapes = reader.columnTypes().map((t, i) => shapeOf(names[i], t));
  const js = reader.getRowsJS();
  const rows = js.map((row, r) =>
    row.map((v, c): unknown => {
      if (v === null || v === undefined) return null;
      switch (shapes[c].kind) {
        case 'timestamp':
          return v instanceof Date ? isoInZone(v, zone) : String(v);
        case 'date':
          return v instanceof Date ? isoOf(v) : String(v);
        case 'float':
          return typeof v === 'number' ? shortestFloat(v) : plain(v);
        case 'integer':
        case 'number':
        case 'boolean':
        case 'complex':
          return plain(v);
        case 'string':
          return v;
        case 'text':
          return String(reader.value(c, r));
        case 'json':
          return typeof v === 'string' ? JSON.parse(v) : plain(v);
        case 'array':
          return options.stringifyArrays ? stringifyJson(plain(v)) : plain(v);
      }
    }),
  );
  return { columns: shapes.map(({ name, druidType, sqlType }) => ({ name, druidType, sqlType })), rows };
}

/**
 * A DOUBLE or FLOAT as Java's Double.toString writes it, which is what Druid's JSON and CSV writers
 * produce: at least one fractional digit (1.0), and E notation outside [10^-3, 10^7) (1.0E10).
 */
export function javaDouble(v: number): string {
  if (!Number.isFinite(v)) return stringifyJson(v);
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** JSON.stringify that writes bigints as exact numbers, like Druid writes longs. */
export function stringifyJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  if (typeof v === 'object' && !(v instanceof Date)) {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}:${stringifyJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
