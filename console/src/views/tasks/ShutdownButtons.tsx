import { useQueryClient } from '@tanstack/react-query';
import { ApiError, enc, postJson } from '../../api';
import { ConfirmAction } from './ConfirmAction';
import { TASKS_API, taskPath } from './model';

/**
 * Shutting down one task (POST .../task/{id}/shutdown) or every active task of a datasource
 * (POST .../datasources/{ds}/shutdownAllTasks), each behind an inline confirmation. Afterwards
 * the task queries refresh at once, so the badges turn CANCELED without waiting for the next poll.
 */

function useRefreshTasks(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: ['tasks'] });
    await client.invalidateQueries({ queryKey: ['task'] });
  };
}

export function ShutdownTaskButton(props: { id: string }) {
  const refresh = useRefreshTasks();
  return (
    <ConfirmAction
      label="Shut down"
      question={`Shut down task ${props.id}?`}
      confirmLabel="Yes, shut down"
      run={async () => {
        await postJson(taskPath(props.id, '/shutdown'));
        await refresh();
        return 'Shutdown requested.';
      }}
    />
  );
}

export function ShutdownAllButton(props: { dataSource: string }) {
  const refresh = useRefreshTasks();
  return (
    <ConfirmAction
      label={`Shut down all tasks of ${props.dataSource}`}
      question={`Shut down every active task of datasource ${props.dataSource}?`}
      confirmLabel="Yes, shut down all"
      run={async () => {
        try {
          await postJson(`${TASKS_API}/datasources/${enc(props.dataSource)}/shutdownAllTasks`);
        } catch (e) {
          // The Overlord answers 404 with an empty body when the datasource has no active task.
          if (e instanceof ApiError && e.status === 404) return `No active task of ${props.dataSource} to shut down.`;
          throw e;
        }
        await refresh();
        return `Shutdown requested for the active tasks of ${props.dataSource}.`;
      }}
    />
  );
}
