import { summarize, type Summary } from './harness.js';

/**
 * Stop latency of a long query through Druid's statements API as Grove extends it:
 * `POST /druid/v2/sql/statements` `{"query", "context": {"executionMode": "ASYNC"}}` answers 200
 * `{"queryId", "state": "ACCEPTED" | "RUNNING", ...}`; `GET /druid/v2/sql/statements/{id}` (with
 * `?detail=true`, Druid's `counters`); `POST /druid/v2/sql/statements/{id}/stop` answers within a
 * second with the statement object, `"isPartial": true` and the rows so far.
 *
 * Method, per run: submit a GROUP BY on the highest-cardinality column, poll the statement every
 * 50 ms until it is RUNNING and its counters show input rows read (when the object carries no
 * counters: RUNNING for 1 s), then time the stop call from request to complete response, and the
 * time until a GET shows a final state. A server without the endpoints (404/405 from its router)
 * gives "statements API not available".
 */

export type StopLatencyResult =
  | { readonly skipped: string }
  | {
      readonly query: string;
      /** Request to complete response of POST .../stop. */
      readonly stopMs: Summary;
      /** Request of POST .../stop to the first GET showing a state other than ACCEPTED/RUNNING. */
      readonly finalMs: Summary;
      /** Runs whose stop answer said isPartial: true. */
      readonly partial: number;
      /** How "has processed some input" was judged. */
      readonly readiness: 'counters' | 'running 1 s';
      /** Rows read before the stop, per run, when the counters said. */
      readonly rowsBeforeStop: Array<number | null>;
      readonly runs: Array<{ queryId: string; stopMs: number; finalMs: number | null; httpStatus: number; state: unknown; isPartial: unknown; rows: number | null }>;
      /** Runs that did not go as the contract says (finished before the stop, a non-200, ...). */
      readonly problems: string[];
    };

const ACTIVE = new Set(['ACCEPTED', 'RUNNING']);

/** The router of a server without the route answers 404/405 in its own words, not Druid's. */
const routeMissing = (status: number, body: string): boolean => (status === 404 || status === 405) && !/"errorCode"|"error"\s*:\s*"druidException"/.test(body);

