import { describe, expect, it } from 'vitest';
import { inline } from '../helpers/msq.js';
import { BACKENDS, serverWithInput } from '../helpers/server.js';

/**
 * Invariant 1, made deterministic: a REPLACE is held at fault points inside its publish while
 * queries read, so they are sure to run in the window where a mix could show (issue 9.9).
 */
describe.each(BACKENDS)('what queries see during a publish on %s', (backend) => {
  // On PostgreSQL the publish is also held inside its transaction (rows written, not committed);
  // SQLite has one connection, which a held transaction would keep from every reader.
  const points = backend === 'postgres' ? ['publish.after-move', 'publish.before-commit'] : ['publish.after-move'];
  const env = serverWithInput({ backend, capacity: 4, env: { GROVE_FAULTS: points.map((p) => `${p}=hold`).join(',') } });
  const cols = 'ts VARCHAR, page VARCHAR, n BIGINT';
  const counts = () => env.s.sql('SELECT page, COUNT(*) AS c FROM swap GROUP BY page ORDER BY page');

  it('a REPLACE is seen whole or not at all: old rows until its publish commits, then only new ones', async () => {
    for (const p of points) env.s.release(p);
    const oldRows = Array.from({ length: 40 }, (_, i) => `2020-03-0${1 + (i % 3)}T00:00:00Z,old,${i}`);
    const newRows = Array.from({ length: 7 }, (_, i) => `2020-03-0${1 + (i % 3)}T00:00:00Z,new,${i}`);
    const first = await env.s.post('/druid/v2/sql/task', { query: `INSERT INTO swap SELECT TIME_PARSE(ts) AS __time, page, n FROM ${inline(oldRows, cols)} PARTITIONED BY DAY` });
    expect((await env.s.waitForCompletion(((await first.json()) as { taskId: string }).taskId)).statusCode).toBe('SUCCESS');
    for (const p of points) env.s.rearm(p);

    const r = await env.s.post('/druid/v2/sql/task', { query: `REPLACE INTO swap OVERWRITE ALL SELECT TIME_PARSE(ts) AS __time, page, n FROM ${inline(newRows, cols)} PARTITIONED BY DAY` });
    const { taskId } = (await r.json()) as { taskId: string };
    for (const p of points) {
      await env.s.reached(p);
      // The new files are in deep storage (and, inside the transaction, their rows are written and
      // the old segments marked unused), but nothing is committed.
      for (let i = 0; i < 5; i++) expect(await counts(), p).toEqual([{ page: 'old', c: 40 }]);
      expect((await env.s.status(taskId)).statusCode).toBe('RUNNING');
      env.s.release(p);
    }
    expect((await env.s.waitForCompletion(taskId)).statusCode).toBe('SUCCESS');
    expect(await counts()).toEqual([{ page: 'new', c: 7 }]);
  });
});
