import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { getJson } from '../../api';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDuration, formatTime } from '../../format';
import { ShutdownAllButton } from './ShutdownButtons';
import { TaskDetail } from './TaskDetail';
import { TaskFilters } from './TaskFilters';
import { NO_FILTER, STATUS_ORDER, durationOf, isActive, listPath, MAX_COMPLETE, onePerTask, statusOf, useDebounced, useSlow, type TaskFilter, type TaskStatusPlus } from './model';
import './tasks.css';

/**
 * The Tasks view: every task the server lists (filtered by the server), refreshed every 2 s, and
 * the detail of the one selected (also in the URL: #tasks/<id>).
 */

const REFRESH_MS = 2000;

function taskFromHash(): string | null {
  const m = /^#\/?tasks\/(.+)$/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

const unique = (xs: string[]): string[] => [...new Set(xs)].sort();

export function TasksView() {
  const [draft, setDraft] = useState<TaskFilter>(NO_FILTER);
  const filter = useDebounced(draft, 300);
  const [selected, setSelected] = useState<string | null>(taskFromHash);
  const path = listPath(filter);
  const list = useQuery<TaskStatusPlus[]>({
    queryKey: ['tasks', path],
    queryFn: ({ signal }) => getJson<TaskStatusPlus[]>(path, { signal }).then((l) => onePerTask(l)),
    refetchInterval: REFRESH_MS,
    // The table (and its sort) stays while a changed filter loads.
    placeholderData: keepPreviousData,
  });
  const slow = useSlow(list.fetchStatus === 'fetching');

  useEffect(() => {
    const onHash = (): void => setSelected(taskFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const select = (id: string | null): void => {
    setSelected(id);
    window.history.replaceState(null, '', id === null ? '#tasks' : `#tasks/${encodeURIComponent(id)}`);
  };

  const rows = list.data ?? [];
  const now = list.dataUpdatedAt || Date.now();
  // Suggestions for the filter boxes: what the unfiltered list showed last (kept across filters).
  const [seen, setSeen] = useState<{ ds: string[]; types: string[] }>({ ds: [], types: [] });
  useEffect(() => {
    if (!list.data) return;
    setSeen((s) => {
      const next = { ds: unique([...s.ds, ...list.data.map((t) => t.dataSource)]), types: unique([...s.types, ...list.data.map((t) => t.type)]) };
      return next.ds.length === s.ds.length && next.types.length === s.types.length ? s : next;
    });
  }, [list.data]);

  const columns = useMemo<Column<TaskStatusPlus>[]>(
    () => [
      { key: 'id', header: 'Task ID', render: (t) => <span className="task-id">{t.id}</span>, sortValue: (t) => t.id },
      { key: 'type', header: 'Type', render: (t) => t.type, sortValue: (t) => t.type },
      { key: 'dataSource', header: 'Datasource', render: (t) => t.dataSource, sortValue: (t) => t.dataSource },
      { key: 'created', header: 'Created', render: (t) => formatTime(t.createdTime), sortValue: (t) => t.createdTime },
      {
        key: 'duration',
        header: 'Duration',
        numeric: true,
        render: (t) => (isActive(t) ? <span title="elapsed since the task was created">{formatDuration(durationOf(t, now))} so far</span> : formatDuration(durationOf(t, now))),
        sortValue: (t) => durationOf(t, now),
      },
      { key: 'status', header: 'Status', render: (t) => <StatusBadge status={statusOf(t)} />, sortValue: (t) => STATUS_ORDER[statusOf(t)] },
    ],
    [now],
  );

  const ds = filter.datasource.trim();
  return (
    <div className="tasks-view">
      <TaskFilters value={draft} onChange={setDraft} datasources={seen.ds} types={seen.types} />
      <div className="toolbar" aria-live="polite">
        <span className="muted">
          {list.data ? `${rows.length} task${rows.length === 1 ? '' : 's'} · updated ${new Date(list.dataUpdatedAt).toLocaleTimeString()}` : ''}
        </span>
        {rows.filter((t) => !isActive(t)).length >= MAX_COMPLETE ? (
          <span className="muted">Showing the newest {MAX_COMPLETE.toLocaleString('en-US')} completed tasks; narrow the filters to see others.</span>
        ) : null}
        {list.isPlaceholderData ? <span className="muted">Applying filters…</span> : null}
        {slow ? <span className="slow">Grove is slow to answer; still waiting…</span> : null}
        {ds !== '' ? <ShutdownAllButton dataSource={ds} /> : null}
      </div>
      {list.isError ? (
        <ErrorBox
          error={list.error}
          title={list.data ? 'Could not refresh the task list (showing the last one)' : 'Could not load the task list'}
          onRetry={() => void list.refetch()}
        />
      ) : null}
      {list.isPending && !list.isError ? <Loading what="tasks" /> : null}
      {list.data ? (
        <div className="task-list">
          <DataTable
            label="Tasks"
            columns={columns}
            rows={rows}
            rowKey={(t) => t.id}
            onOpen={(t) => select(t.id)}
            selectedKey={selected}
            initialSort={{ key: 'created', desc: true }}
            empty="No tasks match these filters."
          />
        </div>
      ) : null}
      {selected !== null ? <TaskDetail key={selected} id={selected} listed={rows.find((t) => t.id === selected)} onClose={() => select(null)} /> : null}
    </div>
  );
}
