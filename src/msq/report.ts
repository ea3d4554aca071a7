import { intervalToString } from '../core/types.js';
import { ETERNITY } from '../time/granularity.js';
import { isDataSourceInput, type MsqFault, type MsqPlan, type MsqSettings, type WorkerCounters } from './types.js';

export type StagePhase = 'NEW' | 'READING_INPUT' | 'POST_READING' | 'RESULTS_COMPLETE' | 'FINISHED' | 'FAILED';

interface StageState {
  readonly definition: Record<string, unknown>;
  phase: StagePhase | null;
  workerCount: number | null;
  partitionCount: number | null;
  startMs: number | null;
  endMs: number | null;
  readonly sort: boolean;
}

interface WorkerState {
  readonly workerId: string;
  state: 'NEW' | 'RUNNING' | 'SUCCESS' | 'FAILED';
  readonly submittedMs: number;
  startedMs: number | null;
  endedMs: number | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The controller's live `multiStageQuery` report (reference §4.6, seed "Get the report for a query
 * task"). Every number in it is set from what workers measured and sent (invariant 4).
 */
export class MsqReport {
  readonly #taskId: string;
  readonly #startMs = Date.now();
  readonly #stages: StageState[];
  readonly #counters = new Map<number, Map<number, WorkerCounters>>();
  readonly #workers: WorkerState[] = [];
  #status: 'RUNNING' | 'SUCCESS' | 'FAILED' = 'RUNNING';
  #endMs: number | null = null;
  #errorReport: Record<string, unknown> | null = null;
  #warnings: Record<string, unknown>[] = [];
  #results: Record<string, unknown> | null = null;

