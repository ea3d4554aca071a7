import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import { GroveError } from '../../src/core/errors.js';
import { createQueryEngine, type QueryDeps } from '../../src/query/index.js';
import { runSql } from '../helpers/druid-sql.js';
import type { TaskView } from '../../src/core/task-view.js';
import { druidStatus } from '../../src/api/druid/errors.js';

/** System tables end to end through runSql: no segment file is read, so none is written. */

const iv = (a: string, b: string): Interval => ({ start: Date.parse(a), end: Date.parse(b) });
const DAY = iv('2021-03-01', '2021-03-02');

function seg(version: string, numRows: number): SegmentRecord {
  return {
    id: segmentId('wiki', DAY, version, 0),
    dataSource: 'wiki',
    interval: DAY,
    version,
    partitionNum: 0,
    path: 'x',
    size: 10,
    numRows,
    used: true,
    dimensions: ['page'],
    metrics: [],
    columns: [{ name: '__time', type: 'LONG' }, { name: 'page', type: 'STRING' }, { name: 'n', type: 'LONG' }],
    createdDate: version,
  };
}

const segments = [seg('v1', 3), seg('v2', 5)];
const tasks: TaskView[] = [
  {
    id: 'idx_1', groupId: 'idx_1', type: 'index_parallel', createdMs: Date.parse('2024-01-01T00:00:00.000Z'), status: 'SUCCESS', runnerState: 'NONE',
    startedMs: null, durationMs: 1234, errorMsg: null, location: null, dataSource: 'wiki',
  },
];

let dir: string;
let engine: DuckDBInstance;

function deps(extra: Partial<QueryDeps> = {}): QueryDeps {
  return {
    listUsedSegments: async (names) => segments.filter((s) => names.includes(s.dataSource)),
    knownDataSources: async () => ['wiki'],
    deepStorageDir: dir,
    duckdb: engine,
    listTasks: async () => tasks,
    server: { host: 'localhost', port: 8888, startTime: '2024-01-01T00:00:00.000Z', version: '0.0.0' },
    ...extra,
  };
}

const sql = (query: string, extra: Partial<QueryDeps> = {}) => runSql({ query }, deps(extra));

async function sqlError(query: string): Promise<GroveError> {
  try {
    await sql(query);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    return e as GroveError;
  }
  throw new Error(`expected ${query} to fail`);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grove-system-'));
  engine = await createQueryEngine({ deepStorageDir: dir });
});

afterAll(() => {
  engine?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('system tables through runSql', () => {
  it('answers every quoting of a reference, and qualifiers by table name or alias', async () => {
    const q = 'version, is_overshadowed, is_active, num_rows';
    const expected = [['v1', 1, 0, 3], ['v2', 0, 1, 5]];
    expect((await sql(`SELECT ${q} FROM sys.segments ORDER BY version`)).rows).toEqual(expected);
    expect((await sql(`SELECT ${q} FROM "sys"."segments" ORDER BY version`)).rows).toEqual(expected);
    expect((await sql('SELECT segments.version FROM sys.segments WHERE sys.segments.is_active = 1')).rows).toEqual([['v2']]);
    expect((await sql('SELECT s.version FROM sys.segments AS s WHERE s.is_active = 1')).rows).toEqual([['v2']]);
    expect((await sql('SELECT COUNT(*) AS c FROM (SELECT * FROM sys.segments) t')).rows).toEqual([[2]]);
  });

  it('types columns as Druid declares them', async () => {
    const r = await sql('SELECT segment_id, "start", size, shard_spec FROM sys.segments LIMIT 1');
    expect(r.columns).toEqual([
      { name: 'segment_id', druidType: 'STRING', sqlType: 'VARCHAR' },
      { name: 'start', druidType: 'STRING', sqlType: 'VARCHAR' },
      { name: 'size', druidType: 'LONG', sqlType: 'BIGINT' },
      { name: 'shard_spec', druidType: 'STRING', sqlType: 'VARCHAR' },
    ]);
    expect(r.rows[0][1]).toBe('2021-03-01T00:00:00.000Z');
  });

  it('joins system tables with each other', async () => {
    const r = await sql(`SELECT t.task_id, COUNT(*) AS segs FROM sys.tasks t JOIN sys.segments s ON s.datasource = t.datasource GROUP BY 1`);
    expect(r.rows).toEqual([['idx_1', 2]]);
  });

  it('lists tasks, servers and the INFORMATION_SCHEMA', async () => {
    expect((await sql('SELECT task_id, status, runner_status, duration, location FROM sys.tasks')).rows).toEqual([['idx_1', 'SUCCESS', 'NONE', 1234, null]]);
    expect((await sql(`SELECT server_type FROM sys.servers WHERE is_leader = 1`)).rows).toEqual([['coordinator'], ['overlord']]);
    expect((await sql('SELECT COUNT(*) FROM sys.supervisors')).rows).toEqual([[0]]);
    expect((await sql(`SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'sys'`)).rows).toEqual([['sys']]);
    expect((await sql(`SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'druid'`)).rows).toEqual([['wiki', 'TABLE']]);
    const cols = await sql(`SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION FROM INFORMATION_SCHEMA."COLUMNS" c WHERE c.TABLE_NAME = 'wiki' ORDER BY 3`);
    expect(cols.rows).toEqual([['__time', 'TIMESTAMP', 1], ['page', 'VARCHAR', 2], ['n', 'BIGINT', 3]]);
  });

  it('is empty where the engine has no task queue or server identity', async () => {
    expect((await sql('SELECT COUNT(*) FROM sys.tasks', { listTasks: undefined })).rows).toEqual([[0]]);
    expect((await sql('SELECT COUNT(*) FROM sys.servers', { server: undefined })).rows).toEqual([[0]]);
  });

  it('names system tables in EXPLAIN resources', async () => {
    const r = await runSql({ query: 'EXPLAIN PLAN FOR SELECT * FROM sys.tasks, INFORMATION_SCHEMA.SCHEMATA' }, deps());
    expect(JSON.parse(String(r.rows[0][1]))).toEqual([{ name: 'tasks', type: 'SYSTEM_TABLE' }]);
  });
});

describe('system table errors', () => {
  it('unknown and wrongly cased names are Calcite errors with position', async () => {
    const e = await sqlError('SELECT * FROM sys.nope');
    expect(druidStatus(e)).toBe(400);
    expect(e.message).toBe("Object 'nope' not found within 'sys' (line [1], column [15])");
    expect(e.context).toMatchObject({ line: '1', column: '15', endColumn: '22' });
    expect((await sqlError('SELECT * FROM sys.TASKS')).message).toMatch(/^Object 'TASKS' not found within 'sys'; did you mean 'tasks'\?/);
    expect((await sqlError('SELECT * FROM information_schema.tables')).message).toMatch(
      /^Object 'information_schema' not found; did you mean 'INFORMATION_SCHEMA'\?/,
    );
    expect((await sqlError('SELECT * FROM lookup.x')).message).toMatch(/^Object 'x' not found within 'lookup'/);
  });

  it('unknown columns of a system table are reported like datasource columns', async () => {
    expect((await sqlError('SELECT nope FROM sys.tasks')).message).toBe("Column 'nope' not found in any table (line [1], column [8])");
  });
});
