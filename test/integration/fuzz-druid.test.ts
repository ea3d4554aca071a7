import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inline, seedInsert } from '../helpers/msq.js';
import { BACKENDS, serverWithInput, waitFor, type TestServer } from '../helpers/server.js';
import { inlineSpec, noop } from '../helpers/specs.js';

/**
 * Property-based fuzzing of every Druid endpoint (invariant 5; issue 9.8): generated and mutated
 * bodies, query strings, ids and SQL. Whatever comes in: never a 5xx, errors in the endpoint
 * family's own shape, nothing stored for a refused request, and a healthy server afterwards.
 */

type Family = 'overlord' | 'sql' | 'sqlTask' | 'status';

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly family: Family;
  /** Druid answers this endpoint's "nothing there" with an empty 404. */
  readonly empty404?: boolean;
  /** Accepted, this request creates a task and answers its id here. */
  readonly creates?: (body: any) => string | undefined;
}

const SEED_SQL = [
  "SELECT page, COUNT(*) AS c FROM fuzz_ds WHERE __time >= TIMESTAMP '2020-01-01' GROUP BY page ORDER BY c DESC LIMIT 3",
  "SELECT TIME_FLOOR(__time, 'PT1H') AS h, SUM(n) FROM fuzz_ds GROUP BY 1",
  `INSERT INTO fuzz_out SELECT TIME_PARSE(ts) AS __time, page FROM ${inline(['2020-01-01T00:00:00Z,a'], 'ts VARCHAR, page VARCHAR')} PARTITIONED BY DAY`,
  "REPLACE INTO fuzz_out OVERWRITE WHERE __time >= TIMESTAMP '2020-01-01' AND __time < TIMESTAMP '2020-01-02' SELECT __time, page FROM fuzz_ds PARTITIONED BY DAY CLUSTERED BY page",
  seedInsert('fuzz_seed', ['http://127.0.0.1:1/none.json']),
  'SELECT * FROM sys.tasks',
  "SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'fuzz_ds'",
  'EXPLAIN PLAN FOR SELECT 1',
  "SET sqlTimeZone = 'America/Los_Angeles'; SELECT __time FROM fuzz_ds",
];
const SQL_TOKENS = ['SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'LIMIT', 'INSERT INTO', 'REPLACE INTO', 'OVERWRITE ALL', 'PARTITIONED BY', 'CLUSTERED BY',
  'DAY', 'ALL', 'EXTERN(', 'TABLE(', ')', '(', ',', "'", '"', '*', '?', '__time', 'fuzz_ds', 'sys.segments', 'TIME_PARSE(', 'CAST(', 'AS', 'NULL', '1e309',
  '-9223372036854775809', "TIMESTAMP '2020-13-45'", "INTERVAL '1' DAY", ';', '--', '/*', 'UNNEST(', 'JOIN', 'ON', 'EXPLAIN PLAN FOR', 'SET x = 1;', '\u0000', 'é'];

/** A seed statement with tokens inserted, deleted or replaced, or a string of tokens from nothing. */
const sqlText = fc.oneof(
  fc.tuple(fc.constantFrom(...SEED_SQL), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...SQL_TOKENS, '')), { maxLength: 4 })).map(([sql, edits]) => {
    let out = sql;
    for (const [at, len, token] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + token + out.slice(i + (len % 8));
    }
    return out;
  }),
  fc.array(fc.constantFrom(...SQL_TOKENS), { maxLength: 12 }).map((t) => t.join(' ')),
  fc.string({ maxLength: 60, unit: 'binary' }),
);

