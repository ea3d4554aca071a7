import { useQuery } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import {
  cancelJob, cancelPlain, isFinal, pollStatement, pollTask, resultPage, runPlain, stopStatement, submitStatement, submitTask,
  type JobState, type ResultSet, type Submitted,
} from './run-api';
import { statementKind } from './sql-lexer';

/**
 * One run of the Query view: submit, poll while it runs (TanStack Query's refetchInterval), stop,
 * cancel, and read its result pages. A newer run replaces an older one; answers that arrive for
 * an older run are dropped.
 *
 * Modes: "task" (INSERT/REPLACE on /druid/v2/sql/task), "statement" (everything else on the
 * statements API: stoppable, stages visible), "plain" (POST /druid/v2/sql, rows at once).
 */

export type RunMode = 'task' | 'statement' | 'plain';

export interface Run {
  readonly seq: number;
  readonly mode: RunMode;
  readonly sql: string;
  readonly startedMs: number;
  /** Set when the run ended without a job to poll (plain queries, failed submits, inline answers). */
  readonly endedMs?: number;
  readonly id?: string;
  /** The submit (or plain query) failed: an ApiError, with the SQL position in its context. */
  readonly error?: unknown;
  /** Rows answered at once: a plain query, or EXPLAIN on the task/statements APIs. */
  readonly inline?: ResultSet;
  readonly canceled?: boolean;
}

export const POLL_MS = 750;

function newQueryId(): string {
  const c = window.crypto as Crypto | undefined;
  return c?.randomUUID ? c.randomUUID() : `console-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
}

export function modeFor(sql: string): Exclude<RunMode, 'plain'> {
  const kind = statementKind(sql);
  return kind === 'insert' || kind === 'replace' ? 'task' : 'statement';
}

export function useRun() {
  const [run, setRun] = useState<Run | null>(null);
  const [page, setPage] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'stop' | 'cancel' | null>(null);
  const seq = useRef(0);
  const abort = useRef<{ controller: AbortController; sqlQueryId: string } | null>(null);

  const update = useCallback((n: number, patch: Partial<Run>) => {
    setRun((r) => (r && r.seq === n ? { ...r, ...patch } : r));
  }, []);

  const job = useQuery<JobState>({
    queryKey: ['query-run', run?.mode, run?.id],
    enabled: run?.id !== undefined && run.mode !== 'plain',
    queryFn: () => (run?.mode === 'task' ? pollTask(run.id ?? '') : pollStatement(run?.id ?? '')),
    refetchInterval: (q) => (isFinal(q.state.data) ? false : POLL_MS),
    retry: false,
    gcTime: 0,
  });

  const pages = job.data?.pages ?? [];
  const results = useQuery<unknown[][]>({
    queryKey: ['query-results', run?.id, page],
    enabled: run?.mode === 'statement' && run.id !== undefined && job.data?.state === 'SUCCESS' && job.data.schema !== undefined,
    queryFn: () => (pages[page] ? resultPage(run?.id ?? '', pages[page].id) : Promise.resolve([])),
    retry: false,
    staleTime: Infinity,
  });

  const start = useCallback(async (sql: string, plain: boolean, context: Record<string, unknown>) => {
    const n = ++seq.current;
    abort.current?.controller.abort();
    abort.current = null;
    setPage(0);
    setActionError(null);
    const mode: RunMode = plain ? 'plain' : modeFor(sql);
    setRun({ seq: n, mode, sql, startedMs: Date.now() });
    try {
      if (mode === 'plain') {
        const sqlQueryId = typeof context.sqlQueryId === 'string' ? context.sqlQueryId : newQueryId();
        const controller = new AbortController();
        abort.current = { controller, sqlQueryId };
        const rows = await runPlain(sql, { ...context, sqlQueryId }, controller.signal);
        update(n, { inline: rows, endedMs: Date.now() });
      } else {
        const submitted: Submitted = mode === 'task' ? await submitTask(sql, context) : await submitStatement(sql, context);
        update(n, 'id' in submitted ? { id: submitted.id } : { inline: submitted.inline, endedMs: Date.now() });
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') update(n, { canceled: true, endedMs: Date.now() });
      else update(n, { error: e, endedMs: Date.now() });
    } finally {
      if (seq.current === n) abort.current = null;
    }
  }, [update]);

  const stop = useCallback(async () => {
    if (run?.mode !== 'statement' || !run.id) return;
    setBusy('stop');
    setActionError(null);
    try {
      await stopStatement(run.id);
      await job.refetch();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  }, [run, job]);

  const cancel = useCallback(async () => {
    if (!run) return;
    setBusy('cancel');
    setActionError(null);
    try {
      if (run.mode === 'plain') {
        const a = abort.current;
        a?.controller.abort();
        if (a) await cancelPlain(a.sqlQueryId).catch(() => undefined); // the query may have ended already
      } else if (run.id) {
        await cancelJob(run.mode, run.id);
        await job.refetch();
      }
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  }, [run, job]);

  const submitting = run !== null && run.endedMs === undefined && run.id === undefined;
  const running = submitting || (run?.id !== undefined && !isFinal(job.data));
  return { run, job, results, page, setPage, start, stop, cancel, busy, actionError, submitting, running };
}

export type RunHandle = ReturnType<typeof useRun>;
