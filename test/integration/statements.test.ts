import { beforeAll, describe, expect, it } from 'vitest';
import { inlineSpec } from '../helpers/specs.js';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';

/**
 * The SQL statements API over the real server: asynchronous SELECTs over existing datasources run
 * as MSQ controller tasks, are polled, paged and cancelled, and can be stopped with the rows
 * computed so far (a Grove extension with Elasticsearch's async-stop semantics).
 */

const DAYS = 150;
const ROWS_PER_DAY = 40;
const day = (d: number): string => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

/** DAYS day segments of ROWS_PER_DAY rows: page p<k>, n = row number within the day. */
function manyDays(): object[] {
  const rows: object[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (let i = 0; i < ROWS_PER_DAY; i++) rows.push({ ts: `${day(d)}T${String(i % 24).padStart(2, '0')}:00:00Z`, page: `p${i % 4}`, n: i });
  }
  return rows;
}

const small = [
  { ts: '2024-03-01T01:00:00Z', page: 'a', n: 1 },
  { ts: '2024-03-01T02:00:00Z', page: 'b', n: 2 },
  { ts: '2024-03-02T01:00:00Z', page: 'a', n: 3 },
  { ts: '2024-03-03T01:00:00Z', page: 'c', n: 4 },
  { ts: '2024-03-03T05:00:00Z', page: 'd', n: 5 },
];

const ASYNC = { executionMode: 'ASYNC' };

