import { useEffect, useState } from 'react';
import { enc } from '../../api';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { formatBytes, formatNumber, formatTime } from '../../format';
import { DatasourceDetail } from './DatasourceDetail';
import { REFRESH_MS, useDatasources, type DatasourceRow } from './data';
import './datasources.css';

/**
 * The Datasources view: every datasource with its segments, rows, size and time range, refreshed
 * every few seconds; opening one shows its segment timeline and columns. The open datasource is
 * in the URL (#datasources/<name>), so a reload or a shared link shows it again.
 */

const COLUMNS: readonly Column<DatasourceRow>[] = [
  { key: 'name', header: 'Datasource', render: (d) => <span className="ds-name">{d.datasource}</span>, sortValue: (d) => d.datasource },
  { key: 'segments', header: 'Segments', render: (d) => formatNumber(d.segments), sortValue: (d) => d.segments, numeric: true },
  {
    key: 'overshadowed',
    header: 'Overshadowed',
    render: (d) => (d.overshadowed ? formatNumber(d.overshadowed) : <span className="muted">0</span>),
    sortValue: (d) => d.overshadowed,
    numeric: true,
  },
  { key: 'rows', header: 'Rows', render: (d) => formatNumber(d.num_rows), sortValue: (d) => d.num_rows, numeric: true },
  { key: 'size', header: 'Size', render: (d) => formatBytes(d.size), sortValue: (d) => d.size, numeric: true },
  {
    key: 'range',
    header: 'Time range (UTC)',
    render: (d) => `${formatTime(d.first_start)} – ${formatTime(d.last_end)}`,
    sortValue: (d) => d.first_start,
  },
];

function datasourceFromHash(): string | null {
  const m = /^#\/?datasources\/(.+)$/.exec(window.location.hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export function DatasourcesView() {
  const q = useDatasources();
  const [selected, setSelected] = useState<string | null>(datasourceFromHash);
  useEffect(() => {
    const onHash = (): void => setSelected(datasourceFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = (name: string | null): void => {
    window.history.replaceState(null, '', name === null ? '#datasources' : `#datasources/${enc(name)}`);
    setSelected(name);
  };

  return (
    <div className="datasources-view">
      <div className="ds-head">
        <h2 id="ds-list-h">Datasources</h2>
        <span className="muted" aria-live="off">
          {q.dataUpdatedAt ? `Updated ${formatTime(new Date(q.dataUpdatedAt).toISOString())}` : ''} · refreshes every {REFRESH_MS / 1000} s
        </span>
      </div>
      {q.isError ? (
        <ErrorBox
          title={q.data ? 'Could not refresh the datasources (showing the last list read)' : 'Could not load the datasources'}
          error={q.error}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      {q.isPending && !q.isError ? <Loading what="datasources" /> : null}
      {q.data ? (
        <DataTable
          label="Datasources"
          columns={COLUMNS}
          rows={q.data}
          rowKey={(d) => d.datasource}
          onOpen={(d) => open(d.datasource)}
          selectedKey={selected}
          initialSort={{ key: 'name', desc: false }}
          empty="No datasources yet: ingest some data (Tasks, or INSERT/REPLACE from the Query view)."
        />
      ) : null}
      {q.data && q.data.length > 0 && selected === null ? <p className="muted">Select a datasource (click, or Enter on a row) to see its segment timeline and columns.</p> : null}
      {selected !== null ? <DatasourceDetail key={selected} datasource={selected} onClose={() => open(null)} /> : null}
    </div>
  );
}
