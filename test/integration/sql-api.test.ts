import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestServer, waitFor } from '../helpers/server.js';
import { inlineSpec } from '../helpers/specs.js';

/**
 * POST /druid/v2/sql and DELETE /druid/v2/sql/{id} over HTTP against the real server, on each
 * metadata store: every result format and header flag, parameters, cancel, timeout, errors with
 * their position, Druid functions, joins, pruning and replaced datasources. Exact bodies follow
 * Druid's writers (sql/http/*Writer.java) and error shapes (ErrorResponse, QueryExceptionCompat).
 */

const WIKI = [
  { ts: '2024-01-01T01:00:00Z', page: 'Apple', n: 1, price: null, ratio: 0.25 },
  { ts: '2024-01-01T02:00:00Z', page: 'Banana', n: 2, price: 2.5, ratio: 0.5 },
  { ts: '2024-01-01T03:00:00Z', page: 'Apple', n: 3, price: 3.5, ratio: 0.75 },
  { ts: '2024-01-02T01:00:00Z', page: 'Cherry, "red"', n: 4, price: 4, ratio: 1 },
  { ts: '2024-01-02T02:00:00Z', page: 'Banana', n: 5, price: 5.5, ratio: 1.25 },
  { ts: '2024-01-02T03:00:00Z', page: null, n: 6, price: 6.5, ratio: 1.5 },
];
/** A datasource whose name needs quoting in SQL. */
const META = 'sql pages-meta';
const SWAP_DAYS = '2024-05-01/2024-05-03';

function wikiSpec(): Record<string, any> {
  const spec = inlineSpec('sql_wiki', WIKI);
  spec.spec.dataSchema.dimensionsSpec.dimensions.push({ type: 'double', name: 'price' }, { type: 'float', name: 'ratio' });
  return spec;
}

function metaSpec(): Record<string, any> {
  const spec = inlineSpec(META, [
    { ts: '2024-01-01T00:00:00Z', page: 'Apple', category: 'fruit-a' },
    { ts: '2024-01-01T00:00:00Z', page: 'Banana', category: 'fruit-b' },
    { ts: '2024-01-01T00:00:00Z', page: 'Durian', category: 'fruit-d' },
  ]);
  spec.spec.dataSchema.dimensionsSpec.dimensions = ['page', 'category'];
  return spec;
}

const swapRows = (page: string, times: string[], first: number) => times.map((ts, i) => ({ ts, page, n: first + i }));
const OLD_SWAP = swapRows('old', ['2024-05-01T01:00:00Z', '2024-05-01T02:00:00Z', '2024-05-02T01:00:00Z', '2024-05-02T02:00:00Z'], 1);
const NEW_SWAP = swapRows('new', ['2024-05-01T05:00:00Z', '2024-05-02T05:00:00Z', '2024-05-02T06:00:00Z'], 10);

/** Heavy but bounded: a 4·10^10-row cross join, minutes of work; the tests stop it long before. */
const HEAVY = 'SELECT SUM(a.x * b.y) AS s FROM UNNEST(generate_series(1, 200000)) AS a(x) CROSS JOIN UNNEST(generate_series(1, 200000)) AS b(y)';

const TIMEOUT_MESSAGE = 'Query did not complete within configured timeout period. You can increase query timeout or tune the performance of query.';

