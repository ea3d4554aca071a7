import { describe, expect, it } from 'vitest';
import { serverWithInput } from '../helpers/server.js';

/** `/docs` serves the OpenAPI of every route, from the route schemas. */
describe('OpenAPI at /docs', () => {
  const env = serverWithInput({ backend: 'sqlite' });

  it('describes every route of the Druid face, each with a summary and a tag', async () => {
    const doc = await env.s.json('/docs/json');
    expect(doc.openapi).toMatch(/^3\./);
    const expected: Array<[string, string]> = [
      ['/druid/indexer/v1/task', 'post'], ['/druid/indexer/v1/task/{id}', 'get'], ['/druid/indexer/v1/task/{id}/status', 'get'],
      ['/druid/indexer/v1/task/{id}/log', 'get'], ['/druid/indexer/v1/task/{id}/reports', 'get'], ['/druid/indexer/v1/task/{id}/shutdown', 'post'],
      ['/druid/indexer/v1/task/{id}/segments', 'get'], ['/druid/indexer/v1/tasks', 'get'], ['/druid/indexer/v1/completeTasks', 'get'],
      ['/druid/indexer/v1/runningTasks', 'get'], ['/druid/indexer/v1/waitingTasks', 'get'], ['/druid/indexer/v1/pendingTasks', 'get'],
      ['/druid/indexer/v1/taskStatus', 'post'], ['/druid/indexer/v1/datasources/{ds}/shutdownAllTasks', 'post'],
      ['/druid/indexer/v1/pendingSegments/{ds}', 'delete'], ['/druid/indexer/v1/workers', 'get'], ['/druid/indexer/v1/totalWorkerCapacity', 'get'],
      ['/druid/indexer/v1/lockedIntervals/v2', 'post'], ['/druid/v2/sql', 'post'], ['/druid/v2/sql/{sqlQueryId}', 'delete'],
      ['/druid/v2/sql/task', 'post'], ['/druid/v2/sql/task/enabled', 'get'], ['/druid/v2/sql/statements', 'post'],
      ['/druid/v2/sql/statements/enabled', 'get'], ['/druid/v2/sql/statements/{id}', 'get'], ['/druid/v2/sql/statements/{id}', 'delete'],
      ['/druid/v2/sql/statements/{id}/results', 'get'], ['/druid/v2/sql/statements/{id}/stop', 'post'], ['/status', 'get'], ['/status/health', 'get'],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op.summary, `${method} ${path}`).toMatch(/\S/);
      expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
    }
    // Every operation Grove serves under /druid or /status is documented, not only those listed here.
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`));
    expect(documented.filter((d) => / \/(druid|status)/.test(d)).length).toBe(expected.length);
    expect(doc.paths['/druid/indexer/v1/lockedIntervals/v2'].post.requestBody).toBeDefined();
  });

  it('serves the UI page', async () => {
    const r = await env.s.get('/docs/static/index.html');
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/swagger/i);
  });
});
