import type { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { planMsqStatement } from '../../src/lang/druid-sql/msq/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import { druidStatus, druidException } from '../../src/api/druid/errors.js';

/** Druid's validation messages for INSERT/REPLACE, word for word (reference §1.1–1.2). */

let db: DuckDBInstance;
beforeAll(async () => {
  db = await createQueryEngine();
});
afterAll(() => db?.closeSync());

const EXT =
  `TABLE(EXTERN('{"type":"inline","data":"a"}','{"type":"csv","columns":["ts","dim1","m1"]}',` +
  `'[{"name":"ts","type":"string"},{"name":"dim1","type":"string"},{"name":"m1","type":"double"}]'))`;

async function failure(sql: string, context: Record<string, unknown> = {}): Promise<GroveError> {
  try {
    await planMsqStatement(sql, context, db);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    const err = e as GroveError;
    expect(druidStatus(err)).toBe(400);
    expect(druidException(err).errorCode).toBe('invalidInput');
    return err;
  }
  throw new Error(`planned without error: ${sql}`);
}

const message = async (sql: string, context?: Record<string, unknown>): Promise<string> => (await failure(sql, context)).message;

describe('statement shape', () => {
  it('refuses INSERT INTO EXTERN (export) with a 400 naming the missing export storage, as Druid words it', async () => {
    expect(await message("INSERT INTO EXTERN(local(exportPath => '/tmp/out')) AS CSV SELECT 1 AS a")).toBe(
      'The runtime property `druid.export.storage.baseDir` must be configured for local export.',
    );
    expect(await message("INSERT INTO EXTERN(s3(bucket => 'b', prefix => 'p')) AS CSV SELECT 1 AS a")).toBe(
      'The runtime property `druid.export.storage.s3.tempLocalDir` must be configured for S3 export.',
    );
    expect(await message('INSERT INTO EXTERN(ftp()) AS CSV SELECT 1 AS a')).toMatch(/^Unknown export destination \[ftp\]/);
  });

  it('requires PARTITIONED BY for INSERT and REPLACE', async () => {
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT}`)).toBe(
      'Operation [INSERT] requires a PARTITIONED BY to be explicitly defined, but none was found.',
    );
    expect(await message(`REPLACE INTO dst OVERWRITE ALL SELECT * FROM ${EXT}`)).toBe(
      'Operation [REPLACE] requires a PARTITIONED BY to be explicitly defined, but none was found.',
    );
  });

  it('rejects OVERWRITE on INSERT and a REPLACE without time chunks', async () => {
    expect(await message(`INSERT INTO dst OVERWRITE ALL SELECT * FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(
      'An OVERWRITE clause is not allowed with INSERT statements. Use REPLACE statements if overwriting existing segments is required or remove the OVERWRITE clause.',
    );
    const missing =
      'Missing time chunk information in OVERWRITE clause for REPLACE. Use OVERWRITE WHERE <__time based condition> or OVERWRITE ALL to overwrite the entire table.';
    expect(await message(`REPLACE INTO dst SELECT * FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(missing);
    expect(await message(`REPLACE INTO dst OVERWRITE SELECT * FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(missing);
  });

  it('rejects ORDER BY in ingestion, naming the operation', async () => {
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} ORDER BY 2 PARTITIONED BY ALL TIME`)).toBe(
      'Cannot use an ORDER BY clause on a Query of type [INSERT], use CLUSTERED BY instead',
    );
    expect(await message(`REPLACE INTO dst OVERWRITE ALL SELECT * FROM ${EXT} ORDER BY dim1 PARTITIONED BY ALL TIME`)).toBe(
      'Cannot use an ORDER BY clause on a Query of type [REPLACE], use CLUSTERED BY instead',
    );
  });

  it('wants CLUSTERED BY after PARTITIONED BY', async () => {
    const text = 'CLUSTERED BY found before PARTITIONED BY, CLUSTERED BY must come after the PARTITIONED BY clause';
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} CLUSTERED BY dim1 PARTITIONED BY DAY`)).toBe(text);
    expect(await message(`REPLACE INTO dst OVERWRITE ALL SELECT * FROM ${EXT} CLUSTERED BY dim1`)).toBe(text);
  });

  it('rejects a target column list and bad target names', async () => {
    expect(await message(`INSERT INTO dst (foo, bar) SELECT dim1, ts FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(
      'Operation [INSERT] cannot be run with a target column list, given [dst (`foo`, `bar`)]',
    );
    expect(await message(`REPLACE INTO dst (foo, bar) OVERWRITE ALL SELECT dim1, ts FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(
      'Operation [REPLACE] cannot be run with a target column list, given [dst (`foo`, `bar`)]',
    );
    expect(await message(`INSERT INTO "in/valid" SELECT dim1 FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(
      "Invalid value for field [table]: Value [in/valid] cannot contain '/'.",
    );
    expect(await message(`INSERT INTO nonexistent.dst SELECT dim1 FROM ${EXT} PARTITIONED BY ALL TIME`)).toBe(
      'Table [nonexistent.dst] does not support operation [INSERT] because it is not a Druid datasource',
    );
  });

  it('reports syntax errors with their position, token and expected tokens', async () => {
    const err = await failure('INSERT INTO dst\nSELEC 1 PARTITIONED BY ALL');
    expect(err.message).toMatch(/^Received an unexpected token \[SELEC\] \(line \[2\], column \[1\]\), acceptable options: /);
    expect(err.context).toMatchObject({ sourceType: 'sql', line: '2', column: '1', token: 'SELEC' });
    expect(err.context.expected).toContain('SELECT');
  });

  it('positions syntax errors in the text as written even after a quoted-for-the-parser label', async () => {
    const sql = `SELECT * FROM TABLE(localfiles(baseDir => '/d', filter => '*.csv', format => 'csv')) EXTEND (x VARCHAR) WHERE`;
    const err = await failure(sql);
    expect(Number(err.context.column)).toBe(sql.indexOf('WHERE') + 'WHERE'.length + 1);
  });

  it('allows only literals in SET', async () => {
    expect(await message('SET a = b; SELECT 1 AS x')).toMatch(/^Received an unexpected token \[b\] \(line \[1\], column \[9\]\)/);
  });
});

describe('output columns', () => {
  const unnamed =
    'Insertion requires columns to be named, but at least one of the columns was unnamed.  This is usually the result of applying a function without having an AS clause, please ensure that all function callsare named with an AS clause as in "func(X) as myColumn".';

  it('requires every column to be named, also inside subqueries and for EXPR$n aliases', async () => {
    expect(await message(`INSERT INTO t SELECT dim1, dim1 || '-lol' FROM ${EXT} PARTITIONED BY ALL`)).toBe(unnamed);
    expect(await message(`INSERT INTO t SELECT dim1 AS EXPR$0 FROM ${EXT} PARTITIONED BY ALL`)).toBe(unnamed);
    expect(await message(`INSERT INTO t SELECT * FROM (SELECT dim1, LOWER(dim1) FROM ${EXT}) PARTITIONED BY ALL TIME`)).toBe(unnamed);
  });

  it('rejects duplicate names', async () => {
    expect(await message(`INSERT INTO t SELECT dim1, m1 AS dim1 FROM ${EXT} PARTITIONED BY ALL`)).toBe('Duplicate field in SELECT: [dim1]');
  });

  it('requires __time to be a TIMESTAMP', async () => {
    expect(await message(`INSERT INTO t SELECT ts AS __time FROM ${EXT} PARTITIONED BY DAY`)).toBe(
      'Field[__time] was the wrong type[VARCHAR], expected TIMESTAMP',
    );
    expect(await message(`INSERT INTO t SELECT m1 AS __time FROM ${EXT} PARTITIONED BY DAY`)).toBe(
      'Field[__time] was the wrong type[DOUBLE], expected TIMESTAMP',
    );
  });

  it('requires __time unless PARTITIONED BY ALL', async () => {
    expect(await message(`INSERT INTO t SELECT dim1 FROM ${EXT} PARTITIONED BY DAY`)).toBe(
      'The granularity [{type=period, period=P1D, timeZone=UTC, origin=null}] specified in the PARTITIONED BY clause of the INSERT query is different from ALL. Therefore, the query must specify a time column (named __time).',
    );
    const plan = await planMsqStatement(`INSERT INTO t SELECT dim1 FROM ${EXT} PARTITIONED BY ALL`, {}, db);
    expect(plan.partitionedBy).toEqual({ type: 'all' });
  });

  it('allows LIMIT only with ALL, and never OFFSET', async () => {
    expect(await message(`INSERT INTO t SELECT TIME_PARSE(ts) AS __time FROM ${EXT} LIMIT 10 PARTITIONED BY DAY`)).toBe(
      'INSERT and REPLACE queries cannot have a LIMIT unless PARTITIONED BY is "ALL".',
    );
    expect(await message(`INSERT INTO t SELECT dim1 FROM ${EXT} LIMIT 10 OFFSET 2 PARTITIONED BY ALL`)).toBe(
      'INSERT and REPLACE queries cannot have an OFFSET.',
    );
    const plan = await planMsqStatement(`INSERT INTO t SELECT dim1 FROM ${EXT} LIMIT 10 PARTITIONED BY ALL`, {}, db);
    expect(plan.limit).toBe(10);
    expect(plan.singleWorker).toBe(true);
  });

  it('names an unknown function without DuckDB wording', async () => {
    const text = await message(`INSERT INTO t SELECT FOO(dim1) AS x FROM ${EXT} PARTITIONED BY ALL`);
    expect(text).toContain('FOO');
    expect(text).not.toMatch(/Scalar Function|Did you mean|LINE \d|Catalog Error/);
  });

  it('rejects AVG as a rollup metric but allows it finalized', async () => {
    const sql = `INSERT INTO t SELECT dim1, AVG(m1) AS a FROM ${EXT} GROUP BY 1 PARTITIONED BY ALL`;
    expect(await message(sql, { finalizeAggregations: false })).toMatch(/^AVG cannot be stored as a rollup metric/);
    const plan = await planMsqStatement(sql, {}, db);
    expect(plan.columns.map((c) => c.combine)).toEqual([null, null]);
    expect(plan.singleWorker).toBe(true);
  });

  it('rejects sqlOuterLimit on ingestion', async () => {
    expect(await message(`INSERT INTO t SELECT dim1 FROM ${EXT} PARTITIONED BY ALL`, { sqlOuterLimit: 100 })).toBe(
      'Context parameter [sqlOuterLimit] cannot be provided on operator [INSERT]',
    );
  });
});

describe('PARTITIONED BY', () => {
  const expected = `Expected 'SECOND', 'MINUTE', 'FIVE_MINUTE', 'TEN_MINUTE', 'FIFTEEN_MINUTE', 'THIRTY_MINUTE', 'HOUR', 'SIX_HOUR', 'EIGHT_HOUR', 'DAY', 'MONTH', 'QUARTER', 'YEAR', 'ALL', ALL TIME, FLOOR() or TIME_FLOOR()`;

  it('rejects unknown and non-standard granularities with Druid message', async () => {
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} PARTITIONED BY 'invalid_granularity'`)).toBe(
      `Invalid granularity['invalid_granularity'] specified after PARTITIONED BY clause. ${expected}`,
    );
    expect(await message(`insert into foo1 select TIME_PARSE(ts) AS __time FROM ${EXT} partitioned by time_floor(__time, 'PT2H')`)).toBe(
      `Invalid granularity[\`time_floor\`(\`__time\`, 'PT2H')] specified after PARTITIONED BY clause. ${expected}`,
    );
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} PARTITIONED BY 'PT7M'`)).toContain("Invalid granularity['PT7M']");
  });

  it('checks the FLOOR and TIME_FLOOR forms', async () => {
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} PARTITIONED BY TIME_FLOOR(ts, 'P1D')`)).toBe(
      'Invalid argument[ts] provided. The first argument to TIME_FLOOR in PARTITIONED BY clause must be __time.',
    );
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} PARTITIONED BY TIME_FLOOR(__time, 'bogus')`)).toBe(
      "granularity['bogus'] is an invalid period literal.",
    );
    expect(await message(`INSERT INTO dst SELECT * FROM ${EXT} PARTITIONED BY CEIL(__time TO DAY)`)).toBe(
      'Invalid operator[CEIL] specified. PARTITIONED BY clause only supports FLOOR(__time TO <unit>) and TIME_FLOOR(__time, period) functions.',
    );
  });
});
