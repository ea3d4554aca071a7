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

export function finalReport(taskId: string, type: string, errorMsg: string | null, live: unknown): unknown {
  if (isIngestionReport(live)) {
    const report = structuredClone(live);
    const payload = report.ingestionStatsAndErrors.payload;
    const stats = payload.rowStats as { totals?: { buildSegments?: unknown }; buildSegments?: unknown };
    if (stats.totals !== undefined) {
      // A live report carries moving averages and totals; a completed one carries totals per phase.
      payload.rowStats = { determinePartitions: zeroRowStats(), buildSegments: stats.totals.buildSegments ?? zeroRowStats() };
    }
    if (errorMsg !== null) payload.errorMsg = errorMsg;
    return report;
  }
  if (live !== undefined) return live;
  if (!INGESTION_TYPES.has(type)) return undefined;
  return {
    ingestionStatsAndErrors: {
      type: 'ingestionStatsAndErrors',
      taskId,
      payload: {
        ingestionState: 'NOT_STARTED',
        unparseableEvents: {},
        rowStats: { determinePartitions: zeroRowStats(), buildSegments: zeroRowStats() },
        errorMsg,
        segmentAvailabilityConfirmed: false,
        segmentAvailabilityWaitTimeMs: 0,
        recordsProcessed: null,
      },
    },
  };
}
