import { invalidInput } from '../core/errors.js';

/**
 * An ISO-8601 period (Joda's `Period`), e.g. `P1D`, `PT15M`, `P1Y2M`, `PT0.5S`.
 * Fields are kept separately because months and years are calendar units, not durations.
 */
export interface Period {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly millis: number;
}

const PERIOD_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;

/** Parses an ISO period; null when the text is not one (callers word their own error). */
export function tryParsePeriod(text: string): Period | null {
  const s = text.trim().toUpperCase();
  const m = PERIOD_RE.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) return null;
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const millis = m[8] === undefined ? 0 : Number(m[8].padEnd(3, '0'));
  const p: Period = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
    millis,
  };
  return p;
}

export function parsePeriod(text: unknown, what = 'period'): Period {
  if (typeof text !== 'string') throw invalidInput(`${what} must be an ISO-8601 period string such as "PT1H", got ${JSON.stringify(text)}`);
  const p = tryParsePeriod(text);
  if (!p) throw invalidInput(`${what} [${text}] is not a valid ISO-8601 period (e.g. PT1H, P1D, P1M)`);
  return p;
}

/** True when the period has a fixed length in UTC (no months or years). */
export function isFixedPeriod(p: Period): boolean {
  return p.years === 0 && p.months === 0;
}

/** Length of a fixed period in ms (weeks and days count as 7×24h and 24h, as Joda's standard duration). */
export function periodMillis(p: Period): number {
  return ((((p.weeks * 7 + p.days) * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds) * 1000 + p.millis;
}

export function periodMonths(p: Period): number {
  return p.years * 12 + p.months;
}

export function isZeroPeriod(p: Period): boolean {
  return periodMonths(p) === 0 && periodMillis(p) === 0;
}

/** Canonical text as Joda prints it (`P1D`, `PT1H`, `P3M`). */
export function periodToString(p: Period): string {
  let date = '';
  if (p.years) date += `${p.years}Y`;
  if (p.months) date += `${p.months}M`;
  if (p.weeks) date += `${p.weeks}W`;
  if (p.days) date += `${p.days}D`;
  let time = '';
  if (p.hours) time += `${p.hours}H`;
  if (p.minutes) time += `${p.minutes}M`;
  if (p.seconds || p.millis) time += p.millis ? `${p.seconds}.${String(p.millis).padStart(3, '0')}S` : `${p.seconds}S`;
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month0: number): number {
  if (month0 === 1 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month0];
}

/** Adds calendar months to a UTC instant, clamping the day of month like Joda (Jan 31 + 1M = Feb 28/29). */
export function addMonthsUtc(ms: number, months: number): number {
  if (months === 0) return ms;
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month0));
  const out = new Date(0);
  out.setUTCFullYear(year, month0, day);
  out.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return out.getTime();
}

/** `ms + sign * period` in UTC calendar arithmetic. */
export function addPeriodUtc(ms: number, p: Period, sign: 1 | -1 = 1): number {
  return addMonthsUtc(ms, sign * periodMonths(p)) + sign * periodMillis(p);
}
