import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inline } from '../helpers/msq.js';
import { BACKENDS, serverWithInput } from '../helpers/server.js';
import { inlineSpec } from '../helpers/specs.js';

/** Invariant 4: reports say what was measured, when it is true (issue 9.7). */
describe.each(BACKENDS)('reports tell the truth on %s', (backend) => {
  // Publishes wait at a fault point until released, so a report can be read in between.
  const env = serverWithInput({ backend, capacity: 3, env: { GROVE_FAULTS: 'publish.after-move=hold' } });
  const payload = async (id: string) => (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).ingestionStatsAndErrors.payload;

  it('a native report says COMPLETED only once its segments are published, and counts only what it measured', async () => {
    env.s.rearm('publish.after-move');
    const id = await env.s.submit(inlineSpec('rep_native', [{ ts: '2020-01-01T00:00:00Z', page: 'a', n: 1 }, { ts: '2020-01-01T01:00:00Z', page: 'b', n: 2 }]));
    await env.s.reached('publish.after-move');
    const publishing = await payload(id);
    expect(publishing.ingestionState).toBe('BUILD_SEGMENTS');
    expect((await env.s.status(id)).statusCode).toBe('RUNNING');
    env.s.release('publish.after-move');
    expect((await env.s.waitForCompletion(id)).statusCode).toBe('SUCCESS');
    const done = await payload(id);
    expect(done.ingestionState).toBe('COMPLETED');
    // No determine-partitions phase ran: nothing is reported for it.
    expect(done.rowStats).toEqual({ buildSegments: { processed: 2, processedBytes: expect.any(Number), processedWithError: 0, thrownAway: 0, unparseable: 0 } });
    expect(done.rowStats.buildSegments.processedBytes).toBeGreaterThan(0);
  });

  it('MSQ counters carry only measured channels: no fixed sortProgress levels', async () => {
    env.s.release('publish.after-move');
    const rows = ['2020-01-01T01:00:00Z,a,1', '2020-01-02T02:00:00Z,b,2'];
    const r = await env.s.post('/druid/v2/sql/task', { query: `INSERT INTO rep_msq SELECT TIME_PARSE(ts) AS __time, page, n FROM ${inline(rows, 'ts VARCHAR, page VARCHAR, n BIGINT')} PARTITIONED BY DAY` });
    const { taskId } = (await r.json()) as { taskId: string };
    expect((await env.s.waitForCompletion(taskId)).statusCode).toBe('SUCCESS');
    const counters = (await env.s.json(`/druid/indexer/v1/task/${taskId}/reports`)).multiStageQuery.payload.counters;
    expect(Object.keys(counters['0']['0']).sort()).toEqual(['input0', 'output', 'shuffle']);
    expect(counters['0']['0'].input0.rows).toEqual([2]);
  });

  it('sys.segments says a segment whose file is missing has no replica and is not available', async () => {
    env.s.release('publish.after-move');
    const rows = [{ ts: '2020-03-01T00:00:00Z', page: 'a', n: 1 }, { ts: '2020-03-02T00:00:00Z', page: 'b', n: 2 }];
    expect((await env.s.waitForCompletion(await env.s.submit(inlineSpec('rep_sys', rows)))).statusCode).toBe('SUCCESS');
    const day = fs.readdirSync(path.join(env.s.dataDir, 'segments', 'rep_sys')).find((d) => d.startsWith('2020-03-01'))!;
    fs.rmSync(path.join(env.s.dataDir, 'segments', 'rep_sys', day), { recursive: true });
    expect(await env.s.sql(`SELECT "start", num_replicas, is_available FROM sys.segments WHERE datasource = 'rep_sys' ORDER BY "start"`)).toEqual([
      { start: '2020-03-01T00:00:00.000Z', num_replicas: 0, is_available: 0 },
      { start: '2020-03-02T00:00:00.000Z', num_replicas: 1, is_available: 1 },
    ]);
  });
});
