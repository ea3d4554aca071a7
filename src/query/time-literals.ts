import type { Interval } from '../core/types.js';

/**
 * Timestamps, ISO 8601 periods and intervals as they appear in Druid SQL text, parsed to epoch
 * milliseconds in UTC (Grove's sqlTimeZone). Anything unusual returns undefined: callers treat
 * that as "cannot analyse", which costs pruning but never correctness.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses `2015-09-12`, `2015-09-12 01:02:03.456`, `2015-09-12T01:02Z`, `...+02:00`. */
export function parseTimestamp(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

export interface Period {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const PERIOD = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const n = (i: number): number => (m[i] ? Number(m[i]) : 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/** Adds `sign` times the period to `t`, clamping month ends the way Joda-Time does. */
export function addPeriod(t: number, p: Period, sign: 1 | -1 = 1): number {
  const d = new Date(t);
  const months = sign * (p.years * 12 + p.months);
  if (months !== 0) {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
  }
  const fixed = ((p.weeks * 7 + p.days) * 86_400 + p.hours * 3600 + p.minutes * 60 + p.seconds) * 1000;
  return d.getTime() + sign * fixed;
}

/** Druid interval text: `start/end`, `start/period` or `period/end`. */
export function parseInterval(text: string): Interval | undefined {
  const parts = text.trim().split('/');
  if (parts.length !== 2) return undefined;
  const [a, b] = parts;
  if (a.toUpperCase().startsWith('P')) {
    const p = parsePeriod(a);
    const end = parseTimestamp(b);
    return p && end !== undefined ? checked(addPeriod(end, p, -1), end) : undefined;
  }
  const start = parseTimestamp(a);
  if (start === undefined) return undefined;
  if (b.toUpperCase().startsWith('P')) {
    const p = parsePeriod(b);
    return p ? checked(start, addPeriod(start, p)) : undefined;
  }
  const end = parseTimestamp(b);
  return end !== undefined ? checked(start, end) : undefined;
}

const checked = (start: number, end: number): Interval | undefined => (start <= end ? { start, end } : undefined);
