import { SqlExpression, SqlQuery } from 'druid-query-toolkit';
import { describe, expect, it } from 'vitest';
import type { SqlColumn } from 'druid-query-toolkit';
import { formatSqlResponse } from '../../src/api/druid/format.js';
import { jodaToStrftime } from '../../src/time/joda.js';
import { toDuckDbSql } from '../../src/lang/druid-sql/rewrite.js';
import { findTables } from '../../src/lang/druid-sql/tables.js';
import { timeFilter } from '../../src/lang/druid-sql/time-filter.js';
import { parseInterval, parseTimestamp } from '../../src/lang/druid-sql/time-literals.js';
import type { SqlResult } from '../../src/query/types.js';

const t = (iso: string): number => Date.parse(iso);
const isTime = (c: SqlColumn): boolean => c.getName() === '__time';
const filter = (where: string) => timeFilter(SqlExpression.parse(where), isTime);

describe('time literals', () => {
  it('parses timestamps as UTC, with zones', () => {
    expect(parseTimestamp('2015-09-12')).toBe(t('2015-09-12T00:00:00Z'));
    expect(parseTimestamp('2015-09-12 01:02:03.456')).toBe(t('2015-09-12T01:02:03.456Z'));
    expect(parseTimestamp('2015-09-12T01:02:03.456789Z')).toBe(t('2015-09-12T01:02:03.456Z'));
    expect(parseTimestamp('2015-09-12T02:00+02:00')).toBe(t('2015-09-12T00:00:00Z'));
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('parses intervals with periods, clamping month ends', () => {
    expect(parseInterval('2015-09-12/2015-09-13')).toEqual({ start: t('2015-09-12'), end: t('2015-09-13') });
    expect(parseInterval('2015-09-12/P1D')).toEqual({ start: t('2015-09-12'), end: t('2015-09-13') });
    expect(parseInterval('PT1H/2015-09-12T01:00:00Z')).toEqual({ start: t('2015-09-12'), end: t('2015-09-12T01:00:00Z') });
    expect(parseInterval('2015-01-31/P1M')).toEqual({ start: t('2015-01-31'), end: t('2015-02-28') });
    expect(parseInterval('2015-09-13/2015-09-12')).toBeUndefined();
    expect(parseInterval('nonsense')).toBeUndefined();
  });
});

describe('timeFilter', () => {
  it('intersects ANDs and unions ORs', () => {
    expect(filter(`__time >= TIMESTAMP '2015-09-12' AND __time < TIMESTAMP '2015-09-13' AND page = 'x'`)).toEqual([
      { start: t('2015-09-12'), end: t('2015-09-13') },
    ]);
    expect(filter(`(__time < '2015-01-01') OR (__time >= '2016-01-01')`)).toEqual([
      { start: -Infinity, end: t('2015-01-01') },
      { start: t('2016-01-01'), end: Infinity },
    ]);
    expect(filter(`__time >= '2016-01-01' AND __time < '2015-01-01'`)).toEqual([]);
  });

  it('widens sub-millisecond bounds instead of excluding rows', () => {
    expect(filter(`__time < TIMESTAMP '2015-09-12 00:00:00.0005'`)).toEqual([{ start: -Infinity, end: t('2015-09-12') + 1 }]);
    expect(filter(`__time <= TIMESTAMP '2015-09-12 00:00:00'`)).toEqual([{ start: -Infinity, end: t('2015-09-12') + 1 }]);
    expect(filter(`__time = '2015-09-12'`)).toEqual([{ start: t('2015-09-12'), end: t('2015-09-12') + 1 }]);
    expect(filter(`__time IN (TIMESTAMP '2015-09-13', TIMESTAMP '2015-09-12')`)).toEqual([
      { start: t('2015-09-12'), end: t('2015-09-12') + 1 },
      { start: t('2015-09-13'), end: t('2015-09-13') + 1 },
    ]);
  });

  it('gives up (null) on what it cannot see through', () => {
    expect(filter(`TIME_FLOOR(__time, 'P1D') = TIMESTAMP '2015-09-12'`)).toBeNull();
    expect(filter(`NOT (__time < '2015-09-12')`)).toBeNull();
    expect(filter(`__time >= '2015-09-12' OR page = 'x'`)).toBeNull();
    expect(filter(`__time >= CURRENT_TIMESTAMP - INTERVAL '1' DAY`)).toBeNull();
    expect(timeFilter(undefined, isTime)).toBeNull();
  });
});

describe('findTables', () => {
  it('finds datasources in FROM and JOIN, skipping CTE names', () => {
    const q = SqlQuery.parse(
      `WITH t AS (SELECT * FROM a WHERE __time >= '2015-01-01') SELECT * FROM t JOIN druid."b" bb ON t.x = bb.x JOIN sys.tasks s ON 1 = 1`,
    );
    const usage = findTables(q);
    const refs = usage.refs.map((r) => `${r.schema ?? ''}.${r.name}`).sort();
    expect(refs).toEqual(['.a', 'druid.b', 'sys.tasks']);
    expect(usage.filters.get('a')).toEqual([{ start: t('2015-01-01'), end: Infinity }]);
    expect(usage.filters.get('b')).toBeNull();
  });

  it('needs the union over references of the same datasource', () => {
    const q = SqlQuery.parse(
      `SELECT * FROM w WHERE __time < '2015-01-01' UNION ALL SELECT * FROM w WHERE __time >= '2016-01-01'`,
    );
    expect(findTables(q).filters.get('w')).toEqual([
      { start: -Infinity, end: t('2015-01-01') },
      { start: t('2016-01-01'), end: Infinity },
    ]);
    const unfiltered = SqlQuery.parse(`SELECT * FROM w WHERE __time < '2015-01-01' UNION ALL SELECT * FROM w`);
    expect(findTables(unfiltered).filters.get('w')).toBeNull();
  });
});

describe('rewrite to DuckDB', () => {
  it('maps Druid functions and names', () => {
    const sql = toDuckDbSql(
      SqlQuery.parse(
        `SELECT TIME_FLOOR(__time, 'PT1H'), FLOOR(__time TO DAY), STRLEN(page) AS l, EARLIEST(page), TIMESTAMPADD(HOUR, 1, __time) AS h FROM druid.wiki`,
      ),
    );
    expect(sql).toContain('druid_time_floor(__time, \'PT1H\') AS "EXPR$0"');
    expect(sql).toContain(`date_trunc('day', __time) AS "EXPR$1"`);
    expect(sql).toContain('length(page) AS l');
    expect(sql).toContain('arg_min(page, "__time")');
    expect(sql).toContain(`druid_timestampadd('HOUR', 1, __time)`);
    expect(sql).toMatch(/FROM wiki$/);
  });

  it('turns TIME_IN_INTERVAL into comparisons', () => {
    expect(toDuckDbSql(SqlQuery.parse(`SELECT 1 AS x FROM w WHERE TIME_IN_INTERVAL(__time, '2015-09-12/P1D')`))).toContain(
      `(__time >= TIMESTAMP '2015-09-12' AND __time < TIMESTAMP '2015-09-13')`,
    );
    expect(() => toDuckDbSql(SqlQuery.parse(`SELECT 1 AS x FROM w WHERE TIME_IN_INTERVAL(__time, 'garbage')`))).toThrow(/ISO 8601 interval/);
  });

  it('converts Joda patterns', () => {
    expect(jodaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")).toBe('%Y-%m-%dT%H:%M:%S.%gZ');
    expect(jodaToStrftime('dd/MM/yy h a')).toBe('%d/%m/%y %-I %p');
    expect(() => jodaToStrftime('QQQ')).toThrow("time format [QQQ] uses the pattern letter 'Q', which Grove does not support");
  });
});

describe('formatSqlResponse', () => {
  const result: SqlResult = {
    queryId: 'q',
    columns: [
      { name: '__time', druidType: 'LONG', sqlType: 'TIMESTAMP' },
      { name: 'page', druidType: 'STRING', sqlType: 'VARCHAR' },
      { name: 'n', druidType: 'LONG', sqlType: 'BIGINT' },
    ],
    rows: [
      ['2015-09-12T00:00:00.000Z', 'a,"b"', 9007199254740993n],
      ['2015-09-13T00:00:00.000Z', null, 2],
    ],
    plan: { dataSources: [], duckdbSql: '' },
  };

  it('object (default), with and without headers', () => {
    const plain = formatSqlResponse(result, { query: '' });
    expect(plain.contentType).toBe('application/json');
    expect(plain.body).toBe(
      '[{"__time":"2015-09-12T00:00:00.000Z","page":"a,\\"b\\"","n":9007199254740993},{"__time":"2015-09-13T00:00:00.000Z","page":null,"n":2}]',
    );
    expect(plain.headers).toEqual({});
    const header = formatSqlResponse(result, { query: '', header: true });
    expect(JSON.parse(header.body)[0]).toEqual({ __time: null, page: null, n: null });
    expect(header.headers).toEqual({ 'X-Druid-SQL-Header-Included': 'yes' });
    const typed = formatSqlResponse(result, { query: '', header: true, typesHeader: true, sqlTypesHeader: true });
    expect(JSON.parse(typed.body)[0].__time).toEqual({ type: 'LONG', sqlType: 'TIMESTAMP' });
  });

  it('array with header rows', () => {
    const r = formatSqlResponse(result, { query: '', resultFormat: 'array', header: true, typesHeader: true, sqlTypesHeader: true });
    expect(r.body.startsWith('[["__time","page","n"],["LONG","STRING","LONG"],["TIMESTAMP","VARCHAR","BIGINT"],')).toBe(true);
  });

  it('lines and csv end with a blank line', () => {
    const lines = formatSqlResponse(result, { query: '', resultFormat: 'arrayLines' });
    expect(lines.contentType).toBe('text/plain');
    expect(lines.body.endsWith(']\n\n')).toBe(true);
    expect(lines.body.split('\n')).toHaveLength(4);
    const objLines = formatSqlResponse(result, { query: '', resultFormat: 'objectLines' });
    expect(objLines.body.endsWith('}\n\n')).toBe(true);
    const csv = formatSqlResponse(result, { query: '', resultFormat: 'csv', header: true });
    expect(csv.contentType).toBe('text/csv');
    expect(csv.body).toBe('__time,page,n\n2015-09-12T00:00:00.000Z,"a,""b""",9007199254740993\n2015-09-13T00:00:00.000Z,,2\n\n');
  });

  it('rejects unknown formats', () => {
    expect(() => formatSqlResponse(result, { query: '', resultFormat: 'xml' as never })).toThrow(/Unsupported resultFormat/);
  });
});
