import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { StageTable } from '../../components/StageTable';
import { SHUTDOWN_BY_USER, StatusBadge } from '../../components/StatusBadge';
import { formatDuration, formatNumber } from '../../format';
import { ResultGrid } from './ResultGrid';
import { coverageText, type JobState } from './run-api';
import type { RunHandle } from './useRun';

/**
 * What a run is doing: its state and elapsed time, Stop (a running SELECT statement) and Cancel,
 * the live stage table, the fault of a failed job, a "Partial result" notice for a stopped one,
 * and the result grid (paged for statements).
 */

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function jobStatus(j: JobState | undefined): string {
  if (!j) return 'SUBMITTED';
  if (j.state === 'FAILED' && (j.fault?.code === 'Canceled' || j.fault?.message.startsWith(SHUTDOWN_BY_USER))) return 'CANCELED';
  return j.state;
}

const MODE_LABEL = { task: 'MSQ task', statement: 'Statement', plain: 'Plain query' } as const;

export function RunPanel(props: { r: RunHandle }) {
  const { run, job, results, page, setPage, busy, actionError, submitting, running } = props.r;
  const now = useNow(running);
  if (!run) return null;
  const j = job.data;

  const unanswered = run.error instanceof ApiError && run.error.status === 0;
  const status = submitting
    ? 'SUBMITTING'
    : run.mode === 'plain' || run.inline || run.error
      ? unanswered ? 'UNANSWERED' : run.error ? 'FAILED' : run.canceled ? 'CANCELED' : 'SUCCESS'
      : jobStatus(j);
  const ended = run.endedMs ?? (j && !running ? (j.durationMs !== null ? run.startedMs + j.durationMs : job.dataUpdatedAt) : undefined);
  const elapsed = (ended ?? now) - run.startedMs;
  const pages = j?.pages ?? [];

  return (
    <section className="run-panel" aria-label="Run" data-status={status}>
      <div className="toolbar run-head">
        <strong>{MODE_LABEL[run.mode]}</strong>
        {run.id ? <code className="run-id">{run.id}</code> : null}
        <span role="status" aria-live="polite" aria-label={`Query ${status.toLowerCase()}`}>
          <StatusBadge status={status} />
        </span>
        <span className="elapsed" aria-label="Elapsed time">
          {formatDuration(elapsed)}
        </span>
        {running && run.mode === 'statement' && run.id ? (
          <button type="button" onClick={() => void props.r.stop()} disabled={busy !== null} title="End the query now and keep the rows computed so far">
            {busy === 'stop' ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
        {running && (run.id || run.mode === 'plain') ? (
          <button type="button" className="danger" onClick={() => void props.r.cancel()} disabled={busy !== null}>
            {busy === 'cancel' ? 'Canceling…' : 'Cancel'}
          </button>
        ) : null}
      </div>

      {submitting ? <Loading what={run.mode === 'plain' ? 'the query result' : 'the submission'} /> : null}
      {actionError ? <ErrorBox error={actionError} title="Could not stop or cancel the query" /> : null}
      {job.isError ? (
        <div role="alert" className="error down poll-error">
          <strong>Lost contact while watching the query.</strong> {(job.error as Error).message} The last known state is shown; retrying…
        </div>
      ) : null}

      {j?.fault ? (
        <div role="alert" className="error job-fault" data-fault={j.fault.code}>
          <strong>{jobStatus(j) === 'CANCELED' ? 'Canceled' : 'The query failed'}</strong>: <code>{j.fault.code}</code>
          <div className="error-message">{j.fault.message}</div>
        </div>
      ) : null}
      {j?.state === 'SUCCESS' && run.mode === 'task' ? <p className="run-done">Ingestion finished: the segments are published and can be queried.</p> : null}
      {j?.isPartial ? (
        <div className="partial-notice" role="status">
          <strong>Partial result</strong>: the query was stopped; these rows cover {coverageText(j.covered)}.
        </div>
      ) : null}

      {run.id ? j?.payload ? <StageTable payload={j.payload} /> : !job.isError ? <p className="muted">Waiting for the job to start…</p> : null : null}

      {run.inline ? <ResultGrid columns={run.inline.columns} rows={run.inline.rows} /> : null}
      {j?.state === 'SUCCESS' && j.schema ? (
        <>
          {pages.length > 1 ? (
            <nav className="toolbar pager" aria-label="Result pages">
              <button type="button" onClick={() => setPage(page - 1)} disabled={page === 0}>
                Previous page
              </button>
              <span>
                Page {page + 1} of {pages.length} · {formatNumber(j.numTotalRows)} rows in all
              </span>
              <button type="button" onClick={() => setPage(page + 1)} disabled={page >= pages.length - 1}>
                Next page
              </button>
            </nav>
          ) : null}
          {results.isError ? <ErrorBox error={results.error} title="Could not read the result" onRetry={() => void results.refetch()} /> : null}
          {results.isPending && !results.isError ? <Loading what="the result" /> : null}
          {results.data ? <ResultGrid columns={j.schema} rows={results.data} /> : null}
        </>
      ) : null}
    </section>
  );
}
