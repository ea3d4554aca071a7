import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { druidErrorHandler } from '../../src/api/druid/errors.js';
import { sqlRoutes } from '../../src/api/druid/sql.js';
import { cancelQuery, createQueryEngine, executeQuery } from '../../src/query/index.js';

let dir: string;
let engine: DuckDBInstance;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grove-sql-routes-'));
  engine = await createQueryEngine({ deepStorageDir: dir });
  app = Fastify();
  const deps = { listUsedSegments: async () => [], knownDataSources: async () => [], deepStorageDir: dir, duckdb: engine };
  app.setErrorHandler(druidErrorHandler);
  await app.register(async (scope) => sqlRoutes(scope, { queries: { run: (plan) => executeQuery(plan, deps), cancel: cancelQuery } }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  engine?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /druid/v2/sql', () => {
  it('answers a JSON request in object format with a query id header', async () => {
    const res = await app.inject({ method: 'POST', url: '/druid/v2/sql', payload: { query: "SELECT 1 AS \"one\", 'x' AS s" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-druid-sql-query-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json()).toEqual([{ one: 1, s: 'x' }]);
  });

  it('honours sqlQueryId, array format and header flags', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/druid/v2/sql',
      payload: { query: 'SELECT 1 AS a', resultFormat: 'array', header: true, typesHeader: true, sqlTypesHeader: true, context: { sqlQueryId: 'my-id' } },
    });
    expect(res.headers['x-druid-sql-query-id']).toBe('my-id');
    expect(res.headers['x-druid-sql-header-included']).toBe('yes');
    expect(res.json()).toEqual([['a'], ['LONG'], ['INTEGER'], [1]]);
  });

  it('takes raw SQL as text/plain and form bodies', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await app.inject({ method: 'POST', url: '/druid/v2/sql', headers: { 'content-type': type }, payload: 'SELECT 2 AS two' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([{ two: 2 }]);
    }
  });

  it('serves csv and lines formats', async () => {
    const res = await app.inject({ method: 'POST', url: '/druid/v2/sql', payload: { query: 'SELECT 1 AS a', resultFormat: 'csv', header: true } });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body).toBe('a\n1\n\n');
  });

  it('reports errors as druidException bodies with their status', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/druid/v2/sql', payload: { query: 'SELECT * FROM nope' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['x-druid-sql-query-id']).toBeDefined();
    expect(unknown.json()).toMatchObject({
      error: 'druidException',
      errorCode: 'invalidInput',
      persona: 'USER',
      category: 'INVALID_INPUT',
      errorMessage: "Object 'nope' not found (line [1], column [15])",
      context: { sourceType: 'sql', line: '1', column: '15' },
    });
    const missing = await app.inject({ method: 'POST', url: '/druid/v2/sql', payload: { resultFormat: 'array' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errorMessage).toMatch(/query/);
    const badFormat = await app.inject({ method: 'POST', url: '/druid/v2/sql', payload: { query: 'SELECT 1', resultFormat: 'xml' } });
    expect(badFormat.statusCode).toBe(400);
    const badJson = await app.inject({ method: 'POST', url: '/druid/v2/sql', headers: { 'content-type': 'application/json' }, payload: '{"query":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error).toBe('druidException');
  });
});

describe('DELETE /druid/v2/sql/{id}', () => {
  it('is 404 when nothing with that id runs', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/druid/v2/sql/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('');
  });
});
