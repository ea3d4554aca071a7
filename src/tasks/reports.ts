/**
 * The report a task leaves behind. Native ingestion tasks produce Druid's `ingestionStatsAndErrors`
 * report (reference §4.6) as they run; this turns the last live one into the completion report, or
 * makes a NOT_STARTED one for a task that failed before reporting anything.
 */

const INGESTION_TYPES = new Set(['index', 'index_parallel']);

const zeroRowStats = () => ({ processed: 0, processedBytes: 0, processedWithError: 0, thrownAway: 0, unparseable: 0 });

interface IngestionReport {
  ingestionStatsAndErrors: {
    type: string;
    taskId: string;
    payload: { ingestionState: string; rowStats: Record<string, unknown>; errorMsg: string | null; [k: string]: unknown };
  };
  [k: string]: unknown;
}

const isIngestionReport = (r: unknown): r is IngestionReport =>
  typeof r === 'object' && r !== null && 'ingestionStatsAndErrors' in r;

interface MsqReportShape {
  multiStageQuery: { payload: { status: { status: string; errorReport?: unknown; durationMs?: number; startTime?: string }; stages?: Array<{ phase?: string }> } };
}

const isMsqReport = (r: unknown): r is MsqReportShape => typeof r === 'object' && r !== null && 'multiStageQuery' in r;

/**
 * A controller records how its query ended (the Canceled fault of a shutdown included) before it
 * exits. One that could not (its process crashed or was killed) left a RUNNING report: that report
 * is ended FAILED, saying no more than the scheduler knows.
 */
function finalMsqReport(live: MsqReportShape, errorMsg: string | null): unknown {
  const report = structuredClone(live);
  const status = report.multiStageQuery.payload.status;
  if (status.status !== 'RUNNING' || errorMsg === null) return report;
  status.status = 'FAILED';
  const message = `The controller ended without recording how the query ended: ${errorMsg}`;
  status.errorReport = { taskId: null, host: null, error: { errorCode: 'UnknownError', message, errorMessage: message } };
  if (status.startTime) status.durationMs = Date.now() - Date.parse(status.startTime);
  for (const st of report.multiStageQuery.payload.stages ?? []) if (st.phase !== undefined && st.phase !== 'FINISHED') st.phase = 'FAILED';
  return report;
}

/**
 * The report a task leaves, from its last live one. A native task's report says COMPLETED only
 * here, for a task that succeeded: its segments were published in the same transaction.
 */
export function finalReport(taskId: string, type: string, errorMsg: string | null, live: unknown): unknown {
  if (isIngestionReport(live)) {
    const report = structuredClone(live);
    const payload = report.ingestionStatsAndErrors.payload;
    const stats = payload.rowStats as { totals?: { buildSegments?: unknown }; buildSegments?: unknown };
    if (stats.totals !== undefined) {
      // A live report carries moving averages and totals; a completed one carries the totals.
      payload.rowStats = { buildSegments: stats.totals.buildSegments ?? zeroRowStats() };
    }
    if (errorMsg === null) payload.ingestionState = 'COMPLETED';
    else payload.errorMsg = errorMsg;
    return report;
  }
  if (isMsqReport(live)) return finalMsqReport(live, errorMsg);
  if (live !== undefined) return live;
  if (!INGESTION_TYPES.has(type)) return undefined;
  return {
    ingestionStatsAndErrors: {
      type: 'ingestionStatsAndErrors',
      taskId,
      payload: {
        ingestionState: 'NOT_STARTED',
        unparseableEvents: {},
        rowStats: { buildSegments: zeroRowStats() },
        errorMsg,
        segmentAvailabilityConfirmed: false,
        segmentAvailabilityWaitTimeMs: 0,
        recordsProcessed: null,
      },
    },
  };
}
