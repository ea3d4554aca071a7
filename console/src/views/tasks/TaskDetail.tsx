import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, getJson } from '../../api';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { StatusBadge } from '../../components/StatusBadge';
import { TabPanel, Tabs } from '../../components/Tabs';
import { formatDuration, formatTime } from '../../format';
import { ShutdownAllButton, ShutdownTaskButton } from './ShutdownButtons';
import { TaskLog } from './TaskLog';
import { TaskReport } from './TaskReport';
import { durationOf, isActive, statusOf, taskPath, useSlow, type TaskStatusPlus } from './model';

/**
 * One task: its status (refreshed while it is active), payload, drawn report and log behind
 * accessible tabs, and the shutdown buttons.
 */

type DetailTab = 'status' | 'payload' | 'report' | 'log';
const TABS: ReadonlyArray<{ key: DetailTab; label: string }> = [
  { key: 'status', label: 'Status' },
  { key: 'payload', label: 'Payload' },
  { key: 'report', label: 'Report' },
  { key: 'log', label: 'Log' },
];

const notFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

export function TaskDetail(props: { id: string; listed?: TaskStatusPlus; onClose: () => void }) {
  const [tab, setTab] = useState<DetailTab>('status');
  const status = useQuery({
    queryKey: ['task', props.id, 'status'],
    queryFn: ({ signal }) => getJson<{ status: TaskStatusPlus }>(taskPath(props.id, '/status'), { signal }).then((r) => r.status),
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data) ? false : 2000),
    retry: (n, e) => !notFound(e) && n < 1,
  });
  const slow = useSlow(status.fetchStatus === 'fetching' && status.data === undefined);
  const t = status.data ?? props.listed;

  return (
    <section className="task-detail" aria-labelledby="task-detail-heading">
      <header className="task-detail-head">
        <h2 id="task-detail-heading">
          Task <span className="task-id">{props.id}</span>
        </h2>
        <span aria-live="polite" data-testid="detail-status">
          {t ? <StatusBadge status={statusOf(t)} /> : null}
        </span>
        <div className="actions">
          {t && isActive(t) ? <ShutdownTaskButton id={props.id} /> : null}
          {t && t.dataSource ? <ShutdownAllButton dataSource={t.dataSource} /> : null}
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </header>
      {status.isError && !notFound(status.error) ? <ErrorBox error={status.error} title="Could not refresh the task status" onRetry={() => void status.refetch()} /> : null}
      {status.isError && notFound(status.error) ? <ErrorBox error={new Error(`Grove has no task with id ${props.id}.`)} title="Task not found" /> : null}
      {slow ? <p className="slow">Grove is slow to answer; still waiting…</p> : null}
      <Tabs label="Task details" idPrefix="task" items={TABS} selected={tab} onSelect={setTab} />
      <TabPanel idPrefix="task" tab={tab}>
        {tab === 'status' ? t ? <StatusFields t={t} /> : status.isPending ? <Loading what="status" /> : null : null}
        {tab === 'payload' ? <Payload id={props.id} /> : null}
        {tab === 'report' ? <TaskReport id={props.id} active={t ? isActive(t) : true} /> : null}
        {tab === 'log' ? <TaskLog id={props.id} active={t ? isActive(t) : true} /> : null}
      </TabPanel>
    </section>
  );
}

function StatusFields({ t }: { t: TaskStatusPlus }) {
  const fields: Array<[string, string]> = [
    ['Status', `${statusOf(t)} (statusCode ${t.statusCode}, runner ${t.runnerStatusCode ?? '—'})`],
    ['Type', t.type],
    ['Datasource', t.dataSource],
    ['Group', t.groupId],
    ['Created', formatTime(t.createdTime)],
    ['Duration', `${formatDuration(durationOf(t, Date.now()))}${isActive(t) ? ' so far' : ''}`],
    ['Location', t.location?.host ? `${t.location.host}:${t.location.port}` : '—'],
  ];
  return (
    <div>
      <dl className="fields">
        {fields.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {t.errorMsg ? (
        <div className={statusOf(t) === 'CANCELED' ? 'task-error canceled' : 'task-error'}>
          <h3>Error message</h3>
          <pre>{t.errorMsg}</pre>
        </div>
      ) : null}
    </div>
  );
}

function Payload({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['task', id, 'payload'],
    queryFn: ({ signal }) => getJson<{ payload: unknown }>(taskPath(id), { signal }).then((r) => r.payload),
    staleTime: Infinity,
    retry: (n, e) => !notFound(e) && n < 1,
  });
  if (q.isError) return <ErrorBox error={q.error} title="Could not load the payload" onRetry={() => void q.refetch()} />;
  if (q.isPending) return <Loading what="payload" />;
  return (
    <pre className="json" aria-label="Task payload (JSON)" tabIndex={0}>
      {JSON.stringify(q.data, null, 2)}
    </pre>
  );
}
