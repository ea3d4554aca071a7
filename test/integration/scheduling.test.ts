import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';
import { httpSpec, noop } from '../helpers/specs.js';

const rows = (page: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2020-01-01T0${i % 10}:00:00Z`, page, n: i }));
const DAY = ['2020-01-01/2020-01-02'];

describe.each(BACKENDS)('scheduling on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  const runnerState = async (id: string) => (await env.s.status(id)).runnerStatusCode as string;
  const until = (id: string, state: string) =>
    waitFor(async () => ((await runnerState(id)) === state ? true : undefined), 15_000, `${id} ${state}`);

  it('runs no more tasks than slots; the rest are pending and start as slots free up', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await env.s.submit(noop(1500, 'slots_ds')));
    await until(ids[1], 'RUNNING');
    const running = (await env.s.json('/druid/indexer/v1/runningTasks')).filter((t: any) => t.dataSource === 'slots_ds');
    const pending = (await env.s.json('/druid/indexer/v1/pendingTasks')).filter((t: any) => t.dataSource === 'slots_ds');
    expect(running.length).toBe(2);
    expect(pending.map((t: any) => t.id).sort()).toEqual([ids[2], ids[3]].sort());
    expect(pending.every((t: any) => t.runnerStatusCode === 'PENDING' && t.location.host === null)).toBe(true);
    for (const id of ids) expect((await env.s.waitForCompletion(id)).statusCode).toBe('SUCCESS');
  });

  it('a second REPLACE on the same interval waits for the lock, then overshadows the first', async () => {
    const first = await env.s.submit(httpSpec('locks_ds', [env.input.serve('first.json', rows('first', 5), true)], DAY));
    await until(first, 'RUNNING');
    const second = await env.s.submit(httpSpec('locks_ds', [env.input.serve('second.json', rows('second', 3))], DAY));
    await until(second, 'WAITING');
    const waiting = await env.s.json('/druid/indexer/v1/waitingTasks');
    expect(waiting.find((t: any) => t.id === second)).toMatchObject({ runnerStatusCode: 'WAITING', statusCode: 'RUNNING' });
    // Still waiting a while later: the lock, not a slot, holds it back (one slot is free).
    await new Promise((r) => setTimeout(r, 500));
    expect(await runnerState(second)).toBe('WAITING');
    expect(env.input.requests('second.json')).toBe(0);
    env.input.release('first.json');
    expect((await env.s.waitForCompletion(first)).statusCode).toBe('SUCCESS');
    expect((await env.s.waitForCompletion(second)).statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, COUNT(*) AS c FROM locks_ds GROUP BY page')).toEqual([{ page: 'second', c: 3 }]);
  });

  it('a higher-priority REPLACE preempts a lower-priority holder of the lock', async () => {
    const low = await env.s.submit(httpSpec('prio_ds', [env.input.serve('low.json', rows('low', 2), true)], DAY, { priority: 10 }));
    await until(low, 'RUNNING');
    const high = await env.s.submit(httpSpec('prio_ds', [env.input.serve('high.json', rows('high', 4))], DAY, { priority: 90 }));
    const lowFinal = await env.s.waitForCompletion(low);
    expect(lowFinal.statusCode).toBe('FAILED');
    expect(lowFinal.errorMsg).toMatch(/revoked by higher priority task/);
    expect((await env.s.waitForCompletion(high)).statusCode).toBe('SUCCESS');
    env.input.release('low.json');
    expect(await env.s.sql('SELECT page, COUNT(*) AS c FROM prio_ds GROUP BY page')).toEqual([{ page: 'high', c: 4 }]);
  });

  it('after a hard restart a running task ends FAILED with nothing visible; queued tasks still run', async () => {
    const running = await env.s.submit(httpSpec('crash_ds', [env.input.serve('crash.json', rows('crash', 5), true)], DAY));
    await until(running, 'RUNNING');
    const queued = await env.s.submit(httpSpec('crash_ds', [env.input.serve('after.json', rows('after', 2))], DAY));
    await until(queued, 'WAITING');
    await env.s.kill9();
    env.input.release('crash.json');
    await env.s.launch();
    const final = await env.s.waitForCompletion(running);
    expect(final.statusCode).toBe('FAILED');
    expect(final.errorMsg).toMatch(/running when Grove stopped/);
    expect((await env.s.waitForCompletion(queued)).statusCode).toBe('SUCCESS');
    expect(await env.s.sql('SELECT page, COUNT(*) AS c FROM crash_ds GROUP BY page')).toEqual([{ page: 'after', c: 2 }]);
    // The crashed task's scratch space is gone and its log says what happened.
    expect(fs.existsSync(path.join(env.s.dataDir, 'tmp', running))).toBe(false);
    expect(await (await env.s.get(`/druid/indexer/v1/task/${running}/log`)).text()).toMatch(/running when Grove stopped/);
  });
});
