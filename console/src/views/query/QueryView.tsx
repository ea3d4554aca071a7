import { useRef, useState } from 'react';
import { RunPanel } from './RunPanel';
import { SqlEditor, type SqlEditorHandle } from './SqlEditor';
import { SqlError, sqlPosition, type SqlPosition } from './SqlError';
import { errorSpan } from './sql-lexer';
import { modeFor, useRun } from './useRun';
import './query.css';

/**
 * The Query view: write SQL, run it as an MSQ task (INSERT/REPLACE), as a stoppable statement
 * (SELECT) or as a plain query, watch its stages and read its result. The SQL and the context are
 * kept in the browser's storage so a reload keeps them.
 */

const SQL_KEY = 'grove.query.sql';
const CONTEXT_KEY = 'grove.query.context';

function stored(key: string, fallback: string): string {
  try {
    return window.localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage may be off (private windows); the text just is not kept
  }
}

function parseContext(text: string): { context: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { context: {} };
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'The query context must be a JSON object, e.g. {"maxNumTasks": 3}.' };
    return { context: v as Record<string, unknown> };
  } catch (e) {
    return { error: `The query context is not valid JSON: ${(e as Error).message}` };
  }
}

const RUN_HELP = { task: 'Run as an MSQ ingestion task', statement: 'Run as an asynchronous, stoppable statement' } as const;

export function QueryView() {
  const [sql, setSql] = useState(() => stored(SQL_KEY, ''));
  const [contextText, setContextText] = useState(() => stored(CONTEXT_KEY, ''));
  const [inputError, setInputError] = useState<{ field: 'sql' | 'context'; message: string } | null>(null);
  const editor = useRef<SqlEditorHandle>(null);
  const r = useRun();
  const { run } = r;

  const position = run?.error !== undefined && run.sql === sql ? sqlPosition(run.error) : null;
  const span = position ? errorSpan(sql, position) : null;

  const onRun = (plain: boolean): void => {
    if (sql.trim() === '') {
      setInputError({ field: 'sql', message: 'Write a SQL statement first.' });
      return;
    }
    const parsed = parseContext(contextText);
    if ('error' in parsed) {
      setInputError({ field: 'context', message: parsed.error });
      return;
    }
    setInputError(null);
    void r.start(sql, plain, parsed.context);
  };

  const goTo = (p: SqlPosition): void => {
    const s = errorSpan(sql, p);
    if (s) editor.current?.select(s);
  };

  const mode = modeFor(sql);
  return (
    <div className="query-view">
      <SqlEditor
        ref={editor}
        value={sql}
        onChange={(v) => {
          setSql(v);
          store(SQL_KEY, v);
        }}
        onRun={onRun}
        errorSpan={span}
        errorId="query-error"
      />
      <div className="toolbar query-actions">
        <button type="button" className="primary" onClick={() => onRun(false)} title={RUN_HELP[mode]}>
          Run
        </button>
        <button type="button" onClick={() => onRun(true)} title="POST /druid/v2/sql: the rows at once, no stages">
          Run as plain query
        </button>
        <span className="muted run-mode">{sql.trim() === '' ? '' : mode === 'task' ? 'INSERT/REPLACE: runs as an ingestion task' : 'Runs as a statement (stoppable)'}</span>
        <label className="context-field">
          Query context (JSON)
          <input
            type="text"
            value={contextText}
            placeholder='{"maxNumTasks": 2}'
            spellCheck={false}
            aria-invalid={inputError?.field === 'context'}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                onRun(e.shiftKey && (e.ctrlKey || e.metaKey));
              }
            }}
            onChange={(e) => {
              setContextText(e.target.value);
              store(CONTEXT_KEY, e.target.value);
            }}
          />
        </label>
      </div>
      {inputError ? (
        <div role="alert" className="error">
          {inputError.message}
        </div>
      ) : null}
      {run?.error !== undefined ? <SqlError id="query-error" error={run.error} title={run.mode === 'plain' ? 'The query failed' : 'The query was not accepted'} onGoTo={goTo} /> : null}
      <RunPanel r={r} />
    </div>
  );
}