describe.each(BACKENDS)('SQL statements API on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 4 });

  beforeAll(async () => {
    const ids = [await env.s.submit(inlineSpec('st_small', small)), await env.s.submit(inlineSpec('st_days', manyDays()))];
    for (const id of ids) expect((await env.s.waitForCompletion(id, 120_000)).statusCode).toBe('SUCCESS');
  }, 180_000);

  const post = async (body: unknown) => {
    const r = await env.s.post('/druid/v2/sql/statements', body);
    return { status: r.status, body: (await r.json()) as any };
  };
  const statement = async (id: string, detail = false) => {
    const r = await env.s.get(`/druid/v2/sql/statements/${id}${detail ? '?detail=true' : ''}`);
    return { status: r.status, body: (await r.json()) as any };
  };
  const finished = (id: string) =>
    waitFor(async () => {
      const { body } = await statement(id);
      return body.state === 'SUCCESS' || body.state === 'FAILED' ? body : undefined;
    }, 60_000, `statement ${id}`);

  it('submits, polls and pages through a SELECT over a datasource', async () => {
    const { status, body } = await post({
      query: 'SELECT __time, page, n FROM st_small ORDER BY n',
      context: { ...ASYNC, rowsPerPage: 2 },
    });
    expect(status).toBe(200);
    expect(body.queryId).toMatch(/^query-/);
    expect(['ACCEPTED', 'RUNNING']).toContain(body.state);
    expect(body.durationMs).toBe(-1);
    expect(body.schema).toEqual([
      { name: '__time', type: 'TIMESTAMP', nativeType: 'LONG' },
      { name: 'page', type: 'VARCHAR', nativeType: 'STRING' },
      { name: 'n', type: 'BIGINT', nativeType: 'LONG' },
    ]);
    expect(body.result).toBeUndefined();

    const done = await finished(body.queryId);
    expect(done.state).toBe('SUCCESS');
    expect(done.durationMs).toBeGreaterThan(0);
    expect(done.result).toMatchObject({ numTotalRows: 5, dataSource: '__query_select' });
    expect(done.result.pages.map((p: any) => [p.id, p.numRows])).toEqual([[0, 2], [1, 2], [2, 1]]);
    expect(done.result.totalSizeInBytes).toBe(done.result.pages.reduce((n: number, p: any) => n + p.sizeInBytes, 0));
    expect(done.result.sampleRecords[0]).toEqual(['2024-03-01T01:00:00.000Z', 'a', 1]);
    expect(done.isPartial).toBeUndefined();

    // Page 1 alone, then every page in order.
    const page1 = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?page=1`);
    expect(page1.status).toBe(200);
    expect(await page1.json()).toEqual([
      { __time: '2024-03-02T01:00:00.000Z', page: 'a', n: 3 },
      { __time: '2024-03-03T01:00:00.000Z', page: 'c', n: 4 },
    ]);
    const all = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?resultFormat=arrayLines`);
    expect(all.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await all.text()).trim().split('\n').map((l) => JSON.parse(l)[2])).toEqual([1, 2, 3, 4, 5]);
    const csv = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?page=2&resultFormat=csv&filename=last.csv`);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="last.csv"');
    expect(await csv.text()).toBe('2024-03-03T05:00:00.000Z,d,5\n\n');
  });

  it('answers detail=true with stages and counters, and the task is a query_controller in the Tasks API', async () => {
    const { body } = await post({ query: 'SELECT page, SUM(n) AS total FROM st_small GROUP BY page', context: ASYNC });
    await finished(body.queryId);
    const { body: detail } = await statement(body.queryId, true);
    expect(detail.stages[0]).toMatchObject({ stageNumber: 0, phase: 'FINISHED' });
    expect(detail.stages[0].definition.input).toEqual([{ type: 'table', dataSource: 'st_small', intervals: [expect.any(String)] }]);
    const rowsIn = Object.values(detail.counters['0'] as Record<string, any>).reduce((n: number, c: any) => n + c.input0.rows[0], 0);
    expect(rowsIn).toBe(5);
    const task = await env.s.json(`/druid/indexer/v1/task/${body.queryId}/status`);
    expect(task.status).toMatchObject({ id: body.queryId, type: 'query_controller', statusCode: 'SUCCESS', dataSource: '__query_select' });
    const rows = await (await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`)).json();
    expect(rows).toEqual(expect.arrayContaining([{ page: 'a', total: 4 }, { page: 'b', total: 2 }, { page: 'c', total: 4 }, { page: 'd', total: 5 }]));
    expect(rows).toHaveLength(4);
  });

  it('gives the answer over no rows when the time filter prunes every segment', async () => {
    const { body } = await post({ query: "SELECT COUNT(*) AS c FROM st_small WHERE __time >= TIMESTAMP '2030-01-01 00:00:00'", context: ASYNC });
    const done = await finished(body.queryId);
    expect(done.state).toBe('SUCCESS');
    expect(await (await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`)).json()).toEqual([{ c: 0 }]);
  });

  it('honours sqlTimeZone: local days, local literals, timestamps written with the offset', async () => {
    const query = "SELECT TIME_FLOOR(__time, 'P1D') AS d, COUNT(*) AS c FROM st_small WHERE __time >= TIMESTAMP '2024-03-01 00:00:00' GROUP BY 1 ORDER BY 1";
    const { body } = await post({ query, context: { ...ASYNC, sqlTimeZone: 'Asia/Tokyo' } });
    expect((await finished(body.queryId)).state).toBe('SUCCESS');
    // 01:00Z and 02:00Z are 10:00 and 11:00 in Tokyo; the literal is Tokyo midnight, 15:00Z the day before.
    expect(await (await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`)).json()).toEqual([
      { d: '2024-03-01T00:00:00.000+09:00', c: 2 },
      { d: '2024-03-02T00:00:00.000+09:00', c: 1 },
      { d: '2024-03-03T00:00:00.000+09:00', c: 2 },
    ]);
  });

  it('is idempotent on sqlQueryId: a second submit answers the first statement', async () => {
    const context = { ...ASYNC, sqlQueryId: `idem-${backend}` };
    const first = await post({ query: 'SELECT COUNT(*) AS c FROM st_small', context });
    const second = await post({ query: 'SELECT COUNT(*) AS c FROM st_small', context });
    expect(second.status).toBe(200);
    expect(second.body.queryId).toBe(first.body.queryId);
    expect(second.body.createdAt).toBe(first.body.createdAt);
    await finished(first.body.queryId);
    const third = await post({ query: 'SELECT COUNT(*) AS c FROM st_small', context });
    expect(third.body).toMatchObject({ queryId: first.body.queryId, state: 'SUCCESS', result: { numTotalRows: 1 } });
    const tasks = (await env.s.json('/druid/indexer/v1/tasks')) as any[];
    expect(tasks.filter((t) => t.id === first.body.queryId)).toHaveLength(1);
  });

  it('refuses bad submissions in the druidException shape, and stores nothing', async () => {
    const before = ((await env.s.json('/druid/indexer/v1/tasks')) as any[]).length;
    const noMode = await post({ query: 'SELECT 1' });
    expect(noMode.status).toBe(400);
    expect(noMode.body).toMatchObject({
      error: 'druidException', errorCode: 'invalidInput', category: 'INVALID_INPUT',
      errorMessage: 'Execution mode is not provided to the sql statement api. Please set [executionMode] to [ASYNC] in the query context',
    });
    const sync = await post({ query: 'SELECT 1', context: { executionMode: 'SYNC' } });
    expect(sync.status).toBe(400);
    expect(sync.body.errorMessage).toContain('does not support the provided execution mode [SYNC]');
    const missing = await post({ query: 'SELECT page\nFROM nope', context: ASYNC });
    expect(missing.status).toBe(400);
    expect(missing.body.errorMessage).toBe("Object 'nope' not found (line [2], column [6])");
    expect(missing.body.context).toMatchObject({ line: '2', column: '6' });
    const badSql = await post({ query: 'SELEC page FROM st_small', context: ASYNC });
    expect(badSql.status).toBe(400);
    expect(badSql.body.context.line).toBe('1');
    const format = await post({ query: 'SELECT 1', resultFormat: 'xml', context: ASYNC });
    expect(format.status).toBe(400);
    expect(((await env.s.json('/druid/indexer/v1/tasks')) as any[]).length).toBe(before);
  });

  it('answers unknown ids, bad pages and bad filenames with Druid errors', async () => {
    const unknown = await statement('query-nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'druidException', errorCode: 'notFound', category: 'NOT_FOUND' });
    expect((await env.s.get('/druid/v2/sql/statements/query-nope/results')).status).toBe(404);
    const del = await fetch(`${env.s.url}/druid/v2/sql/statements/query-nope`, { method: 'DELETE' });
    expect(del.status).toBe(404);
    // A task that is not a query_controller is not a statement.
    const noop = await env.s.submit({ type: 'noop', runTime: 10 });
    expect((await statement(noop)).status).toBe(404);

    const { body } = await post({ query: 'SELECT page FROM st_small', context: ASYNC });
    await finished(body.queryId);
    const neg = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?page=-1`);
    expect(neg.status).toBe(400);
    expect((await neg.json()).errorMessage).toBe('Page cannot be negative. Please pass a positive number.');
    const far = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?page=7`);
    expect(far.status).toBe(400);
    expect((await far.json()).errorMessage).toBe('Invalid page id [7] passed.');
    const name = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results?filename=a/b.csv`);
    expect(name.status).toBe(400);
  });

  it('cancels a running statement with DELETE: 202, then FAILED with Canceled; 200 once final', async () => {
    const uri = env.input.serve('held-cancel.json', [{ ts: '2024-01-01T00:00:00Z', v: 1 }], true);
    const query = `SELECT COUNT(*) AS c FROM TABLE(http(uris => ARRAY['${uri}'], format => 'json')) EXTEND (ts VARCHAR, v BIGINT)`;
    const { body } = await post({ query, context: ASYNC });
    await waitFor(async () => (env.input.requests('held-cancel.json') > 0 ? true : undefined), 30_000, 'the worker to request its input');
    const running = await statement(body.queryId);
    expect(running.body.state).toBe('RUNNING');
    const early = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`);
    expect(early.status).toBe(400);
    expect((await early.json()).errorMessage).toBe(`Query[${body.queryId}] is currently in [RUNNING] state. Please wait for it to complete.`);

    const t0 = Date.now();
    const del = await fetch(`${env.s.url}/druid/v2/sql/statements/${body.queryId}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    const done = await finished(body.queryId);
    // Invariant 6: the statement and all of its tasks have ended within a second of the DELETE.
    const group = (await env.s.json('/druid/indexer/v1/tasks')).filter((t: any) => t.groupId === body.queryId);
    expect(group.length).toBeGreaterThan(1);
    expect(group.every((t: any) => t.statusCode === 'FAILED')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(done.state).toBe('FAILED');
    expect(done.errorDetails).toMatchObject({ error: 'druidException', errorCode: 'Canceled' });
    expect(done.schema).toBeUndefined();
    const again = await fetch(`${env.s.url}/druid/v2/sql/statements/${body.queryId}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
    const results = await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`);
    expect(results.status).toBe(400);
    expect((await results.json()).errorMessage).toBe(`Query[${body.queryId}] failed. Check the status api for more details.`);
    env.input.release('held-cancel.json');
  });

  it('stops a SELECT over segments: within a second, partial, and equal to the query over the covered segments', async () => {
    const query = 'SELECT page, COUNT(*) AS c, SUM(n) AS s FROM st_days GROUP BY page';
    const { body } = await post({ query, context: { ...ASYNC, maxNumTasks: 2 } });
    // Stop once the worker has read some segments but (with this many) not all.
    await waitFor(async () => {
      const { body: d } = await statement(body.queryId, true);
      const c = d.counters?.['0']?.['0']?.input0;
      return c && c.files[0] > 0 ? true : undefined;
    }, 60_000, 'the first segments to be read');
    const started = Date.now();
    const stop = await env.s.post(`/druid/v2/sql/statements/${body.queryId}/stop`);
    const elapsed = Date.now() - started;
    expect(stop.status).toBe(200);
    const stopped = (await stop.json()) as any;
    expect(elapsed).toBeLessThan(1000);
    expect(stopped).toMatchObject({ queryId: body.queryId, state: 'SUCCESS', isPartial: true });
    const covered = stopped.covered;
    expect(covered.totalSegments).toBe(DAYS);
    expect(covered.segments.length).toBeGreaterThan(0);
    expect(covered.segments.length).toBeLessThan(DAYS);
    expect(covered.intervals.st_days.length).toBeGreaterThan(0);

    // The same query, restricted to the covered time, through the plain SQL API.
    const where = (covered.intervals.st_days as string[])
      .map((i) => {
        const [a, b] = i.split('/');
        return `(__time >= TIME_PARSE('${a}') AND __time < TIME_PARSE('${b}'))`;
      })
      .join(' OR ');
    const expected = await env.s.sql(`SELECT page, COUNT(*) AS c, SUM(n) AS s FROM st_days WHERE ${where} GROUP BY page ORDER BY page`);
    const partial = (await (await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`)).json()) as any[];
    expect([...partial].sort((a, b) => a.page.localeCompare(b.page))).toEqual(expected);
    expect(expected.reduce((n, r) => n + r.c, 0)).toBe(covered.segments.length * ROWS_PER_DAY);

    // GET keeps saying it was partial; stopping again says it had already finished.
    expect((await statement(body.queryId)).body).toMatchObject({ isPartial: true, covered: { totalSegments: DAYS } });
    const again = (await (await env.s.post(`/druid/v2/sql/statements/${body.queryId}/stop`)).json()) as any;
    expect(again.isPartial).toBe(false);
  });

  it('stops a SELECT over http files: the held file is left out and the result covers the first', async () => {
    const first = env.input.serve('stop-a.json', [{ ts: '2024-01-01T00:00:00Z', v: 1 }, { ts: '2024-01-01T01:00:00Z', v: 2 }]);
    const held = env.input.serve('stop-b.json', [{ ts: '2024-01-02T00:00:00Z', v: 100 }], true);
    const query = `SELECT COUNT(*) AS c, SUM(v) AS s FROM TABLE(http(uris => ARRAY['${first}', '${held}'], format => 'json')) EXTEND (ts VARCHAR, v BIGINT)`;
    const { body } = await post({ query, context: { ...ASYNC, maxNumTasks: 2 } });
    await waitFor(async () => (env.input.requests('stop-b.json') > 0 ? true : undefined), 30_000, 'the held file to be requested');
    const stop = (await (await env.s.post(`/druid/v2/sql/statements/${body.queryId}/stop`)).json()) as any;
    expect(stop).toMatchObject({ state: 'SUCCESS', isPartial: true, covered: { files: [first], totalFiles: 2, segments: [] } });
    expect(await (await env.s.get(`/druid/v2/sql/statements/${body.queryId}/results`)).json()).toEqual([{ c: 2, s: 3 }]);
    env.input.release('stop-b.json');
  });

  it('refuses to stop an ingestion, and a finished SELECT stops as not partial', async () => {
    const insert = await post({ query: 'INSERT INTO st_copy SELECT * FROM st_small PARTITIONED BY DAY', context: ASYNC });
    expect(insert.status).toBe(200);
    const refused = await env.s.post(`/druid/v2/sql/statements/${insert.body.queryId}/stop`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).errorMessage).toContain('Use DELETE to cancel it');
    const done = await finished(insert.body.queryId);
    expect(done.state).toBe('SUCCESS');
    expect(done.result).toMatchObject({ numTotalRows: 5, dataSource: 'st_copy' });
    expect(done.schema).toBeUndefined();
    const res = await env.s.get(`/druid/v2/sql/statements/${insert.body.queryId}/results`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers EXPLAIN PLAN FOR inline on /sql/task and the statements API, without a task', async () => {
    const before = ((await env.s.json('/druid/indexer/v1/tasks')) as any[]).length;
    const r = await env.s.post('/druid/v2/sql/task', { query: 'EXPLAIN PLAN FOR INSERT INTO st_x SELECT __time, page FROM st_small PARTITIONED BY DAY' });
    expect(r.status).toBe(200);
    const [row] = (await r.json()) as any[];
    expect(JSON.parse(row.RESOURCES)).toEqual([{ name: 'st_small', type: 'DATASOURCE' }, { name: 'st_x', type: 'DATASOURCE' }]);
    expect(JSON.parse(row.ATTRIBUTES)).toEqual({ statementType: 'INSERT', targetDataSource: 'st_x', partitionedBy: 'DAY' });
    expect(JSON.parse(row.PLAN)[0].signature).toEqual([{ name: '__time', type: 'LONG' }, { name: 'page', type: 'STRING' }]);
    const st = await post({ query: 'EXPLAIN PLAN FOR SELECT COUNT(*) AS c FROM st_small', context: ASYNC });
    expect(st.status).toBe(200);
    expect(JSON.parse(st.body[0].ATTRIBUTES)).toEqual({ statementType: 'SELECT' });
    expect(((await env.s.json('/druid/indexer/v1/tasks')) as any[]).length).toBe(before);
  });

  it('reads existing datasources in SQL-based ingestion: INSERT ... SELECT FROM copies rows', async () => {
    const r = await env.s.post('/druid/v2/sql/task', {
      query: "REPLACE INTO st_reindex OVERWRITE ALL SELECT __time, UPPER(page) AS page, n * 10 AS n10 FROM st_small WHERE page <> 'd' PARTITIONED BY MONTH",
    });
    expect(r.status).toBe(202);
    const { taskId } = (await r.json()) as any;
    expect((await env.s.waitForCompletion(taskId, 60_000)).statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, n10 FROM st_reindex ORDER BY __time')).toEqual([
      { page: 'A', n10: 10 }, { page: 'B', n10: 20 }, { page: 'A', n10: 30 }, { page: 'C', n10: 40 },
    ]);
    // A SELECT job through /sql/task is a statement too: same executor, same results API.
    const sel = await env.s.post('/druid/v2/sql/task', { query: 'SELECT COUNT(*) AS c FROM st_reindex' });
    const selId = ((await sel.json()) as any).taskId;
    await env.s.waitForCompletion(selId, 60_000);
    expect(await (await env.s.get(`/druid/v2/sql/statements/${selId}/results`)).json()).toEqual([{ c: 4 }]);
  });
});