interface Statement {
  readonly queryId?: string;
  readonly state?: string;
  readonly isPartial?: boolean;
  readonly counters?: unknown;
  readonly result?: { numTotalRows?: number; sampleRecords?: unknown[] };
  readonly rows?: unknown[];
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; text: string; json: Statement | null }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Statement | null = null;
  try {
    json = text === '' ? null : (JSON.parse(text) as Statement);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** Sum of every `rows` count under Druid's counters object (input channels of every stage and worker). */
export function countedRows(counters: unknown): number | null {
  let found = false;
  let sum = 0;
  const walk = (v: unknown, key: string): void => {
    if (v === null || typeof v !== 'object') {
      if (key === 'rows' && typeof v === 'number') {
        found = true;
        sum += v;
      }
      return;
    }
    if (Array.isArray(v)) {
      if (key === 'rows') {
        for (const x of v) if (typeof x === 'number') sum += x;
        found = true;
        return;
      }
      v.forEach((x) => walk(x, key));
      return;
    }
    // Only input channels count as "processed input"; outputs follow from them.
    for (const [k, x] of Object.entries(v)) if (!/^output|shuffle|segmentGenerationProgress/i.test(k)) walk(x, k);
  };
  walk(counters, '');
  return found ? sum : null;
}

function resultRows(s: Statement | null): number | null {
  if (!s) return null;
  if (Array.isArray(s.rows)) return s.rows.length;
  if (typeof s.result?.numTotalRows === 'number') return s.result.numTotalRows;
  if (Array.isArray(s.result?.sampleRecords)) return s.result.sampleRecords.length;
  return null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function stopLatency(url: string, dataSource: string, repeat: number, readyTimeoutMs = 300_000): Promise<StopLatencyResult> {
  const base = `${url}/druid/v2/sql/statements`;
  const query = `SELECT diffUrl, "user", COUNT(*) AS edits, SUM(added) AS added FROM "${dataSource}" GROUP BY diffUrl, "user" ORDER BY edits DESC, added DESC LIMIT 100`;
  const runs: Extract<StopLatencyResult, { runs: unknown }>['runs'] = [];
  const rowsBeforeStop: Array<number | null> = [];
  const problems: string[] = [];
  let readiness: 'counters' | 'running 1 s' = 'counters';
  for (let run = 0; run < repeat; run++) {
    const submitted = await call('POST', base, { query, context: { executionMode: 'ASYNC' } });
    if (routeMissing(submitted.status, submitted.text)) return { skipped: `statements API not available (POST /druid/v2/sql/statements: HTTP ${submitted.status})` };
    const id = submitted.json?.queryId;
    if (submitted.status !== 200 || typeof id !== 'string') {
      problems.push(`submit: HTTP ${submitted.status} ${submitted.text.slice(0, 200)}`);
      continue;
    }
    const stmtUrl = `${base}/${encodeURIComponent(id)}`;
    // Wait until it runs and has read input.
    const deadline = Date.now() + readyTimeoutMs;
    let runningSince: number | null = null;
    let read: number | null = null;
    let state = submitted.json?.state;
    for (;;) {
      const got = await call('GET', `${stmtUrl}?detail=true`);
      state = got.json?.state;
      if (got.status !== 200 || typeof state !== 'string') {
        problems.push(`GET ${id}: HTTP ${got.status} ${got.text.slice(0, 200)}`);
        break;
      }
      if (!ACTIVE.has(state)) break;
      if (state === 'RUNNING') {
        runningSince ??= Date.now();
        read = countedRows(got.json?.counters);
        if (read !== null && read > 0) break;
        if (got.json?.counters === undefined && Date.now() - runningSince >= 1000) {
          readiness = 'running 1 s';
          break;
        }
      }
      if (Date.now() > deadline) {
        problems.push(`${id} still ${state} without input read after ${readyTimeoutMs} ms`);
        break;
      }
      await sleep(50);
    }
    if (state !== 'RUNNING') {
      if (typeof state === 'string' && !ACTIVE.has(state)) problems.push(`${id} ended ${state} before it could be stopped: the query is too short`);
      await call('DELETE', stmtUrl).catch(() => undefined);
      continue;
    }
    const t0 = performance.now();
    const stopped = await call('POST', `${stmtUrl}/stop`);
    const stopMs = performance.now() - t0;
    if (routeMissing(stopped.status, stopped.text)) {
      await call('DELETE', stmtUrl).catch(() => undefined);
      return { skipped: `statements API not available (POST .../statements/{id}/stop: HTTP ${stopped.status})` };
    }
    let finalMs: number | null = null;
    const finalDeadline = Date.now() + 30_000;
    while (Date.now() < finalDeadline) {
      const got = await call('GET', stmtUrl);
      if (typeof got.json?.state === 'string' && !ACTIVE.has(got.json.state)) {
        finalMs = performance.now() - t0;
        break;
      }
      await sleep(10);
    }
    if (stopped.status !== 200) problems.push(`stop ${id}: HTTP ${stopped.status} ${stopped.text.slice(0, 200)}`);
    if (stopped.json?.isPartial !== true) problems.push(`stop ${id}: isPartial is ${String(stopped.json?.isPartial)}`);
    if (stopMs > 1000) problems.push(`stop ${id} took ${stopMs.toFixed(0)} ms`);
    if (finalMs === null) {
      problems.push(`${id} still active 30 s after the stop`);
      await call('DELETE', stmtUrl).catch(() => undefined);
    }
    rowsBeforeStop.push(read);
    runs.push({ queryId: id, stopMs, finalMs, httpStatus: stopped.status, state: stopped.json?.state, isPartial: stopped.json?.isPartial, rows: resultRows(stopped.json) });
  }
  if (runs.length === 0) return { skipped: `no run could be stopped (${problems[0] ?? 'unknown'})` };
  return {
    query,
    stopMs: summarize(runs.map((r) => r.stopMs)),
    finalMs: summarize(runs.flatMap((r) => (r.finalMs === null ? [] : [r.finalMs]))),
    partial: runs.filter((r) => r.isPartial === true).length,
    readiness,
    rowsBeforeStop,
    runs,
    problems,
  };
}
