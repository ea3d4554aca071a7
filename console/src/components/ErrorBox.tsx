import { ApiError } from '../api';

/** An error as a person can act on it; never a blank area. */
export function ErrorBox(props: { error: unknown; title?: string; onRetry?: () => void }) {
  const e = props.error;
  const message = e instanceof Error ? e.message : String(e);
  const down = e instanceof ApiError && e.status === 0;
  return (
    <div role="alert" className={down ? 'error down' : 'error'}>
      <strong>{props.title ?? (down ? 'Grove is not answering' : 'Request failed')}</strong>
      {e instanceof ApiError && e.status > 0 ? <span className="status-code"> (HTTP {e.status})</span> : null}
      <div className="error-message">{message}</div>
      {props.onRetry ? (
        <button type="button" onClick={props.onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      Loading {props.what}…
    </div>
  );
}
