import { useEffect, useRef, useState } from 'react';
import { ErrorBox } from '../../components/ErrorBox';

/**
 * A destructive action behind a small inline confirmation: the first button asks, "Yes" runs the
 * action (its error shown next to it), "Cancel" or Escape goes back. Focus moves to the question's
 * buttons and back, so it works from the keyboard.
 */
export function ConfirmAction(props: {
  label: string;
  question: string;
  confirmLabel: string;
  run: () => Promise<string>;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (wasAsking.current) ask.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setDone(await props.run());
      setAsking(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="confirm-action">
      {asking ? (
        <div
          className="confirm"
          role="group"
          aria-label={props.question}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setAsking(false);
          }}
        >
          <span>{props.question}</span>
          <button ref={yes} type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          ref={ask}
          type="button"
          className="danger"
          disabled={props.disabled}
          onClick={() => {
            setDone(null);
            setError(null);
            setAsking(true);
          }}
        >
          {props.label}
        </button>
      )}
      {done !== null ? (
        <span className="done" role="status">
          {done}
        </span>
      ) : null}
      {error !== null ? <ErrorBox error={error} title={`${props.label} failed`} /> : null}
    </div>
  );
}
