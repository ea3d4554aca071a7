import type { Interval } from '../../core/types.js';
import { parseInterval as parseIntervalOrThrow, tryParseInstant } from '../../time/interval.js';

/**
 * Timestamps and intervals as they appear in Druid SQL text, in UTC (Grove's sqlTimeZone). The
 * query planner only needs "cannot analyse" (undefined), which costs pruning but never correctness.
 */
export function parseTimestamp(text: string): number | undefined {
  return tryParseInstant(text) ?? undefined;
}

/** Druid interval text: `start/end`, `start/period` or `period/end`. */
export function parseInterval(text: string): Interval | undefined {
  try {
    return parseIntervalOrThrow(text);
  } catch {
    return undefined;
  }
}
