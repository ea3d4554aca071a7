import type { TaskStatusLike } from './progress-model.js';
import { formatSubmitError } from './sql-output.js';

/** The Druid calls behind `grove sql` (and bench part d): SQL task submit, status, reports, shutdown. */

/** The server refused the statement or could not be reached; `message` is ready to print. */
export class SubmitError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when the server was not reached at all. */
    readonly httpStatus: number | null,
    readonly body: string,
  ) {
    super(message);
  }
}

function unreachable(url: string, e: unknown): SubmitError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return new SubmitError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, null, '');
}

const taskPath = (url: string, id: string, what: string): string => `${url}/druid/indexer/v1/task/${encodeURIComponent(id)}/${what}`;

/** POST /druid/v2/sql/task; resolves with the controller task id (202 `{"taskId","state":"RUNNING"}`). */
export async function submitSqlTask(url: string, query: string, context: Record<string, unknown>): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${url}/druid/v2/sql/task`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, context }),
    });
  } catch (e) {
    throw unreachable(url, e);
  }
  const body = await res.text();
  if (!res.ok) throw new SubmitError(formatSubmitError(res.status, body), res.status, body);
  let taskId: unknown;
  try {
    taskId = (JSON.parse(body) as { taskId?: unknown }).taskId;
  } catch {
    taskId = undefined;
  }
  if (typeof taskId !== 'string') throw new SubmitError(`unexpected answer (HTTP ${res.status}): ${body.slice(0, 300)}`, res.status, body);
  return taskId;
}

/** The task's TaskStatusPlus, or null while the server does not know it (404). */
export async function getTaskStatus(url: string, id: string): Promise<TaskStatusLike | null> {
  const res = await fetch(taskPath(url, id, 'status'));
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`status of ${id}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { status?: TaskStatusLike | null };
  return body.status ?? null;
}

/** The task's reports, or null while there are none (Druid answers 404 during start-up). */
export async function getTaskReports(url: string, id: string): Promise<unknown> {
  const res = await fetch(taskPath(url, id, 'reports'));
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`reports of ${id}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

export async function shutdownTask(url: string, id: string): Promise<void> {
  const res = await fetch(taskPath(url, id, 'shutdown'), { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`shutdown of ${id}: HTTP ${res.status} ${text.slice(0, 300)}`);
}

export const isFinished = (s: TaskStatusLike | null): boolean => s?.statusCode === 'SUCCESS' || s?.statusCode === 'FAILED';
