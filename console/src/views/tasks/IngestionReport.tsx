import { formatBytes, formatNumber, formatTime } from '../../format';

/**
 * A native ingestion report (`ingestionStatsAndErrors`): the row counts of each phase as numbers
 * with bars, the ingestion state, the error and the first unparseable rows.
 */

type RowStats = Partial<Record<'processed' | 'processedBytes' | 'processedWithError' | 'thrownAway' | 'unparseable', number>>;

interface ParseEvent {
  input?: string;
  errorType?: string;
  details?: string[];
  timeOfExceptionMillis?: number;
}

export interface IngestionPayload {
  ingestionState?: string;
  /** Completed: per phase. Live: `{movingAverages, totals: per phase}`. */
  rowStats?: Record<string, RowStats> & { totals?: Record<string, RowStats> };
  errorMsg?: string | null;
  unparseableEvents?: Record<string, ParseEvent[]>;
}

const ROWS: ReadonlyArray<{ key: keyof RowStats; label: string; tone: string }> = [
  { key: 'processed', label: 'processed', tone: 'ok' },
  { key: 'processedWithError', label: 'processedWithError', tone: 'bad' },
  { key: 'thrownAway', label: 'thrownAway', tone: 'warn' },
  { key: 'unparseable', label: 'unparseable', tone: 'bad' },
];

function phasesOf(rowStats: IngestionPayload['rowStats']): Array<[string, RowStats]> {
  const byPhase = rowStats?.totals ?? rowStats ?? {};
  const phases = Object.entries(byPhase).filter(([k, v]) => k !== 'movingAverages' && k !== 'totals' && v !== null && typeof v === 'object') as Array<[string, RowStats]>;
  // determinePartitions is all zeros unless the task ran that phase: show it only when it counted.
  return phases.filter(([k, v]) => k === 'buildSegments' || Object.values(v).some((n) => typeof n === 'number' && n > 0));
}

function PhaseTable({ phase, stats }: { phase: string; stats: RowStats }) {
  const rowsTotal = ROWS.reduce((a, r) => a + (stats[r.key] ?? 0), 0);
  return (
    <table className="data row-stats" aria-label={`Row stats: ${phase}`} data-phase={phase}>
      <caption>Rows: {phase}</caption>
      <tbody>
        {ROWS.map((r) => {
          const n = stats[r.key] ?? 0;
          const pct = rowsTotal > 0 ? (100 * n) / rowsTotal : 0;
          return (
            <tr key={r.key} data-metric={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num">{formatNumber(stats[r.key])}</td>
              <td className="bar-cell">
                <span className="bar" aria-hidden="true">
                  <span className={`fill ${r.tone}`} style={{ width: `${pct}%` }} />
                </span>
                <span className="pct">{rowsTotal > 0 ? `${Math.round(pct)}%` : ''}</span>
              </td>
            </tr>
          );
        })}
        <tr data-metric="processedBytes">
          <th scope="row">processedBytes</th>
          <td className="num">{formatNumber(stats.processedBytes)}</td>
          <td className="muted">{formatBytes(stats.processedBytes)}</td>
        </tr>
      </tbody>
    </table>
  );
}

export function IngestionReport({ payload }: { payload: IngestionPayload }) {
  const phases = phasesOf(payload.rowStats);
  const events = Object.entries(payload.unparseableEvents ?? {}).flatMap(([phase, es]) => (es ?? []).map((e) => ({ phase, ...e })));
  return (
    <div className="ingestion-report">
      <p>
        Ingestion state: <strong data-testid="ingestion-state">{payload.ingestionState ?? '—'}</strong>
        {payload.rowStats?.totals ? <span className="muted"> (live)</span> : null}
      </p>
      {payload.errorMsg ? (
        <div className="task-error">
          <h3>Error</h3>
          <pre>{payload.errorMsg}</pre>
        </div>
      ) : null}
      <div className="phases">
        {phases.length === 0 ? <p className="muted">No row counts yet.</p> : phases.map(([k, v]) => <PhaseTable key={k} phase={k} stats={v} />)}
      </div>
      {events.length > 0 ? (
        <div className="parse-events">
          <h3>Unparseable rows ({formatNumber(events.length)}{events.length > 10 ? ', first 10' : ''})</h3>
          <ul>
            {events.slice(0, 10).map((e, i) => (
              <li key={i}>
                <code>{e.input ?? '—'}</code> — {(e.details ?? []).join('; ') || e.errorType}
                {e.timeOfExceptionMillis ? <span className="muted"> · {formatTime(new Date(e.timeOfExceptionMillis).toISOString())}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
