import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { inline, seedInsert, wikiRows } from '../helpers/msq.js';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';

describe.each(BACKENDS)('SQL-based ingestion (MSQ) on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 4 });

  const submit = async (query: string, context: Record<string, unknown> = {}) => {
    const r = await env.s.post('/druid/v2/sql/task', { query, context });
    return { status: r.status, body: await r.json() };
  };
  const run = async (query: string, context: Record<string, unknown> = {}) => {
    const { status, body } = await submit(query, context);
    expect(status, JSON.stringify(body)).toBe(202);
    return { id: body.taskId as string, final: await env.s.waitForCompletion(body.taskId, 120_000) };
  };
  const msq = async (id: string) => (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).multiStageQuery.payload;

  it('runs the seed INSERT: 202, controller and workers in the task lists, the seed report shape, rows queryable', async () => {
    const uris = [env.input.serve('wiki-a.json', wikiRows(30)), env.input.serve('wiki-b.json', wikiRows(20, '2016-06-28'))];
    const { status, body } = await submit(seedInsert('wikipedia', uris), { maxNumTasks: 3 });
    expect(status).toBe(202);
    expect(body).toEqual({ taskId: expect.stringMatching(/^query-[0-9a-f-]{36}$/), state: 'RUNNING' });
    const final = await env.s.waitForCompletion(body.taskId, 120_000);
    expect(final).toMatchObject({ statusCode: 'SUCCESS', type: 'query_controller', groupId: body.taskId });
    // Workers end a moment after their controller: it tells them the query is over as it finishes.
    for (const n of [0, 1]) await env.s.waitForCompletion(`${body.taskId}-worker${n}_0`, 10_000);
    const group = (await env.s.json('/druid/indexer/v1/tasks?state=complete')).filter((t: any) => t.groupId === body.taskId);
    expect(group.map((t: any) => t.id).sort()).toEqual([body.taskId, `${body.taskId}-worker0_0`, `${body.taskId}-worker1_0`].sort());
    expect(group.filter((t: any) => t.type === 'query_worker').every((t: any) => t.statusCode === 'SUCCESS')).toBe(true);

    const p = await msq(body.taskId);
    expect(p.status).toMatchObject({ status: 'SUCCESS', pendingTasks: 0 });
    expect(p.status.durationMs).toBeGreaterThan(0);
    expect(p.stages.map((st: any) => [st.stageNumber, st.phase, st.definition.processor.type])).toEqual([[0, 'FINISHED', 'scan'], [1, 'FINISHED', 'segmentGenerator']]);
    expect(p.stages[0].workerCount).toBe(2);
    expect(p.stages[0].partitionCount).toBe(2);
    const rowsIn = Object.values(p.counters['0']).reduce((n: number, w: any) => n + w.input0.rows.reduce((a: number, b: number) => a + b, 0), 0);
    expect(rowsIn).toBe(50);
    const generated = Object.values(p.counters['1']).reduce((n: number, w: any) => n + w.segmentGenerationProgress.rowsPersisted, 0);
    expect(generated).toBe(50);
    expect(await env.s.sql('SELECT COUNT(*) AS c, SUM(added) AS added FROM wikipedia')).toEqual([{ c: 50, added: 435 + 190 }]);
    expect(await env.s.sql("SELECT COUNT(*) AS c FROM wikipedia WHERE __time >= TIMESTAMP '2016-06-28'")).toEqual([{ c: 20 }]);
  });

  it('shows stages and counters while the job runs', async () => {
    const uris = [env.input.serve('live-a.json', wikiRows(10)), env.input.serve('live-b.json', wikiRows(10), true)];
    const { body } = await submit(seedInsert('live_msq', uris), { maxNumTasks: 2 });
    const live = await waitFor(async () => {
      const r = await env.s.get(`/druid/indexer/v1/task/${body.taskId}/reports`);
      if (r.status !== 200) return undefined;
      const p = (await r.json()).multiStageQuery.payload;
      const rows = p.counters?.['0']?.['0']?.input0?.rows?.reduce((a: number, b: number) => a + b, 0) ?? 0;
      return rows === 10 ? p : undefined;
    }, 30_000, 'stage 0 counters after the first file');
    expect(live.status.status).toBe('RUNNING');
    expect(live.stages[0].phase).toBe('READING_INPUT');
    env.input.release('live-b.json');
    expect((await env.s.waitForCompletion(body.taskId, 60_000)).statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT COUNT(*) AS c FROM live_msq')).toEqual([{ c: 20 }]);
  });

  it('answers validation errors with 400 in the sql/task shape and starts nothing', async () => {
    const before = (await env.s.json('/druid/indexer/v1/tasks')).length;
    const cases: Array<[string, RegExp]> = [
      [`INSERT INTO t SELECT * FROM ${inline(['a,1'], 'x VARCHAR, y BIGINT')}`, /requires a PARTITIONED BY to be explicitly defined/],
      [`REPLACE INTO t SELECT * FROM ${inline(['a,1'], 'x VARCHAR, y BIGINT')} PARTITIONED BY ALL`, /Missing time chunk information in OVERWRITE clause/],
      [`INSERT INTO t SELECT x AS __time FROM ${inline(['a'], 'x VARCHAR')} PARTITIONED BY DAY`, /Field\[__time\] was the wrong type\[VARCHAR\], expected TIMESTAMP/],
      [`INSERT INTO t SELECT TIME_PARSE(x) AS __time, NO_SUCH_FN(x) AS y FROM ${inline(['a'], 'x VARCHAR')} PARTITIONED BY DAY`, /NO_SUCH_FN/i],
      ['INSERT INTO t SELEC 1', /line \[1\], column/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await submit(query);
      expect(status, query).toBe(400);
      expect(body.state).toBe('FAILED');
      expect(body.error).toMatchObject({ error: 'druidException', errorCode: 'invalidInput', category: 'INVALID_INPUT' });
      expect(body.error.errorMessage, query).toMatch(message);
    }
    for (const table of ['INFORMATION_SCHEMA.SCHEMATA', 'sys.tasks']) {
      const sys = await submit(`SELECT * FROM ${table}`);
      expect(sys.status).toBe(400);
      expect(sys.body.error.errorMessage).toBe(`Cannot query table(s) [${table}] with SQL engine [msq-task]`);
    }
    const parse = await submit('INSERT INTO t SELEC 1');
    expect(parse.body.error.context).toMatchObject({ line: '1' });
    expect((await env.s.json('/druid/indexer/v1/tasks')).length).toBe(before);
  });

  it('REPLACE OVERWRITE ALL swaps the datasource in one step; rollup with GROUP BY; CLUSTERED BY orders segments', async () => {
    const rows = ['2020-01-01T01:00:00Z,b,1,x', '2020-01-01T02:00:00Z,a,2,z', '2020-01-01T03:00:00Z,b,3,x', '2020-01-01T04:00:00Z,c,5,y', '2020-01-02T01:00:00Z,c,4,y'];
    const src = inline(rows, 'ts VARCHAR, page VARCHAR, n BIGINT, grp VARCHAR');
    expect((await run(`INSERT INTO rep SELECT TIME_PARSE(ts) AS __time, page, n, grp FROM ${src} PARTITIONED BY DAY`)).final.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT COUNT(*) AS c FROM rep')).toEqual([{ c: 5 }]);
    const rollup = (clustering: string) => `REPLACE INTO rep OVERWRITE ALL
      SELECT FLOOR(TIME_PARSE(ts) TO DAY) AS __time, page, grp, COUNT(*) AS cnt, SUM(n) AS total
      FROM ${src} GROUP BY 1, 2, 3 PARTITIONED BY DAY ${clustering}`;
    // The day's segment file is sorted by __time, then CLUSTERED BY, then the other dimensions.
    const firstDayOrder = async (): Promise<string[]> => {
      const files: string[] = [];
      for (const e of fs.readdirSync(path.join(env.s.dataDir, 'segments', 'rep'), { withFileTypes: true, recursive: true })) {
        if (e.isFile()) files.push(path.join(e.parentPath, e.name));
      }
      const newest = files.filter((f) => f.includes('2020-01-01T00:00:00.000Z_2020-01-02')).sort().at(-1) as string;
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        return (await conn.runAndReadAll(`SELECT page FROM read_parquet('${newest}')`)).getRowObjectsJson().map((r) => String(r.page));
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    };
    expect((await run(rollup(''), { finalizeAggregations: false })).final.statusCode).toBe('SUCCESS');
    expect(await firstDayOrder()).toEqual(['a', 'b', 'c']);
    const { id, final } = await run(rollup('CLUSTERED BY grp'), { finalizeAggregations: false });
    expect(final.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT __time, page, grp, cnt, total FROM rep ORDER BY __time, page')).toEqual([
      { __time: '2020-01-01T00:00:00.000Z', page: 'a', grp: 'z', cnt: 1, total: 2 },
      { __time: '2020-01-01T00:00:00.000Z', page: 'b', grp: 'x', cnt: 2, total: 4 },
      { __time: '2020-01-01T00:00:00.000Z', page: 'c', grp: 'y', cnt: 1, total: 5 },
      { __time: '2020-01-02T00:00:00.000Z', page: 'c', grp: 'y', cnt: 1, total: 4 },
    ]);
    expect((await msq(id)).stages[1].phase).toBe('FINISHED');
    // grp x, y, z: not the order of page, the first dimension.
    expect(await firstDayOrder()).toEqual(['b', 'c', 'a']);
  });

  it('parse exceptions: under maxParseExceptions they are warnings, over it the job fails with TooManyWarnings', async () => {
    const good = JSON.stringify({ ts: '2020-02-01T00:00:00Z', v: 1 });
    const src = `TABLE(inline(data => ARRAY['${good}', 'not json', '${good}'], format => 'json')) EXTEND (ts VARCHAR, v BIGINT)`;
    const over = await run(`INSERT INTO pe SELECT TIME_PARSE(ts) AS __time, v FROM ${src} PARTITIONED BY DAY`);
    expect(over.final.statusCode).toBe('FAILED');
    expect(over.final.errorMsg).toMatch(/^TooManyWarnings/);
    expect((await msq(over.id)).status.errorReport.error).toMatchObject({ errorCode: 'TooManyWarnings', rootErrorCode: 'CannotParseExternalData', maxWarnings: 0 });
    expect((await env.s.post('/druid/v2/sql', { query: 'SELECT COUNT(*) FROM pe' })).status).toBe(400);
    const under = await run(`INSERT INTO pe SELECT TIME_PARSE(ts) AS __time, v FROM ${src} PARTITIONED BY DAY`, { maxParseExceptions: 5 });
    expect(under.final.statusCode).toBe('SUCCESS');
    const warnings = (await msq(under.id)).status.warnings;
    expect(warnings[0].error.errorCode).toBe('CannotParseExternalData');
    expect(await env.s.sql('SELECT COUNT(*) AS c FROM pe')).toEqual([{ c: 2 }]);
  });

  it('a worker process that is killed fails the job with WorkerFailed', async () => {
    const uris = [env.input.serve('wf-a.json', wikiRows(5), true)];
    const { body } = await submit(seedInsert('workerfail_msq', uris), { maxNumTasks: 2 });
    const worker = `${body.taskId}-worker0_0`;
    await waitFor(async () => (env.input.requests('wf-a.json') > 0 ? true : undefined), 30_000, 'worker reading');
    // SIGKILL, as the OOM killer would: the process gets no chance to say anything.
    const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    const pid = ps.split('\n').find((l) => l.includes(`--task=${worker}`))?.trim().split(/\s+/)[0];
    expect(pid).toBeDefined();
    process.kill(Number(pid), 'SIGKILL');
    const final = await env.s.waitForCompletion(body.taskId, 10_000);
    expect(final.statusCode).toBe('FAILED');
    expect(final.errorMsg).toMatch(/^WorkerFailed/);
    expect((await env.s.status(worker))).toMatchObject({ statusCode: 'FAILED', errorMsg: expect.stringMatching(/exited unexpectedly.*SIGKILL/) });
    expect((await msq(body.taskId)).status.errorReport.error).toMatchObject({ errorCode: 'WorkerFailed', workerTaskId: worker });
    expect((await env.s.json('/druid/indexer/v1/runningTasks')).filter((t: any) => t.groupId === body.taskId)).toEqual([]);
    env.input.release('wf-a.json');
  });

  it('reads an EXTERN __time column (long millis) as a TIMESTAMP, as Druid does', async () => {
    const data = [{ __time: 1442018818771, page: 'a' }, { __time: 1442022418771, page: 'b' }].map((r) => JSON.stringify(r)).join('\n');
    const extern = `TABLE(EXTERN('${JSON.stringify({ type: 'inline', data })}', '{"type":"json"}', '[{"name":"__time","type":"long"},{"name":"page","type":"string"}]'))`;
    const { final } = await run(`INSERT INTO tlong SELECT TIME_FLOOR(__time, 'PT1H') AS __time, page FROM ${extern} PARTITIONED BY DAY`);
    expect(final.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT __time, page FROM tlong ORDER BY __time')).toEqual([
      { __time: '2015-09-12T00:00:00.000Z', page: 'a' },
      { __time: '2015-09-12T01:00:00.000Z', page: 'b' },
    ]);
  });

  it('a SELECT job puts its rows in the report, truncated at 3,000', async () => {
    const rows = Array.from({ length: 3500 }, (_, i) => `${i}`);
    const { id, final } = await run(`SELECT CAST(x AS BIGINT) AS x FROM ${inline(rows, 'x VARCHAR')}`);
    expect(final.statusCode).toBe('SUCCESS');
    const results = (await msq(id)).results;
    expect(results.signature).toEqual([{ name: 'x', type: 'LONG' }]);
    expect(results.sqlTypeNames).toEqual(['BIGINT']);
    expect(results.results.length).toBe(3000);
    expect(results.resultsTruncated).toBe(true);
  });
});
