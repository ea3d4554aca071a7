import type { Interval } from '../core/types.js';
import { invalidInput } from '../core/errors.js';
import { parseInstant } from './interval.js';
import { addMonthsUtc, addPeriodUtc, isFixedPeriod, isZeroPeriod, parsePeriod, periodMillis, periodMonths, periodToString, tryParsePeriod, type Period } from './period.js';
import { fromLocal, normalizeZone, toLocal } from './zone.js';

/**
 * Druid granularities. `none` is millisecond buckets, `all` one bucket covering ETERNITY; period
 * granularities bucket on wall-clock time in their zone, aligned to `origin` when given.
 */
export type Granularity =
  | { readonly type: 'none' }
  | { readonly type: 'all' }
  | {
      readonly type: 'period';
      readonly period: Period;
      readonly timeZone: string;
      /** Epoch ms, or null for Druid's default alignment (calendar units; multiples from 1970). */
      readonly origin: number | null;
      /** Druid's standard name (`DAY`, `HOUR`...) when UTC without origin; it serializes as that string. */
      readonly name: string | null;
    }
  | { readonly type: 'duration'; readonly durationMs: number; readonly origin: number };

/**
 * Grove's ETERNITY. Druid's (-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z) lies
 * outside what a JS Date and DuckDB's TIMESTAMP literals both print and parse, so Grove uses the
 * widest range with four-digit years: [0001-01-01T00:00:00.000Z, 9999-12-31T23:59:59.999Z).
 * Rows whose timestamp falls outside it are unparseable.
 */
export const ETERNITY: Interval = Object.freeze({ start: -62135596800000, end: 253402300799999 });

const STANDARD: Record<string, string> = {
  SECOND: 'PT1S',
  MINUTE: 'PT1M',
  FIVE_MINUTE: 'PT5M',
  TEN_MINUTE: 'PT10M',
  FIFTEEN_MINUTE: 'PT15M',
  THIRTY_MINUTE: 'PT30M',
  HOUR: 'PT1H',
  SIX_HOUR: 'PT6H',
  EIGHT_HOUR: 'PT8H',
  DAY: 'P1D',
  WEEK: 'P1W',
  MONTH: 'P1M',
  QUARTER: 'P3M',
  YEAR: 'P1Y',
};
const NAME_OF_PERIOD = new Map(Object.entries(STANDARD).map(([k, v]) => [v, k]));
const ACCEPTED = `NONE, ALL, ${Object.keys(STANDARD).join(', ')}`;

/** Monday 1970-01-05: Joda weeks start on Monday, so single-week buckets align to it. */
const FIRST_MONDAY = 4 * 86_400_000;

export function makePeriodGranularity(period: Period, timeZone = 'UTC', origin: number | null = null): Granularity {
  if (isZeroPeriod(period)) throw invalidInput(`granularity period [${periodToString(period)}] must not be zero`);
  if (!isFixedPeriod(period) && periodMillis(period) !== 0) {
    throw invalidInput(`granularity period [${periodToString(period)}] mixes months or years with smaller units, which Grove does not support`);
  }
  const text = periodToString(period);
  const name = timeZone === 'UTC' && origin === null ? (NAME_OF_PERIOD.get(text) ?? null) : null;
  return { type: 'period', period, timeZone, origin, name };
}

export function parseGranularity(g: unknown, what = 'granularity'): Granularity {
  if (typeof g === 'string') {
    const upper = g.trim().toUpperCase();
    if (upper === 'NONE') return { type: 'none' };
    if (upper === 'ALL') return { type: 'all' };
    const iso = STANDARD[upper] ?? (upper.startsWith('P') ? upper : null);
    const period = iso === null ? null : tryParsePeriod(iso);
    if (!period) throw invalidInput(`${what} [${g}] is not a valid granularity; use one of ${ACCEPTED} or an ISO-8601 period such as PT1H`);
    return makePeriodGranularity(period);
  }
  if (g === null || typeof g !== 'object' || Array.isArray(g)) {
    throw invalidInput(`${what} must be a granularity name such as "DAY" or an object with a "type", got ${JSON.stringify(g)}`);
  }
  const o = g as Record<string, unknown>;
  const type = typeof o.type === 'string' ? o.type.toLowerCase() : o.type;
  switch (type) {
    case 'none':
      return { type: 'none' };
    case 'all':
      return { type: 'all' };
    case 'period': {
      const period = parsePeriod(o.period, `${what}.period`);
      const zone = normalizeZone(o.timeZone, `${what}.timeZone`);
      const origin = o.origin === undefined || o.origin === null ? null : parseInstant(o.origin, `${what}.origin`);
      return makePeriodGranularity(period, zone, origin);
    }
    case 'duration': {
      const d = o.duration;
      if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) {
        throw invalidInput(`${what}.duration must be a positive whole number of milliseconds, got ${JSON.stringify(d)}`);
      }
      const origin = o.origin === undefined || o.origin === null ? 0 : parseInstant(o.origin, `${what}.origin`);
      return { type: 'duration', durationMs: d, origin };
    }
    default:
      throw invalidInput(`${what}.type [${String(o.type)}] is not a granularity type; use one of none, all, period, duration`);
  }
}

