import type { Interval } from '../core/types.js';
import { invalidInput } from '../core/errors.js';
import { addPeriodUtc, daysInMonth, tryParsePeriod } from './period.js';

/**
 * ISO-8601 instants the way Joda's ISODateTimeFormat parses them for Druid intervals: any prefix of
 * `yyyy-MM-ddTHH:mm:ss.SSS`, optional `Z` or `±HH[:mm]` offset. Without an offset the time is UTC:
 * Druid servers run with `-Duser.timezone=UTC`, and JS's own parser would use the local zone.
 */
const INSTANT_RE =
  /^([+-]?\d{4,6})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function tryParseInstant(text: string): number | null {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  let ms = d.getTime();
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offH > 23 || offM > 59) return null;
    ms -= sign * (offH * 60 + offM) * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

export function parseInstant(text: unknown, what = 'timestamp'): number {
  if (typeof text !== 'string') throw invalidInput(`${what} must be an ISO-8601 string, got ${JSON.stringify(text)}`);
  const ms = tryParseInstant(text);
  if (ms === null) throw invalidInput(`${what} [${text}] is not a valid ISO-8601 timestamp`);
  return ms;
}

/**
 * Parses Druid's interval text: `start/end`, `start/period` or `period/end` (Joda's
 * `Interval.parse`). Dates without a time are UTC midnight. The end must not be before the start.
 */
export function parseInterval(text: unknown, what = 'interval'): Interval {
  if (typeof text !== 'string') throw invalidInput(`${what} must be a string like "2015-09-12/2015-09-13", got ${JSON.stringify(text)}`);
  const parts = text.trim().split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw invalidInput(`${what} [${text}] is not a valid interval: expected <start>/<end>, <start>/<period> or <period>/<end>`);
  }
  const [a, b] = parts;
  const startPeriod = /^p/i.test(a) ? tryParsePeriod(a) : null;
  const endPeriod = /^p/i.test(b) ? tryParsePeriod(b) : null;
  if (startPeriod && endPeriod) throw invalidInput(`${what} [${text}] is not a valid interval: both sides are periods`);
  let start: number | null;
  let end: number | null;
  if (startPeriod) {
    end = tryParseInstant(b);
    start = end === null ? null : addPeriodUtc(end, startPeriod, -1);
  } else if (endPeriod) {
    start = tryParseInstant(a);
    end = start === null ? null : addPeriodUtc(start, endPeriod, 1);
  } else {
    start = tryParseInstant(a);
    end = tryParseInstant(b);
  }
  if (start === null || end === null) throw invalidInput(`${what} [${text}] is not a valid interval: cannot parse its start or end as ISO-8601`);
  if (end < start) throw invalidInput(`${what} [${text}] is not a valid interval: the end instant must be greater than or equal to the start`);
  return { start, end };
}

/**
 * The Tasks API's `createdTimeInterval` parameter writes the separator as `_`
 * (`2023-06-27_2023-06-28`); Druid swaps it for `/` before parsing.
 */
export function parseUnderscoreInterval(text: unknown, what = 'createdTimeInterval'): Interval {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalidInput(`${what} must be written <start>_<end>, e.g. 2023-06-27_2023-06-28, got ${JSON.stringify(text)}`);
  }
  if (text.split('_').length !== 2) {
    throw invalidInput(`${what} [${text}] is not a valid interval: expected <start>_<end>, e.g. 2023-06-27_2023-06-28`);
  }
  return parseInterval(text.replace('_', '/'), what);
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Sorts and merges overlapping or touching intervals (Druid's JodaUtils.condenseIntervals). */
export function condenseIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((x, y) => x.start - y.start || x.end - y.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    else out.push(i);
  }
  return out;
}
