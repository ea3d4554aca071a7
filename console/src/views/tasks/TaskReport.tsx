import { useQuery } from '@tanstack/react-query';
import { ApiError, getJson } from '../../api';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { msqPayload } from '../../components/StageTable';
import { IngestionReport, type IngestionPayload } from './IngestionReport';
import { MsqReport } from './MsqReport';
import { taskPath } from './model';

/**
 * A task's report (GET .../task/{id}/reports) drawn: MSQ jobs as their stage table and per-worker
 * counters, native ingestion as its row counts with bars; anything else as JSON. The raw report
 * is always one click away. Refreshed while the task is active (reports are live).
 */
export function TaskReport(props: { id: string; active: boolean }) {
  const q = useQuery({
    queryKey: ['task', props.id, 'report'],
    queryFn: ({ signal }) => getJson<Record<string, unknown>>(taskPath(props.id, '/reports'), { signal }),
    refetchInterval: props.active ? 2000 : false,
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 1,
  });
  if (q.isPending) return <Loading what="report" />;
  if (q.isError && q.data === undefined) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <p className="muted" role="status">
          No report {props.active ? 'yet' : 'for this task'}. ({q.error.message}){props.active ? ' It appears here as soon as the task reports.' : ''}
        </p>
      );
    }
    return <ErrorBox error={q.error} title="Could not load the report" onRetry={() => void q.refetch()} />;
  }
  const report = q.data;
  const msq = msqPayload(report);
  const ingestion = (report?.ingestionStatsAndErrors as { payload?: IngestionPayload } | undefined)?.payload;
  return (
    <div className="task-report">
      {q.isError ? <ErrorBox error={q.error} title="Could not refresh the report (showing the last one)" /> : null}
      {msq ? <MsqReport payload={msq} /> : ingestion ? <IngestionReport payload={ingestion} /> : <p className="muted">This report has no part the console draws; its JSON follows.</p>}
      <details className="raw" open={!msq && !ingestion}>
        <summary>Raw report JSON</summary>
        <pre className="json" tabIndex={0} aria-label="Raw report JSON">
          {JSON.stringify(report, null, 2)}
        </pre>
      </details>
    </div>
  );
}
