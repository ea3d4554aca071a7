import { describe, expect, it } from 'vitest';
import { seedInsert, wikiRows } from '../helpers/msq.js';
import { BACKENDS, serverWithInput } from '../helpers/server.js';
import { noop } from '../helpers/specs.js';

/**
 * MSQ jobs never wait for a slot that cannot come: `maxNumTasks` is a maximum, a controller starts
 * only with a slot kept for its first worker, and no mix of concurrent jobs deadlocks (issue 9.1).
 */
describe.each(BACKENDS)('MSQ jobs and task slots on %s', (backend) => {
  for (const capacity of [2, 3]) {
    describe(`capacity ${capacity}`, () => {
      const env = serverWithInput({ backend, capacity });

      const submit = async (table: string, files: number, tag: string): Promise<string> => {
        const uris = Array.from({ length: files }, (_, f) => env.input.serve(`${tag}-${f}.json`, wikiRows(10 + f, `2016-06-2${f + 1}`)));
        const r = await env.s.post('/druid/v2/sql/task', { query: seedInsert(table, uris), context: { maxNumTasks: 3 } });
        expect(r.status).toBe(202);
        return ((await r.json()) as { taskId: string }).taskId;
      };
      const workersOf = async (id: string) => (await env.s.json('/druid/indexer/v1/tasks?state=complete')).filter((t: any) => t.groupId === id && t.id !== id);
      const stageWorkers = async (id: string) => (await env.s.json(`/druid/indexer/v1/task/${id}/reports`)).multiStageQuery.payload.stages[0].workerCount;

      it('runs the seed statement with maxNumTasks 3 over three files on the workers it can get', async () => {
        const id = await submit(`seed3_c${capacity}`, 3, `seed3-${capacity}`);
        expect((await env.s.waitForCompletion(id, 60_000)).statusCode).toBe('SUCCESS');
        expect(await env.s.sql(`SELECT COUNT(*) AS c FROM seed3_c${capacity}`)).toEqual([{ c: 10 + 11 + 12 }]);
        // Two workers fit beside the controller only with three slots.
        expect(await stageWorkers(id)).toBe(capacity - 1);
        const workers = await workersOf(id);
        expect(workers.length).toBe(capacity - 1);
        expect(workers.every((w: any) => w.statusCode === 'SUCCESS')).toBe(true);
      });

      it(`runs ${capacity} jobs submitted together, and a task queued behind them, to the end`, async () => {
        const ids = await Promise.all(Array.from({ length: capacity }, (_, j) => submit(`together_c${capacity}_${j}`, 3, `tog-${capacity}-${j}`)));
        const after = await env.s.submit(noop(0, `after_c${capacity}`));
        for (const id of ids) expect((await env.s.waitForCompletion(id, 60_000)).statusCode).toBe('SUCCESS');
        expect((await env.s.waitForCompletion(after, 60_000)).statusCode).toBe('SUCCESS');
        for (const [j] of ids.entries()) expect(await env.s.sql(`SELECT COUNT(*) AS c FROM together_c${capacity}_${j}`)).toEqual([{ c: 33 }]);
      });
    });
  }

  describe('capacity 1', () => {
    const env = serverWithInput({ backend, capacity: 1 });

    it('fails a job that can never get a worker with TaskStartTimeout, and frees the slot', async () => {
      const uri = env.input.serve('one-slot.json', wikiRows(3));
      const r = await env.s.post('/druid/v2/sql/task', { query: seedInsert('one_slot', [uri]), context: { maxNumTasks: 2 } });
      const { taskId } = (await r.json()) as { taskId: string };
      const final = await env.s.waitForCompletion(taskId, 20_000);
      expect(final).toMatchObject({ statusCode: 'FAILED', errorMsg: expect.stringMatching(/^TaskStartTimeout: /) });
      const fault = (await env.s.json(`/druid/indexer/v1/task/${taskId}/reports`)).multiStageQuery.payload.status.errorReport.error;
      expect(fault).toMatchObject({ errorCode: 'TaskStartTimeout', pendingTasks: 1, totalTasks: 2 });
      expect((await env.s.waitForCompletion(await env.s.submit(noop(0, 'one_slot_after')), 20_000)).statusCode).toBe('SUCCESS');
      expect((await env.s.json('/druid/indexer/v1/tasks')).filter((t: any) => t.statusCode === 'RUNNING')).toEqual([]);
    });
  });

  describe('workers that start before their controller knows their ids', () => {
    // The answer naming the workers reaches the controller late; they are running by then.
    const env = serverWithInput({ backend, capacity: 3, env: { GROVE_FAULTS: 'scheduler.workers-submitted=delay:500' } });

    it('still count as started: the job runs to the end', async () => {
      const uris = [env.input.serve('early-a.json', wikiRows(4)), env.input.serve('early-b.json', wikiRows(6))];
      const r = await env.s.post('/druid/v2/sql/task', { query: seedInsert('early_ready', uris), context: { maxNumTasks: 3 } });
      const { taskId } = (await r.json()) as { taskId: string };
      expect((await env.s.waitForCompletion(taskId, 30_000)).statusCode).toBe('SUCCESS');
      expect(await env.s.sql('SELECT COUNT(*) AS c FROM early_ready')).toEqual([{ c: 10 }]);
      const workers = (await env.s.json(`/druid/indexer/v1/task/${taskId}/reports`)).multiStageQuery.payload.status.workers;
      expect(Object.values(workers).map((w: any) => w[0].state)).toEqual(['SUCCESS', 'SUCCESS']);
    });
  });
});
