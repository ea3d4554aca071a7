import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, getText } from '../../api';
import { ErrorBox } from '../../components/ErrorBox';
import { formatBytes } from '../../format';
import { taskPath } from './model';
import { followStep, tailStep, TAIL_BYTES, type LogState } from './logFollow';

/**
 * A task's log: the last 16 KB (GET .../log?offset=-16384), and "Follow", which polls for the
 * bytes written since and appends them, scrolled to the end. The whole log opens as plain text.
 */

const POLL_MS = 1500;

export function TaskLog(props: { id: string; active: boolean }) {
  const [log, setLog] = useState<LogState>({ text: '', end: undefined });
  const [following, setFollowing] = useState(props.active);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const state = useRef(log);
  const pre = useRef<HTMLPreElement>(null);
  const fetchText = useCallback((offset: number) => getText(taskPath(props.id, `/log?offset=${offset}`)), [props.id]);

  /** One step: the tail when nothing is loaded yet (or on reload), else what was appended since. */
  const step = useCallback(
    async (reload: boolean): Promise<void> => {
      try {
        const next = reload || state.current.end === undefined ? await tailStep(fetchText) : await followStep(state.current, fetchText);
        state.current = next;
        setLog(next);
        setError(null);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [fetchText],
  );

  useEffect(() => {
    void step(true);
  }, [step]);

  useEffect(() => {
    if (!following) return undefined;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async (): Promise<void> => {
      await step(false);
      if (alive) timer = setTimeout(() => void loop(), POLL_MS);
    };
    timer = setTimeout(() => void loop(), POLL_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [following, step]);

  useLayoutEffect(() => {
    const el = pre.current;
    if (following && el) el.scrollTop = el.scrollHeight;
  }, [log.text, following]);

  const missing = error instanceof ApiError && error.status === 404;
  return (
    <div className="task-log">
      <div className="toolbar">
        <button type="button" aria-pressed={following} className={following ? 'toggle on' : 'toggle'} onClick={() => setFollowing((f) => !f)}>
          {following ? 'Following…' : 'Follow'}
        </button>
        <button type="button" onClick={() => void step(true)}>
          Reload tail
        </button>
        <a href={taskPath(props.id, '/log')} target="_blank" rel="noreferrer">
          Open the whole log
        </a>
        <span className="muted" aria-live="polite">
          {log.end === null
            ? `Showing the last ${formatBytes(TAIL_BYTES)} and what follows`
            : log.end !== undefined
              ? `${formatBytes(log.end)} of log`
              : ''}
        </span>
      </div>
      {missing ? (
        <p className="muted" role="status">
          No log yet: {error.message}
          {following ? ' Still checking.' : ''}
        </p>
      ) : error !== null ? (
        <ErrorBox error={error} title="Could not read the log" onRetry={() => void step(log.end === undefined)} />
      ) : null}
      {loading ? (
        <p className="loading" role="status">
          Loading log…
        </p>
      ) : null}
      {log.end !== undefined ? (
        <pre ref={pre} className="log" tabIndex={0} aria-label={`Log of task ${props.id}`}>
          {log.text === '' ? <span className="muted">(the log is empty)</span> : log.text}
        </pre>
      ) : null}
    </div>
  );
}
