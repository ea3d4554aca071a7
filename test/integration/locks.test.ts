import { describe, expect, it } from 'vitest';
import { seedInsert, wikiRows } from '../helpers/msq.js';
import { BACKENDS, killTaskProcess, serverWithInput, waitFor, type TestServer } from '../helpers/server.js';
import { httpSpec } from '../helpers/specs.js';

const rows = (page: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2020-01-01T0${i % 10}:00:00Z`, page, n: i }));
const DAY = ['2020-01-01/2020-01-02'];

/** No lock or slot is held once every task has ended (invariant 3: every terminal state releases). */
async function expectNothingHeld(s: TestServer, dataSource: string): Promise<void> {
  await waitFor(async () => ((await s.json('/druid/indexer/v1/workers'))[0].currCapacityUsed === 0 ? true : undefined), 10_000, 'slots to be free');
  const r = await s.post('/druid/indexer/v1/lockedIntervals/v2', [{ datasource: dataSource, priority: 0 }]);
  expect(await r.json()).toEqual({});
}

describe.each(BACKENDS)('time-chunk locks on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 4 });
  const state = async (id: string) => (await env.s.status(id)).runnerStatusCode as string;
  const until = (id: string, want: string) => waitFor(async () => ((await state(id)) === want ? true : undefined), 30_000, `${id} ${want}`);

  const endings: Array<[string, (holder: string, file: string) => Promise<void>, string]> = [
    ['ends SUCCESS', async (_h, file) => env.input.release(file), 'SUCCESS'],
    ['ends FAILED', async (_h, file) => env.input.fail(file), 'FAILED'],
    ['is shut down', async (h) => void (await env.s.post(`/druid/indexer/v1/task/${h}/shutdown`)), 'FAILED'],
    ['has its process killed', async (h) => killTaskProcess(h), 'FAILED'],
  ];
  for (const [how, end, holderStatus] of endings) {
    it(`a task waiting for a lock proceeds when the holder ${how}`, async () => {
      const ds = `lock_${how.replace(/\W+/g, '_')}`;
      const file = `${ds}-holder.json`;
      const holder = await env.s.submit(httpSpec(ds, [env.input.serve(file, rows('holder', 3), true)], DAY));
      await waitFor(async () => (env.input.requests(file) > 0 ? true : undefined), 30_000, 'holder reading');
      const waiter = await env.s.submit(httpSpec(ds, [env.input.serve(`${ds}-waiter.json`, rows('waiter', 2))], DAY));
      await until(waiter, 'WAITING');
      const locked = await (await env.s.post('/druid/indexer/v1/lockedIntervals/v2', [{ datasource: ds }])).json();
      expect(locked).toEqual({ [ds]: ['2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z'] });
      await end(holder, file);
      expect((await env.s.waitForCompletion(holder)).statusCode).toBe(holderStatus);
      expect((await env.s.waitForCompletion(waiter)).statusCode).toBe('SUCCESS');
      expect(await env.s.sql(`SELECT page, COUNT(*) AS c FROM ${ds} GROUP BY page`)).toEqual([{ page: 'waiter', c: 2 }]);
      await expectNothingHeld(env.s, ds);
    });
  }

  it('a task waiting for a lock proceeds when the holder is preempted, after the preempting task', async () => {
    const ds = 'lock_preempted';
    const low = await env.s.submit(httpSpec(ds, [env.input.serve('pre-low.json', rows('low', 3), true)], DAY, { priority: 10 }));
    await waitFor(async () => (env.input.requests('pre-low.json') > 0 ? true : undefined), 30_000, 'low reading');
    const waiter = await env.s.submit(httpSpec(ds, [env.input.serve('pre-waiter.json', rows('waiter', 2))], DAY, { priority: 10 }));
    await until(waiter, 'WAITING');
    const high = await env.s.submit(httpSpec(ds, [env.input.serve('pre-high.json', rows('high', 4))], DAY, { priority: 90 }));
    expect(await env.s.waitForCompletion(low)).toMatchObject({ statusCode: 'FAILED', errorMsg: expect.stringMatching(/revoked by higher priority task/) });
    expect((await env.s.waitForCompletion(high)).statusCode).toBe('SUCCESS');
    expect((await env.s.waitForCompletion(waiter)).statusCode).toBe('SUCCESS');
    // The waiter ran last, so its version overshadows the preempting task's.
    expect(await env.s.sql(`SELECT page, COUNT(*) AS c FROM ${ds} GROUP BY page`)).toEqual([{ page: 'waiter', c: 2 }]);
    env.input.release('pre-low.json');
    await expectNothingHeld(env.s, ds);
  });

  it('an MSQ REPLACE holds the exclusive lock; an INSERT into the same interval waits for it, then appends', async () => {
    const ds = 'lock_msq';
    const replace = await env.s.post('/druid/v2/sql/task', {
      query: seedInsert(ds, [env.input.serve('msq-replace.json', wikiRows(6), true)], 'REPLACE INTO').replace('SELECT', 'OVERWRITE ALL\nSELECT'),
      context: { maxNumTasks: 2 },
    });
    const replaceId = ((await replace.json()) as { taskId: string }).taskId;
    await waitFor(async () => (env.input.requests('msq-replace.json') > 0 ? true : undefined), 30_000, 'REPLACE reading');
    const insert = await env.s.post('/druid/v2/sql/task', { query: seedInsert(ds, [env.input.serve('msq-insert.json', wikiRows(4))]), context: { maxNumTasks: 2 } });
    const insertId = ((await insert.json()) as { taskId: string }).taskId;
    // The INSERT reads its input, then asks for the chunk the REPLACE holds, and waits.
    await waitFor(async () => (env.input.requests('msq-insert.json') > 0 ? true : undefined), 30_000, 'INSERT reading');
    await waitFor(async () => (/Waiting for shared locks on/.test(await (await env.s.get(`/druid/indexer/v1/task/${insertId}/log`)).text()) ? true : undefined), 30_000, 'INSERT waiting for its lock');
    expect((await env.s.status(insertId)).statusCode).toBe('RUNNING');
    expect((await env.s.post('/druid/v2/sql', { query: `SELECT COUNT(*) FROM ${ds}` })).status).toBe(400);
    env.input.release('msq-replace.json');
    expect((await env.s.waitForCompletion(replaceId)).statusCode).toBe('SUCCESS');
    expect((await env.s.waitForCompletion(insertId)).statusCode).toBe('SUCCESS');
    // Had the INSERT not waited, the REPLACE would have overwritten its rows.
    expect(await env.s.sql(`SELECT COUNT(*) AS c FROM ${ds}`)).toEqual([{ c: 10 }]);
    await expectNothingHeld(env.s, ds);
  });
});

describe.each(BACKENDS)('locks and slots together on %s (capacity 2)', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  it('a running job that needs a lock held by a task that has not started gets it: no deadlock', async () => {
    const ds = 'lock_unstarted';
    // The INSERT takes both slots, then (after reading) asks for its chunk.
    const insert = await env.s.post('/druid/v2/sql/task', { query: seedInsert(ds, [env.input.serve('un-insert.json', wikiRows(4), true)]), context: { maxNumTasks: 2 } });
    const insertId = ((await insert.json()) as { taskId: string }).taskId;
    await waitFor(async () => (env.input.requests('un-insert.json') > 0 ? true : undefined), 30_000, 'INSERT reading');
    // The REPLACE takes its lock at once but has no slot to run in.
    const replace = await env.s.post('/druid/v2/sql/task', {
      query: seedInsert(ds, [env.input.serve('un-replace.json', wikiRows(6))], 'REPLACE INTO').replace('SELECT', 'OVERWRITE ALL\nSELECT'),
      context: { maxNumTasks: 2 },
    });
    const replaceId = ((await replace.json()) as { taskId: string }).taskId;
    await waitFor(async () => ((await env.s.status(replaceId)).runnerStatusCode === 'PENDING' ? true : undefined), 30_000, 'REPLACE pending');
    env.input.release('un-insert.json');
    expect((await env.s.waitForCompletion(insertId, 30_000)).statusCode).toBe('SUCCESS');
    expect((await env.s.waitForCompletion(replaceId, 30_000)).statusCode).toBe('SUCCESS');
    // Submitted first, the INSERT went first; the REPLACE then overwrote everything.
    expect(await env.s.sql(`SELECT COUNT(*) AS c FROM ${ds}`)).toEqual([{ c: 6 }]);
    await expectNothingHeld(env.s, ds);
  });
});
