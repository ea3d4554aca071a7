import { ApiError } from '../../api';
import { ErrorBox } from '../../components/ErrorBox';

/**
 * An error of a run. A SQL error with a position (druidException context line/column, or
 * "(line [L], column [C])" in its message) gets a "line L, column C" button that puts the caret
 * there; anything else (server down, HTTP errors) is the shared ErrorBox.
 */

export interface SqlPosition {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function sqlPosition(error: unknown): SqlPosition | null {
  if (!(error instanceof ApiError)) return null;
  const c = error.context;
  let line = num(c.line);
  let column = num(c.column);
  if (line === undefined || column === undefined) {
    const m = /\(line \[(\d+)\], column \[(\d+)\]\)/.exec(error.message);
    if (!m) return null;
    [line, column] = [Number(m[1]), Number(m[2])];
  }
  return { line, column, endLine: num(c.endLine), endColumn: num(c.endColumn) };
}

export function SqlError(props: { id: string; error: unknown; title: string; onGoTo: (p: SqlPosition) => void }) {
  const pos = sqlPosition(props.error);
  if (!pos) {
    return (
      <div id={props.id}>
        <ErrorBox error={props.error} title={props.error instanceof ApiError && props.error.status === 0 ? undefined : props.title} />
      </div>
    );
  }
  const e = props.error as ApiError;
  return (
    <div id={props.id} role="alert" className="error sql-error" data-line={pos.line} data-column={pos.column}>
      <strong>{props.title}</strong> <span className="status-code">(HTTP {e.status})</span>
      <div className="error-message">{e.message}</div>
      <button type="button" className="goto-position" onClick={() => props.onGoTo(pos)}>
        Go to line {pos.line}, column {pos.column}
      </button>
    </div>
  );
}
