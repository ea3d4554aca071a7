import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestServer, waitFor } from '../helpers/server.js';
import { inlineSpec, noop } from '../helpers/specs.js';

/** Druid's system tables over POST /druid/v2/sql, answered from the metadata store and the queue. */

const DAY = '2021-03-01/2021-03-02';
const rows = (page: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2021-03-01T0${i}:00:00Z`, page, n: i }));

describe.each(BACKENDS)('system tables on %s', (backend) => {
  let s: TestServer;
  let firstTask: string;
  let secondTask: string;

  beforeAll(async () => {
    s = await TestServer.start({ backend, capacity: 2 });
    firstTask = await s.submit(inlineSpec('sys_ds', rows('one', 3), { intervals: [DAY] }));
    expect((await s.waitForCompletion(firstTask)).statusCode).toBe('SUCCESS');
  });
  afterAll(async () => s?.close());

  it('sys.segments lists the published segment with its row count, active and not overshadowed', async () => {
    const r = await s.sql(`SELECT datasource, "start", "end", num_rows, is_published, is_available, is_realtime, is_active, is_overshadowed,
      partition_num, num_replicas, shard_spec, dimensions, metrics FROM sys.segments WHERE datasource = 'sys_ds'`);
    expect(r).toEqual([{
      datasource: 'sys_ds',
      start: '2021-03-01T00:00:00.000Z',
      end: '2021-03-02T00:00:00.000Z',
      num_rows: 3,
      is_published: 1,
      is_available: 1,
      is_realtime: 0,
      is_active: 1,
      is_overshadowed: 0,
      partition_num: 0,
      num_replicas: 1,
      shard_spec: '{"type":"numbered","partitionNum":0,"partitions":0}',
      dimensions: '["page","n"]',
      metrics: '[]',
    }]);
  });

  it('after a replace of the same interval, the old segment is overshadowed and inactive', async () => {
    secondTask = await s.submit(inlineSpec('sys_ds', rows('two', 2), { intervals: [DAY] }));
    expect((await s.waitForCompletion(secondTask)).statusCode).toBe('SUCCESS');
    const r = await s.sql(`SELECT num_rows, is_overshadowed, is_active, replication_factor FROM sys.segments
      WHERE datasource = 'sys_ds' ORDER BY version`);
    expect(r).toEqual([
      { num_rows: 3, is_overshadowed: 1, is_active: 0, replication_factor: -1 },
      { num_rows: 2, is_overshadowed: 0, is_active: 1, replication_factor: 1 },
    ]);
    expect(await s.sql(`SELECT COUNT(*) AS c, SUM(num_rows) AS r FROM "sys"."segments" WHERE is_active = 1 AND datasource = 'sys_ds'`)).toEqual([{ c: 1, r: 2 }]);
  });

  it('sys.tasks shows completed tasks and a running one', async () => {
    const done = await s.sql(`SELECT task_id, group_id, type, datasource, status, runner_status, error_msg FROM sys.tasks WHERE task_id = '${firstTask}'`);
    expect(done).toEqual([{ task_id: firstTask, group_id: firstTask, type: 'index_parallel', datasource: 'sys_ds', status: 'SUCCESS', runner_status: 'NONE', error_msg: null }]);
    const [{ duration }] = await s.sql(`SELECT duration FROM sys.tasks WHERE task_id = '${firstTask}'`);
    expect(duration).toBeGreaterThan(0);

    const running = await s.submit(noop(60_000, 'sys_noop'));
    try {
      const row = await waitFor(async () => {
        const r = await s.sql(`SELECT status, runner_status, location, host, plaintext_port, tls_port, duration FROM sys.tasks WHERE task_id = '${running}'`);
        return r[0]?.runner_status === 'RUNNING' ? r[0] : undefined;
      }, 30_000, 'the noop task to run');
      expect(row).toEqual({ status: 'RUNNING', runner_status: 'RUNNING', location: `127.0.0.1:${s.port}`, host: '127.0.0.1', plaintext_port: s.port, tls_port: -1, duration: -1 });
      // The same set as the Overlord's task list.
      const listed = (await s.json<any[]>('/druid/indexer/v1/tasks')).map((t) => t.id).sort();
      const fromSql = (await s.sql('SELECT task_id FROM sys.tasks')).map((t) => t.task_id).sort();
      expect(fromSql).toEqual(listed);
    } finally {
      await s.post(`/druid/indexer/v1/task/${running}/shutdown`);
    }
    const ended = await s.waitForCompletion(running);
    expect(ended.statusCode).toBe('FAILED');
    expect(await s.sql(`SELECT status, error_msg FROM sys.tasks WHERE task_id = '${running}'`)).toEqual([{ status: 'FAILED', error_msg: 'Shutdown request from user' }]);
  });

  it('sys.servers lists this process in each role, with types in the header', async () => {
    const r = await s.post('/druid/v2/sql', { query: 'SELECT server, server_type, is_leader FROM sys.servers', resultFormat: 'array', header: true, sqlTypesHeader: true });
    const body = (await r.json()) as any[];
    expect(body[0]).toEqual(['server', 'server_type', 'is_leader']);
    expect(body[1]).toEqual(['VARCHAR', 'VARCHAR', 'BIGINT']);
    expect(body.slice(2).map((x) => x[1])).toEqual(['coordinator', 'historical', 'broker', 'overlord', 'router', 'indexer']);
    expect(body.slice(2).every((x) => x[0] === `127.0.0.1:${s.port}`)).toBe(true);
  });

  it('INFORMATION_SCHEMA lists the datasource, its columns and types, and the schemas', async () => {
    expect(await s.sql(`SELECT TABLE_CATALOG, TABLE_SCHEMA, TABLE_TYPE, IS_JOINABLE, IS_BROADCAST FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'sys_ds'`)).toEqual([
      { TABLE_CATALOG: 'druid', TABLE_SCHEMA: 'druid', TABLE_TYPE: 'TABLE', IS_JOINABLE: 'NO', IS_BROADCAST: 'NO' },
    ]);
    const sys = await s.sql(`SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'sys' ORDER BY 1`);
    expect(sys.map((t) => t.TABLE_NAME)).toEqual(['segments', 'servers', 'supervisors', 'tasks']);
    const cols = await s.sql(`SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, IS_NULLABLE, JDBC_TYPE FROM INFORMATION_SCHEMA.COLUMNS
      WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = 'sys_ds' ORDER BY ORDINAL_POSITION`);
    expect(cols).toEqual([
      { COLUMN_NAME: '__time', ORDINAL_POSITION: 1, DATA_TYPE: 'TIMESTAMP', IS_NULLABLE: 'NO', JDBC_TYPE: 93 },
      { COLUMN_NAME: 'page', ORDINAL_POSITION: 2, DATA_TYPE: 'VARCHAR', IS_NULLABLE: 'YES', JDBC_TYPE: 12 },
      { COLUMN_NAME: 'n', ORDINAL_POSITION: 3, DATA_TYPE: 'BIGINT', IS_NULLABLE: 'YES', JDBC_TYPE: -5 },
    ]);
    const schemas = await s.sql('SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY SCHEMA_NAME');
    expect(schemas.map((x) => x.SCHEMA_NAME).sort()).toEqual(['INFORMATION_SCHEMA', 'druid', 'lookup', 'sys', 'view']);
  });

  it('an unknown system table is a 400 in Druid error shape', async () => {
    const r = await s.post('/druid/v2/sql', { query: 'SELECT * FROM sys.nope' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      error: 'druidException',
      errorCode: 'invalidInput',
      persona: 'USER',
      category: 'INVALID_INPUT',
      errorMessage: "Object 'nope' not found within 'sys' (line [1], column [15])",
      context: { sourceType: 'sql', line: '1', column: '15' },
    });
  });
});
