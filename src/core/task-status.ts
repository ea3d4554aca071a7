import type { TaskView } from './task-view.js';

/**
 * Druid's TaskStatusPlus (reference §4.1), the shape of a task in the Overlord's lists and in
 * `sys.tasks`. Grove's task model is Druid's, so this is a mapping of fields, not of meanings.
 */
export interface TaskStatusPlus {
  id: string;
  groupId: string;
  type: string;
  createdTime: string;
  queueInsertionTime: string;
  statusCode: 'RUNNING' | 'SUCCESS' | 'FAILED';
  status: 'RUNNING' | 'SUCCESS' | 'FAILED';
  runnerStatusCode: 'WAITING' | 'PENDING' | 'RUNNING' | 'NONE';
  duration: number;
  location: { host: string | null; port: number; tlsPort: number };
  dataSource: string;
  errorMsg: string | null;
}

export const EPOCH_ISO = '1970-01-01T00:00:00.000Z';

/**
 * Druid shows the queue insertion time only in the running and pending lists (`showInsertion`);
 * the waiting list, the complete list and `/status` show the epoch (seed samples; reference §4.1).
 */
export function taskStatusPlus(t: TaskView, showInsertion = false): TaskStatusPlus {
  const created = new Date(t.createdMs).toISOString();
  const active = t.status === 'RUNNING';
  return {
    id: t.id,
    groupId: t.groupId,
    type: t.type,
    createdTime: created,
    queueInsertionTime: active && showInsertion && t.runnerState !== 'WAITING' ? created : EPOCH_ISO,
    statusCode: t.status,
    status: t.status,
    runnerStatusCode: t.runnerState,
    duration: active ? -1 : t.durationMs ?? -1,
    location: t.location === null || (active && t.runnerState !== 'RUNNING') ? { host: null, port: -1, tlsPort: -1 } : { host: t.location.host, port: t.location.port, tlsPort: -1 },
    dataSource: t.dataSource,
    errorMsg: t.errorMsg,
  };
}

/** The short form `POST /taskStatus` answers with. */
export function shortStatus(s: TaskStatusPlus): Record<string, unknown> {
  return { id: s.id, status: s.statusCode, duration: s.duration, errorMsg: s.errorMsg, location: s.location };
}