const FORMATS = ['object', 'array', 'objectLines', 'arrayLines', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const CONTENT_TYPE: Record<Format, string> = {
  object: 'application/json',
  array: 'application/json',
  objectLines: 'text/plain',
  arrayLines: 'text/plain',
  csv: 'text/csv',
};

/** The rows of FORMAT_QUERY, in each shape Druid writes them. */
const FORMAT_QUERY = 'SELECT __time, page, n, price, ratio FROM sql_wiki WHERE n IN (1, 4) ORDER BY __time';
const OBJECT_ROWS = [
  '{"__time":"2024-01-01T01:00:00.000Z","page":"Apple","n":1,"price":null,"ratio":0.25}',
  '{"__time":"2024-01-02T01:00:00.000Z","page":"Cherry, \\"red\\"","n":4,"price":4.0,"ratio":1.0}',
];
const ARRAY_ROWS = ['["2024-01-01T01:00:00.000Z","Apple",1,null,0.25]', '["2024-01-02T01:00:00.000Z","Cherry, \\"red\\"",4,4.0,1.0]'];
const CSV_ROWS = ['2024-01-01T01:00:00.000Z,Apple,1,,0.25', '2024-01-02T01:00:00.000Z,"Cherry, ""red""",4,4.0,1.0'];
const OBJECT_HEADER = {
  none: '{"__time":null,"page":null,"n":null,"price":null,"ratio":null}',
  types: '{"__time":{"type":"LONG"},"page":{"type":"STRING"},"n":{"type":"LONG"},"price":{"type":"DOUBLE"},"ratio":{"type":"FLOAT"}}',
  sqlTypes:
    '{"__time":{"sqlType":"TIMESTAMP"},"page":{"sqlType":"VARCHAR"},"n":{"sqlType":"BIGINT"},"price":{"sqlType":"DOUBLE"},"ratio":{"sqlType":"FLOAT"}}',
  both:
    '{"__time":{"type":"LONG","sqlType":"TIMESTAMP"},"page":{"type":"STRING","sqlType":"VARCHAR"},"n":{"type":"LONG","sqlType":"BIGINT"},' +
    '"price":{"type":"DOUBLE","sqlType":"DOUBLE"},"ratio":{"type":"FLOAT","sqlType":"FLOAT"}}',
};
const ARRAY_HEADER = {
  names: '["__time","page","n","price","ratio"]',
  types: '["LONG","STRING","LONG","DOUBLE","FLOAT"]',
  sqlTypes: '["TIMESTAMP","VARCHAR","BIGINT","DOUBLE","FLOAT"]',
};
const CSV_HEADER = { names: '__time,page,n,price,ratio', types: 'LONG,STRING,LONG,DOUBLE,FLOAT', sqlTypes: 'TIMESTAMP,VARCHAR,BIGINT,DOUBLE,FLOAT' };

interface Flags {
  header: boolean;
  typesHeader: boolean;
  sqlTypesHeader: boolean;
}

const FLAG_SETS: Flags[] = [false, true].flatMap((header) =>
  [false, true].flatMap((typesHeader) => [false, true].map((sqlTypesHeader) => ({ header, typesHeader, sqlTypesHeader }))),
);

/** The exact body Druid writes for FORMAT_QUERY in this format with these flags. */
function expectedBody(format: Format, f: Flags): string {
  const objectHeader = f.typesHeader && f.sqlTypesHeader ? OBJECT_HEADER.both : f.typesHeader ? OBJECT_HEADER.types : f.sqlTypesHeader ? OBJECT_HEADER.sqlTypes : OBJECT_HEADER.none;
  const pick = (h: { names: string; types: string; sqlTypes: string }): string[] =>
    f.header ? [h.names, ...(f.typesHeader ? [h.types] : []), ...(f.sqlTypesHeader ? [h.sqlTypes] : [])] : [];
  switch (format) {
    case 'object':
      return `[${[...(f.header ? [objectHeader] : []), ...OBJECT_ROWS].join(',')}]\n`;
    case 'array':
      return `[${[...pick(ARRAY_HEADER), ...ARRAY_ROWS].join(',')}]\n`;
    case 'objectLines':
      return [...(f.header ? [objectHeader] : []), ...OBJECT_ROWS].map((l) => `${l}\n`).join('') + '\n';
    case 'arrayLines':
      return [...pick(ARRAY_HEADER), ...ARRAY_ROWS].map((l) => `${l}\n`).join('') + '\n';
    case 'csv':
      return [...pick(CSV_HEADER), ...CSV_ROWS].map((l) => `${l}\n`).join('') + '\n';
  }
}

const mediaType = (r: Response): string | undefined => r.headers.get('content-type')?.split(';')[0].trim();

/** Asserts a druidException error body and returns it. */
async function druidError(r: Response, status: number, category: string, errorCode = 'invalidInput'): Promise<any> {
  expect(mediaType(r)).toBe('application/json');
  const body = await r.json();
  expect({ status: r.status, body }).toMatchObject({
    status,
    body: { error: 'druidException', errorCode, persona: 'USER', category, errorMessage: expect.any(String), context: expect.any(Object) },
  });
  expect(Object.keys(body).sort()).toEqual(['category', 'context', 'error', 'errorCode', 'errorMessage', 'persona']);
  return body;
}

describe.each(BACKENDS)('Druid SQL API on %s', (backend) => {
  let s: TestServer;

  const sql = (body: Record<string, unknown>): Promise<Response> => s.post('/druid/v2/sql', body);
  const cancel = (id: string): Promise<Response> => fetch(`${s.url}/druid/v2/sql/${encodeURIComponent(id)}`, { method: 'DELETE' });
  const rows = async (query: string, extra: Record<string, unknown> = {}): Promise<any[]> => s.sql(query, extra);

  beforeAll(async () => {
    s = await TestServer.start({ backend, capacity: 4 });
    const prune = inlineSpec('sql_prune', [
      { ts: '2024-03-01T01:00:00Z', page: 'a', n: 1 },
      { ts: '2024-03-02T01:00:00Z', page: 'b', n: 2 },
      { ts: '2024-03-03T01:00:00Z', page: 'c', n: 3 },
    ]);
    const ids = await Promise.all([wikiSpec(), metaSpec(), prune, inlineSpec('sql_swap', OLD_SWAP, { intervals: [SWAP_DAYS] })].map((spec) => s.submit(spec)));
    for (const id of ids) expect((await s.waitForCompletion(id)).statusCode).toBe('SUCCESS');
  });
  afterAll(async () => s?.close());

  it('writes every result format with every header flag combination exactly as Druid does', async () => {
    expect(FLAG_SETS).toHaveLength(8);
    for (const format of FORMATS) {
      for (const flags of FLAG_SETS) {
        const r = await sql({ query: FORMAT_QUERY, resultFormat: format, ...flags });
        const what = `${format} ${JSON.stringify(flags)}`;
        expect(r.status, what).toBe(200);
        expect(mediaType(r), what).toBe(CONTENT_TYPE[format]);
        expect(r.headers.get('x-druid-sql-header-included'), what).toBe(flags.header ? 'yes' : null);
        expect(r.headers.get('x-druid-sql-query-id'), what).toMatch(/^[0-9a-f-]{36}$/);
        expect(await r.text(), what).toBe(expectedBody(format, flags));
      }
    }
  });

  it('formats an empty result as Druid does, with and without a header', async () => {
    const query = 'SELECT page FROM sql_wiki WHERE n > 100';
    const empty: Record<Format, [plain: string, header: string]> = {
      object: ['[]\n', '[{"page":{"type":"STRING","sqlType":"VARCHAR"}}]\n'],
      array: ['[]\n', '[["page"],["STRING"],["VARCHAR"]]\n'],
      objectLines: ['\n\n', '{"page":{"type":"STRING","sqlType":"VARCHAR"}}\n\n'],
      arrayLines: ['\n\n', '["page"]\n["STRING"]\n["VARCHAR"]\n\n'],
      csv: ['\n', 'page\nSTRING\nVARCHAR\n\n'],
    };
    for (const format of FORMATS) {
      const plain = await sql({ query, resultFormat: format });
      expect(await plain.text(), format).toBe(empty[format][0]);
      const withHeader = await sql({ query, resultFormat: format, header: true, typesHeader: true, sqlTypesHeader: true });
      expect(await withHeader.text(), format).toBe(empty[format][1]);
    }
  });

  it('quotes CSV fields like Druid and never writes a data row as a blank line', async () => {
    const r = await sql({ query: 'SELECT page FROM sql_wiki WHERE n IN (4, 6) ORDER BY n', resultFormat: 'csv' });
    // The null page of n=6 is a row of one empty field: written "" so it is not the closing blank line.
    expect(await r.text()).toBe('"Cherry, ""red"""\n""\n\n');
    const two = await sql({ query: 'SELECT page, n FROM sql_wiki WHERE n = 6', resultFormat: 'csv' });
    expect(await two.text()).toBe(',6\n\n');
  });

  it('takes the result format in any letter case and answers plain-text and form bodies as object rows', async () => {
    const upper = await sql({ query: 'SELECT n FROM sql_wiki WHERE n = 2', resultFormat: 'ARRAYLINES' });
    expect(mediaType(upper)).toBe('text/plain');
    expect(await upper.text()).toBe('[2]\n\n');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await s.post('/druid/v2/sql', 'SELECT page, n FROM sql_wiki WHERE n = 2', type);
      expect(r.status, type).toBe(200);
      expect(mediaType(r)).toBe('application/json');
      expect(r.headers.get('x-druid-sql-query-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await r.text()).toBe('[{"page":"Banana","n":2}]\n');
    }
  });

  it('echoes the context sqlQueryId in X-Druid-SQL-Query-Id, on answers and on errors', async () => {
    const ok = await sql({ query: 'SELECT 1 AS x1', context: { sqlQueryId: `mine-${backend}` } });
    expect(ok.headers.get('x-druid-sql-query-id')).toBe(`mine-${backend}`);
    expect(await ok.json()).toEqual([{ x1: 1 }]);
    const bad = await sql({ query: 'SELECT * FROM nope_ds', context: { sqlQueryId: `bad-${backend}` } });
    expect(bad.headers.get('x-druid-sql-query-id')).toBe(`bad-${backend}`);
    await druidError(bad, 400, 'INVALID_INPUT');
  });

  it('rejects malformed requests with 400 druidException bodies naming the problem', async () => {
    const cases: Array<[body: unknown, message: RegExp]> = [
      [{ resultFormat: 'array' }, /"query"/],
      [{ query: '   ' }, /"query"/],
      [{ query: 42 }, /"query"/],
      [{ query: 'SELECT 1', resultFormat: 'xml' }, /^Unsupported resultFormat \[xml\]/],
      [{ query: 'SELECT 1', header: 'yes' }, /"header" must be true or false/],
      [{ query: 'SELECT 1', typesHeader: 1 }, /"typesHeader" must be true or false/],
      [{ query: 'SELECT 1', context: ['a'] }, /"context" must be a JSON object/],
      [{ query: 'SELECT 1', parameters: { type: 'BIGINT', value: 1 } }, /"parameters" must be a JSON array/],
      [[{ query: 'SELECT 1' }], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const e = await druidError(await sql(body as Record<string, unknown>), 400, 'INVALID_INPUT');
      expect(e.errorMessage, JSON.stringify(body)).toMatch(message);
    }
    const truncated = await s.post('/druid/v2/sql', '{"query":', 'application/json');
    await druidError(truncated, 400, 'INVALID_INPUT');
  });

  it('reports Druid column types and SQL types for columns and expressions', async () => {
    const r = await sql({
      query: `SELECT __time, CAST(__time AS DATE) AS d, page, n, price, ratio, COUNT(*) OVER () AS c, n > 1 AS b, 1 AS i, 1.5 AS x,
        PARSE_JSON('{"a":[1,2]}') AS j FROM sql_wiki WHERE n = 4`,
      resultFormat: 'array',
      header: true,
      typesHeader: true,
      sqlTypesHeader: true,
    });
    expect(await r.text()).toBe(
      '[["__time","d","page","n","price","ratio","c","b","i","x","j"],' +
        '["LONG","LONG","STRING","LONG","DOUBLE","FLOAT","LONG","LONG","LONG","DOUBLE","COMPLEX<json>"],' +
        '["TIMESTAMP","DATE","VARCHAR","BIGINT","DOUBLE","FLOAT","BIGINT","BOOLEAN","INTEGER","DECIMAL","OTHER"],' +
        '["2024-01-02T01:00:00.000Z","2024-01-02T00:00:00.000Z","Cherry, \\"red\\"",4,4.0,1.0,1,true,1,1.5,{"a":[1,2]}]]\n',
    );
    // Java's Double.toString: E notation outside [10^-3, 10^7); FLOAT at its own precision.
    const big = await sql({ query: 'SELECT CAST(1e10 AS DOUBLE) AS e, CAST(0.0001 AS DOUBLE) AS s, CAST(0.1 AS FLOAT) AS f', resultFormat: 'csv' });
    expect(await big.text()).toBe('1.0E10,1.0E-4,0.1\n\n');
  });

  it('binds typed parameters to ? placeholders in order', async () => {
    const r = await rows('SELECT page, n FROM sql_wiki WHERE n >= ? AND price < ? AND __time < ? AND page <> ? ORDER BY n', {
      parameters: [
        { type: 'BIGINT', value: 2 },
        { type: 'DOUBLE', value: 6 },
        { type: 'TIMESTAMP', value: '2024-01-02 02:00:00' },
        { type: 'VARCHAR', value: 'Banana' },
      ],
    });
    expect(r).toEqual([{ page: 'Apple', n: 3 }, { page: 'Cherry, "red"', n: 4 }]);
    // A TIMESTAMP may also be epoch milliseconds; a quote in a VARCHAR stays data.
    const millis = await rows('SELECT COUNT(*) AS c FROM sql_wiki WHERE __time >= ? AND page <> ?', {
      parameters: [{ type: 'TIMESTAMP', value: Date.parse('2024-01-02T00:00:00Z') }, { type: 'VARCHAR', value: "it's" }],
    });
    expect(millis).toEqual([{ c: 2 }]);
    const typed = await sql({
      query: 'SELECT ? AS s, ? AS i, ? AS d, ? AS t, ? AS b, ? AS z',
      parameters: [
        { type: 'VARCHAR', value: "it's" },
        { type: 'BIGINT', value: 42 },
        { type: 'DOUBLE', value: 2 },
        { type: 'TIMESTAMP', value: '2024-01-02T03:04:05.678Z' },
        { type: 'BOOLEAN', value: true },
        { type: 'VARCHAR', value: null },
      ],
      resultFormat: 'array',
      header: true,
      typesHeader: true,
      sqlTypesHeader: true,
    });
    const [names, types, sqlTypes, values] = (await typed.json()) as unknown[][];
    expect(names).toEqual(['s', 'i', 'd', 't', 'b', 'z']);
    expect(types.slice(1, 5)).toEqual(['LONG', 'DOUBLE', 'LONG', 'LONG']);
    expect(sqlTypes.slice(1, 5)).toEqual(['INTEGER', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN']);
    expect(values).toEqual(["it's", 42, 2, '2024-01-02T03:04:05.678Z', true, null]);
  });

  it('rejects missing, null, unknown-typed and ill-typed parameters with 400', async () => {
    const cases: Array<[query: string, parameters: unknown[], message: string]> = [
      ['SELECT ? AS a, ? AS b', [{ type: 'BIGINT', value: 1 }], 'No value bound for parameter (position [2])'],
      ['SELECT n FROM sql_wiki WHERE n > ?', [], 'No value bound for parameter (position [1])'],
      ['SELECT ? AS a', [null], 'No value bound for parameter (position [1])'],
      ['SELECT ? AS a', [{ type: 'NOPE', value: 1 }], 'Unsupported parameter type [NOPE] at position [1]'],
      ['SELECT ? AS a', [{ type: 'BIGINT', value: 'abc' }], 'Parameter at position [1] of type [BIGINT] has an invalid value [abc]'],
      ['SELECT ? AS a', [{ type: 'BIGINT', value: 1.5 }], 'Parameter at position [1] of type [BIGINT] has an invalid value [1.5]'],
      ['SELECT ? AS a', [{ type: 'DOUBLE', value: 'x' }], 'Parameter at position [1] of type [DOUBLE] has an invalid value [x]'],
      ['SELECT ? AS a', [{ type: 'TIMESTAMP', value: 'not a time' }], 'Parameter at position [1] of type [TIMESTAMP] has an invalid value [not a time]'],
    ];
    for (const [query, parameters, message] of cases) {
      const e = await druidError(await sql({ query, parameters }), 400, 'INVALID_INPUT');
      expect(e.errorMessage, JSON.stringify(parameters)).toBe(message);
      expect(e.context).toEqual({ sourceType: 'sql' });
    }
  });

  it('DELETE interrupts a running query: 202 with an empty body, the query fails as Druid words a cancel', async () => {
    const id = `to-cancel-${backend}`;
    // The context timeout bounds the query if cancel failed: it would end 504, not hang.
    const pending = sql({ query: HEAVY, context: { sqlQueryId: id, timeout: 30_000 } });
    // 404 until the query is registered; then 202.
    let canceledAt = 0;
    const accepted = await waitFor(async () => {
      canceledAt = Date.now();
      const r = await cancel(id);
      if (r.status === 202) return r;
      expect(r.status).toBe(404);
      return undefined;
    }, 20_000, 'the query to be cancellable');
    expect(await accepted.text()).toBe('');
    const r = await pending;
    // Invariant 6: the query answers within a second of the DELETE.
    expect(Date.now() - canceledAt).toBeLessThan(1000);
    expect(r.status).toBe(500);
    expect(r.headers.get('x-druid-sql-query-id')).toBe(id);
    expect(mediaType(r)).toBe('application/json');
    expect(await r.json()).toEqual({
      error: 'Query cancelled',
      errorClass: null,
      host: null,
      errorCode: 'legacyQueryException',
      persona: 'OPERATOR',
      category: 'CANCELED',
      errorMessage: `Query is canceled [${id}]`,
      context: { host: null, errorClass: null, legacyErrorCode: 'Query cancelled' },
    });
    // Finished queries are not running any more.
    const again = await cancel(id);
    expect(again.status).toBe(404);
    expect(await again.text()).toBe('');
    // The engine is free again.
    expect(await rows('SELECT COUNT(*) AS c FROM sql_wiki')).toEqual([{ c: 6 }]);
  });

  it('DELETE of an unknown or finished query id is 404 with an empty body', async () => {
    const unknown = await cancel('no-such-query');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('');
    const done = await sql({ query: 'SELECT 1 AS x1', context: { sqlQueryId: `done-${backend}` } });
    expect(done.status).toBe(200);
    expect((await cancel(`done-${backend}`)).status).toBe(404);
  });

  it('the timeout context ends a long query with 504 in Druid timeout shape and lets quick ones through', async () => {
    const expectTimeout = async (r: Response): Promise<void> => {
      expect(r.status).toBe(504);
      expect(await r.json()).toEqual({
        error: 'Query timeout',
        errorClass: 'org.apache.druid.query.QueryTimeoutException',
        host: expect.any(String),
        errorCode: 'legacyQueryException',
        persona: 'OPERATOR',
        category: 'TIMEOUT',
        errorMessage: TIMEOUT_MESSAGE,
        context: { host: expect.any(String), errorClass: 'org.apache.druid.query.QueryTimeoutException', legacyErrorCode: 'Query timeout' },
      });
    };
    const started = Date.now();
    await expectTimeout(await sql({ query: HEAVY, context: { timeout: 200 } }));
    // SET statements before the query are context too.
    await expectTimeout(await sql({ query: `SET timeout = 200; ${HEAVY}` }));
    expect(Date.now() - started).toBeLessThan(15_000);
    // A generous timeout, a string one and 0 (none) do not get in the way.
    for (const timeout of [60_000, '60000', 0]) {
      expect(await rows('SELECT COUNT(*) AS c FROM sql_wiki', { context: { timeout } })).toEqual([{ c: 6 }]);
    }
    for (const timeout of [-1, 'soon', 1.5]) {
      const e = await druidError(await sql({ query: 'SELECT 1', context: { timeout } }), 400, 'INVALID_INPUT');
      expect(e.errorMessage).toBe(`Query context parameter [timeout] must be a non-negative whole number of milliseconds, got [${timeout}]`);
    }
  });

  it('sqlTimeZone: results, literals and time functions in the zone; an unknown zone is a 400', async () => {
    expect(await rows('SELECT MIN(__time) AS t FROM sql_wiki', { context: { sqlTimeZone: 'Etc/UTC' } })).toEqual([{ t: '2024-01-01T01:00:00.000Z' }]);
    const la = { context: { sqlTimeZone: 'America/Los_Angeles' } };
    // Timestamps are written as Joda prints them in the zone: local fields and the offset.
    expect(await rows('SELECT MIN(__time) AS t FROM sql_wiki', la)).toEqual([{ t: '2023-12-31T17:00:00.000-08:00' }]);
    expect(await rows('SELECT MIN(__time) AS t FROM sql_wiki', { context: { sqlTimeZone: 'Asia/Kolkata' } })).toEqual([{ t: '2024-01-01T06:30:00.000+05:30' }]);
    // Days are local days: 01:00-03:00Z on Jan 1 and Jan 2 are the evenings of Dec 31 and Jan 1.
    expect(await rows("SELECT TIME_FLOOR(__time, 'P1D') AS d, COUNT(*) AS c FROM sql_wiki GROUP BY 1 ORDER BY 1", la)).toEqual([
      { d: '2023-12-31T00:00:00.000-08:00', c: 3 },
      { d: '2024-01-01T00:00:00.000-08:00', c: 3 },
    ]);
    expect(await rows('SELECT FLOOR(__time TO DAY) AS d, EXTRACT(HOUR FROM __time) AS h FROM sql_wiki WHERE n = 1', la)).toEqual([
      { d: '2023-12-31T00:00:00.000-08:00', h: 17 },
    ]);
    // A literal without an offset is local time (08:00Z here); one with an offset is that instant.
    expect(await rows("SELECT COUNT(*) AS c FROM sql_wiki WHERE __time >= TIMESTAMP '2024-01-01 00:00:00'", la)).toEqual([{ c: 3 }]);
    expect(await rows("SELECT COUNT(*) AS c FROM sql_wiki WHERE TIME_IN_INTERVAL(__time, '2023-12-31T17:30:00/2024-01-01T17:30:00')", la)).toEqual([{ c: 3 }]);
    expect(await rows("SELECT TIME_PARSE('2024-01-01 00:00:00') AS a, TIME_PARSE('2024-01-01T00:00:00Z') AS b", la)).toEqual([
      { a: '2024-01-01T00:00:00.000-08:00', b: '2023-12-31T16:00:00.000-08:00' },
    ]);
    const unknown = await druidError(await sql({ query: 'SELECT 1', context: { sqlTimeZone: 'Mars/Olympus' } }), 400, 'INVALID_INPUT');
    expect(unknown.errorMessage).toBe('sqlTimeZone [Mars/Olympus] is not a known time zone id');
  });

  it('SQL errors are 400s with the line and column in context', async () => {
    const parse = await druidError(await sql({ query: 'SELECT page\nFROM sql_wiki\nGROUP page' }), 400, 'INVALID_INPUT');
    expect(parse.errorMessage).toBe('Received an unexpected token [page] (line [3], column [7]), acceptable options: [BY]');
    expect(parse.context).toEqual({ sourceType: 'sql', line: '3', column: '7', endLine: '3', endColumn: '10', token: 'page' });

    const table = await druidError(await sql({ query: 'SELECT *\nFROM\n  nope_ds' }), 400, 'INVALID_INPUT');
    expect(table.errorMessage).toBe("Object 'nope_ds' not found (line [3], column [3])");
    expect(table.context).toEqual({ sourceType: 'sql', line: '3', column: '3', endLine: '3', endColumn: '9' });

    const column = await druidError(await sql({ query: "SELECT page\nFROM sql_wiki\nWHERE page = 'nocol' OR nocol = 1" }), 400, 'INVALID_INPUT');
    expect(column.errorMessage).toBe("Column 'nocol' not found in any table (line [3], column [25])");
    expect(column.context).toEqual({ sourceType: 'sql', line: '3', column: '25', endLine: '3', endColumn: '29' });

    const fn = await druidError(await sql({ query: 'SELECT page,\n  no_such_fn(page) AS x\nFROM sql_wiki' }), 400, 'INVALID_INPUT');
    expect(fn.errorMessage).toBe('No match found for function signature NO_SUCH_FN (line [2], column [3])');
    expect(fn.context).toEqual({ sourceType: 'sql', line: '2', column: '3', endLine: '2', endColumn: '12' });

    const insert = await druidError(await sql({ query: 'INSERT INTO sql_wiki SELECT * FROM sql_wiki PARTITIONED BY DAY' }), 400, 'INVALID_INPUT');
    expect(insert.errorMessage).toBe('INSERT operations are not supported by requested SQL engine [native], consider using MSQ.');
  });

  it('datasources are tables: quoted names, the druid schema, __time as TIMESTAMP, ORDER BY, LIMIT and OFFSET', async () => {
    expect(await rows(`SELECT COUNT(*) AS c FROM "${META}"`)).toEqual([{ c: 3 }]);
    expect(await rows(`SELECT page FROM druid."${META}" WHERE category = 'fruit-d'`)).toEqual([{ page: 'Durian' }]);
    expect(await rows('SELECT n FROM druid.sql_wiki ORDER BY n DESC LIMIT 2 OFFSET 1')).toEqual([{ n: 5 }, { n: 4 }]);
    expect(await rows('SELECT page, SUM(n) AS total FROM sql_wiki WHERE page IS NOT NULL GROUP BY page ORDER BY total DESC, page LIMIT 2')).toEqual([
      { page: 'Banana', total: 7 },
      { page: 'Apple', total: 4 },
    ]);
    expect(
      await rows("SELECT COUNT(*) AS c, MIN(__time) AS t FROM sql_wiki WHERE __time >= TIMESTAMP '2024-01-01 02:00:00' AND __time < TIMESTAMP '2024-01-02 02:00:00'"),
    ).toEqual([{ c: 3, t: '2024-01-01T02:00:00.000Z' }]);
  });

  it('joins datasources', async () => {
    expect(
      await rows(`SELECT w.page, m.category, SUM(w.n) AS n FROM sql_wiki w JOIN "${META}" m ON w.page = m.page GROUP BY 1, 2 ORDER BY 1`),
    ).toEqual([
      { page: 'Apple', category: 'fruit-a', n: 4 },
      { page: 'Banana', category: 'fruit-b', n: 7 },
    ]);
    expect(
      await rows(`SELECT w.n, m.category FROM sql_wiki w LEFT JOIN "${META}" m ON w.page = m.page WHERE w.__time >= TIMESTAMP '2024-01-02 00:00:00' ORDER BY w.n`),
    ).toEqual([
      { n: 4, category: null },
      { n: 5, category: 'fruit-b' },
      { n: 6, category: null },
    ]);
  });

  it('runs Druid time functions', async () => {
    expect(await rows("SELECT TIME_FLOOR(__time, 'P1D') AS d, COUNT(*) AS c FROM sql_wiki GROUP BY 1 ORDER BY 1")).toEqual([
      { d: '2024-01-01T00:00:00.000Z', c: 3 },
      { d: '2024-01-02T00:00:00.000Z', c: 3 },
    ]);
    expect(await rows("SELECT TIME_FLOOR(__time, 'PT2H') AS h, COUNT(*) AS c FROM sql_wiki WHERE n <= 3 GROUP BY 1 ORDER BY 1")).toEqual([
      { h: '2024-01-01T00:00:00.000Z', c: 1 },
      { h: '2024-01-01T02:00:00.000Z', c: 2 },
    ]);
    expect(await rows("SELECT n FROM sql_wiki WHERE __time > TIME_PARSE('2024-01-02T01:30:00Z') ORDER BY n")).toEqual([{ n: 5 }, { n: 6 }]);
    expect(await rows("SELECT TIME_PARSE('02/01/2024 01', 'dd/MM/yyyy HH') AS t")).toEqual([{ t: '2024-01-02T01:00:00.000Z' }]);
    expect(await rows("SELECT TIME_FORMAT(__time, 'yyyy-MM-dd HH:mm') AS f, TIME_FORMAT(__time) AS iso FROM sql_wiki WHERE n = 1")).toEqual([
      { f: '2024-01-01 01:00', iso: '2024-01-01T01:00:00.000Z' },
    ]);
    expect(await rows("SELECT COUNT(*) AS c FROM sql_wiki WHERE TIME_IN_INTERVAL(__time, '2024-01-02/P1D')")).toEqual([{ c: 3 }]);
    const bad = await druidError(await sql({ query: "SELECT COUNT(*) FROM sql_wiki WHERE TIME_IN_INTERVAL(__time, 'yesterday')" }), 400, 'INVALID_INPUT');
    expect(bad.errorMessage).toBe("The second argument to TIME_IN_INTERVAL must be an ISO 8601 interval literal, got ['yesterday']");
  });

  it('runs LATEST/EARLIEST and the approximate aggregators with Druid result types', async () => {
    const r = await sql({
      query: `SELECT TIME_FLOOR(__time, 'P1D') AS d, EARLIEST(n) AS first_n, LATEST(n) AS last_n, EARLIEST(page) AS first_page, APPROX_COUNT_DISTINCT(page) AS u
        FROM sql_wiki GROUP BY 1 ORDER BY 1`,
      resultFormat: 'array',
      header: true,
      typesHeader: true,
      sqlTypesHeader: true,
    });
    expect(await r.json()).toEqual([
      ['d', 'first_n', 'last_n', 'first_page', 'u'],
      ['LONG', 'LONG', 'LONG', 'STRING', 'LONG'],
      ['TIMESTAMP', 'BIGINT', 'BIGINT', 'VARCHAR', 'BIGINT'],
      ['2024-01-01T00:00:00.000Z', 1, 3, 'Apple', 2],
      ['2024-01-02T00:00:00.000Z', 4, 6, 'Cherry, "red"', 2],
    ]);
    expect(await rows('SELECT LATEST(page) AS lp, APPROX_COUNT_DISTINCT(page) AS u FROM sql_wiki WHERE n <= 3')).toEqual([{ lp: 'Apple', u: 2 }]);
    const q = await sql({ query: 'SELECT APPROX_QUANTILE(n, 0.5) AS q, APPROX_QUANTILE_DS(n, 0.9, 128) AS q9 FROM sql_wiki', resultFormat: 'array', header: true, typesHeader: true });
    const [, types, [median, p90]] = (await q.json()) as any[][];
    expect(types).toEqual(['DOUBLE', 'DOUBLE']);
    expect(median).toBeGreaterThanOrEqual(3);
    expect(median).toBeLessThanOrEqual(4);
    expect(p90).toBeGreaterThanOrEqual(5);
    expect(p90).toBeLessThanOrEqual(6);
  });

  it('EXPLAIN PLAN FOR answers PLAN, RESOURCES and ATTRIBUTES without running the query', async () => {
    const r = await sql({
      query: `EXPLAIN PLAN FOR SELECT w.page, COUNT(*) AS c FROM sql_wiki w JOIN "${META}" m ON w.page = m.page GROUP BY 1`,
      resultFormat: 'array',
      header: true,
      sqlTypesHeader: true,
    });
    const [names, sqlTypes, [plan, resources, attributes], ...rest] = (await r.json()) as any[][];
    expect(names).toEqual(['PLAN', 'RESOURCES', 'ATTRIBUTES']);
    expect(sqlTypes).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR']);
    expect(rest).toEqual([]);
    expect(typeof plan).toBe('string');
    expect(plan.length).toBeGreaterThan(0);
    expect(JSON.parse(resources).sort((a: any, b: any) => a.name.localeCompare(b.name))).toEqual([
      { name: META, type: 'DATASOURCE' },
      { name: 'sql_wiki', type: 'DATASOURCE' },
    ]);
    expect(JSON.parse(attributes)).toEqual({ statementType: 'SELECT' });
    // The heavy query is only planned, so it answers at once.
    const started = Date.now();
    expect((await sql({ query: `EXPLAIN PLAN FOR ${HEAVY}` })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('prunes segments by __time conditions: a query reads only the segments its WHERE can match', async () => {
    // Take away the 2024-03-01 segment's file: only queries that need it can notice.
    const root = path.join(s.dataDir, 'segments', 'sql_prune');
    const chunk = fs.readdirSync(root).find((d) => d.startsWith('2024-03-01T'));
    expect(chunk).toBeDefined();
    fs.rmSync(path.join(root, chunk!), { recursive: true });

    expect(await rows("SELECT page FROM sql_prune WHERE __time >= TIMESTAMP '2024-03-02 00:00:00' ORDER BY page")).toEqual([{ page: 'b' }, { page: 'c' }]);
    expect(await rows("SELECT page FROM sql_prune WHERE TIME_IN_INTERVAL(__time, '2024-03-02/P1D')")).toEqual([{ page: 'b' }]);
    expect(
      await rows("SELECT page FROM sql_prune WHERE __time BETWEEN TIMESTAMP '2024-03-03 00:00:00' AND TIMESTAMP '2024-03-03 23:59:59'"),
    ).toEqual([{ page: 'c' }]);
    expect(
      await rows('SELECT COUNT(*) AS c FROM sql_prune WHERE __time >= ?', { parameters: [{ type: 'TIMESTAMP', value: '2024-03-02 00:00:00' }] }),
    ).toEqual([{ c: 2 }]);
    // Without a usable __time condition the missing file is read, and the query fails.
    for (const where of ['', "WHERE page = 'b'", "WHERE n = 2 OR __time >= TIMESTAMP '2024-03-02 00:00:00'"]) {
      const r = await sql({ query: `SELECT COUNT(*) AS c FROM sql_prune ${where}` });
      expect(r.status, where).toBe(500);
      expect((await r.json()).error).toBe('druidException');
    }
  });

  it('queries see only visible segments, and a replace in flight shows old or new data, never a mix', async () => {
    const OLD = [{ page: 'old', c: 4, s: 10 }];
    const NEW = [{ page: 'new', c: 3, s: 33 }];
    const query = 'SELECT page, COUNT(*) AS c, SUM(n) AS s FROM sql_swap GROUP BY page ORDER BY page';
    expect(await rows(query)).toEqual(OLD);
    const task = await s.submit(inlineSpec('sql_swap', NEW_SWAP, { intervals: [SWAP_DAYS] }));
    const seen: string[] = [];
    for (;;) {
      const done = (await s.status(task)).statusCode !== 'RUNNING';
      const r = await rows(query);
      expect([OLD, NEW]).toContainEqual(r);
      seen.push(r[0].page);
      if (done) break;
    }
    expect(seen[seen.length - 1]).toBe('new');
    expect((await s.status(task)).statusCode).toBe('SUCCESS');
    // The old segments are still used in the metadata store, only overshadowed.
    expect(await rows("SELECT COUNT(*) AS c FROM sys.segments WHERE datasource = 'sql_swap' AND is_overshadowed = 1")).toEqual([{ c: 2 }]);
    expect(await rows(query)).toEqual(NEW);
  });
});
