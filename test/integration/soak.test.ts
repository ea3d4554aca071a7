import { describe, expect, it } from 'vitest';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';
import { inlineSpec, noop } from '../helpers/specs.js';

/**
 * A thousand tasks through two slots: noops, tiny ingestions, failing ones and cancelled ones, all
 * at once (issue 9, "Load"). Every task ends in the state it must, every row lands once, and no
 * slot or lock is left held.
 */
const TOTAL = 1000;
type Kind = 'noop' | 'ingest' | 'bad' | 'cancelQueued' | 'cancelRunning';
/** Of every 20 tasks: 14 noops, 3 ingestions, 1 failing, 1 cancelled before it runs, 1 while it runs. */
const kindOf = (i: number): Kind => (['noop', 'noop', 'ingest', 'noop', 'noop', 'bad', 'noop', 'noop', 'ingest', 'noop',
  'cancelQueued', 'noop', 'noop', 'ingest', 'noop', 'noop', 'cancelRunning', 'noop', 'noop', 'noop'] as const)[i % 20];
const DATASOURCES = ['soak_a', 'soak_b', 'soak_c'];

describe.each(BACKENDS)('soak on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  it(`${TOTAL} tasks on 2 slots all end as they must, with no slot or lock left held`, async () => {
    const expected = new Map<string, Kind>();
    let rowsIn = 0;
    const specOf = (i: number, kind: Kind): unknown => {
      switch (kind) {
        case 'noop':
          return noop(0, 'soak_noop');
        case 'ingest': {
          const rows = Array.from({ length: 1 + (i % 3) }, (_, r) => ({ ts: `2020-01-0${1 + (i % 3)}T0${r}:00:00Z`, page: `p${i}`, n: r }));
          rowsIn += rows.length;
          return inlineSpec(DATASOURCES[i % 3], rows, { appendToExisting: true });
        }
        case 'bad':
          return inlineSpec('soak_bad', 'not json at all', { appendToExisting: true, maxParseExceptions: 0 });
        default:
          return noop(60_000, kind === 'cancelQueued' ? 'soak_cancel_q' : 'soak_cancel_r');
      }
    };
    const shutdown = (id: string) => env.s.post(`/druid/indexer/v1/task/${encodeURIComponent(id)}/shutdown`);

    // Long noops meant to be cancelled while they run are shut down as soon as they are seen running.
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const running = await env.s.json('/druid/indexer/v1/runningTasks');
        await Promise.all(running.filter((t: any) => t.dataSource === 'soak_cancel_r').map((t: any) => shutdown(t.id)));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // Submitted eight at a time, as several clients would.
    for (let i = 0; i < TOTAL; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, TOTAL - i) }, async (_, k) => {
        const kind = kindOf(i + k);
        const id = await env.s.submit(specOf(i + k, kind));
        expected.set(id, kind);
        if (kind === 'cancelQueued') expect((await shutdown(id)).status).toBe(200);
      }));
    }

    const complete = await waitFor(async () => {
      const list = await env.s.json(`/druid/indexer/v1/tasks?state=complete&max=${TOTAL + 10}`);
      return list.filter((t: any) => expected.has(t.id)).length === TOTAL ? list : undefined;
    }, 50_000, 'every task to end');
    watching = false;
    await watcher;

    const tally = new Map<string, number>();
    for (const t of complete.filter((x: any) => expected.has(x.id))) {
      const kind = expected.get(t.id)!;
      const want = kind === 'noop' || kind === 'ingest' ? 'SUCCESS' : 'FAILED';
      expect(t.statusCode, `${kind} ${t.id}: ${t.errorMsg}`).toBe(want);
      if (kind === 'bad') expect(t.errorMsg).toMatch(/parse exceptions/i);
      if (kind === 'cancelQueued' || kind === 'cancelRunning') expect(t.errorMsg).toBe('Shutdown request from user');
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
    }
    expect(Object.fromEntries(tally)).toEqual({ noop: 700, ingest: 150, bad: 50, cancelQueued: 50, cancelRunning: 50 });

    // Every ingested row is visible exactly once.
    let rowsOut = 0;
    for (const ds of DATASOURCES) {
      const [{ c, d }] = await env.s.sql(`SELECT COUNT(*) AS c, COUNT(DISTINCT page || '/' || CAST(n AS VARCHAR)) AS d FROM ${ds}`);
      expect(d).toBe(c);
      rowsOut += c;
    }
    expect(rowsOut).toBe(rowsIn);

    // Nothing is held: slots, locks, queued work.
    expect((await env.s.json('/druid/indexer/v1/workers'))[0]).toMatchObject({ currCapacityUsed: 0, runningTasks: [] });
    expect(await env.s.json('/druid/indexer/v1/totalWorkerCapacity')).toMatchObject({ currentClusterCapacity: 2, usedClusterCapacity: 0 });
    const locks = await env.s.post('/druid/indexer/v1/lockedIntervals/v2', [...DATASOURCES, 'soak_bad', 'soak_noop'].map((datasource) => ({ datasource })));
    expect(await locks.json()).toEqual({});
    expect((await env.s.json('/druid/indexer/v1/tasks')).filter((t: any) => t.statusCode === 'RUNNING')).toEqual([]);
    // The lists still answer, all of it.
    const listed = await env.s.get('/druid/indexer/v1/tasks');
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as unknown[]).length).toBeGreaterThanOrEqual(TOTAL);
  }, 60_000);
});