  constructor(taskId: string, plan: MsqPlan, settings: MsqSettings) {
    this.#taskId = taskId;
    const queryId = taskId.replace(/^query-/, '');
    const signature = plan.columns.map((c) => ({ name: c.name, type: c.druidType }));
    const maxWorkers = plan.singleWorker ? 1 : Math.max(1, settings.maxNumTasks - 1);
    const stage0: Record<string, unknown> = {
      id: `${queryId}_0`,
      input: plan.inputs.map((i) =>
        isDataSourceInput(i)
          ? { type: 'table', dataSource: i.dataSource, intervals: (i.filter ?? [ETERNITY]).map(intervalToString) }
          : { type: 'external', inputSource: i.inputSource, inputFormat: i.inputFormat, signature: i.signature.map((c) => ({ name: c.name, type: c.type.toUpperCase() })) },
      ),
      processor: { type: plan.grouped ? 'groupByPreShuffle' : 'scan', query: { sql: plan.stage0Sql } },
      signature,
      shuffleSpec: plan.kind === 'select'
        ? { type: 'mix' }
        : { type: 'targetSize', clusterBy: { columns: [{ columnName: '__time' }, ...plan.clusteredBy.map((c) => ({ columnName: c }))] }, targetSize: settings.rowsPerSegment },
      maxWorkerCount: maxWorkers,
    };
    this.#stages = [{ definition: stage0, phase: null, workerCount: null, partitionCount: null, startMs: null, endMs: null, sort: plan.kind !== 'select' }];
    if (plan.kind !== 'select') {
      this.#stages.push({
        definition: {
          id: `${queryId}_1`,
          input: [{ type: 'stage', stage: 0 }],
          processor: {
            type: 'segmentGenerator',
            dataSchema: {
              dataSource: plan.dataSource,
              timestampSpec: { column: '__time', format: 'millis', missingValue: null },
              dimensionsSpec: {
                dimensions: plan.columns.filter((c) => c.name !== '__time' && c.combine === null).map((c) => ({ type: c.druidType === 'STRING' ? 'string' : c.druidType.toLowerCase(), name: c.name })),
                dimensionExclusions: ['__time'],
              },
              metricsSpec: plan.columns.filter((c) => c.combine !== null).map((c) => ({ name: c.name, combine: c.combine })),
              granularitySpec: { type: 'arbitrary', segmentGranularity: plan.partitionedBy, queryGranularity: { type: 'none' }, rollup: plan.grouped },
            },
            columnMappings: plan.columns.map((c) => ({ queryColumn: c.name, outputColumn: c.name })),
            tuningConfig: { maxNumWorkers: maxWorkers, maxRowsInMemory: 100000, rowsPerSegment: settings.rowsPerSegment },
          },
          signature: [],
          maxWorkerCount: maxWorkers,
        },
        phase: null, workerCount: null, partitionCount: null, startMs: null, endMs: null, sort: false,
      });
    }
  }

  get stageCount(): number {
    return this.#stages.length;
  }

  workerSubmitted(workerId: string): void {
    this.#workers.push({ workerId, state: 'NEW', submittedMs: Date.now(), startedMs: null, endedMs: null });
  }

  workerState(workerId: string, state: WorkerState['state']): void {
    const w = this.#workers.find((x) => x.workerId === workerId);
    if (!w) return;
    w.state = state;
    if (state === 'RUNNING') w.startedMs ??= Date.now();
    else if (state !== 'NEW') w.endedMs ??= Date.now();
  }

  stageStarted(stage: number, workerCount: number): void {
    const s = this.#stages[stage];
    s.phase = 'READING_INPUT';
    s.workerCount = workerCount;
    s.startMs = Date.now();
  }

  stagePhase(stage: number, phase: StagePhase, partitionCount?: number): void {
    const s = this.#stages[stage];
    s.phase = phase;
    if (partitionCount !== undefined) s.partitionCount = partitionCount;
    if (phase === 'FINISHED' || phase === 'FAILED') s.endMs ??= Date.now();
  }

  stagesFailed(): void {
    for (const s of this.#stages) if (s.phase !== null && s.phase !== 'FINISHED') this.stagePhase(this.#stages.indexOf(s), 'FAILED');
  }

  counters(stage: number, worker: number, c: WorkerCounters): void {
    let byWorker = this.#counters.get(stage);
    if (!byWorker) this.#counters.set(stage, (byWorker = new Map()));
    byWorker.set(worker, c);
  }

  /** Sum of one channel counter over the workers of a stage (for logs and the CLI). */
  total(stage: number, channel: 'input0' | 'output' | 'shuffle', field: 'rows' | 'bytes'): number {
    let n = 0;
    for (const c of this.#counters.get(stage)?.values() ?? []) n += (c[channel]?.[field] ?? []).reduce((a, b) => a + b, 0);
    return n;
  }

  warning(fault: MsqFault, taskId: string, stage: number): void {
    if (this.#warnings.length < 100) this.#warnings.push({ taskId, host: null, stageNumber: stage, error: fault });
  }

  results(value: Record<string, unknown>): void {
    this.#results = value;
  }

  succeed(): void {
    this.#status = 'SUCCESS';
    this.#endMs = Date.now();
  }

  fail(fault: MsqFault, taskId: string, stage?: number): void {
    this.#status = 'FAILED';
    this.#endMs ??= Date.now();
    this.#errorReport = { taskId, host: null, ...(stage !== undefined ? { stageNumber: stage } : {}), error: fault };
    this.stagesFailed();
  }

  toJSON(): Record<string, unknown> {
    const now = Date.now();
    const workers: Record<string, unknown> = {};
    this.#workers.forEach((w, i) => {
      workers[String(i)] = [{
        workerId: w.workerId,
        state: w.state,
        durationMs: w.startedMs === null ? -1 : (w.endedMs ?? now) - w.startedMs,
        pendingMs: (w.startedMs ?? now) - w.submittedMs,
      }];
    });
    const counters: Record<string, Record<string, WorkerCounters>> = {};
    for (const [stage, byWorker] of this.#counters) {
      counters[String(stage)] = Object.fromEntries([...byWorker].map(([w, c]) => [String(w), c]));
    }
    return {
      multiStageQuery: {
        type: 'multiStageQuery',
        taskId: this.#taskId,
        payload: {
          status: {
            status: this.#status,
            ...(this.#errorReport ? { errorReport: this.#errorReport } : {}),
            ...(this.#warnings.length > 0 ? { warnings: this.#warnings } : {}),
            startTime: iso(this.#startMs),
            durationMs: (this.#endMs ?? now) - this.#startMs,
            workers,
            pendingTasks: this.#workers.filter((w) => w.state === 'NEW').length,
            runningTasks: 1 + this.#workers.filter((w) => w.state === 'RUNNING').length,
          },
          stages: this.#stages.map((s, stageNumber) => ({
            stageNumber,
            definition: s.definition,
            ...(s.phase !== null ? {
              phase: s.phase,
              workerCount: s.workerCount,
              ...(s.partitionCount !== null ? { partitionCount: s.partitionCount } : {}),
              startTime: iso(s.startMs ?? now),
              duration: (s.endMs ?? now) - (s.startMs ?? now),
              ...(s.sort ? { sort: true } : {}),
            } : {}),
          })),
          counters,
          ...(this.#results ? { results: this.#results } : {}),
        },
      },
    };
  }
}
