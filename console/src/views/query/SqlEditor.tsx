import { forwardRef, useImperativeHandle, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { positionOf, tokenize, type Span } from './sql-lexer';

/**
 * The SQL editor: a labelled, plain <textarea> (so typing, selection, undo and screen readers work
 * as everywhere) over a highlighted <pre> with the same font metrics, its scroll kept in step. An
 * error span is marked in the overlay. Ctrl/Cmd+Enter runs, Ctrl/Cmd+Shift+Enter runs as a plain
 * query; Tab is left alone so the keyboard can leave the editor.
 */

export interface SqlEditorHandle {
  /** Puts the caret on (and selects) a span and brings it into view. */
  select(span: Span): void;
}

interface Props {
  value: string;
  onChange: (sql: string) => void;
  onRun: (plain: boolean) => void;
  errorSpan: Span | null;
  /** id of the element describing the current error, for aria-describedby. */
  errorId?: string;
  disabled?: boolean;
}

function highlight(text: string, span: Span | null): ReactNode[] {
  const out: ReactNode[] = [];
  for (const t of tokenize(text)) {
    // Split tokens at the error span's edges so the span is marked exactly.
    const cuts = [t.start, t.end];
    if (span) for (const c of [span.start, span.end]) if (c > t.start && c < t.end) cuts.splice(cuts.length - 1, 0, c);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [a, b] = [cuts[i], cuts[i + 1]];
      const inError = span !== null && a >= span.start && b <= span.end;
      const cls = `tok-${t.type}${inError ? ' sql-error-span' : ''}`;
      out.push(
        <span key={a} className={cls} data-error={inError ? 'true' : undefined}>
          {text.slice(a, b)}
        </span>,
      );
    }
  }
  return out;
}

export const SqlEditor = forwardRef<SqlEditorHandle, Props>(function SqlEditor(props, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const pre = useRef<HTMLPreElement>(null);
  const spanStart = props.errorSpan?.start;
  const spanEnd = props.errorSpan?.end;
  const nodes = useMemo(
    () => highlight(props.value, spanStart !== undefined && spanEnd !== undefined ? { start: spanStart, end: spanEnd } : null),
    [props.value, spanStart, spanEnd],
  );

  const sync = (): void => {
    if (area.current && pre.current) {
      pre.current.scrollTop = area.current.scrollTop;
      pre.current.scrollLeft = area.current.scrollLeft;
    }
  };

  useImperativeHandle(ref, () => ({
    select(span: Span) {
      const el = area.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(span.start, span.end);
      const lineHeight = parseFloat(window.getComputedStyle(el).lineHeight) || 18;
      const { line } = positionOf(el.value, span.start);
      const y = (line - 1) * lineHeight;
      if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - 2 * lineHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 3);
      sync();
    },
  }));

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      props.onRun(e.shiftKey);
    }
  };

  return (
    <div className="sql-editor">
      <label htmlFor="sql-input" className="sql-label">
        SQL <span className="muted">(Ctrl+Enter runs, Ctrl+Shift+Enter runs as a plain query)</span>
      </label>
      <div className="sql-box">
        <pre ref={pre} className="sql-highlight" aria-hidden="true">
          {nodes}
          {/* a trailing newline needs a line of its own to keep the heights equal */}
          {'\n'}
        </pre>
        <textarea
          id="sql-input"
          ref={area}
          className="sql-input"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          onScroll={sync}
          onKeyDown={onKeyDown}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          wrap="off"
          placeholder="SELECT page, COUNT(*) AS n FROM wikipedia GROUP BY page"
          aria-invalid={props.errorSpan !== null}
          aria-describedby={props.errorSpan !== null ? props.errorId : undefined}
          disabled={props.disabled}
        />
      </div>
    </div>
  );
});
