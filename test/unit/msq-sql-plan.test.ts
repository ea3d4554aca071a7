import type { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { planMsqStatement } from '../../src/lang/druid-sql/msq/index.js';
import type { MsqPlan } from '../../src/msq/types.js';
import { createQueryEngine } from '../../src/query/index.js';

/** Planning: the seed statement, DESCRIBE-based typing, SET, PARTITIONED BY / CLUSTERED BY, rollup. */

let db: DuckDBInstance;
beforeAll(async () => {
  db = await createQueryEngine();
});
afterAll(() => db?.closeSync());

const SEED_SIGNATURE =
  '[{"name": "added", "type": "long"}, {"name": "channel", "type": "string"}, {"name": "cityName", "type": "string"}, {"name": "comment", "type": "string"}, {"name": "commentLength", "type": "long"}, {"name": "countryIsoCode", "type": "string"}, {"name": "countryName", "type": "string"}, {"name": "deleted", "type": "long"}, {"name": "delta", "type": "long"}, {"name": "deltaBucket", "type": "string"}, {"name": "diffUrl", "type": "string"}, {"name": "flags", "type": "string"}, {"name": "isAnonymous", "type": "string"}, {"name": "isMinor", "type": "string"}, {"name": "isNew", "type": "string"}, {"name": "isRobot", "type": "string"}, {"name": "isUnpatrolled", "type": "string"}, {"name": "metroCode", "type": "string"}, {"name": "namespace", "type": "string"}, {"name": "page", "type": "string"}, {"name": "regionIsoCode", "type": "string"}, {"name": "regionName", "type": "string"}, {"name": "timestamp", "type": "string"}, {"name": "user", "type": "string"}]';
const SEED = `INSERT INTO wikipedia
SELECT
  TIME_PARSE("timestamp") AS __time,
  *
FROM TABLE(
  EXTERN(
    '{"type": "http", "uris": ["https://druid.apache.org/data/wikipedia.json.gz"]}',
    '{"type": "json"}',
    '${SEED_SIGNATURE}'
  )
)
PARTITIONED BY DAY`;

const EXT =
  `TABLE(EXTERN('{"type":"inline","data":"a"}','{"type":"csv"}',` +
  `'[{"name":"ts","type":"string"},{"name":"dim1","type":"string"},{"name":"m1","type":"double"},{"name":"n","type":"long"}]'))`;

const plan = (sql: string, context: Record<string, unknown> = {}): Promise<MsqPlan> => planMsqStatement(sql, context, db);
const typeOf = (p: MsqPlan, name: string): [string, string] => {
  const c = p.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return [c.sqlType, c.druidType];
};

describe('the seed statement', () => {
  it('plans one http/json input, __time first, then every signature column, by DAY', async () => {
    const p = await plan(SEED, { maxNumTasks: 3 });
    const signature = JSON.parse(SEED_SIGNATURE) as { name: string; type: string }[];
    expect(p.kind).toBe('insert');
    expect(p.dataSource).toBe('wikipedia');
    expect(p.partitionedBy).toBe('DAY');
    expect(p.overwrite).toBeNull();
    expect(p.inputs).toEqual([
      { inputSource: { type: 'http', uris: ['https://druid.apache.org/data/wikipedia.json.gz'] }, inputFormat: { type: 'json' }, signature },
    ]);
    expect(p.columns.map((c) => c.name)).toEqual(['__time', ...signature.map((c) => c.name)]);
    expect(typeOf(p, '__time')).toEqual(['TIMESTAMP', 'LONG']);
    expect(typeOf(p, 'added')).toEqual(['BIGINT', 'LONG']);
    expect(typeOf(p, 'page')).toEqual(['VARCHAR', 'STRING']);
    // The star is spelled out so the stage reads exactly the declared columns.
    expect(p.stage0Sql).not.toContain('*');
    expect(p.stage0Sql).toContain('"__input0"');
    expect(p.stage0Sql).toContain('druid_time_parse("timestamp")');
    expect(p.grouped).toBe(false);
    expect(p.singleWorker).toBe(false);
    expect(p.context).toEqual({ maxNumTasks: 3 });
    expect(p.sql).toBe(SEED);
  });
});

describe('typing by DESCRIBE', () => {
  it('types Druid functions and aggregates as Druid does', async () => {
    const p = await plan(
      `SELECT TIME_PARSE(ts) AS t, MILLIS_TO_TIMESTAMP(n) AS ms, COUNT(*) AS c, SUM(m1) AS s, SUM(n) AS sn, CAST(m1 AS FLOAT) AS f, ` +
        `ARRAY['a', dim1] AS arr, 1.5 AS d, dim1 FROM ${EXT} GROUP BY 1, 2, 6, 7, 8, 9`,
    );
    expect(typeOf(p, 't')).toEqual(['TIMESTAMP', 'LONG']);
    expect(typeOf(p, 'ms')).toEqual(['TIMESTAMP', 'LONG']);
    expect(typeOf(p, 'c')).toEqual(['BIGINT', 'LONG']);
    expect(typeOf(p, 's')).toEqual(['DOUBLE', 'DOUBLE']);
    expect(typeOf(p, 'sn')).toEqual(['BIGINT', 'LONG']);
    expect(typeOf(p, 'f')).toEqual(['FLOAT', 'FLOAT']);
    expect(typeOf(p, 'arr')).toEqual(['VARCHAR ARRAY', 'ARRAY<STRING>']);
    expect(typeOf(p, 'd')).toEqual(['DOUBLE', 'DOUBLE']);
  });

  it('types an external long __time as TIMESTAMP, so SELECT * can be ingested by DAY', async () => {
    const ext = `TABLE(EXTERN('{"type":"inline","data":"1"}','{"type":"json"}','[{"name":"__time","type":"long"},{"name":"x","type":"string"}]'))`;
    const p = await plan(`INSERT INTO t SELECT * FROM ${ext} PARTITIONED BY DAY`);
    expect(p.columns.map((c) => [c.name, c.sqlType])).toEqual([
      ['__time', 'TIMESTAMP'],
      ['x', 'VARCHAR'],
    ]);
  });

  it('names unnamed SELECT outputs EXPR$n in a SELECT job', async () => {
    const p = await plan(`SELECT dim1, UPPER(dim1) FROM ${EXT}`);
    expect(p.columns.map((c) => c.name)).toEqual(['dim1', 'EXPR$1']);
    expect(p.kind).toBe('select');
    expect(p.partitionedBy).toBeNull();
  });
});

describe('targets and parameters', () => {
  it('takes quoted and druid-qualified datasource names', async () => {
    const body = `SELECT TIME_PARSE(ts) AS __time, dim1 FROM ${EXT} PARTITIONED BY DAY`;
    expect((await plan(`INSERT INTO "my ""wiki"" ds" ${body}`)).dataSource).toBe('my "wiki" ds');
    expect((await plan(`REPLACE INTO druid."Wiki" OVERWRITE ALL ${body}`)).dataSource).toBe('Wiki');
    expect((await plan(`insert into druid.wiki ${body}`)).dataSource).toBe('wiki');
  });

  it('binds dynamic parameters into the stage SQL', async () => {
    const p = await planMsqStatement(`SELECT dim1 FROM ${EXT} WHERE dim1 = ? AND n > ?`, {}, db, [
      { type: 'VARCHAR', value: "it's" },
      { type: 'BIGINT', value: 3 },
    ]);
    expect(p.stage0Sql).toContain("dim1 = 'it''s' AND n > 3");
    await expect(plan(`SELECT dim1 FROM ${EXT} WHERE dim1 = ?`)).rejects.toThrow('No value bound for parameter (position [1])');
  });
});

describe('SET', () => {
  it('overrides the request context with typed literals and leaves the statement', async () => {
    const p = await plan(`SET maxNumTasks = 5; SET sqlQueryId = 'abc'; SET finalizeAggregations = FALSE;\nSELECT dim1 FROM ${EXT}`, {
      maxNumTasks: 3,
      priority: 10,
    });
    expect(p.context).toEqual({ maxNumTasks: 5, priority: 10, sqlQueryId: 'abc', finalizeAggregations: false });
    expect(p.stage0Sql).not.toMatch(/SET/i);
  });

  it('validates SET values like context values', async () => {
    await expect(plan(`SET maxNumTasks = 1; SELECT dim1 FROM ${EXT}`)).rejects.toThrow(/maxNumTasks/);
  });
});

describe('PARTITIONED BY and CLUSTERED BY', () => {
  const forms: Array<[string, unknown]> = [
    ['HOUR', 'HOUR'],
    ["'PT1H'", 'HOUR'],
    ["'DAY'", 'DAY'],
    ['P1W', 'WEEK'],
    ["'FIFTEEN_MINUTE'", 'FIFTEEN_MINUTE'],
    ["TIME_FLOOR(__time, 'P1D')", 'DAY'],
    ['FLOOR(__time TO QUARTER)', 'QUARTER'],
    ['YEAR', 'YEAR'],
    ['ALL', { type: 'all' }],
    ['ALL TIME', { type: 'all' }],
  ];
  it.each(forms)('PARTITIONED BY %s → %j', async (by, json) => {
    const p = await plan(`INSERT INTO t SELECT TIME_PARSE(ts) AS __time, dim1 FROM ${EXT} PARTITIONED BY ${by}`);
    expect(p.partitionedBy).toEqual(json);
  });

  it('maps ordinals, names and select expressions to output column names', async () => {
    const p = await plan(
      `INSERT INTO t SELECT TIME_PARSE(ts) AS __time, FLOOR(m1) AS floor_m1, dim1, CEIL(m1) AS ceil_m1 FROM ${EXT} ` +
        `PARTITIONED BY DAY CLUSTERED BY 2, dim1, CEIL(m1)`,
    );
    expect(p.clusteredBy).toEqual(['floor_m1', 'dim1', 'ceil_m1']);
  });

  it('rejects ordinals out of range and non-output expressions', async () => {
    const sql = (c: string): string => `INSERT INTO t SELECT TIME_PARSE(ts) AS __time, dim1 FROM ${EXT} PARTITIONED BY DAY CLUSTERED BY ${c}`;
    await expect(plan(sql('3'))).rejects.toThrow('Ordinal out of range');
    await expect(plan(sql('0'))).rejects.toThrow('Ordinal [0] specified in the CLUSTERED BY clause is invalid. It must be a positive integer.');
    await expect(plan(sql('m1 + 1'))).rejects.toThrow(/does not name an output column/);
  });
});

describe('rollup and distribution', () => {
  it('gives each aggregate its combine and keys none', async () => {
    const p = await plan(
      `INSERT INTO t SELECT FLOOR(TIME_PARSE(ts) TO MINUTE) AS __time, dim1, COUNT(*) AS cnt, SUM(m1) AS s, MIN(n) AS lo, MAX(n) AS hi, ` +
        `EARLIEST_BY(dim1, TIME_PARSE(ts)) AS e, LATEST_BY(dim1, TIME_PARSE(ts)) AS l FROM ${EXT} GROUP BY 1, 2 PARTITIONED BY HOUR`,
      { finalizeAggregations: false },
    );
    expect(p.grouped).toBe(true);
    expect(p.singleWorker).toBe(false);
    expect(p.columns.map((c) => c.combine)).toEqual([null, null, 'sum', 'sum', 'min', 'max', 'earliest', 'latest']);
  });

  it('runs what cannot be merged on one worker', async () => {
    const single = async (sql: string): Promise<boolean> => (await plan(sql)).singleWorker;
    expect(await single(`SELECT dim1, APPROX_COUNT_DISTINCT(n) AS u FROM ${EXT} GROUP BY 1`)).toBe(true);
    expect(await single(`SELECT dim1, COUNT(DISTINCT n) AS u FROM ${EXT} GROUP BY 1`)).toBe(true);
    expect(await single(`SELECT dim1, SUM(m1) / COUNT(*) AS r FROM ${EXT} GROUP BY 1`)).toBe(true);
    expect(await single(`SELECT dim1, SUM(m1) AS s FROM ${EXT} GROUP BY 1 HAVING SUM(m1) > 1`)).toBe(true);
    expect(await single(`SELECT dim1 FROM ${EXT} ORDER BY dim1`)).toBe(true);
    expect(await single(`SELECT dim1 FROM ${EXT} LIMIT 3`)).toBe(true);
    expect(await single(`SELECT SUM(m1) AS s FROM ${EXT} GROUP BY dim1`)).toBe(true);
    expect(await single(`SELECT a.dim1 FROM ${EXT} a JOIN ${EXT} b ON a.dim1 = b.dim1`)).toBe(true);
    expect(await single(`SELECT dim1, SUM(m1) AS s FROM ${EXT} GROUP BY 1`)).toBe(false);
  });

  it('keeps reading Druid datasources out of scope with a clear error', async () => {
    const err = await plan('INSERT INTO t SELECT * FROM wikipedia PARTITIONED BY ALL').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).message).toContain('wikipedia');
  });
});
