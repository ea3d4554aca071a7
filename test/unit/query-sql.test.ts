import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBInstance as Instance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, DruidColumnType, Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import { GroveError } from '../../src/core/errors.js';
import { createQueryEngine, type QueryDeps } from '../../src/query/index.js';
import { formatSqlResponse, type SqlRequest } from '../../src/api/druid/format.js';
import { cancelSql, runSql } from '../helpers/druid-sql.js';
import { druidStatus, druidException } from '../../src/api/druid/errors.js';

const iv = (a: string, b: string): Interval => ({ start: Date.parse(a), end: Date.parse(b) });
const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';

let dir: string;
let writer: Instance;
let engine: Instance;
const segments: SegmentRecord[] = [];

const DRUID_TYPE: Record<string, DruidColumnType> = { VARCHAR: 'STRING', BIGINT: 'LONG', DOUBLE: 'DOUBLE', FLOAT: 'FLOAT', JSON: 'COMPLEX<json>' };

/** Writes rows (a SELECT) as one Parquet segment and records it, the way ingestion would. */
async function addSegment(ds: string, interval: Interval, version: string, partitionNum: number, select: string): Promise<SegmentRecord> {
  const rel = `${ds}/${interval.start}_${interval.end}/${version.replaceAll(':', '_')}/${partitionNum}.parquet`;
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  const conn = await writer.connect();
  await conn.run(`COPY (${select}) TO '${path.join(dir, rel)}' (FORMAT parquet)`);
  const described = (await conn.runAndReadAll(`DESCRIBE ${select}`)).getRowsJS();
  conn.closeSync();
  const columns: ColumnInfo[] = described
    .filter((r) => r[0] !== '__time')
    .map((r) => ({ name: String(r[0]), type: DRUID_TYPE[String(r[1])] ?? 'STRING' }));
  const record: SegmentRecord = {
    id: segmentId(ds, interval, version, partitionNum),
    dataSource: ds,
    interval,
    version,
    partitionNum,
    path: rel,
    size: 1,
    numRows: 1,
    used: true,
    dimensions: columns.map((c) => c.name),
    metrics: [],
    columns,
    createdDate: version,
  };
  segments.push(record);
  return record;
}

const row = (t: string, page: string, added: number): string =>
  `SELECT TIMESTAMP '${t}' AS __time, '${page}' AS page, ${added}::BIGINT AS added`;

function deps(): QueryDeps {
  return {
    listUsedSegments: async (names) => segments.filter((s) => names.includes(s.dataSource) && s.used),
    knownDataSources: async () => [...new Set(segments.map((s) => s.dataSource))],
    deepStorageDir: dir,
    duckdb: engine,
  };
}

const sql = (query: string, extra: Partial<SqlRequest> = {}) => runSql({ query, ...extra }, deps());

async function sqlError(query: string, extra: Partial<SqlRequest> = {}): Promise<GroveError> {
  try {
    await sql(query, extra);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    return e as GroveError;
  }
  throw new Error(`expected ${query} to fail`);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grove-query-'));
  writer = await DuckDBInstance.create(':memory:');
  // September as one MONTH segment (v1), with 2015-09-12 re-ingested as a DAY segment (v2).
  await addSegment(
    'wiki',
    iv('2015-09-01', '2015-10-01'),
    V1,
    0,
    `${row('2015-09-01 10:00:00', 'a', 1)} UNION ALL ${row('2015-09-12 10:00:00', 'old', 100)} UNION ALL ${row('2015-09-20 10:00:00', 'c', 3)}`,
  );
  await addSegment('wiki', iv('2015-09-12', '2015-09-13'), V2, 0, `${row('2015-09-12 11:30:00.123', 'b', 20)}`);
  await addSegment('wiki', iv('2015-09-12', '2015-09-13'), V2, 1, `SELECT TIMESTAMP '2015-09-12 12:00:00' AS __time, 'b' AS page, 5::BIGINT AS added, 'x' AS extra`);
  // An October DAY segment wholly overshadowed by a newer one.
  await addSegment('wiki', iv('2015-10-01', '2015-10-02'), V1, 0, row('2015-10-01 00:00:00', 'gone', 1000));
  await addSegment('wiki', iv('2015-10-01', '2015-10-02'), V2, 0, row('2015-10-01 00:00:00', 'd', 4));
  await addSegment('other', iv('2015-09-12', '2015-09-13'), V1, 0, `SELECT TIMESTAMP '2015-09-12 00:00:00' AS __time, 'b' AS page, 'Bee' AS title`);
  await addSegment('jsonds', iv('2015-09-12', '2015-09-13'), V1, 0, `SELECT TIMESTAMP '2015-09-12 00:00:00' AS __time, '{"a":{"b":[1,2]}}'::JSON AS j`);
  engine = await createQueryEngine({ deepStorageDir: dir });
});