/** The JSON Druid echoes in a task payload: standard ones as their name, others as objects. */
export function granularityToJson(g: Granularity): unknown {
  switch (g.type) {
    case 'none':
      return { type: 'none' };
    case 'all':
      return { type: 'all' };
    case 'duration':
      return { type: 'duration', duration: g.durationMs, origin: new Date(g.origin).toISOString() };
    case 'period':
      if (g.name) return g.name;
      return {
        type: 'period',
        period: periodToString(g.period),
        timeZone: g.timeZone,
        origin: g.origin === null ? null : new Date(g.origin).toISOString(),
      };
  }
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** Default origin of a period without one, in local wall-clock ms. */
export function defaultLocalOrigin(p: Period): number {
  return periodMonths(p) === 0 && periodMillis(p) === 7 * 86_400_000 ? FIRST_MONDAY : 0;
}

function floorLocal(local: number, p: Period, originLocal: number): number {
  const months = periodMonths(p);
  if (months > 0) {
    const a = new Date(local);
    const o = new Date(originLocal);
    let diff = (a.getUTCFullYear() - o.getUTCFullYear()) * 12 + (a.getUTCMonth() - o.getUTCMonth());
    if (addMonthsUtc(originLocal, diff) > local) diff -= 1;
    return addMonthsUtc(originLocal, floorDiv(diff, months) * months);
  }
  const dur = periodMillis(p);
  return originLocal + floorDiv(local - originLocal, dur) * dur;
}

export function bucketStart(ms: number, g: Granularity): number {
  switch (g.type) {
    case 'none':
      return ms;
    case 'all':
      return ETERNITY.start;
    case 'duration':
      return g.origin + floorDiv(ms - g.origin, g.durationMs) * g.durationMs;
    case 'period': {
      const originLocal = g.origin === null ? defaultLocalOrigin(g.period) : toLocal(g.origin, g.timeZone);
      return fromLocal(floorLocal(toLocal(ms, g.timeZone), g.period, originLocal), g.timeZone);
    }
  }
}

function bucketEnd(start: number, g: Granularity): number {
  switch (g.type) {
    case 'none':
      return start + 1;
    case 'all':
      return ETERNITY.end;
    case 'duration':
      return start + g.durationMs;
    case 'period':
      return fromLocal(addPeriodUtc(toLocal(start, g.timeZone), g.period), g.timeZone);
  }
}

export function bucketInterval(ms: number, g: Granularity): Interval {
  const start = bucketStart(ms, g);
  return { start, end: bucketEnd(start, g) };
}

/** More buckets than this in one interval is a spec mistake (e.g. SECOND over a year), not work. */
export const MAX_BUCKETS = 100_000;

/** The buckets of `g` that overlap `interval`, in order. */
export function bucketsOverlapping(interval: Interval, g: Granularity): Interval[] {
  if (g.type === 'all') return [ETERNITY];
  if (interval.end <= interval.start) return [];
  if (g.type === 'none') throw invalidInput('granularity NONE cannot split an interval into time chunks');
  const out: Interval[] = [];
  let b = bucketInterval(interval.start, g);
  while (b.start < interval.end) {
    out.push(b);
    if (out.length > MAX_BUCKETS) {
      throw invalidInput(`interval [${new Date(interval.start).toISOString()}/${new Date(interval.end).toISOString()}] has more than ${MAX_BUCKETS} time chunks at this granularity`);
    }
    b = { start: b.end, end: bucketEnd(b.end, g) };
  }
  return out;
}
