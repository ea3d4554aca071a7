import { StageTable, type MsqPayload } from '../../components/StageTable';
import { StatusBadge } from '../../components/StatusBadge';
import { formatBytes, formatDuration, formatNumber } from '../../format';

/**
 * A multi-stage query report (`multiStageQuery`): the job's status and fault, the shared stage
 * table and the counters of every worker of every stage.
 */

interface Channel {
  rows?: number[];
  bytes?: number[];
  files?: number[];
  totalFiles?: number[];
}

interface Counters {
  input0?: Channel;
  output?: Channel;
  shuffle?: Channel;
  segmentGenerationProgress?: { rowsProcessed?: number; rowsPersisted?: number };
}

const sum = (xs: number[] | undefined): number | null => (xs === undefined ? null : xs.reduce((a, b) => a + b, 0));
const n = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : formatNumber(x));
const b = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : formatBytes(x));

function WorkerCounters({ counters }: { counters: Record<string, Record<string, Counters>> }) {
  const rows = Object.entries(counters)
    .flatMap(([stage, byWorker]) => Object.entries(byWorker).map(([worker, c]) => ({ stage, worker, c })))
    .sort((x, y) => Number(x.stage) - Number(y.stage) || Number(x.worker) - Number(y.worker));
  if (rows.length === 0) return <p className="muted">No worker counters yet.</p>;
  return (
    <table className="data worker-counters" aria-label="Worker counters">
      <caption>Counters per worker</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">Worker</th>
          <th scope="col" className="num">Input rows</th>
          <th scope="col" className="num">Input bytes</th>
          <th scope="col" className="num">Files</th>
          <th scope="col" className="num">Output rows</th>
          <th scope="col" className="num">Output bytes</th>
          <th scope="col" className="num">Shuffle rows</th>
          <th scope="col" className="num">Shuffle bytes</th>
          <th scope="col" className="num">Segment rows processed</th>
          <th scope="col" className="num">Segment rows persisted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ stage, worker, c }) => {
          const files = sum(c.input0?.files);
          const total = sum(c.input0?.totalFiles);
          return (
            <tr key={`${stage}-${worker}`} data-stage={stage} data-worker={worker}>
              <td>{stage}</td>
              <td>{worker}</td>
              <td className="num">{n(sum(c.input0?.rows))}</td>
              <td className="num">{b(sum(c.input0?.bytes))}</td>
              <td className="num">{files === null ? '—' : total === null ? n(files) : `${n(files)} / ${n(total)}`}</td>
              <td className="num">{n(sum(c.output?.rows))}</td>
              <td className="num">{b(sum(c.output?.bytes))}</td>
              <td className="num">{n(sum(c.shuffle?.rows))}</td>
              <td className="num">{b(sum(c.shuffle?.bytes))}</td>
              <td className="num">{n(c.segmentGenerationProgress?.rowsProcessed)}</td>
              <td className="num">{n(c.segmentGenerationProgress?.rowsPersisted)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function MsqReport({ payload }: { payload: MsqPayload }) {
  const st = payload.status;
  const error = st?.errorReport?.error;
  const status = st?.status ?? 'RUNNING';
  const canceled = error?.errorCode === 'Canceled';
  const rows = payload.results?.results;
  return (
    <div className="msq-report">
      <p className="msq-status">
        Query status: <StatusBadge status={canceled ? 'CANCELED' : status} />
        {st?.durationMs !== undefined ? <span className="muted"> · {formatDuration(st.durationMs)}</span> : null}
        {rows ? (
          <span className="muted">
            {' '}
            · {formatNumber(rows.length)} result row{rows.length === 1 ? '' : 's'} in the report{payload.results?.resultsTruncated ? ' (truncated)' : ''}
          </span>
        ) : null}
      </p>
      {error ? (
        <div className={canceled ? 'task-error canceled' : 'task-error'}>
          <h3>Fault {error.errorCode ?? ''}</h3>
          <pre>{error.errorMessage ?? ''}</pre>
        </div>
      ) : null}
      <StageTable payload={payload} caption="Stages" />
      <WorkerCounters counters={(payload.counters ?? {}) as Record<string, Record<string, Counters>>} />
    </div>
  );
}
