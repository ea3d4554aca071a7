import type { Interval } from '../core/types.js';

/**
 * SQL conditions restricting segment rows to intervals: a partly overshadowed segment read only
 * over the time its version still shows, or a statement's time filter pushed into a scan.
 */

/** JS Date range: a bound outside it (e.g. an unbounded filter side) constrains nothing. */
const MAX_DATE_MS = 8.64e15;

export function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** `__time` inside the half-open interval, as a DuckDB condition. */
export function intervalCondition(i: Interval): string {
  const parts: string[] = [];
  if (i.start > -MAX_DATE_MS) parts.push(`__time >= ${timestampLiteral(i.start)}`);
  if (i.end < MAX_DATE_MS) parts.push(`__time < ${timestampLiteral(i.end)}`);
  return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
}
