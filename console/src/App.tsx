import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { getJson } from './api';
import { TabPanel, Tabs } from './components/Tabs';
import { DatasourcesView } from './views/DatasourcesView';
import { QueryView } from './views/QueryView';
import { TasksView } from './views/TasksView';

/**
 * The console shell: three views behind accessible tabs, the view in the URL hash (#query,
 * #tasks, #datasources) so a reload or a shared link opens the same view, and a banner while the
 * server does not answer.
 */

type View = 'query' | 'tasks' | 'datasources';
const VIEWS: ReadonlyArray<{ key: View; label: string }> = [
  { key: 'query', label: 'Query' },
  { key: 'tasks', label: 'Tasks' },
  { key: 'datasources', label: 'Datasources' },
];

function viewFromHash(): View {
  const h = window.location.hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS.some((v) => v.key === h) ? (h as View) : 'query';
}

function ServerStatus() {
  const status = useQuery({
    queryKey: ['status'],
    queryFn: () => getJson<{ version?: string }>('/status'),
    refetchInterval: 5000,
    retry: false,
  });
  if (status.isError) {
    return (
      <div role="alert" className="banner down">
        Grove is not answering at {window.location.host}. Views show their last data; they refresh once it is back.
      </div>
    );
  }
  return (
    <span className="server-ok" aria-live="polite">
      {status.data ? `Grove ${status.data.version ?? ''} · ${window.location.host}` : 'Connecting…'}
    </span>
  );
}

export function App() {
  const [view, setView] = useState<View>(viewFromHash);
  useEffect(() => {
    const onHash = (): void => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const select = (v: View): void => {
    window.location.hash = v;
    setView(v);
  };
  return (
    <div className="app">
      <header className="top">
        <h1>Grove</h1>
        <Tabs label="Console views" idPrefix="view" items={VIEWS} selected={view} onSelect={select} />
        <ServerStatus />
      </header>
      <main>
        <TabPanel idPrefix="view" tab={view}>
          {view === 'query' ? <QueryView /> : view === 'tasks' ? <TasksView /> : <DatasourcesView />}
        </TabPanel>
      </main>
    </div>
  );
}
