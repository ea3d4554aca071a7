import { SCHEMAS } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import { GroveError, invalidInput } from '../../core/errors.js';
import { describeTask } from '../../kinds/index.js';
import type { Services } from '../../services/index.js';
import type { TaskListState } from '../../services/tasks.js';
import { shortStatus, taskStatusPlus, type TaskStatusPlus } from '../../core/task-status.js';
import type { TaskView } from '../../core/task-view.js';
import { parseInterval, parseUnderscoreInterval } from '../../time/interval.js';
import { sendDruidError } from './errors.js';
import { readLog } from './task-log.js';

const STATES = ['pending', 'waiting', 'running', 'complete'] as const;

interface ListQuery {
  state?: string;
  datasource?: string;
  createdTimeInterval?: string;
  max?: string;
  n?: string;
  type?: string;
}

const text = { errorShape: 'text' } as const;

function parseMax(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw invalidInput(`Invalid value for parameter [${name}]: [${raw}] is not a non-negative integer`);
  return Number(raw);
}

/** Druid shows the queue insertion time in the running and pending lists only. */
const statusesOf = (views: readonly TaskView[], state: TaskListState | undefined): TaskStatusPlus[] =>
  views.map((v) => taskStatusPlus(v, state === 'running' || state === 'pending'));

/** The Druid Tasks API (`/druid/indexer/v1/...`), seed druid-tasks-api.md. */
export async function taskRoutes(app: FastifyInstance, s: Services): Promise<void> {
  // Bodies are taken as raw text in this plugin so that a wrong media type is a 415 and a JSON
  // syntax error a 400 in the Overlord's own shape, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  async function list(state: TaskListState | undefined, q: ListQuery): Promise<TaskStatusPlus[]> {
    // Druid answers a malformed interval with a 500; Grove says what is wrong with a 400 (invariant 5).
    const created = q.createdTimeInterval ? parseUnderscoreInterval(q.createdTimeInterval) : undefined;
    const max = parseMax(q.max ?? q.n, q.max !== undefined ? 'max' : 'n');
    return statusesOf(await s.tasks.list({ state, dataSource: q.datasource, type: q.type, created, max }), state);
  }

  app.get<{ Querystring: ListQuery }>('/druid/indexer/v1/tasks', { schema: SCHEMAS.listTasks }, async (req, reply) => {
    const raw = req.query.state;
    let state: TaskListState | undefined;
    if (raw !== undefined && raw !== '') {
      const lower = raw.toLowerCase();
      if (!(STATES as readonly string[]).includes(lower)) {
        return sendDruidError(reply, invalidInput(`Invalid task state[${raw}]. Must be one of [pending, waiting, running, complete].`), 'text');
      }
      state = lower as TaskListState;
    }
    return list(state, req.query);
  });
  for (const state of STATES) {
    app.get<{ Querystring: ListQuery }>(`/druid/indexer/v1/${state}Tasks`, { schema: SCHEMAS.stateTasks }, async (req) => list(state, req.query));
  }

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id', { schema: SCHEMAS.payload }, async (req, reply) => {
    const payload = await s.tasks.payload(req.params.id);
    // Druid answers an unknown task with this body and a 404.
    if (!payload) return reply.code(404).send({ task: req.params.id, payload: null });
    return { task: req.params.id, payload };
  });

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/status', { schema: SCHEMAS.status }, async (req, reply) => {
    const view = await s.tasks.get(req.params.id);
    if (!view) return reply.code(404).send({ task: req.params.id, status: null });
    return { task: req.params.id, status: taskStatusPlus(view) };
  });

  app.get('/druid/indexer/v1/task/:id/segments', { schema: SCHEMAS.segments }, async () => {
    throw new GroveError('notFound', "Segment IDs committed by a task action are not persisted anymore. Use the metric 'segment/added/bytes' to identify the segments created by a task.");
  });

  app.get<{ Params: { id: string }; Querystring: { offset?: string } }>('/druid/indexer/v1/task/:id/log', { schema: SCHEMAS.log, config: text }, async (req, reply) => {
    const raw = req.query.offset ?? '0';
    if (!/^-?\d+$/.test(raw)) throw invalidInput(`Invalid value for parameter [offset]: [${raw}] is not an integer`);
    const file = s.tasks.logFile(req.params.id);
    const stream = file === undefined ? undefined : readLog(file, Number(raw));
    if (!stream) throw new GroveError('notFound', 'No log was found for this task. The task may not exist, or it may not have begun running yet.');
    return reply.type('text/plain; charset=UTF-8').send(stream);
  });

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/reports', { schema: SCHEMAS.reports, config: text }, async (req, reply) => {
    const report = s.tasks.report(req.params.id);
    if (!report) throw new GroveError('notFound', 'No task reports were found for this task. The task may not exist, or it may not have completed yet.');
    return 'live' in report ? report.live : reply.type('application/json').send(report.json);
  });

  app.post('/druid/indexer/v1/task', { schema: SCHEMAS.submit }, async (req) => {
    if (!isJson(req.headers['content-type'])) {
      throw new GroveError('unsupportedMediaType', `Unsupported Media Type: the task spec must be sent as application/json, got [${req.headers['content-type'] ?? 'none'}]`);
    }
    const desc = describeTask(parseJsonBody(req.body), s.config);
    await s.tasks.submit(desc);
    return { task: desc.id };
  });

  app.post<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/shutdown', { schema: SCHEMAS.shutdown }, async (req) => {
    if (!(await s.tasks.shutdown(req.params.id))) throw new GroveError('notFound', `Cannot find any active task with id: [${req.params.id}]`);
    return { task: req.params.id };
  });

  app.post<{ Params: { ds: string } }>('/druid/indexer/v1/datasources/:ds/shutdownAllTasks', { schema: SCHEMAS.shutdownAll }, async (req, reply) => {
    // Druid answers 404 with an empty body when the datasource has no active task [src].
    if ((await s.tasks.shutdownDataSource(req.params.ds)) === 0) return reply.code(404).send();
    return { dataSource: req.params.ds };
  });

  app.post('/druid/indexer/v1/taskStatus', { schema: SCHEMAS.taskStatus }, async (req, reply) => {
    if (!isJson(req.headers['content-type'])) {
      throw new GroveError('unsupportedMediaType', 'Unsupported Media Type: send a JSON array of task ids as application/json');
    }
    const ids = req.body === undefined || req.body === '' ? [] : parseJsonBody(req.body);
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw invalidInput('Request body must be a JSON array of task id strings');
    if (ids.length === 0) return sendDruidError(reply, invalidInput('No Task IDs provided.'), 'text');
    const result: Record<string, unknown> = {};
    for (const view of await s.tasks.getMany(ids as string[])) result[view.id] = shortStatus(taskStatusPlus(view));
    return result;
  });

  app.delete<{ Params: { ds: string }; Querystring: { interval?: string } }>('/druid/indexer/v1/pendingSegments/:ds', { schema: SCHEMAS.pendingSegments }, async (req) => {
    const interval = req.query.interval ? parseInterval(req.query.interval) : undefined;
    return { numDeleted: await s.tasks.killPendingSegments(req.params.ds, interval) };
  });
}

const isJson = (ct: string | undefined): boolean => ct !== undefined && /^application\/([a-z.+-]*\+)?json\b/i.test(ct.trim());

/** Bodies arrive as raw strings (see above) so a syntax error is ours to report, as a 400. */
function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw invalidInput(`Request body is not valid JSON: ${(e as Error).message}`);
  }
}
