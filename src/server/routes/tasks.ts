import fs from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GroveError } from '../../errors/catalogue.js';
import { describeTask } from '../../tasks/kinds.js';
import { isSafeTaskId } from '../../tasks/paths.js';
import { activeStatus, completeStatus, shortStatus, type TaskStatusPlus } from '../../tasks/status.js';
import { getTask, getTasks, listCompleteTasks } from '../../store/tasks.js';
import { parseUnderscoreInterval, parseInterval } from '../../time/interval.js';
import type { Services } from '../services.js';
import { readLog } from '../task-log.js';

const STATES = ['pending', 'waiting', 'running', 'complete'] as const;
type ListState = (typeof STATES)[number];

interface ListQuery {
  state?: string;
  datasource?: string;
  createdTimeInterval?: string;
  max?: string;
  n?: string;
  type?: string;
}

/** Overlord errors are `{"error": msg}` JSON (reference §0, §3.2 "Overlord"). */
const overlordError = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({ error: message });

function parseMax(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new GroveError('invalidInput', `Invalid value for parameter [${name}]: [${raw}] is not a non-negative integer`);
  return Number(raw);
}

/** The Druid Tasks API (`/druid/indexer/v1/...`), seed druid-tasks-api.md. */
export async function taskRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const where = { host: s.config.host, port: s.config.port };
  // Bodies are taken as raw text in this plugin so that a wrong media type is a 415 and a JSON
  // syntax error a 400 in the Overlord's own shape, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  async function list(state: ListState | undefined, q: ListQuery): Promise<TaskStatusPlus[]> {
    // Druid answers a malformed interval with a 500; Grove says what is wrong with a 400 (invariant 5).
    const created = q.createdTimeInterval ? parseUnderscoreInterval(q.createdTimeInterval) : undefined;
    const max = parseMax(q.max ?? q.n, q.max !== undefined ? 'max' : 'n');
    const keep = (t: { dataSource: string; type: string; createdTime: string }): boolean => {
      if (q.datasource !== undefined && t.dataSource !== q.datasource) return false;
      if (q.type !== undefined && t.type !== q.type) return false;
      if (created) {
        const ms = Date.parse(t.createdTime);
        if (ms < created.start || ms >= created.end) return false;
      }
      return true;
    };
    const out: TaskStatusPlus[] = [];
    // The queue is read first: a task ending meanwhile is then in the store's list too, and is
    // listed once, as complete.
    const active = state === 'complete' ? [] : s.queue.list();
    const complete = state === undefined || state === 'complete'
      ? (await listCompleteTasks(s.db, {
          dataSource: q.datasource,
          type: q.type,
          createdFrom: created?.start,
          createdTo: created?.end,
          endedSince: created ? undefined : Date.now() - s.config.recentlyFinishedMs,
          max,
        })).map(completeStatus)
      : [];
    const ended = new Set(complete.map((t) => t.id));
    if (state !== 'complete') {
      const wanted = state === undefined ? ['RUNNING', 'PENDING', 'WAITING'] : [state.toUpperCase()];
      const listed = active.filter((t) => wanted.includes(t.runnerState) && !ended.has(t.desc.id));
      listed.sort((a, b) => wanted.indexOf(a.runnerState) - wanted.indexOf(b.runnerState) || b.createdMs - a.createdMs);
      for (const t of listed) {
        const st = activeStatus(t, where, state === 'running' || state === 'pending');
        if (keep(st)) out.push(st);
      }
    }
    out.push(...complete);
    return out;
  }

  app.get<{ Querystring: ListQuery }>('/druid/indexer/v1/tasks', async (req, reply) => {
    const raw = req.query.state;
    let state: ListState | undefined;
    if (raw !== undefined && raw !== '') {
      const lower = raw.toLowerCase();
      if (!(STATES as readonly string[]).includes(lower)) {
        return reply.code(400).type('text/plain; charset=UTF-8').send(`Invalid task state[${raw}]. Must be one of [pending, waiting, running, complete].`);
      }
      state = lower as ListState;
    }
    return list(state, req.query);
  });
  for (const state of STATES) {
    app.get<{ Querystring: ListQuery }>(`/druid/indexer/v1/${state}Tasks`, async (req) => list(state, req.query));
  }

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id', async (req, reply) => {
    const { id } = req.params;
    const active = s.queue.get(id);
    if (active) return { task: id, payload: stripInternal(active.desc.payload) };
    const row = await getTask(s.db, id);
    if (!row) return reply.code(404).send({ task: id, payload: null });
    return { task: id, payload: stripInternal(JSON.parse(row.payload)) };
  });

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/status', async (req, reply) => {
    const status = await statusOf(req.params.id);
    if (!status) return reply.code(404).send({ task: req.params.id, status: null });
    return { task: req.params.id, status };
  });

  app.get('/druid/indexer/v1/task/:id/segments', async (_req, reply) =>
    overlordError(reply, 404, "Segment IDs committed by a task action are not persisted anymore. Use the metric 'segment/added/bytes' to identify the segments created by a task."));

  app.get<{ Params: { id: string }; Querystring: { offset?: string } }>('/druid/indexer/v1/task/:id/log', async (req, reply) => {
    const raw = req.query.offset ?? '0';
    if (!/^-?\d+$/.test(raw)) {
      return reply.code(400).type('text/plain; charset=UTF-8').send(`Invalid value for parameter [offset]: [${raw}] is not an integer`);
    }
    const stream = isSafeTaskId(req.params.id) ? readLog(s.paths.logFile(req.params.id), Number(raw)) : undefined;
    if (!stream) {
      return reply.code(404).type('text/plain; charset=UTF-8')
        .send('No log was found for this task. The task may not exist, or it may not have begun running yet.');
    }
    return reply.type('text/plain; charset=UTF-8').send(stream);
  });

  app.get<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/reports', async (req, reply) => {
    const active = s.queue.get(req.params.id);
    if (active?.liveReport !== undefined) return active.liveReport;
    const file = isSafeTaskId(req.params.id) ? s.paths.reportFile(req.params.id) : undefined;
    if (!active && file !== undefined && fs.existsSync(file)) return reply.type('application/json').send(fs.readFileSync(file));
    return reply.code(404).type('text/plain; charset=UTF-8')
      .send('No task reports were found for this task. The task may not exist, or it may not have completed yet.');
  });

  app.post('/druid/indexer/v1/task', async (req, reply) => {
    if (!isJson(req.headers['content-type'])) {
      return overlordError(reply, 415, `Unsupported Media Type: the task spec must be sent as application/json, got [${req.headers['content-type'] ?? 'none'}]`);
    }
    const body = parseJsonBody(req.body);
    const desc = describeTask(body, s.config);
    await s.queue.submit(desc);
    return { task: desc.id };
  });

  app.post<{ Params: { id: string } }>('/druid/indexer/v1/task/:id/shutdown', async (req, reply) => {
    const found = await s.queue.shutdown(req.params.id);
    if (!found) return overlordError(reply, 404, `Cannot find any active task with id: [${req.params.id}]`);
    return { task: req.params.id };
  });

  app.post<{ Params: { ds: string } }>('/druid/indexer/v1/datasources/:ds/shutdownAllTasks', async (req, reply) => {
    const active = s.queue.list().filter((t) => t.desc.dataSource === req.params.ds);
    // Druid answers 404 with an empty body when the datasource has no active task [src].
    if (active.length === 0) return reply.code(404).send();
    await Promise.all(active.map((t) => s.queue.shutdown(t.desc.id)));
    return { dataSource: req.params.ds };
  });

  app.post('/druid/indexer/v1/taskStatus', async (req, reply) => {
    if (!isJson(req.headers['content-type'])) {
      return overlordError(reply, 415, 'Unsupported Media Type: send a JSON array of task ids as application/json');
    }
    const ids = req.body === undefined || req.body === '' ? [] : parseJsonBody(req.body);
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) {
      return overlordError(reply, 400, 'Request body must be a JSON array of task id strings');
    }
    if (ids.length === 0) return reply.code(400).type('text/plain; charset=UTF-8').send('No Task IDs provided.');
    const result: Record<string, unknown> = {};
    const inactive: string[] = [];
    for (const id of ids as string[]) {
      const t = s.queue.get(id);
      if (t) result[id] = shortStatus(activeStatus(t, where, false));
      else inactive.push(id);
    }
    for (const row of await getTasks(s.db, inactive)) result[row.id] = shortStatus(completeStatus(row));
    return result;
  });

  app.delete<{ Params: { ds: string }; Querystring: { interval?: string } }>('/druid/indexer/v1/pendingSegments/:ds', async (req) => {
    const ds = req.params.ds;
    const interval = req.query.interval ? parseInterval(req.query.interval) : undefined;
    // Like Druid, only pending segments older than the datasource's oldest active task are removed,
    // so running tasks keep their allocations.
    const active = s.queue.list().filter((t) => t.desc.dataSource === ds);
    const before = active.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...active.map((t) => t.createdMs));
    let q = s.db.deleteFrom('pending_segments').where('datasource', '=', ds).where('created_ms', '<', before);
    if (interval) q = q.where('start_ms', '<', interval.end).where('end_ms', '>', interval.start);
    const res = await q.executeTakeFirst();
    return { numDeleted: Number(res.numDeletedRows) };
  });

  async function statusOf(id: string): Promise<TaskStatusPlus | undefined> {
    const active = s.queue.get(id);
    if (active) return activeStatus(active, where, false);
    const row = await getTask(s.db, id);
    return row ? completeStatus(row) : undefined;
  }
}

function stripInternal(payload: Record<string, unknown>): Record<string, unknown> {
  const { __lock: _, ...rest } = payload;
  return rest;
}

const isJson = (ct: string | undefined): boolean => ct !== undefined && /^application\/([a-z.+-]*\+)?json\b/i.test(ct.trim());

/** Bodies arrive as raw strings (see app.ts) so a syntax error is ours to report, as a 400. */
function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new GroveError('invalidInput', `Request body is not valid JSON: ${(e as Error).message}`);
  }
}
