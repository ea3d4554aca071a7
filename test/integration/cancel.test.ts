import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inline, seedInsert, wikiRows } from '../helpers/msq.js';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';

/**
 * Invariant 6 for MSQ jobs: a cancel in either stage ends the controller and every worker within a
 * second, removes every scratch folder, publishes nothing, and the controller itself records the
 * Canceled fault with the stage it was in (issue 9.6).
 */
describe.each(BACKENDS)('cancelling MSQ jobs on %s', (backend) => {
  // Stage-1 work orders wait at a fault point until released, so a cancel can land there.
  const env = serverWithInput({ backend, capacity: 3, env: { GROVE_FAULTS: 'worker.stage1=hold' } });

  const submit = async (query: string): Promise<string> => {
    const r = await env.s.post('/druid/v2/sql/task', { query, context: { maxNumTasks: 3 } });
    expect(r.status).toBe(202);
    return ((await r.json()) as { taskId: string }).taskId;
  };

  async function cancelAndCheck(id: string, stage: number, dataSource: string): Promise<void> {
    const group = (await env.s.json('/druid/indexer/v1/tasks')).filter((t: any) => t.groupId === id).map((t: any) => t.id as string);
    expect(group.length).toBeGreaterThanOrEqual(2);
    const t0 = Date.now();
    expect((await env.s.post(`/druid/indexer/v1/task/${id}/shutdown`)).status).toBe(200);
    const finals = await Promise.all(group.map((t) => env.s.waitForCompletion(t, 5000)));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(finals.every((f) => f.statusCode === 'FAILED')).toBe(true);
    expect(finals.find((f) => f.id === id)).toMatchObject({ errorMsg: 'Shutdown request from user' });
    for (const t of group) expect(fs.existsSync(path.join(env.s.dataDir, 'tmp', t)), t).toBe(false);
    // Written by the controller as it stopped, not made up afterwards from the error text.
    const status = (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).multiStageQuery.payload.status;
    expect(status.status).toBe('FAILED');
    expect(status.errorReport).toMatchObject({ taskId: id, stageNumber: stage, error: { errorCode: 'Canceled', errorMessage: 'Query canceled by user or by task shutdown.' } });
    expect((await env.s.post('/druid/v2/sql', { query: `SELECT COUNT(*) FROM ${dataSource}` })).status).toBe(400);
    expect((await env.s.json('/druid/indexer/v1/workers'))[0].currCapacityUsed).toBe(0);
  }

  it('cancel in stage 0 (reading input)', async () => {
    const uris = [env.input.serve('c0-a.json', wikiRows(5)), env.input.serve('c0-b.json', wikiRows(5), true)];
    const id = await submit(seedInsert('cancel_stage0', uris));
    await waitFor(async () => (env.input.requests('c0-b.json') > 0 ? true : undefined), 30_000, 'the held file requested');
    await cancelAndCheck(id, 0, 'cancel_stage0');
    env.input.release('c0-b.json');
  });

  it('cancel in stage 1 (generating segments)', async () => {
    const rows = ['2020-01-01T01:00:00Z,a,1', '2020-01-02T02:00:00Z,b,2', '2020-01-03T03:00:00Z,c,3'];
    const id = await submit(`INSERT INTO cancel_stage1 SELECT TIME_PARSE(ts) AS __time, page, n FROM ${inline(rows, 'ts VARCHAR, page VARCHAR, n BIGINT')} PARTITIONED BY DAY`);
    await env.s.reached('worker.stage1');
    await cancelAndCheck(id, 1, 'cancel_stage1');
  });
});
