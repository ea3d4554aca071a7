import { ApiError, del, enc, getJson, postJson } from '../../api';
import type { MsqPayload } from '../../components/StageTable';
import { msqPayload } from '../../components/StageTable';

/**
 * The Query view's calls to Grove's public APIs: submit an MSQ task (/druid/v2/sql/task), a
 * statement (/druid/v2/sql/statements) or a plain query (/druid/v2/sql); poll them; stop, cancel,
 * read result pages. Each answer is reduced to what the view draws.
 */

export interface Column {
  readonly name: string;
  /** SQL type (VARCHAR, BIGINT, TIMESTAMP...), when known. */
  readonly sqlType?: string;
}

export interface ResultSet {
  readonly columns: readonly Column[];
  readonly rows: readonly unknown[][];
}

export interface Coverage {
  segments?: string[];
  intervals?: Record<string, string[]>;
  files?: string[];
  totalSegments?: number;
  totalFiles?: number;
}

export interface Fault {
  readonly code: string;
  readonly message: string;
}

/** One poll of a running job, task or statement alike. */
export interface JobState {
  readonly state: 'ACCEPTED' | 'RUNNING' | 'SUCCESS' | 'FAILED';
  readonly payload: MsqPayload | null;
  readonly durationMs: number | null;
  readonly fault: Fault | null;
  /** Statements only. */
  readonly schema?: Column[];
  readonly pages?: Array<{ id: number; numRows: number }>;
  readonly numTotalRows?: number;
  readonly isPartial?: boolean;
  readonly covered?: Coverage;
}

export const isFinal = (s: JobState | undefined): boolean => s?.state === 'SUCCESS' || s?.state === 'FAILED';

/** A submit answer: a job to poll, or rows answered inline (EXPLAIN PLAN FOR). */
export type Submitted = { id: string } | { inline: ResultSet };

function inlineRows(rows: Array<Record<string, unknown>>): ResultSet {
  const names = rows.length > 0 ? Object.keys(rows[0]) : [];
  return { columns: names.map((name) => ({ name })), rows: rows.map((r) => names.map((n) => r[n])) };
}

export async function submitTask(query: string, context: Record<string, unknown>): Promise<Submitted> {
  const r = await postJson<{ taskId: string } | Array<Record<string, unknown>>>('/druid/v2/sql/task', { query, context });
  return Array.isArray(r) ? { inline: inlineRows(r) } : { id: r.taskId };
}

export async function submitStatement(query: string, context: Record<string, unknown>): Promise<Submitted> {
  const r = await postJson<{ queryId: string } | Array<Record<string, unknown>>>('/druid/v2/sql/statements', { query, context: { ...context, executionMode: 'ASYNC' } });
  return Array.isArray(r) ? { inline: inlineRows(r) } : { id: r.queryId };
}

/** POST /druid/v2/sql with the names, native types and SQL types as the first three rows. */
export async function runPlain(query: string, context: Record<string, unknown>, signal: AbortSignal): Promise<ResultSet> {
  const body = { query, context, resultFormat: 'array', header: true, typesHeader: true, sqlTypesHeader: true };
  const r = await postJson<unknown[][]>('/druid/v2/sql', body, { signal });
  const [names = [], , sqlTypes = [], ...rows] = r ?? [];
  return { columns: names.map((n, i) => ({ name: String(n), sqlType: sqlTypes[i] === undefined ? undefined : String(sqlTypes[i]) })), rows };
}

export async function cancelPlain(sqlQueryId: string): Promise<void> {
  await del(`/druid/v2/sql/${enc(sqlQueryId)}`);
}

interface TaskStatus {
  status: { statusCode: string; duration?: number; errorMsg?: string | null };
}

/** An MSQ task: its status, and its live report (none yet while it is waiting for a slot). */
export async function pollTask(id: string): Promise<JobState> {
  const [status, report] = await Promise.all([
    getJson<TaskStatus>(`/druid/indexer/v1/task/${enc(id)}/status`),
    getJson<unknown>(`/druid/indexer/v1/task/${enc(id)}/reports`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const payload = msqPayload(report);
  const s = status.status;
  const state = s.statusCode === 'SUCCESS' ? 'SUCCESS' : s.statusCode === 'FAILED' ? 'FAILED' : 'RUNNING';
  const error = payload?.status?.errorReport?.error;
  const fault = state !== 'FAILED' ? null : error ? { code: error.errorCode ?? 'UnknownError', message: error.errorMessage ?? s.errorMsg ?? '' } : { code: 'TaskFailed', message: s.errorMsg ?? 'The task failed' };
  return { state, payload, durationMs: state === 'RUNNING' ? null : (s.duration ?? null), fault };
}

interface StatementObject {
  state: JobState['state'];
  durationMs?: number;
  schema?: Array<{ name: string; type: string }>;
  result?: { numTotalRows?: number; pages?: Array<{ id: number; numRows: number }> };
  errorDetails?: { errorCode?: string; errorMessage?: string };
  stages?: MsqPayload['stages'];
  counters?: MsqPayload['counters'];
  isPartial?: boolean;
  covered?: Coverage;
}

function fromStatement(st: StatementObject): JobState {
  return {
    state: st.state,
    payload: st.stages ? { stages: st.stages, counters: st.counters } : null,
    durationMs: st.durationMs !== undefined && st.durationMs >= 0 ? st.durationMs : null,
    fault: st.state === 'FAILED' ? { code: st.errorDetails?.errorCode ?? 'UnknownError', message: st.errorDetails?.errorMessage ?? 'The query failed' } : null,
    schema: st.schema?.map((c) => ({ name: c.name, sqlType: c.type })),
    pages: st.result?.pages,
    numTotalRows: st.result?.numTotalRows,
    isPartial: st.isPartial,
    covered: st.covered,
  };
}

export async function pollStatement(id: string): Promise<JobState> {
  return fromStatement(await getJson<StatementObject>(`/druid/v2/sql/statements/${enc(id)}?detail=true`));
}

/** Stop a running SELECT: Grove answers within a second with the partial statement. */
export async function stopStatement(id: string): Promise<JobState> {
  return fromStatement(await postJson<StatementObject>(`/druid/v2/sql/statements/${enc(id)}/stop`));
}

export async function cancelJob(kind: 'task' | 'statement', id: string): Promise<void> {
  if (kind === 'task') await postJson(`/druid/indexer/v1/task/${enc(id)}/shutdown`);
  else await del(`/druid/v2/sql/statements/${enc(id)}`);
}

export async function resultPage(id: string, page: number): Promise<unknown[][]> {
  return (await getJson<unknown[][] | null>(`/druid/v2/sql/statements/${enc(id)}/results?page=${page}&resultFormat=array`)) ?? [];
}

/** What a stopped statement's rows cover, as people read it. */
export function coverageText(c: Coverage | undefined): string {
  if (!c) return 'the input read before the stop';
  const parts: string[] = [];
  if ((c.totalSegments ?? 0) > 0) parts.push(`${c.segments?.length ?? 0} of ${c.totalSegments} segments`);
  if ((c.totalFiles ?? 0) > 0) parts.push(`${c.files?.length ?? 0} of ${c.totalFiles} files`);
  return parts.length > 0 ? parts.join(' and ') : 'no input (stopped before any was read)';
}