afterAll(() => {
  engine?.closeSync();
  writer?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('visibility', () => {
  it('reads only what the timeline shows', async () => {
    const r = await sql('SELECT COUNT(*) AS c, SUM(added) AS s FROM wiki');
    expect(r.rows).toEqual([[5, 1 + 3 + 20 + 5 + 4]]);
    const plan = r.plan.dataSources[0];
    expect(plan.visibleSegments).toBe(4);
    expect(plan.files).toHaveLength(4);
    expect(plan.partial).toBe(1);
    expect(plan.filter).toBeNull();
  });

  it('hides the overshadowed day inside the older month', async () => {
    const r = await sql(`SELECT page FROM wiki WHERE page IN ('old', 'gone')`);
    expect(r.rows).toEqual([]);
  });
});

describe('pruning', () => {
  it('reads only segments whose visible time overlaps the WHERE range', async () => {
    const r = await sql(`SELECT page, added FROM wiki WHERE __time >= TIMESTAMP '2015-09-12' AND __time < TIMESTAMP '2015-09-13' ORDER BY added`);
    expect(r.rows).toEqual([['b', 5], ['b', 20]]);
    const plan = r.plan.dataSources[0];
    expect(plan.files).toHaveLength(2);
    expect(plan.segmentIds.every((id) => id.includes('2015-09-12T00:00:00.000Z_2015-09-13'))).toBe(true);
  });

  it('understands BETWEEN, TIME_IN_INTERVAL, OR, flipped comparisons and string literals', async () => {
    const files = async (where: string): Promise<number> => (await sql(`SELECT COUNT(*) FROM wiki WHERE ${where}`)).plan.dataSources[0].files.length;
    expect(await files(`__time BETWEEN TIMESTAMP '2015-10-01 00:00:00' AND TIMESTAMP '2015-10-01 05:00:00'`)).toBe(1);
    expect(await files(`TIME_IN_INTERVAL(__time, '2015-10-01/P1D')`)).toBe(1);
    expect(await files(`TIMESTAMP '2015-10-01' <= __time`)).toBe(1);
    expect(await files(`__time >= '2015-10-01'`)).toBe(1);
    expect(await files(`__time < '2015-09-05' OR __time >= '2015-10-01'`)).toBe(2);
    expect(await files(`__time >= '2015-10-01' AND page = 'd'`)).toBe(1);
  });

  it('does not prune what it cannot analyse, and stays correct', async () => {
    const r = await sql(`SELECT COUNT(*) FROM wiki WHERE TIME_FLOOR(__time, 'P1D') = TIMESTAMP '2015-10-01' OR page = 'zzz'`);
    expect(r.rows).toEqual([[1]]);
    expect(r.plan.dataSources[0].filter).toBeNull();
    expect(r.plan.dataSources[0].files).toHaveLength(4);
  });

  it('keeps the whole schema when pruning leaves no segment or drops a column', async () => {
    const none = await sql(`SELECT __time, page, extra FROM wiki WHERE __time >= '2016-01-01'`);
    expect(none.rows).toEqual([]);
    expect(none.columns.map((c) => c.name)).toEqual(['__time', 'page', 'extra']);
    expect(none.plan.dataSources[0].files).toHaveLength(0);
    const noExtra = await sql(`SELECT page, extra FROM wiki WHERE __time < '2015-09-02'`);
    expect(noExtra.rows).toEqual([['a', null]]);
  });

  it('prunes each reference of a self-join by its own qualified conditions', async () => {
    const r = await sql(
      `SELECT a.page, b.page FROM wiki a JOIN wiki b ON a.page = b.page WHERE a.__time >= '2015-10-01' AND b.__time >= '2015-10-01'`,
    );
    expect(r.rows).toEqual([['d', 'd']]);
    expect(r.plan.dataSources[0].files).toHaveLength(1);
  });
});

describe('SQL dialect', () => {
  it('accepts quoted names, the druid schema, joins and subqueries', async () => {
    const r = await sql(
      `SELECT w.page, o.title FROM druid."wiki" AS w JOIN druid.other o ON w.page = o.page WHERE w.__time < '2015-09-13' AND w.added > 10`,
    );
    expect(r.rows).toEqual([['b', 'Bee']]);
    const sub = await sql(`WITH t AS (SELECT page FROM "wiki") SELECT COUNT(*) FROM (SELECT * FROM t) WHERE page = 'b'`);
    expect(sub.rows).toEqual([[2]]);
  });

  it('names unnamed columns EXPR$n and runs Druid time functions', async () => {
    const r = await sql(
      `SELECT TIME_FLOOR(__time, 'P1D'), FLOOR(__time TO MONTH) AS m, COUNT(*), LATEST(page), page AS p
       FROM wiki WHERE __time < '2015-09-13' GROUP BY 1, 2, 5 ORDER BY 1, 5`,
    );
    expect(r.columns.map((c) => c.name)).toEqual(['EXPR$0', 'm', 'EXPR$2', 'EXPR$3', 'p']);
    expect(r.rows).toEqual([
      ['2015-09-01T00:00:00.000Z', '2015-09-01T00:00:00.000Z', 1, 'a', 'a'],
      ['2015-09-12T00:00:00.000Z', '2015-09-01T00:00:00.000Z', 2, 'b', 'b'],
    ]);
  });

  it('binds ? parameters in order, and prunes on them', async () => {
    const r = await sql('SELECT COUNT(*) FROM wiki WHERE __time >= ? AND page = ?', {
      parameters: [
        { type: 'TIMESTAMP', value: '2015-10-01 00:00:00' },
        { type: 'VARCHAR', value: 'd' },
      ],
    });
    expect(r.rows).toEqual([[1]]);
    expect(r.plan.dataSources[0].files).toHaveLength(1);
  });

  it('answers SELECT without FROM and EXPLAIN', async () => {
    expect((await sql('SELECT 1 + 1')).rows).toEqual([[2]]);
    const e = await sql('EXPLAIN PLAN FOR SELECT COUNT(*) FROM wiki');
    expect(e.columns.map((c) => c.name)).toEqual(['PLAN', 'RESOURCES', 'ATTRIBUTES']);
    expect(JSON.parse(String(e.rows[0][1]))).toEqual([{ name: 'wiki', type: 'DATASOURCE' }]);
  });
});

describe('datasource views', () => {
  it('combine segments of different schemas with the columns and types union_by_name gives', async () => {
    // The visible wiki segments: the v2 days and the v1 month (the v1 October day is overshadowed).
    const visible = segments.filter((x) => x.dataSource === 'wiki' && (x.version === V2 || x.interval.end - x.interval.start > 86_400_000));
    const conn = await writer.connect();
    const files = visible.map((x) => `'${path.join(dir, x.path)}'`).join(', ');
    const expected = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${files}], union_by_name = true)`)).getRowsJS().map((r) => [r[0], r[1]]);
    conn.closeSync();
    const r = await sql('SELECT * FROM wiki');
    expect(r.columns.map((c) => c.name)).toEqual(expected.map((e) => e[0]));
    expect(r.columns.map((c) => c.druidType)).toEqual(['LONG', 'STRING', 'LONG', 'STRING']);
    // The partly overshadowed month shows only outside 2015-09-12; the newer day's rows replace it.
    expect(r.rows.filter((x) => String(x[0]).startsWith('2015-09-12')).map((x) => x[1])).toEqual(['b', 'b']);
  });

  it('read COMPLEX<json> columns as JSON, with nested values', async () => {
    const r = await sql(`SELECT j, JSON_VALUE(j, '$.a.b[1]') AS b1 FROM jsonds`);
    expect(r.columns[0]).toEqual({ name: 'j', druidType: 'COMPLEX<json>', sqlType: 'OTHER' });
    expect(r.rows).toEqual([[{ a: { b: [1, 2] } }, '2']]);
  });
});

describe('result conversion', () => {
  it('renders timestamps, longs, doubles, booleans and arrays like Druid', async () => {
    const r = await sql(
      `SELECT __time, page, added, added * 1.5 AS d, CAST(added AS DOUBLE) AS dbl, added > 10 AS big, 7 / 2 AS q,
              CAST('9007199254740993' AS BIGINT) AS huge
       FROM wiki WHERE page = 'b' AND added = 20`,
    );
    expect(r.columns).toEqual([
      { name: '__time', druidType: 'LONG', sqlType: 'TIMESTAMP' },
      { name: 'page', druidType: 'STRING', sqlType: 'VARCHAR' },
      { name: 'added', druidType: 'LONG', sqlType: 'BIGINT' },
      { name: 'd', druidType: 'DOUBLE', sqlType: 'DECIMAL' },
      { name: 'dbl', druidType: 'DOUBLE', sqlType: 'DOUBLE' },
      { name: 'big', druidType: 'LONG', sqlType: 'BOOLEAN' },
      { name: 'q', druidType: 'LONG', sqlType: 'INTEGER' },
      { name: 'huge', druidType: 'LONG', sqlType: 'BIGINT' },
    ]);
    expect(r.rows).toEqual([['2015-09-12T11:30:00.123Z', 'b', 20, 30, 20, true, 3, 9007199254740993n]]);
    const body = formatSqlResponse(r, { query: '', resultFormat: 'array' }).body;
    expect(body).toContain('9007199254740993');
  });

  it('stringifies arrays unless sqlStringifyArrays is false', async () => {
    expect((await sql(`SELECT ARRAY['a', 'b'] AS a`)).rows).toEqual([['["a","b"]']]);
    const raw = await sql(`SELECT ARRAY[1, 2] AS a`, { context: { sqlStringifyArrays: false } });
    expect(raw.rows).toEqual([[[1, 2]]]);
    expect(raw.columns[0]).toEqual({ name: 'a', druidType: 'ARRAY<LONG>', sqlType: 'ARRAY' });
  });
});

describe('errors', () => {
  it('unknown tables are Object not found, with position', async () => {
    const e = await sqlError('SELECT * FROM nope');
    expect(druidStatus(e)).toBe(400);
    expect(druidException(e).errorCode).toBe('invalidInput');
    expect(druidException(e).category).toBe('INVALID_INPUT');
    expect(e.message).toBe("Object 'nope' not found (line [1], column [15])");
    expect(e.context).toMatchObject({ sourceType: 'sql', line: '1', column: '15', endLine: '1', endColumn: '18' });
    expect((await sqlError('SELECT * FROM sys.nope')).message).toMatch(/^Object 'nope' not found within 'sys'/);
    expect((await sqlError('SELECT * FROM druid.nope')).message).toMatch(/^Object 'nope' not found within 'druid'/);
  });

  it('rejects ingestion statements and table functions', async () => {
    expect((await sqlError('INSERT INTO wiki SELECT * FROM other PARTITIONED BY DAY')).message).toBe(
      'INSERT operations are not supported by requested SQL engine [native], consider using MSQ.',
    );
    expect((await sqlError('REPLACE INTO wiki OVERWRITE ALL SELECT * FROM other PARTITIONED BY DAY')).message).toMatch(/^REPLACE operations/);
    expect(druidStatus(await sqlError(`SELECT * FROM read_csv('/etc/passwd')`))).toBe(400);
    expect(druidStatus(await sqlError(`SELECT * FROM '/etc/passwd'`))).toBe(400);
  });

  it('parse errors carry line and column', async () => {
    const e = await sqlError('SELECT page\nFROM wiki WHERE');
    expect(druidStatus(e)).toBe(400);
    expect(e.context).toMatchObject({ sourceType: 'sql', line: '2', column: '16' });
    expect(e.message).toMatch(/^Received an unexpected token \[<EOF>\] \(line \[2\], column \[16\]\)/);
    const d = await sqlError('DELETE FROM wiki');
    expect(d.context.line).toBe('1');
  });

  it('engine errors are readable 400s', async () => {
    const e = await sqlError('SELECT nocol FROM wiki');
    expect(druidStatus(e)).toBe(400);
    expect(e.message).toBe("Column 'nocol' not found in any table (line [1], column [8])");
    expect(e.message).not.toMatch(/LINE|\^/);
    const f = await sqlError('SELECT NO_SUCH_FN(page) FROM wiki');
    expect(f.message).toBe('No match found for function signature NO_SUCH_FN (line [1], column [8])');
    const p = await sqlError('SELECT ? FROM wiki');
    expect(p.message).toMatch(/No value bound for parameter/);
  });

  it('times out with Druid timeout semantics and cancels by id', async () => {
    const e = await sqlError(
      'SELECT COUNT(*) FROM UNNEST(generate_series(1, 3000000)) AS a(x) CROSS JOIN UNNEST(generate_series(1, 3000000)) AS b(y)',
      { context: { timeout: 50 } },
    );
    expect(druidStatus(e)).toBe(504);
    expect(druidException(e).category).toBe('TIMEOUT');
    expect(cancelSql('no-such-query')).toBe(false);
  });
});
