import type {} from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

/**
 * JSON Schemas of the Elasticsearch routes, for the OpenAPI at `/docs`. They describe; the routes
 * check the values themselves (request.ts), so a bad one is answered in Elasticsearch's words.
 */

const TAG = 'Elasticsearch ES|QL';

const asyncId = { type: 'object', properties: { id: { type: 'string', description: 'Async query id (esql_...)' } }, required: ['id'] } as const;

const format = {
  format: { type: 'string', description: 'json (default), csv, tsv or txt; else the Accept header decides' },
  delimiter: { type: 'string', description: 'csv only: the field separator, one character' },
  drop_null_columns: { type: 'string', description: 'true: leave out columns that are null in every row (all_columns lists them all)' },
} as const;

const queryBody = {
  type: 'object',
  description: 'An ES|QL query: `query`, and optionally `columnar`, `params` (positional values, or `[{"name": value}]`), `locale`, `time_zone` (UTC).',
  properties: {
    query: { type: 'string', description: 'ES|QL, e.g. FROM wikipedia | STATS edits = COUNT(*) BY channel | SORT edits DESC | LIMIT 5' },
    columnar: { type: 'boolean' },
    params: { type: 'array' },
  },
} as const;

const asyncBody = {
  ...queryBody,
  properties: {
    ...queryBody.properties,
    wait_for_completion_timeout: { description: 'How long to wait for the result before answering the id (default 1s)' },
    keep_alive: { description: 'How long the query and its result are kept (default 5d)' },
    keep_on_completion: { type: 'boolean', description: 'Keep a query that ended within the wait (default false)' },
  },
} as const;

export const SCHEMAS = {
  info: { tags: [TAG], summary: 'Cluster information (the version the client sees)' },
  query: { tags: [TAG], summary: 'Run an ES|QL query', querystring: { type: 'object', properties: { ...format } }, body: queryBody },
  asyncQuery: { tags: [TAG], summary: 'Run an ES|QL query asynchronously, as a Grove task', querystring: { type: 'object', properties: { ...format } }, body: asyncBody },
  getAsync: {
    tags: [TAG],
    summary: 'The state or result of an async query',
    params: asyncId,
    querystring: { type: 'object', properties: { ...format, wait_for_completion_timeout: { type: 'string' }, keep_alive: { type: 'string', description: 'Keep the query this long from now' } } },
  },
  stopAsync: { tags: [TAG], summary: 'Stop an async query: the result over what it read so far (is_partial)', params: asyncId },
  deleteAsync: { tags: [TAG], summary: 'Delete an async query (cancels it if it runs)', params: asyncId },
} satisfies Record<string, FastifySchema>;
