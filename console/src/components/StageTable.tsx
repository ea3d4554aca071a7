import { formatBytes, formatDuration, formatNumber } from '../format';

/**
 * The live stage table of a multi-stage query: one row per stage with its phase, workers, rows
 * and bytes in and out, a progress bar and the elapsed time, drawn from the task report
 * (`multiStageQuery.payload`) as GET /druid/indexer/v1/task/{id}/reports serves it.
 */

interface Channel {
  rows?: number[];
  bytes?: number[];
  files?: number[];
  totalFiles?: number[];
}

interface WorkerCounters {
  input0?: Channel;
  output?: Channel;
  shuffle?: Channel;
  segmentGenerationProgress?: { rowsProcessed?: number; rowsPersisted?: number };
}

export interface MsqStage {
  stageNumber: number;
  definition?: { processor?: { type?: string } };
  phase?: string;
  workerCount?: number;
  partitionCount?: number;
  startTime?: string;
  duration?: number;
}

export interface MsqPayload {
  status?: { status?: string; errorReport?: { error?: { errorCode?: string; errorMessage?: string } }; durationMs?: number };
  stages?: MsqStage[];
  counters?: Record<string, Record<string, WorkerCounters>>;
  results?: { signature?: Array<{ name: string; type: string }>; sqlTypeNames?: string[]; results?: unknown[][]; resultsTruncated?: boolean };
}

/** The MSQ payload of a task report, or null when the report is not an MSQ one. */
export function msqPayload(report: unknown): MsqPayload | null {
  const r = report as { multiStageQuery?: { payload?: MsqPayload } } | null | undefined;
  return r?.multiStageQuery?.payload ?? null;
}

const sum = (xs: number[] | undefined): number => (xs ?? []).reduce((a, b) => a + b, 0);

function totals(byWorker: Record<string, WorkerCounters> | undefined) {
  const t = { rowsIn: 0, bytesIn: 0, files: 0, totalFiles: 0, rowsOut: 0, bytesOut: 0, processed: 0, persisted: 0 };
  for (const c of Object.values(byWorker ?? {})) {
    t.rowsIn += sum(c.input0?.rows);
    t.bytesIn += sum(c.input0?.bytes);
    t.files += sum(c.input0?.files);
    t.totalFiles += sum(c.input0?.totalFiles);
    t.rowsOut += sum(c.output?.rows) || sum(c.shuffle?.rows);
    t.bytesOut += sum(c.output?.bytes) || sum(c.shuffle?.bytes);
    t.processed += c.segmentGenerationProgress?.rowsProcessed ?? 0;
    t.persisted += c.segmentGenerationProgress?.rowsPersisted ?? 0;
  }
  return t;
}

const PHASE_DONE = new Set(['FINISHED', 'RESULTS_COMPLETE']);

/** 0..1, from what the stage has measured; FINISHED is whole. */
function progressOf(stage: MsqStage, t: ReturnType<typeof totals>, previousRowsOut: number): number {
  if (stage.phase && PHASE_DONE.has(stage.phase)) return 1;
  if (!stage.phase || stage.phase === 'NEW') return 0;
  if (t.totalFiles > 0) return Math.min(1, t.files / t.totalFiles);
  if (previousRowsOut > 0 && t.processed > 0) return Math.min(1, t.processed / previousRowsOut);
  return 0;
}

export function StageTable(props: { payload: MsqPayload; caption?: string }) {
  const stages = props.payload.stages ?? [];
  if (stages.length === 0) return <p className="muted">No stages yet.</p>;
  let previousOut = 0;
  return (
    <table className="data stages" aria-label={props.caption ?? 'Query stages'}>
      <caption>{props.caption ?? 'Stages'}</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">Processor</th>
          <th scope="col">Phase</th>
          <th scope="col">Workers</th>
          <th scope="col">Rows in</th>
          <th scope="col">Bytes in</th>
          <th scope="col">Rows out</th>
          <th scope="col">Bytes out</th>
          <th scope="col">Progress</th>
          <th scope="col">Elapsed</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((s) => {
          const t = totals(props.payload.counters?.[String(s.stageNumber)]);
          const p = progressOf(s, t, previousOut);
          previousOut = t.rowsOut;
          const rowsIn = t.rowsIn || t.processed;
          const rowsOut = t.rowsOut || t.persisted;
          return (
            <tr key={s.stageNumber} data-stage={s.stageNumber} data-phase={s.phase ?? 'NEW'}>
              <td>{s.stageNumber}</td>
              <td>{s.definition?.processor?.type ?? '—'}</td>
              <td>
                <span className={`phase phase-${(s.phase ?? 'NEW').toLowerCase()}`}>{s.phase ?? 'NEW'}</span>
              </td>
              <td>{s.workerCount ?? '—'}</td>
              <td className="num">{formatNumber(rowsIn)}</td>
              <td className="num">{formatBytes(t.bytesIn)}</td>
              <td className="num">{formatNumber(rowsOut)}</td>
              <td className="num">{formatBytes(t.bytesOut)}</td>
              <td>
                <progress max={1} value={p} aria-label={`Stage ${s.stageNumber} progress`}>
                  {Math.round(p * 100)}%
                </progress>
                <span className="pct">{Math.round(p * 100)}%</span>
              </td>
              <td className="num">{formatDuration(s.duration)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
