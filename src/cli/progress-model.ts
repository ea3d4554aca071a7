/**
 * Turns an MSQ controller report (`GET /druid/indexer/v1/task/<id>/reports`, key `multiStageQuery`)
 * into what `grove sql --wait` shows: one progress view per stage and a final summary. Pure and
 * tolerant: the report arrives over the wire from Grove or a real Druid, fields appear as a stage
 * starts, so anything missing reads as "not known yet" rather than an error.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Channel counters hold one number per partition or input; the stage figure is their sum. */
const sumArr = (v: unknown): number => (Array.isArray(v) ? v.reduce<number>((s, x) => s + (num(x) ?? 0), 0) : 0);
const hasArr = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

export interface StageView {
  readonly stageNumber: number;
  /** Processor type from the stage definition (scan, segmentGenerator, groupByPreShuffle, ...). */
  readonly processor: string;
  /** Druid stage phase; NEW until the report says otherwise. */
  readonly phase: string;
  readonly workerCount: number | null;
  readonly partitionCount: number | null;
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** Input files read and in total, summed over workers (external input only). */
  readonly files: { readonly read: number; readonly total: number } | null;
  /** What the bar measures: value out of total in `unit`; total 0 means unknown yet. */
  readonly bar: { readonly value: number; readonly total: number; readonly unit: 'files' | 'rows' };
  /** 0..1, or null when nothing can be said yet. */
  readonly fraction: number | null;
  readonly durationMs: number | null;
}

/** Phases after which a stage has nothing left to do. */
const DONE = new Set(['RESULTS_COMPLETE', 'FINISHED']);

/** The `multiStageQuery.payload` object of a reports response, or null when it is not an MSQ report. */
export function msqPayload(reports: unknown): Obj | null {
  if (!isObj(reports) || !isObj(reports.multiStageQuery)) return null;
  const payload = reports.multiStageQuery.payload;
  return isObj(payload) ? payload : null;
}

function workersOf(payload: Obj, stage: number): Obj[] {
  const counters = isObj(payload.counters) ? payload.counters[String(stage)] : undefined;
  return isObj(counters) ? Object.values(counters).filter(isObj) : [];
}

function channel(worker: Obj, name: string): Obj | null {
  const c = worker[name];
  return isObj(c) ? c : null;
}

/** Input rows of a stage: every `inputN` channel, so joins with several inputs count them all. */
function inputRows(workers: Obj[]): number {
  let rows = 0;
  for (const w of workers) for (const [k, c] of Object.entries(w)) if (/^input\d+$/.test(k) && isObj(c)) rows += sumArr(c.rows);
  return rows;
}

/** Output of a stage as the next stage will see it: shuffled rows when the stage shuffles. */
function outputRows(workers: Obj[]): number {
  const shuffled = workers.reduce((s, w) => s + sumArr(channel(w, 'shuffle')?.rows), 0);
  const produced = workers.reduce((s, w) => s + sumArr(channel(w, 'output')?.rows), 0);
  return Math.max(shuffled, produced);
}

function segmentProgress(workers: Obj[]): { processed: number; persisted: number; merged: number } | null {
  let seen = false;
  const p = { processed: 0, persisted: 0, merged: 0 };
  for (const w of workers) {
    const g = w.segmentGenerationProgress;
    if (!isObj(g)) continue;
    seen = true;
    p.processed += num(g.rowsProcessed) ?? 0;
    p.persisted += num(g.rowsPersisted) ?? 0;
    p.merged += num(g.rowsMerged) ?? 0;
  }
  return seen ? p : null;
}

function stagesOf(payload: Obj): Obj[] {
  return Array.isArray(payload.stages) ? payload.stages.filter(isObj) : [];
}

function processorOf(stage: Obj): string {
  const def = isObj(stage.definition) ? stage.definition : {};
  const proc = isObj(def.processor) ? def.processor : {};
  return typeof proc.type === 'string' ? proc.type : '?';
}

/**
 * One view per stage. Stage bars: reading external input goes by files read / totalFiles when the
 * counters carry file totals (rows alone have no known end); a segment generator goes by rows
 * persisted against its input, whose final size is the previous stage's output once that stage is
 * done; any other stage by rows read against the previous stage's output.
 */
export function stageViews(payload: Obj): StageView[] {
  const stages = stagesOf(payload);
  const outByStage = new Map<number, { rows: number; done: boolean }>();
  const views: StageView[] = [];
  for (const [index, stage] of stages.entries()) {
    const stageNumber = num(stage.stageNumber) ?? index;
    const phase = typeof stage.phase === 'string' ? stage.phase : 'NEW';
    const done = DONE.has(phase);
    const workers = workersOf(payload, stageNumber);
    const rowsIn = inputRows(workers);
    const rowsOut = outputRows(workers);
    outByStage.set(stageNumber, { rows: rowsOut, done });
    const input0 = workers.map((w) => channel(w, 'input0')).filter((c): c is Obj => c !== null);
    const files = input0.some((c) => hasArr(c.totalFiles))
      ? { read: input0.reduce((s, c) => s + sumArr(c.files), 0), total: input0.reduce((s, c) => s + sumArr(c.totalFiles), 0) }
      : null;
    const gen = segmentProgress(workers);
    const prev = outByStage.get(stageNumber - 1);
    let bar: StageView['bar'];
    if (files && files.total > 0) bar = { value: files.read, total: files.total, unit: 'files' };
    else if (stageNumber === 0 || !prev) bar = { value: rowsIn, total: done ? rowsIn : 0, unit: 'rows' };
    else {
      const expected = prev.done ? Math.max(prev.rows, rowsIn) : 0;
      bar = { value: gen ? gen.persisted : rowsIn, total: expected, unit: 'rows' };
    }
    const fraction = done || (phase === 'POST_READING' && bar.unit === 'files')
      ? 1
      : bar.total > 0 ? Math.min(1, bar.value / bar.total) : null;
    views.push({
      stageNumber,
      processor: processorOf(stage),
      phase,
      workerCount: num(stage.workerCount),
      partitionCount: num(stage.partitionCount),
      rowsIn,
      rowsOut,
      files,
      bar,
      fraction,
      durationMs: num(stage.duration),
    });
  }
  return views;
}

