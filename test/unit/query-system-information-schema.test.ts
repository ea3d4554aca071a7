import { describe, expect, it } from 'vitest';
import type { ColumnInfo, Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import {
  SYSTEM_TABLES,
  columnRows,
  dataSourceColumns,
  leastRestrictive,
  lookupSystemTable,
  schemataRows,
  tableRows,
} from '../../src/query/system/index.js';

const iv = (a: string, b: string): Interval => ({ start: Date.parse(a), end: Date.parse(b) });

function seg(ds: string, interval: Interval, version: string, columns: ColumnInfo[]): SegmentRecord {
  return {
    id: segmentId(ds, interval, version, 0),
    dataSource: ds,
    interval,
    version,
    partitionNum: 0,
    path: 'x',
    size: 1,
    numRows: 1,
    used: true,
    dimensions: [],
    metrics: [],
    columns: [{ name: '__time', type: 'LONG' }, ...columns],
    createdDate: version,
  };
}

describe('datasource columns', () => {
  it('puts __time first, then columns as the newest time chunk orders them, merging types', () => {
    const march = seg('w', iv('2021-03-01', '2021-03-02'), 'v1', [{ name: 'a', type: 'STRING' }, { name: 'n', type: 'LONG' }]);
    const april = seg('w', iv('2021-04-01', '2021-04-02'), 'v1', [{ name: 'n', type: 'DOUBLE' }, { name: 'j', type: 'COMPLEX<json>' }]);
    // Overshadowed: its column must not appear.
    const gone = seg('w', iv('2021-04-01', '2021-04-02'), 'v0', [{ name: 'ghost', type: 'STRING' }]);
    const cols = dataSourceColumns([march, april, gone, seg('Other', iv('2021-01-01', '2021-01-02'), 'v', [])]);
    expect([...cols.keys()]).toEqual(['Other', 'w']);
    expect(cols.get('w')).toEqual([
      { name: '__time', sqlType: 'TIMESTAMP' },
      { name: 'n', sqlType: 'DOUBLE' },
      { name: 'j', sqlType: 'COMPLEX<json>' },
      { name: 'a', sqlType: 'VARCHAR' },
    ]);
  });

  it('merges types the way Druid chooses the least restrictive one', () => {
    expect(leastRestrictive('LONG', 'LONG')).toBe('LONG');
    expect(leastRestrictive('LONG', 'FLOAT')).toBe('DOUBLE');
    expect(leastRestrictive('LONG', 'STRING')).toBe('STRING');
    expect(leastRestrictive('STRING', 'ARRAY<LONG>')).toBe('ARRAY<STRING>');
    expect(leastRestrictive('ARRAY<LONG>', 'ARRAY<DOUBLE>')).toBe('ARRAY<DOUBLE>');
    expect(leastRestrictive('FLOAT', 'ARRAY<LONG>')).toBe('ARRAY<DOUBLE>');
    expect(leastRestrictive('STRING', 'COMPLEX<json>')).toBe('COMPLEX<json>');
  });
});

describe('INFORMATION_SCHEMA rows', () => {
  it('SCHEMATA lists the five schemas of the druid catalog', () => {
    expect(schemataRows().map((r) => [r.CATALOG_NAME, r.SCHEMA_NAME, r.SQL_PATH])).toEqual([
      ['druid', 'druid', null],
      ['druid', 'INFORMATION_SCHEMA', null],
      ['druid', 'lookup', null],
      ['druid', 'sys', null],
      ['druid', 'view', null],
    ]);
  });

  it('TABLES lists datasources as TABLE and every system table as SYSTEM_TABLE', () => {
    const rows = tableRows(new Map([['wiki', []]]));
    expect(rows[0]).toEqual({ TABLE_CATALOG: 'druid', TABLE_SCHEMA: 'druid', TABLE_NAME: 'wiki', TABLE_TYPE: 'TABLE', IS_JOINABLE: 'NO', IS_BROADCAST: 'NO' });
    expect(rows.slice(1).map((r) => `${r.TABLE_SCHEMA}.${r.TABLE_NAME}:${r.TABLE_TYPE}`)).toEqual([
      'INFORMATION_SCHEMA.COLUMNS:SYSTEM_TABLE',
      'INFORMATION_SCHEMA.SCHEMATA:SYSTEM_TABLE',
      'INFORMATION_SCHEMA.TABLES:SYSTEM_TABLE',
      'sys.segments:SYSTEM_TABLE',
      'sys.servers:SYSTEM_TABLE',
      'sys.supervisors:SYSTEM_TABLE',
      'sys.tasks:SYSTEM_TABLE',
    ]);
  });

  it('COLUMNS carries Calcite type metadata per SQL type, 1-based positions, __time not nullable', () => {
    const cols = new Map([['t', [
      { name: '__time', sqlType: 'TIMESTAMP' },
      { name: 's', sqlType: 'VARCHAR' },
      { name: 'l', sqlType: 'BIGINT' },
      { name: 'f', sqlType: 'FLOAT' },
      { name: 'd', sqlType: 'DOUBLE' },
      { name: 'a', sqlType: 'ARRAY' },
      { name: 'j', sqlType: 'COMPLEX<json>' },
    ]]]);
    const rows = columnRows(cols).filter((r) => r.TABLE_NAME === 't');
    const pick = (r: Record<string, unknown>) => [r.COLUMN_NAME, r.ORDINAL_POSITION, r.COLUMN_DEFAULT, r.IS_NULLABLE, r.DATA_TYPE,
      r.CHARACTER_MAXIMUM_LENGTH, r.CHARACTER_OCTET_LENGTH, r.NUMERIC_PRECISION, r.NUMERIC_PRECISION_RADIX, r.NUMERIC_SCALE,
      r.DATETIME_PRECISION, r.CHARACTER_SET_NAME, r.COLLATION_NAME, r.JDBC_TYPE];
    expect(rows.map(pick)).toEqual([
      ['__time', 1, '', 'NO', 'TIMESTAMP', null, null, null, null, null, 3, null, null, 93],
      ['s', 2, '', 'YES', 'VARCHAR', null, null, null, null, null, null, 'UTF-16LE', 'UTF-16LE$en_US$primary', 12],
      ['l', 3, '', 'YES', 'BIGINT', null, null, 19, 10, 0, null, null, null, -5],
      ['f', 4, '', 'YES', 'FLOAT', null, null, 15, 10, -2147483648, null, null, null, 6],
      ['d', 5, '', 'YES', 'DOUBLE', null, null, 15, 10, -2147483648, null, null, null, 8],
      ['a', 6, '', 'YES', 'ARRAY', null, null, null, null, null, null, null, null, 2003],
      ['j', 7, '', 'YES', 'COMPLEX<json>', null, null, null, null, null, null, null, null, 1111],
    ]);
    expect(rows.every((r) => r.TABLE_CATALOG === 'druid' && r.TABLE_SCHEMA === 'druid')).toBe(true);
  });

  it('COLUMNS describes the system tables too', () => {
    const rows = columnRows(new Map());
    const tasks = rows.filter((r) => r.TABLE_SCHEMA === 'sys' && r.TABLE_NAME === 'tasks');
    expect(tasks.map((r) => r.COLUMN_NAME)).toEqual(SYSTEM_TABLES.find((t) => t.name === 'tasks')!.columns.map((c) => c.name));
    expect(tasks.find((r) => r.COLUMN_NAME === 'duration')).toMatchObject({ DATA_TYPE: 'BIGINT', IS_NULLABLE: 'YES', JDBC_TYPE: -5 });
    expect(rows.filter((r) => r.TABLE_NAME === 'COLUMNS').map((r) => r.COLUMN_NAME)[4]).toBe('ORDINAL_POSITION');
  });
});

describe('resolving system table references', () => {
  it('is case-sensitive, and names what was probably meant', () => {
    expect(lookupSystemTable('sys', 'tasks')).toMatchObject({ kind: 'table', table: { schema: 'sys', name: 'tasks' } });
    expect(lookupSystemTable('INFORMATION_SCHEMA', 'COLUMNS')).toMatchObject({ kind: 'table' });
    expect(lookupSystemTable('sys', 'nope')).toEqual({ kind: 'missing', message: "Object 'nope' not found within 'sys'" });
    expect(lookupSystemTable('sys', 'TASKS')).toEqual({ kind: 'missing', message: "Object 'TASKS' not found within 'sys'; did you mean 'tasks'?" });
    expect(lookupSystemTable('information_schema', 'tables')).toEqual({
      kind: 'missing',
      message: "Object 'information_schema' not found; did you mean 'INFORMATION_SCHEMA'?",
    });
    expect(lookupSystemTable('lookup', 'x')).toEqual({ kind: 'missing', message: "Object 'x' not found within 'lookup'" });
    expect(lookupSystemTable('elsewhere', 'x')).toEqual({ kind: 'unknownSchema' });
  });
});
