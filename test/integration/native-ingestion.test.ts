import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';
import { httpSpec, inlineSpec } from '../helpers/specs.js';

const DAY1 = '2021-03-01/2021-03-02';

describe.each(BACKENDS)('native batch ingestion on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  const run = async (spec: unknown) => {
    const id = await env.s.submit(spec);
    return { id, status: await env.s.waitForCompletion(id) };
  };
  const report = async (id: string) => (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).ingestionStatsAndErrors.payload;

  it('keeps counts of unparseable rows under maxParseExceptions and shows them in the report', async () => {
    const data = [
      JSON.stringify({ ts: '2021-03-01T01:00:00Z', page: 'a', n: 1 }),
      'this is not json',
      JSON.stringify({ ts: 'not a time', page: 'b', n: 2 }),
      JSON.stringify({ ts: '2021-03-01T02:00:00Z', page: 'c', n: 'three' }),
      JSON.stringify({ ts: '2021-03-01T03:00:00Z', page: 'd', n: 4 }),
    ].join('\n');
    const { id, status } = await run(inlineSpec('bad_rows_ok', data, { maxParseExceptions: 10 }));
    expect(status.statusCode).toBe('SUCCESS');
    const p = await report(id);
    expect(p.rowStats.buildSegments).toMatchObject({ processed: 2, processedWithError: 1, unparseable: 2, thrownAway: 0 });
    const events = JSON.stringify(p.unparseableEvents);
    expect(events).toContain('this is not json');
    expect(events).toMatch(/not a time/);
    expect(await env.s.sql('SELECT page, n FROM bad_rows_ok ORDER BY __time')).toEqual([
      { page: 'a', n: 1 },
      { page: 'c', n: null },
      { page: 'd', n: 4 },
    ]);
  });

  it('fails past maxParseExceptions and publishes nothing', async () => {
    const data = ['{"ts":"2021-03-01T01:00:00Z","page":"a","n":1}', 'garbage 1', 'garbage 2'].join('\n');
    const { id, status } = await run(inlineSpec('bad_rows_fail', data, { maxParseExceptions: 1 }));
    expect(status.statusCode).toBe('FAILED');
    expect(status.errorMsg).toMatch(/Max parse exceptions\[1\] exceeded/);
    const p = await report(id);
    expect(p.errorMsg).toMatch(/Max parse exceptions/);
    const r = await env.s.post('/druid/v2/sql', { query: 'SELECT COUNT(*) AS c FROM bad_rows_fail' });
    expect(r.status).toBe(400);
  });

  it('appends add rows to the chunk; a replace overwrites it in one step', async () => {
    const rows = (page: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2021-03-01T0${i}:00:00Z`, page, n: i }));
    expect((await run(inlineSpec('append_ds', rows('one', 3), { intervals: [DAY1] }))).status.statusCode).toBe('SUCCESS');
    expect((await run(inlineSpec('append_ds', rows('two', 2), { intervals: [DAY1], appendToExisting: true }))).status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, COUNT(*) AS c FROM append_ds GROUP BY page ORDER BY page')).toEqual([
      { page: 'one', c: 3 },
      { page: 'two', c: 2 },
    ]);
    expect((await run(inlineSpec('append_ds', rows('three', 1), { intervals: [DAY1] }))).status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, COUNT(*) AS c FROM append_ds GROUP BY page')).toEqual([{ page: 'three', c: 1 }]);
  });

  it('dropExisting removes replaced chunks that received no new data', async () => {
    const two = [{ ts: '2021-03-01T00:00:00Z', page: 'x', n: 1 }, { ts: '2021-03-02T00:00:00Z', page: 'y', n: 2 }];
    expect((await run(inlineSpec('drop_ds', two))).status.statusCode).toBe('SUCCESS');
    const one = [{ ts: '2021-03-01T05:00:00Z', page: 'z', n: 3 }];
    const keep = await run(inlineSpec('drop_ds', one, { intervals: ['2021-03-01/2021-03-03'] }));
    expect(keep.status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page FROM drop_ds ORDER BY page')).toEqual([{ page: 'y' }, { page: 'z' }]);
    const drop = await run(inlineSpec('drop_ds', one, { intervals: ['2021-03-01/2021-03-03'], dropExisting: true }));
    expect(drop.status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page FROM drop_ds ORDER BY page')).toEqual([{ page: 'z' }]);
  });

  it('reads http input; an unreachable URI fails the task naming it', async () => {
    const ok = await run(httpSpec('http_ds', [env.input.serve('h1.json', [{ ts: '2021-03-01T00:00:00Z', page: 'h', n: 7 }])]));
    expect(ok.status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, n FROM http_ds')).toEqual([{ page: 'h', n: 7 }]);
    const missing = `${env.input.url}/missing.json`;
    const bad = await run(httpSpec('http_bad', [missing]));
    expect(bad.status.statusCode).toBe('FAILED');
    expect(bad.status.errorMsg).toContain(missing);
  });

  it('reads csv with a header and tsv with given columns, and applies rollup with metrics', async () => {
    const csv = inlineSpec('csv_ds', 'ts,page,n\n2021-03-01T00:00:00Z,a,1\n2021-03-01T00:30:00Z,a,2\n2021-03-01T01:00:00Z,b,5\n');
    csv.spec.ioConfig.inputFormat = { type: 'csv', findColumnsFromHeader: true };
    csv.spec.dataSchema.dimensionsSpec = { dimensions: ['page'] };
    csv.spec.dataSchema.metricsSpec = [{ type: 'count', name: 'count' }, { type: 'longSum', name: 'n_sum', fieldName: 'n' }];
    csv.spec.dataSchema.granularitySpec = { segmentGranularity: 'day', queryGranularity: 'hour', rollup: true };
    const { id, status } = await run(csv);
    expect(status.statusCode).toBe('SUCCESS');
    expect((await report(id)).rowStats.buildSegments.processed).toBe(3);
    expect(await env.s.sql('SELECT __time, page, "count", n_sum FROM csv_ds ORDER BY __time')).toEqual([
      { __time: '2021-03-01T00:00:00.000Z', page: 'a', count: 2, n_sum: 3 },
      { __time: '2021-03-01T01:00:00.000Z', page: 'b', count: 1, n_sum: 5 },
    ]);

    const tsv = inlineSpec('tsv_ds', '2021-03-01T00:00:00Z\tq\t9\n');
    tsv.spec.ioConfig.inputFormat = { type: 'tsv', columns: ['ts', 'page', 'n'] };
    expect((await run(tsv)).status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, n FROM tsv_ds')).toEqual([{ page: 'q', n: 9 }]);
  });

  it('splits a chunk into partitions of at most maxRowsPerSegment rows', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ ts: `2021-03-01T00:00:${String(i).padStart(2, '0')}Z`, page: `p${i}`, n: i }));
    const spec = inlineSpec('parts_ds', rows);
    spec.spec.tuningConfig.maxRowsPerSegment = 10;
    expect((await run(spec)).status.statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT COUNT(*) AS c, SUM(n) AS total FROM parts_ds')).toEqual([{ c: 25, total: 300 }]);
    const log = await (await env.s.get(`/druid/indexer/v1/task/${(await env.s.json('/druid/indexer/v1/tasks?datasource=parts_ds'))[0].id}/log`)).text();
    expect(log).toContain('Published 3 segment(s)');
  });
});

describe.each(BACKENDS)('live reports and shutdown of ingestion on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2021-03-01T00:00:${String(i).padStart(2, '0')}Z`, page: 'p', n: i }));

  it('shows totals of the files read so far while the task is still running', async () => {
    const id = await env.s.submit(httpSpec('live_ds', [env.input.serve('live1.json', rows(7)), env.input.serve('live2.json', rows(5), true)], ['2021-03-01/2021-03-02']));
    const live = await waitFor(async () => {
      const r = await env.s.get(`/druid/indexer/v1/task/${id}/reports`);
      if (r.status !== 200) return undefined;
      const p = (await r.json()).ingestionStatsAndErrors.payload;
      return p.rowStats?.totals?.buildSegments?.processed === 7 ? p : undefined;
    }, 15_000, 'live totals after the first file');
    expect(live.ingestionState).toBe('BUILD_SEGMENTS');
    expect(live.rowStats.movingAverages.buildSegments['1m']).toBeDefined();
    expect((await env.s.status(id)).statusCode).toBe('RUNNING');
    env.input.release('live2.json');
    expect((await env.s.waitForCompletion(id)).statusCode).toBe('SUCCESS');
    const final = (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).ingestionStatsAndErrors.payload;
    expect(final.ingestionState).toBe('COMPLETED');
    expect(final.rowStats.buildSegments.processed).toBe(12);
  });

  it('shutting down an ingestion task mid-input publishes nothing and leaves no scratch files', async () => {
    const id = await env.s.submit(httpSpec('cancel_ds', [env.input.serve('c1.json', rows(3)), env.input.serve('c2.json', rows(3), true)]));
    await waitFor(async () => (env.input.requests('c2.json') > 0 ? true : undefined), 15_000, 'second file requested');
    const t0 = Date.now();
    expect((await env.s.post(`/druid/indexer/v1/task/${id}/shutdown`)).status).toBe(200);
    const final = await env.s.waitForCompletion(id, 5000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(final).toMatchObject({ statusCode: 'FAILED', errorMsg: 'Shutdown request from user' });
    expect((await env.s.post('/druid/v2/sql', { query: 'SELECT COUNT(*) AS c FROM cancel_ds' })).status).toBe(400);
    expect(fs.existsSync(path.join(env.s.dataDir, 'tmp', id))).toBe(false);
    expect(fs.existsSync(path.join(env.s.dataDir, 'segments', 'cancel_ds'))).toBe(false);
    env.input.release('c2.json');
  });
});
