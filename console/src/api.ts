/**
 * The console's only way to the server: Grove's public HTTP APIs, the same ones users call. Every
 * failure becomes an ApiError with a message a person can act on, whichever API family's error
 * shape the server answered in (druidException, the Overlord's {"error"}, plain text), and a
 * server that is down or slow becomes a message too, never a blank screen.
 */

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached or did not answer in time. */
  readonly status: number;
  /** druidException context (SQL line/column...), when the server gave one. */
  readonly context: Record<string, string>;

  constructor(status: number, message: string, context: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.context = context;
  }
}

const TIMEOUT_MS = 30_000;

function messageOf(status: number, body: string): { message: string; context: Record<string, string> } {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    // POST /druid/v2/sql/task wraps the druidException in {"taskId","state","error"}.
    const inner = j.error !== null && typeof j.error === 'object' ? (j.error as Record<string, unknown>) : j;
    if (typeof inner.errorMessage === 'string') return { message: inner.errorMessage, context: (inner.context ?? {}) as Record<string, string> };
    if (typeof j.error === 'string') return { message: j.error, context: {} };
  } catch {
    // not JSON: the Overlord answers some errors in plain text
  }
  const text = body.trim();
  return { message: text !== '' ? text : `The server answered ${status} with no message`, context: {} };
}

async function request(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'TimeoutError') throw new ApiError(0, `Grove did not answer within ${TIMEOUT_MS / 1000} s (${method} ${path})`);
    if (name === 'AbortError') throw e;
    throw new ApiError(0, `Grove is not reachable (${method} ${path}): is the server running?`);
  }
  if (!res.ok) {
    const { message, context } = messageOf(res.status, await res.text());
    throw new ApiError(res.status, message, context);
  }
  return res;
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await request('GET', path, undefined, init)).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await request('GET', path)).text();
}

export async function postJson<T>(path: string, body?: unknown, init?: RequestInit): Promise<T> {
  const res = await request('POST', path, body, init);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export async function del(path: string): Promise<void> {
  await request('DELETE', path);
}

/** A Druid SQL query over POST /druid/v2/sql, answered as objects. */
export async function sql<T = Record<string, unknown>>(query: string, context: Record<string, unknown> = {}): Promise<T[]> {
  return postJson<T[]>('/druid/v2/sql', { query, context });
}

export const enc = encodeURIComponent;
