import { useEffect, useState } from 'react';
import { enc } from '../../api';
import { displayStatus, type DisplayStatus } from '../../components/StatusBadge';

/** Druid's TaskStatusPlus as GET /druid/indexer/v1/tasks and .../task/{id}/status answer it. */
export interface TaskStatusPlus {
  id: string;
  groupId: string;
  type: string;
  createdTime: string;
  queueInsertionTime: string;
  statusCode: 'RUNNING' | 'SUCCESS' | 'FAILED';
  status: string;
  runnerStatusCode: 'WAITING' | 'PENDING' | 'RUNNING' | 'NONE' | null;
  duration: number;
  location: { host: string | null; port: number; tlsPort: number } | null;
  dataSource: string;
  errorMsg: string | null;
}

export type StateFilter = '' | 'running' | 'pending' | 'waiting' | 'complete';

export interface TaskFilter {
  state: StateFilter;
  datasource: string;
  type: string;
  /** yyyy-mm-dd (UTC days), either may be empty. */
  createdFrom: string;
  createdTo: string;
}

export const NO_FILTER: TaskFilter = { state: '', datasource: '', type: '', createdFrom: '', createdTo: '' };

export const TASKS_API = '/druid/indexer/v1';
export const taskPath = (id: string, rest = ''): string => `${TASKS_API}/task/${enc(id)}${rest}`;

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The `createdTimeInterval` parameter (`<start>_<end>`, end exclusive) for two inclusive UTC days;
 * an open side becomes a far bound.
 */
export function createdInterval(from: string, to: string): string | null {
  if (from === '' && to === '') return null;
  return `${from === '' ? '1970-01-01' : from}_${to === '' ? '3000-01-01' : nextDay(to)}`;
}

/**
 * At most this many completed tasks per refresh (the API's `max`): a list polled every two
 * seconds must stay cheap when thousands of tasks finished recently (Druid issues #11567, #11140).
 */
export const MAX_COMPLETE = 1000;

/** The list request for a filter: every filter is applied by the server, as Druid's console does. */
export function listPath(f: TaskFilter): string {
  const q = new URLSearchParams();
  if (f.state !== 'running' && f.state !== 'pending' && f.state !== 'waiting') q.set('max', String(MAX_COMPLETE));
  if (f.state !== '') q.set('state', f.state);
  if (f.datasource.trim() !== '') q.set('datasource', f.datasource.trim());
  if (f.type.trim() !== '') q.set('type', f.type.trim());
  const interval = createdInterval(f.createdFrom, f.createdTo);
  if (interval !== null) q.set('createdTimeInterval', interval);
  const qs = q.toString();
  return `${TASKS_API}/tasks${qs === '' ? '' : `?${qs}`}`;
}

/**
 * One row per task id. While a task ends, the server can list it twice in one answer (still in
 * the active list and already among the complete ones); the finished entry wins. Duplicate keys
 * would also leave stale rows behind in React's reconciliation.
 */
export function onePerTask(list: readonly TaskStatusPlus[]): TaskStatusPlus[] {
  const byId = new Map<string, TaskStatusPlus>();
  for (const t of list) {
    const seen = byId.get(t.id);
    if (!seen || (isActive(seen) && !isActive(t))) byId.set(t.id, t);
  }
  return [...byId.values()];
}

export const isActive = (t: Pick<TaskStatusPlus, 'statusCode'>): boolean => t.statusCode === 'RUNNING';

export const statusOf = (t: TaskStatusPlus): DisplayStatus => displayStatus(t.statusCode, t.runnerStatusCode, t.errorMsg);

/** How long the task ran; an active one's time since it was created, as of `now`. */
export function durationOf(t: TaskStatusPlus, now: number): number | null {
  if (!isActive(t)) return t.duration >= 0 ? t.duration : null;
  const created = Date.parse(t.createdTime);
  return Number.isNaN(created) ? null : Math.max(0, now - created);
}

/** Sort order of the status column: active first, by how far along they are. */
export const STATUS_ORDER: Record<DisplayStatus, number> = { RUNNING: 0, PENDING: 1, WAITING: 2, FAILED: 3, CANCELED: 4, SUCCESS: 5 };

/** True once `busy` has lasted `afterMs` without a break: a slow server gets a visible note. */
export function useSlow(busy: boolean, afterMs = 3000): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return undefined;
    }
    const t = setTimeout(() => setSlow(true), afterMs);
    return () => clearTimeout(t);
  }, [busy, afterMs]);
  return slow;
}

/** A value that follows `value` once it has stopped changing for `ms` (typed filter text). */
export function useDebounced<T>(value: T, ms = 400): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
