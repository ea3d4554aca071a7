import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestServer, waitFor } from '../helpers/server.js';
import { FIXTURES, inlineSpec, noop, seedSubmitSpec } from '../helpers/specs.js';

const STATUS_KEYS = ['id', 'groupId', 'type', 'createdTime', 'queueInsertionTime', 'statusCode', 'status', 'runnerStatusCode', 'duration', 'location', 'dataSource', 'errorMsg'];

describe.each(BACKENDS)('Tasks API on %s', (backend) => {
  let s: TestServer;
  let seedTask: string;

  beforeAll(async () => {
    // The seed's spec names a baseDir relative to the server's working directory.
    s = await TestServer.start({ backend, capacity: 2, cwd: FIXTURES, allowedInputDirs: [FIXTURES] });
    seedTask = await s.submit(seedSubmitSpec());
  });
  afterAll(async () => s?.close());

  it('submits the seed spec, runs it to SUCCESS and makes the rows queryable', async () => {
    expect(seedTask).toMatch(/^index_parallel_wikipedia_auto_[a-z]{8}_\d{4}-\d\d-\d\dT/);
    const status = await s.waitForCompletion(seedTask);
    expect(status).toMatchObject({ id: seedTask, statusCode: 'SUCCESS', status: 'SUCCESS', runnerStatusCode: 'NONE', errorMsg: null });
    expect(status.duration).toBeGreaterThan(0);
    const rows = await s.sql('SELECT COUNT(*) AS cnt, SUM(added) AS added FROM wikipedia_auto');
    expect(rows).toEqual([{ cnt: 120, added: 31900 }]);
  });

  it('GET task payload returns the spec with Druid defaults, 404 for unknown ids', async () => {
    const r = await s.json(`/druid/indexer/v1/task/${seedTask}`);
    expect(r.task).toBe(seedTask);
    expect(r.payload).toMatchObject({
      type: 'index_parallel',
      id: seedTask,
      groupId: seedTask,
      resource: { availabilityGroup: seedTask, requiredCapacity: 1 },
      dataSource: 'wikipedia_auto',
    });
    expect(r.payload.spec.dataSchema.dataSource).toBe('wikipedia_auto');
    expect(r.payload.spec.ioConfig.inputSource).toMatchObject({ type: 'local', filter: 'wikiticker-2015-09-12-sampled.json.gz' });
    const missing = await s.get('/druid/indexer/v1/task/no_such_task');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ task: 'no_such_task', payload: null });
  });

  it('GET task status has every TaskStatusPlus field; 404 for unknown ids', async () => {
    const r = await s.json(`/druid/indexer/v1/task/${seedTask}/status`);
    expect(Object.keys(r.status).sort()).toEqual([...STATUS_KEYS].sort());
    expect(r.status.queueInsertionTime).toBe('1970-01-01T00:00:00.000Z');
    expect(r.status.location).toEqual({ host: '127.0.0.1', port: s.port, tlsPort: -1 });
    const missing = await s.get('/druid/indexer/v1/task/nope/status');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ task: 'nope', status: null });
  });

  it('GET task segments is gone, with Druid\'s message', async () => {
    const r = await s.get(`/druid/indexer/v1/task/${seedTask}/segments`);
    expect(r.status).toBe(404);
    expect((await r.json()).error).toMatch(/^Segment IDs committed by a task action are not persisted anymore/);
  });

  it('GET task log honours byte offsets (negative = tail) and 404s without a log', async () => {
    const whole = await s.get(`/druid/indexer/v1/task/${seedTask}/log`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await whole.text();
    expect(text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{3} INFO /);
    expect(text).toContain('Published 1 segment(s)');
    const tail = await (await s.get(`/druid/indexer/v1/task/${seedTask}/log?offset=-40`)).text();
    expect(tail).toBe(Buffer.from(text).subarray(-40).toString());
    const skip = await (await s.get(`/druid/indexer/v1/task/${seedTask}/log?offset=10`)).text();
    expect(skip).toBe(Buffer.from(text).subarray(10).toString());
    // From the end or past it: nothing new yet, an empty 200 (a follower polls this way).
    for (const offset of [Buffer.byteLength(text), Buffer.byteLength(text) + 100]) {
      const end = await s.get(`/druid/indexer/v1/task/${seedTask}/log?offset=${offset}`);
      expect(end.status).toBe(200);
      expect(await end.text()).toBe('');
    }
    const none = await s.get('/druid/indexer/v1/task/nope/log');
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('No log was found for this task. The task may not exist, or it may not have begun running yet.');
    expect((await s.get(`/druid/indexer/v1/task/${seedTask}/log?offset=abc`)).status).toBe(400);
  });

  it('GET task reports returns the completion report with measured row stats', async () => {
    const r = await s.json(`/druid/indexer/v1/task/${seedTask}/reports`);
    const p = r.ingestionStatsAndErrors.payload;
    expect(r.ingestionStatsAndErrors).toMatchObject({ type: 'ingestionStatsAndErrors', taskId: seedTask });
    expect(p.ingestionState).toBe('COMPLETED');
    expect(p.errorMsg).toBeNull();
    // 120 rows on 2015-09-12, 3 on the next day fall outside the spec's interval.
    expect(p.rowStats.buildSegments).toMatchObject({ processed: 120, processedWithError: 0, thrownAway: 3, unparseable: 0 });
    expect(p.rowStats.buildSegments.processedBytes).toBeGreaterThan(0);
    const none = await s.get('/druid/indexer/v1/task/nope/reports');
    expect(none.status).toBe(404);
    expect(await none.text()).toMatch(/^No task reports were found for this task/);
  });

  it('lists tasks with the seed sample filters and rejects a bad state', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const r = await s.json(`/druid/indexer/v1/tasks/?state=complete&datasource=wikipedia_auto&createdTimeInterval=${today}_${tomorrow}&max=10&type=index_parallel`);
    expect(r.map((t: any) => t.id)).toContain(seedTask);
    expect(r.every((t: any) => t.dataSource === 'wikipedia_auto' && t.type === 'index_parallel' && t.statusCode !== 'RUNNING')).toBe(true);
    expect(await s.json('/druid/indexer/v1/tasks?state=complete&createdTimeInterval=2015-09-12_2015-09-13')).toEqual([]);
    expect(await s.json('/druid/indexer/v1/tasks?type=query_worker')).toEqual([]);
    const complete = await s.json('/druid/indexer/v1/completeTasks');
    expect(complete.map((t: any) => t.id)).toContain(seedTask);
    const bad = await s.get('/druid/indexer/v1/tasks?state=bogus');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('Invalid task state[bogus]. Must be one of [pending, waiting, running, complete].');
    expect((await s.get('/druid/indexer/v1/tasks?createdTimeInterval=yesterday')).status).toBe(400);
    expect((await s.get('/druid/indexer/v1/tasks?state=complete&max=-1')).status).toBe(400);
  });

  it('caps the complete list with max, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await s.submit(noop(0, 'max_ds')));
    for (const id of ids) await s.waitForCompletion(id);
    const r = await s.json('/druid/indexer/v1/tasks?state=complete&datasource=max_ds&max=2');
    expect(r.map((t: any) => t.id)).toEqual([ids[2], ids[1]]);
  });

  it('shuts down a running task within a second: FAILED with "Shutdown request from user"', async () => {
    const id = await s.submit(noop(60_000, 'shutdown_ds'));
    await waitFor(async () => ((await s.status(id)).runnerStatusCode === 'RUNNING' ? true : undefined), 10_000, 'running');
    const running = await s.json('/druid/indexer/v1/runningTasks');
    expect(running.find((t: any) => t.id === id)).toMatchObject({ statusCode: 'RUNNING', runnerStatusCode: 'RUNNING', duration: -1 });
    const t0 = Date.now();
    const r = await s.post(`/druid/indexer/v1/task/${id}/shutdown`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ task: id });
    const final = await s.waitForCompletion(id, 5000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(final).toMatchObject({ statusCode: 'FAILED', errorMsg: 'Shutdown request from user' });
    const again = await s.post(`/druid/indexer/v1/task/${id}/shutdown`);
    expect(again.status).toBe(404);
  });

  it('shutdownAllTasks: 404 with an empty body when nothing is active, else shuts all down', async () => {
    const none = await s.post('/druid/indexer/v1/datasources/idle_ds/shutdownAllTasks');
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('');
    const ids = [await s.submit(noop(60_000, 'busy_ds')), await s.submit(noop(60_000, 'busy_ds')), await s.submit(noop(60_000, 'busy_ds'))];
    const r = await s.post('/druid/indexer/v1/datasources/busy_ds/shutdownAllTasks');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ dataSource: 'busy_ds' });
    for (const id of ids) expect(await s.waitForCompletion(id, 5000)).toMatchObject({ statusCode: 'FAILED', errorMsg: 'Shutdown request from user' });
  });

  it('POST taskStatus maps ids to short statuses; 400 without ids; 415 for other media types', async () => {
    const r = await s.post('/druid/indexer/v1/taskStatus', [seedTask, 'unknown_task']);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(Object.keys(body)).toEqual([seedTask]);
    expect(body[seedTask]).toMatchObject({ id: seedTask, status: 'SUCCESS', errorMsg: null, location: { host: '127.0.0.1', port: s.port, tlsPort: -1 } });
    expect(body[seedTask].duration).toBeGreaterThan(0);
    const empty = await s.post('/druid/indexer/v1/taskStatus', []);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toBe('No Task IDs provided.');
    expect((await s.post('/druid/indexer/v1/taskStatus', 'x', 'text/plain')).status).toBe(415);
  });

  it('DELETE pendingSegments answers numDeleted', async () => {
    const r = await fetch(`${s.url}/druid/indexer/v1/pendingSegments/wikipedia_auto`, { method: 'DELETE' });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(typeof body.numDeleted).toBe('number');
    expect(body.numDeleted).toBe(0);
  });

  it('rejects bad submissions with clear 4xx errors and stores nothing', async () => {
    const before = (await s.json('/druid/indexer/v1/tasks')).length;
    const cases: Array<[unknown, string, number, RegExp]> = [
      ['{"type":"noop"}', 'text/plain', 415, /Unsupported Media Type/],
      ['{"type": ', 'application/json', 400, /not valid JSON/],
      [{ spec: {} }, 'application/json', 400, /type/],
      [{ type: 'hadoop_index' }, 'application/json', 400, /hadoop_index/],
      [{ type: 'index_parallel', spec: {} }, 'application/json', 400, /dataSchema/],
      [inlineSpec('', [{ ts: '2020-01-01', page: 'a' }]), 'application/json', 400, /dataSource/],
      [{ ...noop(0), id: '..' }, 'application/json', 400, /must not start with '\.'/],
      [{ ...noop(0), id: 'a/b' }, 'application/json', 400, /without '\/'/],
      [{ ...inlineSpec('ok_ds', []), spec: { ...inlineSpec('ok_ds', []).spec, ioConfig: { type: 'index_parallel', inputSource: { type: 'local', baseDir: '/etc', filter: 'passwd' }, inputFormat: { type: 'json' } } } }, 'application/json', 403, /\/etc/],
    ];
    for (const [body, ct, status, message] of cases) {
      const r = await s.post('/druid/indexer/v1/task', typeof body === 'string' ? body : JSON.stringify(body), ct);
      expect(r.status, JSON.stringify(body)).toBe(status);
      const err = await r.json();
      expect(err.error, JSON.stringify(body)).toMatch(message);
    }
    expect((await s.json('/druid/indexer/v1/tasks')).length).toBe(before);
  });

  it('never serves files outside the task directories', async () => {
    for (const p of ['..%2F..%2F..%2Fetc/log', '..%2Fmetadata.sqlite/log', '..%2F..%2Ftasks%2F' + seedTask + '/reports']) {
      const r = await s.get(`/druid/indexer/v1/task/${p}`);
      expect(r.status, p).toBe(404);
    }
  });
});