/** A valid object with one value somewhere replaced or removed: the edge of what a parser accepts. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, p: string[]): void => {
    paths.push(p);
    if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), fc.option(fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), { nil: undefined }), fc.boolean()).map(([p, value, remove]) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    if (p.length === 0) return value;
    let target: any = copy;
    for (const k of p.slice(0, -1)) target = target[k];
    if (remove) delete target[p.at(-1)!];
    else target[p.at(-1)!] = value;
    return copy;
  });
}

// Not `.` or `..`: fetch resolves those (even escaped) into another path before sending.
const weirdId = fc.oneof(fc.string({ maxLength: 20, unit: 'binary' }).filter((s) => s !== '.' && s !== '..'), fc.constantFrom('..x', '.hidden', 'query-nope', 'a/b', '%2F', ' x ', '\u0000', 'é', 'x'.repeat(300), 'noop_1'));
const enc = (s: string): string => encodeURIComponent(s);
const queryValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('complete', 'RUNNING', '-1', '1e9', '2015-09-12_2015-09-13', '2015/2016', 'x_y', ''));
const queryString = fc.dictionary(fc.constantFrom('state', 'datasource', 'createdTimeInterval', 'max', 'n', 'type', 'offset', 'page', 'resultFormat', 'filename', 'detail', 'interval'), queryValue, { maxKeys: 3 })
  .map((q) => (Object.keys(q).length === 0 ? '' : `?${new URLSearchParams(q).toString()}`));
const contentType = fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined, 'application/xml', 'application/json; charset=latin1');
const json = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v));
const anyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map(json),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '{', '[]', 'null', '{"type":', '\u0000', '{"query":1}'),
);
const taskId = (b: any): string | undefined => b?.task;
const sqlTaskId = (b: any): string | undefined => b?.taskId ?? undefined;
const statementId = (b: any): string | undefined => b?.queryId;

const calls: fc.Arbitrary<Call> = fc.oneof(
  // Tasks API
  fc.tuple(fc.oneof(mutated(inlineSpec('fuzz_ds', [{ ts: '2020-01-01T00:00:00Z', page: 'a', n: 1 }])), mutated(noop(10)), mutated({ type: 'index_parallel', spec: {} })).map(json), contentType)
    .map(([body, ct]) => ({ method: 'POST', path: '/druid/indexer/v1/task', body, contentType: ct, family: 'overlord', creates: taskId }) as Call),
  fc.tuple(anyBody, contentType).map(([body, ct]) => ({ method: 'POST', path: '/druid/indexer/v1/task', body, contentType: ct, family: 'overlord', creates: taskId }) as Call),
  fc.tuple(weirdId, fc.constantFrom('', '/status', '/log', '/reports', '/segments'), queryString)
    .map(([id, sub, q]) => ({ method: 'GET', path: `/druid/indexer/v1/task/${enc(id)}${sub}${q}`, family: 'overlord' }) as Call),
  weirdId.map((id) => ({ method: 'POST', path: `/druid/indexer/v1/task/${enc(id)}/shutdown`, family: 'overlord' }) as Call),
  fc.tuple(fc.constantFrom('tasks', 'completeTasks', 'runningTasks', 'waitingTasks', 'pendingTasks'), queryString)
    .map(([list, q]) => ({ method: 'GET', path: `/druid/indexer/v1/${list}${q}`, family: 'overlord' }) as Call),
  fc.tuple(fc.oneof(anyBody, fc.array(weirdId).map(json)), contentType).map(([body, ct]) => ({ method: 'POST', path: '/druid/indexer/v1/taskStatus', body, contentType: ct, family: 'overlord' }) as Call),
  weirdId.map((ds) => ({ method: 'POST', path: `/druid/indexer/v1/datasources/${enc(ds)}/shutdownAllTasks`, family: 'overlord', empty404: true }) as Call),
  fc.tuple(weirdId, queryString).map(([ds, q]) => ({ method: 'DELETE', path: `/druid/indexer/v1/pendingSegments/${enc(ds)}${q}`, family: 'overlord' }) as Call),
  fc.constantFrom('workers', 'totalWorkerCapacity').map((p) => ({ method: 'GET', path: `/druid/indexer/v1/${p}`, family: 'overlord' }) as Call),
  fc.oneof(anyBody, mutated([{ datasource: 'fuzz_ds', priority: 0, intervals: ['2020/2021'] }]).map(json))
    .map((body) => ({ method: 'POST', path: '/druid/indexer/v1/lockedIntervals/v2', body, contentType: 'application/json', family: 'overlord' }) as Call),
  // SQL API
  fc.tuple(sqlText, fc.constantFrom('object', 'array', 'csv', 'objectLines', 'arrayLines', 'parquet', undefined, 7), fc.option(mutated({ sqlTimeZone: 'UTC', timeout: 20_000, sqlQueryId: 'q' })), fc.option(fc.array(fc.jsonValue({ maxDepth: 1, stringUnit: 'binary' }), { maxLength: 2 })), fc.boolean())
    .map(([query, resultFormat, context, parameters, header]) => ({
      method: 'POST', path: '/druid/v2/sql', body: json({ query, resultFormat, header, context: context ?? undefined, parameters: parameters ?? undefined }), contentType: 'application/json', family: 'sql',
    }) as Call),
  fc.tuple(anyBody, contentType).map(([body, ct]) => ({ method: 'POST', path: '/druid/v2/sql', body, contentType: ct, family: 'sql' }) as Call),
  weirdId.map((id) => ({ method: 'DELETE', path: `/druid/v2/sql/${enc(id)}`, family: 'sql', empty404: true }) as Call),
  // SQL-based ingestion
  fc.tuple(sqlText, fc.option(mutated({ maxNumTasks: 2, finalizeAggregations: false, rowsPerSegment: 10 }))).map(([query, context]) => ({
    method: 'POST', path: '/druid/v2/sql/task', body: json({ query, context: context ?? undefined }), contentType: 'application/json', family: 'sqlTask', creates: sqlTaskId,
  }) as Call),
  fc.tuple(anyBody, contentType).map(([body, ct]) => ({ method: 'POST', path: '/druid/v2/sql/task', body, contentType: ct, family: 'sqlTask', creates: sqlTaskId }) as Call),
  // Statements API
  fc.tuple(sqlText, fc.option(mutated({ executionMode: 'ASYNC', rowsPerPage: 2, sqlQueryId: 'fuzz' }))).map(([query, context]) => ({
    method: 'POST', path: '/druid/v2/sql/statements', body: json({ query, context: context ?? undefined }), contentType: 'application/json', family: 'sql', creates: statementId,
  }) as Call),
  fc.tuple(anyBody, contentType).map(([body, ct]) => ({ method: 'POST', path: '/druid/v2/sql/statements', body, contentType: ct, family: 'sql', creates: statementId }) as Call),
  // An empty id is another endpoint (DELETE /druid/v2/sql/{id} with the id `statements`).
  fc.tuple(weirdId.filter((id) => id !== ''), fc.constantFrom('', '/results', '/stop'), queryString, fc.constantFrom('GET', 'POST', 'DELETE'))
    .map(([id, sub, q, method]) => ({ method, path: `/druid/v2/sql/statements/${enc(id)}${sub}${q}`, family: 'sql' }) as Call),
  fc.constantFrom('/status', '/status/health', '/druid/v2/sql/task/enabled').map((p) => ({ method: 'GET', path: p, family: 'status' }) as Call),
);

/** Checks one answer; returns the ids of tasks it created. */
async function check(s: TestServer, call: Call, created: Set<string>): Promise<void> {
  const r = await fetch(s.url + call.path, {
    method: call.method,
    headers: call.contentType === undefined || call.body === undefined ? {} : { 'content-type': call.contentType },
    body: call.body,
  });
  const text = await r.text();
  const what = `${call.method} ${call.path} ${call.contentType ?? ''} ${call.body ?? ''} -> ${r.status} ${text.slice(0, 300)}`;
  expect(r.status, what).toBeLessThan(500);
  const body = parse(text);
  if (call.empty404 && r.status === 404 && text === '') return;
  if (r.status < 400) {
    const id = call.creates?.(body);
    if (id !== undefined) created.add(id);
    return;
  }
  switch (call.family) {
    case 'sql':
      expect(body, what).toMatchObject({ error: 'druidException', errorCode: expect.any(String), category: expect.any(String), errorMessage: expect.any(String) });
      break;
    case 'sqlTask':
      expect(body, what).toMatchObject({ state: 'FAILED', error: { error: 'druidException', errorMessage: expect.any(String) } });
      break;
    case 'overlord': {
      // The Overlord answers `{"error": ...}`, Druid's plain-text messages, or `{task, status|payload: null}`
      // for an unknown task.
      const known = (typeof body === 'object' && body !== null && (typeof body.error === 'string' || ('task' in body && (body.status === null || body.payload === null))))
        || (typeof body === 'string' && body !== '' && (r.headers.get('content-type') ?? '').startsWith('text/plain'));
      expect(known, what).toBe(true);
      break;
    }
    case 'status':
      throw new Error(`a status endpoint refused: ${what}`);
  }
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe.each(BACKENDS)('fuzzing the Druid endpoints on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 2 });

  it('never answers 5xx, always in the family shape, stores nothing it refused, and stays healthy', async () => {
    const rows = [{ ts: '2020-01-01T00:00:00Z', page: 'a', n: 1 }, { ts: '2020-01-01T05:00:00Z', page: 'b', n: 2 }];
    // fuzz_ds is there to be read and written by the fuzzer; nothing it sends names fuzz_health.
    for (const ds of ['fuzz_ds', 'fuzz_health']) expect((await env.s.waitForCompletion(await env.s.submit(inlineSpec(ds, rows)))).statusCode).toBe('SUCCESS');
    const before = new Set<string>((await env.s.json('/druid/indexer/v1/tasks')).map((t: any) => t.id));
    const created = new Set<string>();
    await fc.assert(fc.asyncProperty(calls, (call) => check(env.s, call, created)), { numRuns: Number(process.env.GROVE_FUZZ_RUNS ?? 1500), seed: process.env.GROVE_FUZZ_SEED ? Number(process.env.GROVE_FUZZ_SEED) : undefined });

    // Whatever the fuzzer got accepted ends; nothing else became a task.
    for (const t of (await env.s.json('/druid/indexer/v1/tasks')).filter((x: any) => x.statusCode === 'RUNNING')) {
      await env.s.post(`/druid/indexer/v1/task/${encodeURIComponent(t.id)}/shutdown`);
    }
    const all = await waitFor(async () => {
      const list = await env.s.json('/druid/indexer/v1/tasks');
      return list.every((t: any) => t.statusCode !== 'RUNNING') ? list : undefined;
    }, 30_000, 'every task to end');
    const leaders = new Set<string>(all.filter((t: any) => t.groupId === t.id && !before.has(t.id)).map((t: any) => t.id));
    expect([...leaders].sort()).toEqual([...created].sort());

    expect((await env.s.get('/status/health')).status).toBe(200);
    expect(await env.s.sql('SELECT COUNT(*) AS c FROM fuzz_health')).toEqual([{ c: 2 }]);
    expect((await env.s.waitForCompletion(await env.s.submit(noop(0)), 20_000)).statusCode).toBe('SUCCESS');
    expect((await env.s.json('/druid/indexer/v1/workers'))[0].currCapacityUsed).toBe(0);
  }, 600_000);
});
