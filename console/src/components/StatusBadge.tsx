/**
 * A task's state as a badge. Druid has no CANCELED status: a task shut down by a user ends FAILED
 * with "Shutdown request from user"; the console shows that as CANCELED so it is not read as a crash.
 */

export const SHUTDOWN_BY_USER = 'Shutdown request from user';

export type DisplayStatus = 'SUCCESS' | 'FAILED' | 'CANCELED' | 'RUNNING' | 'PENDING' | 'WAITING';

export function displayStatus(statusCode: string, runnerStatusCode: string | null | undefined, errorMsg: string | null | undefined): DisplayStatus {
  if (statusCode === 'SUCCESS') return 'SUCCESS';
  if (statusCode === 'FAILED') return errorMsg?.startsWith(SHUTDOWN_BY_USER) || errorMsg?.startsWith('Canceled') ? 'CANCELED' : 'FAILED';
  if (runnerStatusCode === 'PENDING') return 'PENDING';
  if (runnerStatusCode === 'WAITING') return 'WAITING';
  return 'RUNNING';
}

export function StatusBadge(props: { status: DisplayStatus | string }) {
  return <span className={`badge badge-${props.status.toLowerCase()}`}>{props.status}</span>;
}
