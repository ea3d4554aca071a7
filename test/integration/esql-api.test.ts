import fs from 'node:fs';
import path from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, inlineSpec, seedSubmitSpec } from '../helpers/specs.js';
import { BACKENDS, TestServer, waitFor } from '../helpers/server.js';

/**
 * The Elasticsearch face driven by the official client (@elastic/elasticsearch 9.4) against the
 * real server, on both metadata stores: cluster info, sync and async ES|QL, formats, headers,
 * stop with and without partial results, delete, expiry, and each error type. The data is
 * ingested through the Druid face, so both faces read the same datasources.
 *
 * Async queries run as MSQ jobs whose worker holds after each input file when the
 * `worker.split-read` fault point is armed: a stop then always lands mid-query.
 */

const HOLD = 'worker.split-read';

describe.each(BACKENDS)('Elasticsearch ES|QL face on %s', (backend) => {
  let s: TestServer;
  let client: Client;
  let total = 0;

  beforeAll(async () => {
    s = await TestServer.start({ backend, capacity: 4, cwd: FIXTURES, allowedInputDirs: [FIXTURES], env: { GROVE_FAULTS: `${HOLD}=hold` } });
    s.release(HOLD);
    // The seed's Wikipedia sample as 24 hourly segments, and a small datasource with multi-values.
    const wiki = seedSubmitSpec();
    wiki.spec.dataSchema.dataSource = 'wikipedia';
    wiki.spec.dataSchema.granularitySpec.segmentGranularity = 'hour';
    const tags = inlineSpec('tagged', [
      { ts: '2024-01-01T00:00:00Z', page: 'a', n: 1, tags: ['x', 'y'] },
      { ts: '2024-01-01T01:00:00Z', page: 'b', n: 2, tags: ['x'] },
      { ts: '2024-01-01T02:00:00Z', page: 'c', n: 3 },
    ]);
    // Discovered types: tags becomes a multi-value (ARRAY<STRING>) column.
    tags.spec.dataSchema.dimensionsSpec = { useSchemaDiscovery: true };
    for (const id of [await s.submit(wiki), await s.submit(tags)]) expect((await s.waitForCompletion(id, 180_000)).statusCode).toBe('SUCCESS');
    total = (await s.sql('SELECT COUNT(*) AS c FROM wikipedia'))[0].c;
    client = new Client({ node: `${s.url}/es` });
  }, 240_000);

  afterAll(async () => {
    await client?.close();
    await s?.close();
  });

  /** The client's error for a failing call. */
  async function failure(p: Promise<unknown>): Promise<errors.ResponseError> {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(errors.ResponseError);
      return e as errors.ResponseError;
    }
    throw new Error('expected the call to fail');
  }

  it('answers info() and ping() as an Elasticsearch 9 cluster', async () => {
    const info = await client.info();
    expect(info.version.number).toMatch(/^9\.\d+\.\d+$/);
    expect(info.tagline).toBe('You Know, for Search');
    expect(await client.ping()).toBe(true);
  });

  it('runs the issue\'s query: the same counts as Druid SQL over the same datasource', async () => {
    const r = await client.esql.query({ query: 'FROM wikipedia | STATS edits = COUNT(*) BY channel | SORT edits DESC | LIMIT 5' });
    expect(r.columns).toEqual([{ name: 'edits', type: 'long' }, { name: 'channel', type: 'keyword' }]);
    const sql = await s.sql('SELECT COUNT(*) AS edits, channel FROM wikipedia GROUP BY channel ORDER BY edits DESC LIMIT 5');
    expect(r.values).toEqual(sql.map((row) => [row.edits, row.channel]));
    expect(r.is_partial).toBe(false);
  });

  it('sends the headers the client checks, and the default-limit warning', async () => {
    const r = await client.esql.query({ query: 'FROM wikipedia | KEEP page' }, { meta: true });
    expect(r.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(r.headers['content-type']).toMatch(/^application\/vnd\.elasticsearch\+json/);
    expect(r.warnings).toEqual([expect.stringMatching(/^299 Elasticsearch-9\.\d+\.\d+-[0-9a-f]+ "No limit defined, adding default limit of \[1000\]"$/)]);
    expect((r.body as any).values).toHaveLength(total);
    // More rows than the default limit: capped at 1000.
    const many = await client.esql.query({ query: `ROW a = [${Array.from({ length: 1500 }, (_, i) => i).join(', ')}] | MV_EXPAND a` }, { meta: true });
    expect((many.body as any).values).toHaveLength(1000);
    expect(many.warnings).toHaveLength(1);
    const limited = await client.esql.query({ query: 'FROM wikipedia | KEEP page | LIMIT 3' }, { meta: true });
    expect(limited.warnings).toBeNull();
  });

  it('shows dates, multi-values and nulls as Elasticsearch does, columnar too', async () => {
    const r = await client.esql.query({ query: 'FROM tagged | SORT n | KEEP @timestamp, page, tags' });
    expect(r.columns).toEqual([{ name: '@timestamp', type: 'date' }, { name: 'page', type: 'keyword' }, { name: 'tags', type: 'keyword' }]);
    expect(r.values).toEqual([['2024-01-01T00:00:00.000Z', 'a', ['x', 'y']], ['2024-01-01T01:00:00.000Z', 'b', 'x'], ['2024-01-01T02:00:00.000Z', 'c', null]]);
    const columnar = await client.esql.query({ query: 'FROM tagged | SORT n | KEEP page, n', columnar: true });
    expect(columnar.values).toEqual([['a', 'b', 'c'], [1, 2, 3]]);
    const dropped = await client.esql.query({ query: 'FROM tagged | WHERE n == 3 | KEEP page, tags', drop_null_columns: true });
    expect((dropped as any).all_columns).toEqual([{ name: 'page', type: 'keyword' }, { name: 'tags', type: 'keyword' }]);
    expect(dropped.columns).toEqual([{ name: 'page', type: 'keyword' }]);
    expect(dropped.values).toEqual([['c']]);
  });

  it('answers csv, tsv and txt', async () => {
    const q = 'FROM tagged | SORT n | KEEP page, n | LIMIT 2';
    expect(await client.esql.query({ query: q, format: 'csv' })).toBe('page,n\r\na,1\r\nb,2\r\n');
    expect(await client.esql.query({ query: q, format: 'csv', delimiter: ';' })).toBe('page;n\r\na;1\r\nb;2\r\n');
    expect(await client.esql.query({ query: q, format: 'tsv' })).toBe('page\tn\na\t1\nb\t2\n');
    expect(await client.esql.query({ query: q, format: 'txt' })).toBe(
      '     page      |       n       \n---------------+---------------\na              |1              \nb              |2              \n',
    );
  });

  it('takes positional and named params', async () => {
    const r = await client.esql.query({ query: 'FROM tagged | WHERE n > ? AND page != ? | KEEP page | SORT page', params: [1, 'c'] });
    expect(r.values).toEqual([['b']]);
    const named = await client.esql.query({ query: 'FROM tagged | WHERE n >= ?min | KEEP ?col | SORT page', params: [{ min: 2 }, { col: { identifier: 'page' } }] as any });
    expect(named.values).toEqual([['b'], ['c']]);
  });

  it('gives records through helpers.esql().toRecords()', async () => {
    const { records, columns } = await client.helpers.esql({ query: 'FROM tagged | SORT n | KEEP page, n' }).toRecords<{ page: string; n: number }>();
    expect(columns).toEqual([{ name: 'page', type: 'keyword' }, { name: 'n', type: 'long' }]);
    expect(records).toEqual([{ page: 'a', n: 1 }, { page: 'b', n: 2 }, { page: 'c', n: 3 }]);
  });

  describe('async queries', () => {
    it('answers at once, without an id, a query that ends within the wait and need not be kept', async () => {
      const r = await client.esql.asyncQuery({ query: 'FROM tagged | STATS c = COUNT(*)', wait_for_completion_timeout: '30s' }, { meta: true });
      const body = r.body as any;
      expect(body.id).toBeUndefined();
      expect(body.is_running).toBe(false);
      expect(body.values).toEqual([[3]]);
      expect(r.headers['x-elasticsearch-async-id']).toBeUndefined();
      expect(r.headers['x-elasticsearch-async-is-running']).toBe('?0');
    });

    it('keeps a finished query on request: it is a Grove task, GET answers it, DELETE forgets it', async () => {
      const r = await client.esql.asyncQuery({ query: 'FROM tagged | STATS c = COUNT(*)', wait_for_completion_timeout: '30s', keep_on_completion: true }, { meta: true });
      const id = (r.body as any).id as string;
      expect(r.headers['x-elasticsearch-async-id']).toBe(id);
      const status = await s.status(id);
      expect(status).toMatchObject({ id, type: 'query_controller', statusCode: 'SUCCESS' });
      const again = await client.esql.asyncQueryGet({ id });
      expect(again).toMatchObject({ id, is_running: false, is_partial: false, values: [[3]] });
      expect(await client.esql.asyncQueryDelete({ id })).toEqual({ acknowledged: true });
      const gone = await failure(client.esql.asyncQueryGet({ id }));
      expect(gone.statusCode).toBe(404);
      expect(gone.body).toEqual({ error: { root_cause: [{ type: 'resource_not_found_exception', reason: id }], type: 'resource_not_found_exception', reason: id }, status: 404 });
      expect((await failure(client.esql.asyncQueryDelete({ id }))).statusCode).toBe(404);
    });

    it('stops a running query with the rows computed so far, is_partial', async () => {
      s.rearm(HOLD);
      try {
        const started = await client.esql.asyncQuery({ query: 'FROM wikipedia | STATS c = COUNT(*)', wait_for_completion_timeout: '0s' }, { meta: true });
        const id = (started.body as any).id as string;
        expect(started.body).toMatchObject({ id, is_running: true });
        expect(started.headers['x-elasticsearch-async-is-running']).toBe('?1');
        expect(started.headers['x-elasticsearch-async-id']).toBe(id);
        await s.reached(HOLD);
        const running = await client.esql.asyncQueryGet({ id, wait_for_completion_timeout: '0s' });
        expect(running).toMatchObject({ id, is_running: true });
        const stopped = await client.esql.asyncQueryStop({ id }, { meta: true });
        const body = stopped.body as any;
        expect(body).toMatchObject({ is_running: false, is_partial: true, columns: [{ name: 'c', type: 'long' }] });
        expect(stopped.headers['x-elasticsearch-async-is-running']).toBe('?0');
        const partial = body.values[0][0] as number;
        expect(partial).toBeGreaterThan(0);
        expect(partial).toBeLessThan(total);
        // The stopped query keeps its partial result.
        expect(await client.esql.asyncQueryGet({ id })).toMatchObject({ is_partial: true, values: [[partial]] });
        await client.esql.asyncQueryDelete({ id });
      } finally {
        s.release(HOLD);
      }
    });

    it('stops a finished query with its whole result, not partial', async () => {
      const r = await client.esql.asyncQuery({ query: 'FROM wikipedia | STATS c = COUNT(*)', wait_for_completion_timeout: '60s', keep_on_completion: true });
      const stopped = await client.esql.asyncQueryStop({ id: r.id! });
      expect(stopped).toMatchObject({ is_running: false, is_partial: false, values: [[total]] });
      await client.esql.asyncQueryDelete({ id: r.id! });
    });

    it('DELETE cancels a running query', async () => {
      s.rearm(HOLD);
      try {
        const r = await client.esql.asyncQuery({ query: 'FROM wikipedia | KEEP page', wait_for_completion_timeout: '0s' });
        await s.reached(HOLD);
        expect(await client.esql.asyncQueryDelete({ id: r.id! })).toEqual({ acknowledged: true });
        const status = await s.waitForCompletion(r.id!, 30_000);
        expect(status.statusCode).toBe('FAILED');
        expect((await failure(client.esql.asyncQueryGet({ id: r.id! }))).statusCode).toBe(404);
      } finally {
        s.release(HOLD);
      }
    });

    it('expires after keep_alive: 404, results removed; a GET with keep_alive extends it', async () => {
      const a = await client.esql.asyncQuery({ query: 'FROM tagged | KEEP page', wait_for_completion_timeout: '30s', keep_on_completion: true, keep_alive: '2s' });
      const b = await client.esql.asyncQuery({ query: 'FROM tagged | KEEP n', wait_for_completion_timeout: '30s', keep_on_completion: true, keep_alive: '2s' });
      const results = path.join(s.dataDir, 'tasks', a.id!, 'results');
      expect(fs.existsSync(results)).toBe(true);
      await client.esql.asyncQueryGet({ id: b.id!, keep_alive: '1m' });
      await new Promise((r) => setTimeout(r, 2500));
      expect((await failure(client.esql.asyncQueryGet({ id: a.id! }))).statusCode).toBe(404);
      await waitFor(async () => (fs.existsSync(results) ? undefined : true), 10_000, 'expired results to be removed');
      expect(await client.esql.asyncQueryGet({ id: b.id! })).toMatchObject({ id: b.id, is_running: false });
      await client.esql.asyncQueryDelete({ id: b.id! });
    });

    it('answers a running query in csv with its headers and an empty table', async () => {
      s.rearm(HOLD);
      try {
        const r = await fetch(`${s.url}/es/_query/async?format=csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'FROM wikipedia | KEEP page', wait_for_completion_timeout: '0s' }) });
        expect(r.status).toBe(200);
        expect(r.headers.get('x-elasticsearch-async-is-running')).toBe('?1');
        const id = r.headers.get('x-elasticsearch-async-id')!;
        expect(id).toMatch(/^esql_/);
        expect(await r.text()).toBe('\r\n');
        await client.esql.asyncQueryDelete({ id });
      } finally {
        s.release(HOLD);
      }
    });
  });

  describe('errors, in Elasticsearch\'s shape', () => {
    const errorOf = async (p: Promise<unknown>) => {
      const e = await failure(p);
      return { status: e.statusCode, type: (e.body as any).error.type as string, reason: (e.body as any).error.reason as string, body: e.body as any };
    };

    it('syntax: parsing_exception at line:column', async () => {
      const e = await errorOf(client.esql.query({ query: 'FROM wikipedia | WHER x' }));
      expect(e.status).toBe(400);
      expect(e.type).toBe('parsing_exception');
      expect(e.reason).toMatch(/^line 1:18: mismatched input 'WHER' expecting \{'where', /);
      expect(e.body.error.root_cause).toEqual([{ type: 'parsing_exception', reason: e.reason }]);
    });

    it('semantics: verification_exception with every problem', async () => {
      const e = await errorOf(client.esql.query({ query: 'FROM wikipedia | WHERE chanel == "x" | STATS SUM(page)' }));
      expect(e).toMatchObject({ status: 400, type: 'verification_exception' });
      expect(e.reason).toBe('Found 2 problems\nline 1:24: Unknown column [chanel], did you mean [channel]?\nline 1:46: argument of [SUM(page)] must be [numeric], found value [page] type [keyword]');
      expect((await errorOf(client.esql.query({ query: 'FROM nosuch' }))).reason).toBe('Found 1 problem\nline 1:6: Unknown index [nosuch]');
    });

    it('bad request parameters: illegal_argument_exception and x_content_parse_exception', async () => {
      const delimiter = await errorOf(client.esql.query({ query: 'FROM tagged | LIMIT 1', format: 'json', delimiter: ';' }));
      expect(delimiter).toMatchObject({ status: 400, type: 'illegal_argument_exception', reason: 'parameter: [delimiter] can only be used with the format [csv] for request [/_query]' });
      const field = await errorOf(client.esql.query({ query: 'FROM tagged', nonsense: 1 } as any));
      expect(field).toMatchObject({ status: 400, type: 'x_content_parse_exception', reason: '[esql/query] unknown field [nonsense]' });
      const keepAlive = await errorOf(client.esql.asyncQuery({ query: 'FROM tagged', keep_alive: 'soon' }));
      expect(keepAlive).toMatchObject({ status: 400, type: 'x_content_parse_exception', reason: '[esql/async_query] failed to parse field [keep_alive]' });
      expect(keepAlive.body.error.caused_by).toEqual({ type: 'illegal_argument_exception', reason: 'failed to parse setting [keep_alive] with value [soon] as a time value: unit is missing or unrecognized' });
      const noBody = await errorOf(client.esql.query({} as any));
      expect(noBody).toMatchObject({ status: 400, type: 'parse_exception', reason: 'request body is required' });
      const missing = await errorOf(client.esql.query({ columnar: true } as any));
      expect(missing).toMatchObject({ status: 400, type: 'action_request_validation_exception', reason: 'Validation Failed: 1: [query] is required;' });
      expect((await errorOf(client.esql.asyncQueryGet({ id: 'not-an-id' }))).reason).toBe('invalid id: [not-an-id]');
    });

    it('answers curl as the client: vendored JSON in, X-elastic-product on every answer, errors included', async () => {
      const post = (url: string, body: string, type = 'application/vnd.elasticsearch+json; compatible-with=9') =>
        fetch(`${s.url}/es${url}`, { method: 'POST', headers: { 'content-type': type }, body });
      const ok = await post('/_query', JSON.stringify({ query: 'ROW a = 1' }));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-elastic-product')).toBe('Elasticsearch');
      const badJson = await post('/_query', '{"query": ');
      expect(badJson.status).toBe(400);
      expect(badJson.headers.get('x-elastic-product')).toBe('Elasticsearch');
      expect(((await badJson.json()) as any).error.type).toBe('x_content_parse_exception');
      const unknown = await fetch(`${s.url}/es/_nothing`);
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('x-elastic-product')).toBe('Elasticsearch');
      expect(await unknown.json()).toEqual({ error: 'no handler found for uri [/_nothing] and method [GET]', status: 400 });
      const method = await fetch(`${s.url}/es/_query`);
      expect(method.status).toBe(405);
      expect(await method.json()).toEqual({ error: 'Incorrect HTTP method for uri [/_query] and method [GET], allowed: [POST]', status: 405 });
      const text = await post('/_query', 'ROW a = 1', 'text/plain');
      expect(text.status).toBe(400);
      expect(((await text.json()) as any).error.type).toBe('media_type_header_exception');
    });
  });
});
