import type { TaskRow } from '../store/tasks.js';
import type { ActiveTask } from './queue.js';

/** Druid's TaskStatusPlus (reference §4.1). */
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
const NO_LOCATION = { host: null, port: -1, tlsPort: -1 };

export interface Where {
  readonly host: string;
  readonly port: number;
}

/**
 * Druid shows the queue insertion time only in the running and pending lists; the waiting list,
 * the complete list and `/status` show the epoch (seed samples; reference §4.1).
 */
export function activeStatus(t: ActiveTask, where: Where, showInsertion: boolean): TaskStatusPlus {
  const created = new Date(t.createdMs).toISOString();
  return {
    id: t.desc.id,
    groupId: t.desc.groupId,
    type: t.desc.type,
    createdTime: created,
    queueInsertionTime: showInsertion && t.runnerState !== 'WAITING' ? created : EPOCH_ISO,
    statusCode: 'RUNNING',
    status: 'RUNNING',
    runnerStatusCode: t.runnerState,
    duration: -1,
    location: t.runnerState === 'RUNNING' ? { host: where.host, port: where.port, tlsPort: -1 } : NO_LOCATION,
    dataSource: t.desc.dataSource,
    errorMsg: null,
  };
}

export function completeStatus(r: TaskRow): TaskStatusPlus {
  const status = r.status as 'SUCCESS' | 'FAILED';
  return {
    id: r.id,
    groupId: r.group_id,
    type: r.type,
    createdTime: new Date(r.created_ms).toISOString(),
    queueInsertionTime: EPOCH_ISO,
    statusCode: status,
    status,
    runnerStatusCode: 'NONE',
    duration: r.duration_ms ?? -1,
    location: r.location_host === null ? NO_LOCATION : { host: r.location_host, port: r.location_port ?? -1, tlsPort: -1 },
    dataSource: r.datasource,
    errorMsg: r.error_msg,
  };
}

/** The short form `POST /taskStatus` answers with. */
export function shortStatus(s: TaskStatusPlus): Record<string, unknown> {
  return { id: s.id, status: s.statusCode, duration: s.duration, errorMsg: s.errorMsg, location: s.location };
}