const fmtCount = (n: number): string => n.toLocaleString('en-US');

/** The one-line form of a stage, for logs; the CLI prints it again only when it changes. */
export function stageLine(v: StageView): string {
  const parts = [`stage ${v.stageNumber} ${v.processor}`, v.phase];
  if (v.workerCount !== null) parts.push(`workers ${v.workerCount}`);
  parts.push(`rows in ${fmtCount(v.rowsIn)} out ${fmtCount(v.rowsOut)}`);
  if (v.files) parts.push(`files ${v.files.read}/${v.files.total}`);
  if (v.processor === 'segmentGenerator' && v.bar.unit === 'rows' && v.bar.value > 0) parts.push(`persisted ${fmtCount(v.bar.value)}`);
  parts.push(v.fraction === null ? '?%' : `${Math.floor(v.fraction * 100)}%`);
  return parts.join('  ');
}

export interface JobSummary {
  /** RUNNING, SUCCESS or FAILED: the report's status, else the task status's. */
  readonly status: string;
  readonly durationMs: number | null;
  /** Rows in the written segments (ingestion jobs only). */
  readonly rowsWritten: number | null;
  /** Segments written, when the report tells (the segment generator's partition count). */
  readonly segments: number | null;
  readonly error: { readonly code: string; readonly message: string; readonly stageNumber: number | null } | null;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  /** SELECT jobs: the columns and rows written into the report. */
  readonly results: { readonly columns: readonly string[]; readonly rows: readonly unknown[][]; readonly truncated: boolean } | null;
}

/** Druid task status fields the summary falls back on when the report is missing (e.g. a failure at start-up). */
export interface TaskStatusLike {
  readonly statusCode?: string;
  readonly runnerStatusCode?: string;
  readonly duration?: number;
  readonly errorMsg?: string | null;
}

function fault(x: unknown): { code: string; message: string; stageNumber: number | null } | null {
  if (!isObj(x)) return null;
  const err = isObj(x.error) ? x.error : x;
  const code = typeof err.errorCode === 'string' ? err.errorCode : 'UnknownError';
  const message = typeof err.errorMessage === 'string' ? err.errorMessage : typeof err.message === 'string' ? err.message : '';
  return { code, message, stageNumber: num(x.stageNumber) };
}

export function summarize(payload: Obj | null, task: TaskStatusLike | null): JobSummary {
  const st = payload && isObj(payload.status) ? payload.status : {};
  const status = typeof st.status === 'string' ? st.status : task?.statusCode ?? 'UNKNOWN';
  const reportMs = num(st.durationMs);
  const durationMs = reportMs !== null && reportMs >= 0 ? reportMs : task?.duration !== undefined && task.duration >= 0 ? task.duration : null;
  let rowsWritten: number | null = null;
  let segments: number | null = null;
  for (const stage of payload ? stagesOf(payload) : []) {
    if (processorOf(stage) !== 'segmentGenerator') continue;
    const workers = workersOf(payload!, num(stage.stageNumber) ?? 0);
    const gen = segmentProgress(workers);
    // Merged rows are what the segments hold (after rollup); persisted or read rows stand in before that.
    rowsWritten = gen && gen.merged > 0 ? gen.merged : gen && gen.persisted > 0 ? gen.persisted : inputRows(workers);
    segments = DONE.has(String(stage.phase)) ? num(stage.partitionCount) : null;
  }
  let error = fault(st.errorReport);
  if (!error && status === 'FAILED' && task?.errorMsg) error = { code: 'TaskFailed', message: task.errorMsg, stageNumber: null };
  const warnings = Array.isArray(st.warnings) ? st.warnings.map(fault).filter((w) => w !== null) : [];
  let results: JobSummary['results'] = null;
  if (payload && isObj(payload.results)) {
    const r = payload.results;
    const sig = Array.isArray(r.signature) ? r.signature : [];
    results = {
      columns: sig.map((c, i) => (isObj(c) && typeof c.name === 'string' ? c.name : `col${i}`)),
      rows: Array.isArray(r.results) ? r.results.filter((row): row is unknown[] => Array.isArray(row)) : [],
      truncated: r.resultsTruncated === true,
    };
  }
  return { status, durationMs, rowsWritten, segments, error, warnings: warnings.map(({ code, message }) => ({ code, message })), results };
}
