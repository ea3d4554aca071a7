/**
 * Druid's native-task report (`ingestionStatsAndErrors`, reference §4.6): the live form served
 * while the task runs and the completion form. Pure functions; the parent uses
 * buildIngestionReport for tasks that failed before the child could report.
 */

export interface RowStats {
  processed: number;
  processedBytes: number;
  processedWithError: number;
  thrownAway: number;
  unparseable: number;
}

/** Druid's ParseExceptionReport, the element of `unparseableEvents.buildSegments`. */
export interface ParseExceptionReport {
  readonly input: string;
  readonly errorType: 'unparseable' | 'processedWithError';
  readonly details: readonly string[];
  readonly timeOfExceptionMillis: number;
}

export type IngestionState = 'NOT_STARTED' | 'DETERMINE_PARTITIONS' | 'BUILD_SEGMENTS' | 'SEGMENT_AVAILABILITY_WAIT' | 'COMPLETED';

export const zeroRowStats = (): RowStats => ({ processed: 0, processedBytes: 0, processedWithError: 0, thrownAway: 0, unparseable: 0 });

export interface ReportInput {
  readonly state: IngestionState;
  readonly rowStats: RowStats;
  /** null when the task keeps no parse exceptions (maxSavedParseExceptions 0): Druid then shows `{}`. */
  readonly unparseableEvents: readonly ParseExceptionReport[] | null;
  readonly errorMsg: string | null;
  readonly context: Readonly<Record<string, unknown>>;
}

function envelope(taskId: string, payload: Record<string, unknown>, context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    ingestionStatsAndErrors: { type: 'ingestionStatsAndErrors', taskId, payload },
    taskContext: { type: 'taskContext', taskId, payload: { ...context } },
  };
}

function events(e: readonly ParseExceptionReport[] | null): Record<string, unknown> {
  return e === null ? {} : { buildSegments: e.map((x) => ({ ...x, details: [...x.details] })) };
}

/**
 * The completion report, in Druid's shape. Grove has no determine-partitions phase (dynamic
 * partitioning), so only buildSegments counts are reported: zeros there would be a claim.
 */
export function buildIngestionReport(taskId: string, r: ReportInput): Record<string, unknown> {
  return envelope(
    taskId,
    {
      ingestionState: r.state,
      unparseableEvents: events(r.unparseableEvents),
      rowStats: { buildSegments: { ...r.rowStats } },
      errorMsg: r.errorMsg,
      segmentAvailabilityConfirmed: false,
      segmentAvailabilityWaitTimeMs: 0,
      recordsProcessed: null,
    },
    r.context,
  );
}

export interface LiveReportInput extends Omit<ReportInput, 'errorMsg'> {
  readonly movingAverages: Readonly<Record<'1m' | '5m' | '15m', RowStats>>;
}

/** The report while running: moving averages (per-second rates) next to the totals. */
export function buildLiveReport(taskId: string, r: LiveReportInput): Record<string, unknown> {
  return envelope(
    taskId,
    {
      ingestionState: r.state,
      unparseableEvents: events(r.unparseableEvents),
      rowStats: { movingAverages: { buildSegments: r.movingAverages }, totals: { buildSegments: { ...r.rowStats } } },
      errorMsg: null,
      segmentAvailabilityConfirmed: false,
      segmentAvailabilityWaitTimeMs: 0,
      recordsProcessed: null,
    },
    r.context,
  );
}

const KEYS: readonly (keyof RowStats)[] = ['processed', 'processedBytes', 'processedWithError', 'thrownAway', 'unparseable'];
const WINDOWS = { '1m': 60_000, '5m': 300_000, '15m': 900_000 } as const;

/**
 * Rates over the last 1, 5 and 15 minutes from snapshots of the totals. Druid reports Dropwizard
 * meter rates (events per second); Grove computes the plain rate over each window, measured from
 * the counters it has seen, never extrapolated.
 */
export class MovingAverages {
  private readonly snapshots: Array<{ at: number; stats: RowStats }> = [];

  constructor(private readonly startedAt: number) {
    this.snapshots.push({ at: startedAt, stats: zeroRowStats() });
  }

  record(at: number, totals: RowStats): void {
    this.snapshots.push({ at, stats: { ...totals } });
    while (this.snapshots.length > 2 && this.snapshots[1].at < at - WINDOWS['15m']) this.snapshots.shift();
  }

  rates(now: number): Record<'1m' | '5m' | '15m', RowStats> {
    const latest = this.snapshots[this.snapshots.length - 1];
    const out = {} as Record<'1m' | '5m' | '15m', RowStats>;
    for (const [name, width] of Object.entries(WINDOWS) as Array<['1m' | '5m' | '15m', number]>) {
      const from = Math.max(this.startedAt, now - width);
      // The newest snapshot at or before the window start is the baseline.
      let base = this.snapshots[0];
      for (const s of this.snapshots) if (s.at <= from) base = s;
      const seconds = Math.max((now - Math.max(base.at, this.startedAt)) / 1000, 1e-3);
      const r = zeroRowStats();
      for (const k of KEYS) r[k] = (latest.stats[k] - base.stats[k]) / seconds;
      out[name] = r;
    }
    return out;
  }
}
