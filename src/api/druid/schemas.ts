import type {} from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

/**
 * JSON Schemas of the Druid routes, served as OpenAPI at `/docs`. Fastify checks requests against
 * them; where Druid words its own 400 for a value (a task spec, a SQL request's fields, `max`,
 * `offset`, `page`), the schema only says what is expected and the route checks it, so the answer
 * carries Druid's words.
 */

const TASKS = 'Druid Tasks API';
const SQL = 'Druid SQL API';
const INGEST = 'Druid SQL-based ingestion';
const STATEMENTS = 'Druid SQL statements API';
const STATUS = 'Druid process status';

const taskId = { type: 'object', properties: { id: { type: 'string', description: 'Task id' } }, required: ['id'] } as const;
const statementId = { type: 'object', properties: { id: { type: 'string', description: 'Statement (query) id' } }, required: ['id'] } as const;
const dataSource = { type: 'object', properties: { ds: { type: 'string', description: 'Datasource name' } }, required: ['ds'] } as const;

const listQuery = {
  type: 'object',
  properties: {
    state: { type: 'string', description: 'pending, waiting, running or complete (any case)' },
    datasource: { type: 'string' },
    createdTimeInterval: { type: 'string', description: 'ISO interval with `_` for `/`, e.g. 2015-09-12_2015-09-13' },
    max: { type: 'string', description: 'Most complete tasks to list (a non-negative integer)' },
    type: { type: 'string', description: 'Task type, e.g. index_parallel or query_worker' },
  },
} as const;

/** A SQL request: `query` and Druid's options, or the SQL itself as text. */
const sqlBody = {
  description: 'Druid SQL request: `query`, and optionally `resultFormat`, `header`, `typesHeader`, `sqlTypesHeader`, `context`, `parameters`. Plain text is the SQL.',
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      properties: {
        query: { description: 'The SQL (Druid words a missing or empty one)' },
        resultFormat: { description: 'object, array, objectLines, arrayLines or csv' },
        header: {},
        typesHeader: {},
        sqlTypesHeader: {},
        context: { description: 'Query context: sqlQueryId, sqlTimeZone, timeout, maxNumTasks, executionMode, ...' },
        parameters: { description: 'Values for `?` placeholders: [{"type":"VARCHAR","value":"x"}]' },
      },
    },
  ],
} as const;

export const SCHEMAS = {
  listTasks: { tags: [TASKS], summary: 'Task statuses: active, then complete', querystring: listQuery },
  stateTasks: { tags: [TASKS], summary: 'One task list (waitingTasks, pendingTasks, runningTasks, completeTasks)', querystring: listQuery },
  payload: { tags: [TASKS], summary: 'The task as submitted, with defaults', params: taskId },
  status: { tags: [TASKS], summary: 'Task status (TaskStatusPlus)', params: taskId },
  segments: { tags: [TASKS], summary: 'Deprecated: always 404, as in Druid', params: taskId },
  log: {
    tags: [TASKS],
    summary: 'Task log',
    params: taskId,
    querystring: { type: 'object', properties: { offset: { type: 'string', description: 'Byte offset: 0 from the start, negative from the end' } } },
  },
  reports: { tags: [TASKS], summary: 'Live or final task report (ingestionStatsAndErrors, multiStageQuery)', params: taskId },
  submit: {
    tags: [TASKS],
    summary: 'Submit a task',
    description: 'A task spec as JSON: `index_parallel`, `index` or `noop`. Answers `{"task": id}`.',
  },
  shutdown: { tags: [TASKS], summary: 'Shut a task down', params: taskId },
  shutdownAll: { tags: [TASKS], summary: 'Shut down every active task of a datasource', params: dataSource },
  taskStatus: { tags: [TASKS], summary: 'Statuses of several tasks', description: 'Body: a JSON array of task ids.' },
  pendingSegments: {
    tags: [TASKS],
    summary: 'Delete pending segments of a datasource',
    params: dataSource,
    querystring: { type: 'object', properties: { interval: { type: 'string', description: 'ISO interval' } } },
  },
  workers: { tags: [TASKS], summary: 'The task slots of this Grove, as a Druid worker' },
  totalWorkerCapacity: { tags: [TASKS], summary: 'Task slots in all and in use' },
  lockedIntervals: {
    tags: [TASKS],
    summary: 'Intervals locked by active tasks, per datasource',
    body: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          datasource: { type: 'string' },
          priority: { type: ['integer', 'null'], minimum: -2147483648, maximum: 2147483647, description: 'Only locks of tasks at or above this priority (a Java int)' },
          intervals: { type: ['array', 'null'], items: { type: 'string' }, description: 'Only locks overlapping these ISO intervals' },
        },
        required: ['datasource'],
      },
    },
  },
  sql: { tags: [SQL], summary: 'Run a Druid SQL query', body: sqlBody },
  cancelSql: { tags: [SQL], summary: 'Cancel a running query', params: { type: 'object', properties: { sqlQueryId: { type: 'string' } }, required: ['sqlQueryId'] } },
  sqlTask: { tags: [INGEST], summary: 'Run INSERT, REPLACE or SELECT as an MSQ task', body: sqlBody },
  sqlTaskEnabled: { tags: [INGEST], summary: 'Whether SQL-based ingestion is enabled' },
  submitStatement: { tags: [STATEMENTS], summary: 'Submit an asynchronous statement (executionMode ASYNC)', body: sqlBody },
  statementsEnabled: { tags: [STATEMENTS], summary: 'Whether the statements API is enabled' },
  statement: {
    tags: [STATEMENTS],
    summary: 'A statement: state, schema, result pages; `detail=true` adds stages and counters',
    params: statementId,
    querystring: { type: 'object', properties: { detail: { type: 'string', description: 'true for stages, counters and warnings' } } },
  },
  results: {
    tags: [STATEMENTS],
    summary: 'Result rows of a statement',
    params: statementId,
    querystring: {
      type: 'object',
      properties: {
        page: { type: 'string', description: 'Page number (a non-negative integer); all pages when absent' },
        resultFormat: { type: 'string' },
        filename: { type: 'string', description: 'Sets Content-Disposition: attachment' },
      },
    },
  },
  cancelStatement: { tags: [STATEMENTS], summary: 'Cancel a statement (202), or nothing to cancel (200)', params: statementId },
  stopStatement: {
    tags: [STATEMENTS],
    summary: 'Grove: stop a SELECT with the rows computed so far (isPartial, covered)',
    params: statementId,
  },
  health: { tags: [STATUS], summary: 'true while the process serves' },
  processStatus: { tags: [STATUS], summary: 'Version and memory of the process' },
} satisfies Record<string, FastifySchema>;
