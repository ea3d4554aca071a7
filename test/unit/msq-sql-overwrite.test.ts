import type { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { controllerPayloadFields, planMsqStatement } from '../../src/lang/druid-sql/msq/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import { druidStatus } from '../../src/api/druid/errors.js';

/** REPLACE ... OVERWRITE WHERE: interval extraction and Druid's errors (DruidSqlParserUtils). */

let db: DuckDBInstance;
beforeAll(async () => {
  db = await createQueryEngine();
});
afterAll(() => db?.closeSync());

const EXT = `TABLE(EXTERN('{"type":"inline","data":"a"}','{"type":"csv"}','[{"name":"ts","type":"string"},{"name":"dim1","type":"string"}]'))`;
const body = `SELECT TIME_PARSE(ts) AS __time, dim1 FROM ${EXT}`;
const iso = (ms: number): string => new Date(ms).toISOString();

async function intervals(where: string, by = 'DAY', context: Record<string, unknown> = {}): Promise<string[]> {
  const plan = await planMsqStatement(`REPLACE INTO dst OVERWRITE WHERE ${where} ${body} PARTITIONED BY ${by}`, context, db);
  expect(Array.isArray(plan.overwrite)).toBe(true);
  return (plan.overwrite as { start: number; end: number }[]).map((i) => `${iso(i.start)}/${iso(i.end)}`);
}

async function message(where: string, by = 'DAY'): Promise<string> {
  try {
    await planMsqStatement(`REPLACE INTO dst OVERWRITE WHERE ${where} ${body} PARTITIONED BY ${by}`, {}, db);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    expect(druidStatus(e as GroveError)).toBe(400);
    return (e as Error).message;
  }
  throw new Error('planned without error');
}

describe('OVERWRITE WHERE intervals', () => {
  it('reads a half-open range', async () => {
    expect(await intervals("__time >= TIMESTAMP '2000-01-01 00:00:00' AND __time < TIMESTAMP '2000-01-02 00:00:00'")).toEqual([
      '2000-01-01T00:00:00.000Z/2000-01-02T00:00:00.000Z',
    ]);
  });

  it('spans several chunks and unions OR branches', async () => {
    expect(await intervals("__time >= TIMESTAMP '2000-01-01' AND __time < TIMESTAMP '2000-05-01'", 'MONTH')).toEqual([
      '2000-01-01T00:00:00.000Z/2000-05-01T00:00:00.000Z',
    ]);
    const or =
      "__time >= TIMESTAMP '2000-01-01' AND __time < TIMESTAMP '2000-02-01' OR __time >= TIMESTAMP '2000-03-01' AND __time < TIMESTAMP '2000-04-01'";
    expect(await intervals(or, 'MONTH')).toEqual([
      '2000-01-01T00:00:00.000Z/2000-02-01T00:00:00.000Z',
      '2000-03-01T00:00:00.000Z/2000-04-01T00:00:00.000Z',
    ]);
  });

  it('makes BETWEEN inclusive and NOT a complement', async () => {
    expect(await intervals("__time BETWEEN TIMESTAMP '2000-01-01' AND TIMESTAMP '2000-01-31 23:59:59.999'", 'MONTH')).toEqual([
      '2000-01-01T00:00:00.000Z/2000-02-01T00:00:00.000Z',
    ]);
    const not = "NOT (__time < TIMESTAMP '2000-01-01') AND __time < TIMESTAMP '2000-01-03'";
    expect(await intervals(not)).toEqual(['2000-01-01T00:00:00.000Z/2000-01-03T00:00:00.000Z']);
  });

  it('reads the literals in sqlTimeZone', async () => {
    const where = "__time >= TIMESTAMP '2000-01-01 05:30:00' AND __time < TIMESTAMP '2000-01-02 05:30:00'";
    expect(await intervals(where, 'DAY', { sqlTimeZone: 'Asia/Kolkata' })).toEqual(['2000-01-01T00:00:00.000Z/2000-01-02T00:00:00.000Z']);
  });

  it('gives Druid the time chunks in the controller payload', async () => {
    const plan = await planMsqStatement(
      `REPLACE INTO dst OVERWRITE WHERE __time >= TIMESTAMP '2000-01-01' AND __time < TIMESTAMP '2000-01-02' ${body} PARTITIONED BY DAY`,
      {},
      db,
    );
    const fields = controllerPayloadFields(plan);
    expect(fields.sqlQueryContext.sqlReplaceTimeChunks).toBe('2000-01-01T00:00:00.000Z/2000-01-02T00:00:00.000Z');
    expect(fields.sqlQueryContext.sqlInsertSegmentGranularity).toBe('"DAY"');
    const all = await planMsqStatement(`REPLACE INTO dst OVERWRITE ALL ${body} PARTITIONED BY DAY`, {}, db);
    expect(all.overwrite).toBe('all');
    expect(controllerPayloadFields(all).sqlQueryContext.sqlReplaceTimeChunks).toBe('all');
  });
});

describe('OVERWRITE WHERE errors', () => {
  it('requires alignment with the partitioning', async () => {
    expect(await message("__time >= TIMESTAMP '2000-01-05 00:00:00' AND __time <= TIMESTAMP '2000-01-06 00:00:00'", 'MONTH')).toBe(
      'OVERWRITE WHERE clause identified interval [2000-01-05T00:00:00.000Z/2000-01-06T00:00:00.001Z] which is not aligned with PARTITIONED BY granularity [{type=period, period=P1M, timeZone=UTC, origin=null}]',
    );
    expect(await message("__time >= TIMESTAMP '2000-01-05 00:00:00' AND __time <= TIMESTAMP '2000-02-05 00:00:00'", 'ALL TIME')).toBe(
      'OVERWRITE WHERE clause identified interval [2000-01-05T00:00:00.000Z/2000-02-05T00:00:00.001Z] which is not aligned with PARTITIONED BY granularity [AllGranularity]',
    );
    expect(await message("__time >= TIMESTAMP '2000-01-01'")).toBe(
      'OVERWRITE WHERE clause identified interval [2000-01-01T00:00:00.000Z/146140482-04-24T15:36:27.903Z] which is not aligned with PARTITIONED BY granularity [{type=period, period=P1D, timeZone=UTC, origin=null}]',
    );
  });

  it('accepts only __time', async () => {
    expect(await message("dim1 > TIMESTAMP '2000-01-05 00:00:00'", 'ALL TIME')).toBe(
      'OVERWRITE WHERE clause only supports filtering on the __time column, got [947030400000 < dim1 as numeric]',
    );
  });

  it('rejects conditions that leave no time', async () => {
    expect(await message("__time < TIMESTAMP '2000-01-01' AND __time > TIMESTAMP '2000-01-01'", 'MONTH')).toBe(
      'The OVERWRITE WHERE clause [(__time as numeric < 946684800000 && 946684800000 < __time as numeric)] produced no time intervals, are the bounds overly restrictive?',
    );
  });

  it('names unsupported operators and operands', async () => {
    expect(await message("__time LIKE '20__-02-01'", 'MONTH')).toBe(
      "Invalid OVERWRITE WHERE clause [`__time` LIKE '20__-02-01']: Unsupported operation [LIKE] in OVERWRITE WHERE clause.",
    );
    expect(await message('TRUE', 'MONTH')).toBe(
      'Invalid OVERWRITE WHERE clause [TRUE]: expected clause including AND, OR, NOT, >, <, >=, <= OR BETWEEN operators',
    );
    expect(await message("__time >= '2000-01-01'")).toBe(
      "Invalid OVERWRITE WHERE clause [`__time` >= '2000-01-01']: Cannot get a timestamp from sql expression ['2000-01-01']",
    );
  });
});
