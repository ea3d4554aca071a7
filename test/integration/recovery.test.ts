import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedInsert, wikiRows } from '../helpers/msq.js';
import { BACKENDS, serverWithInput, waitFor, type TestServer } from '../helpers/server.js';
import { httpSpec, inlineSpec, noop } from '../helpers/specs.js';

/** Files under a datasource's deep storage folder. */
function segmentFiles(s: TestServer, dataSource: string): string[] {
  const root = path.join(s.dataDir, 'segments', dataSource);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const visibleRows = async (s: TestServer, dataSource: string): Promise<number | null> => {
  const r = await s.post('/druid/v2/sql', { query: `SELECT COUNT(*) AS c FROM ${dataSource}` });
  return r.status === 400 ? null : ((await r.json()) as Array<{ c: number }>)[0].c;
};

const segmentRows = async (s: TestServer, dataSource: string): Promise<number> =>
  (await s.sql(`SELECT COUNT(*) AS c FROM sys.segments WHERE datasource = '${dataSource}'`))[0].c;

/**
 * Invariant 2 across restarts and crashes: every task ends SUCCESS or FAILED with an errorMsg,
 * nothing a failed task wrote is visible, and queued work goes on (issue 9.2, 9.3).
 */
describe.each(BACKENDS)('restarts and crashes on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 3 });

  const groupOf = async (id: string) => (await env.s.json('/druid/indexer/v1/tasks')).filter((t: any) => t.groupId === id);

  for (const how of ['hard kill', 'SIGTERM'] as const) {
    it(`after a ${how} mid MSQ job, the controller and every worker end FAILED within seconds; queued tasks then run`, async () => {
      const ds = `msq_restart_${how === 'hard kill' ? 'kill' : 'term'}`;
      const uris = [env.input.serve(`${ds}-a.json`, wikiRows(5)), env.input.serve(`${ds}-b.json`, wikiRows(5), true)];
      const r = await env.s.post('/druid/v2/sql/task', { query: seedInsert(ds, uris), context: { maxNumTasks: 3 } });
      const { taskId } = (await r.json()) as { taskId: string };
      await waitFor(async () => (env.input.requests(`${ds}-b.json`) > 0 ? true : undefined), 30_000, 'the held file requested');
      // Every slot is taken by the job: this one waits.
      const queued = await env.s.submit(noop(0, `${ds}_after`));
      if (how === 'hard kill') await env.s.kill9();
      else await env.s.stopProcess();
      env.input.release(`${ds}-b.json`);
      await env.s.launch();
      const restarted = Date.now();
      const group = await waitFor(async () => {
        const g = await groupOf(taskId);
        return g.length === 3 && g.every((t: any) => t.statusCode !== 'RUNNING') ? g : undefined;
      }, 10_000, 'the job to end');
      expect(Date.now() - restarted).toBeLessThan(5000);
      for (const t of group) expect(t).toMatchObject({ statusCode: 'FAILED', errorMsg: expect.stringMatching(/\S/) });
      expect(await visibleRows(env.s, ds)).toBeNull();
      expect(segmentFiles(env.s, ds)).toEqual([]);
      expect((await env.s.waitForCompletion(queued, 20_000)).statusCode).toBe('SUCCESS');
    });
  }

  it('a worker that was still queued when Grove died ends FAILED on restart instead of waiting for its controller', async () => {
    const uri = env.input.serve('queued-worker.json', wikiRows(3), true);
    const r = await env.s.post('/druid/v2/sql/task', { query: seedInsert('queued_worker', [uri]), context: { maxNumTasks: 2 } });
    const { taskId } = (await r.json()) as { taskId: string };
    await waitFor(async () => (env.input.requests('queued-worker.json') > 0 ? true : undefined), 30_000, 'the worker reading');
    await env.s.kill9();
    env.input.release('queued-worker.json');
    // As the store would hold it had Grove died between submitting a worker and starting it.
    const worker = `${taskId}-worker0_0`;
    await editStore(env.s, `UPDATE tasks SET runner_state = 'PENDING', started_ms = NULL WHERE id = '${worker}'`);
    await env.s.launch();
    const final = await env.s.waitForCompletion(worker, 5000);
    expect(final).toMatchObject({ statusCode: 'FAILED', errorMsg: expect.stringMatching(/controller task\[.*\] did not survive a restart/) });
    expect((await env.s.waitForCompletion(taskId, 5000)).statusCode).toBe('FAILED');
  });

  const points = ['publish.after-move', 'publish.before-commit', 'publish.after-commit'] as const;
  for (const point of points) {
    it(`a crash at ${point} leaves every segment of the task visible or none, and no stray file`, async () => {
      const ds = `crash_${point.replace(/\W/g, '_')}`;
      // A segment from before, which the crashed publish must leave alone.
      expect((await env.s.waitForCompletion(await env.s.submit(inlineSpec(ds, [{ ts: '2020-01-05T00:00:00Z', page: 'before', n: 1 }])))).statusCode).toBe('SUCCESS');
      await env.s.stopProcess();
      await env.s.launch({ GROVE_FAULTS: `${point}=crash` });
      const rows = [0, 1, 2].map((d) => ({ ts: `2020-01-0${d + 1}T00:00:00Z`, page: 'p', n: d }));
      const id = await env.s.submit(inlineSpec(ds, rows, { appendToExisting: true }));
      await waitFor(async () => (env.s.proc!.exitCode !== null || env.s.proc!.signalCode !== null ? true : undefined), 30_000, 'the crash');
      await env.s.launch();
      const final = await env.s.waitForCompletion(id, 10_000);
      const committed = point === 'publish.after-commit';
      expect(final.statusCode).toBe(committed ? 'SUCCESS' : 'FAILED');
      if (!committed) expect(final.errorMsg).toMatch(/running when Grove stopped/);
      expect(await visibleRows(env.s, ds)).toBe(committed ? 4 : 1);
      // Every file is a committed segment and every committed segment has its file.
      expect(await segmentRows(env.s, ds)).toBe(committed ? 4 : 1);
      expect(segmentFiles(env.s, ds).length).toBe(committed ? 4 : 1);
    });
  }

  it('two appends into one time chunk publishing at once both succeed, with distinct partition numbers', async () => {
    const ds = 'concurrent_append';
    await env.s.stopProcess();
    // The publish transaction lingers, so the two overlap.
    await env.s.launch({ GROVE_FAULTS: 'publish.before-commit=delay:700' });
    const day = (page: string, n: number) => Array.from({ length: n }, (_, i) => ({ ts: `2020-02-01T0${i}:00:00Z`, page, n: i }));
    const specs = ['a', 'b'].map((p) => {
      const spec = httpSpec(ds, [env.input.serve(`append-${p}.json`, day(p, p === 'a' ? 3 : 4), true)]);
      spec.spec.ioConfig.appendToExisting = true;
      return spec;
    });
    const ids = [await env.s.submit(specs[0]), await env.s.submit(specs[1])];
    await waitFor(async () => (env.input.requests('append-a.json') > 0 && env.input.requests('append-b.json') > 0 ? true : undefined), 30_000, 'both reading');
    env.input.release('append-a.json');
    env.input.release('append-b.json');
    for (const id of ids) expect((await env.s.waitForCompletion(id)).statusCode).toBe('SUCCESS');
    const segs = await env.s.sql(`SELECT partition_num, num_rows FROM sys.segments WHERE datasource = '${ds}' ORDER BY partition_num`);
    expect(segs.map((x: any) => x.partition_num)).toEqual([0, 1]);
    expect(segs.map((x: any) => x.num_rows).sort()).toEqual([3, 4]);
    expect(await env.s.sql(`SELECT page, COUNT(*) AS c FROM ${ds} GROUP BY page ORDER BY page`)).toEqual([{ page: 'a', c: 3 }, { page: 'b', c: 4 }]);
    expect(segmentFiles(env.s, ds).length).toBe(2);
    await env.s.stopProcess();
    await env.s.launch();
  });
});

/** Runs one statement against the server's metadata store while the server is down. */
async function editStore(s: TestServer, statement: string): Promise<void> {
  if (s.metadataUrl.startsWith('sqlite:')) {
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(s.metadataUrl.slice('sqlite:'.length));
    db.exec(statement);
    db.close();
  } else {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: s.metadataUrl });
    await c.connect();
    await c.query(statement);
    await c.end();
  }
}
