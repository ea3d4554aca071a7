import { invalidInput } from '../core/errors.js';

/**
 * Time-zone offsets through Intl, so period granularities with a `timeZone` bucket on local wall
 * clock time as Joda does, without a tz database dependency.
 */

const UTC_NAMES = new Set(['UTC', 'ETC/UTC', 'Z', 'GMT', 'ETC/GMT', 'UCT', 'ZULU', 'UNIVERSAL']);
const formatters = new Map<string, Intl.DateTimeFormat>();

export function isUtc(zone: string): boolean {
  return UTC_NAMES.has(zone.toUpperCase()) || /^[+-]00:?00$/.test(zone);
}

/** Validates a zone id and returns its canonical spelling (UTC spellings collapse to 'UTC'). */
export function normalizeZone(zone: unknown, what = 'timeZone'): string {
  if (zone === undefined || zone === null) return 'UTC';
  if (typeof zone !== 'string' || zone.trim() === '') throw invalidInput(`${what} must be a time zone id such as "America/Los_Angeles", got ${JSON.stringify(zone)}`);
  if (isUtc(zone)) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw invalidInput(`${what} [${zone}] is not a known time zone id`);
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at instant `ms`, in ms (local = utc + offset). */
export function zoneOffset(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, get('month') - 1, get('day'));
  d.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return d.getTime() - wholeSecond;
}

export function toLocal(ms: number, zone: string): number {
  return ms + zoneOffset(ms, zone);
}

/**
 * Local wall-clock time back to UTC. Two passes settle the offset; in a DST gap the result lands
 * after the gap, in an overlap on the earlier instant, like Joda's lenient conversion.
 */
export function fromLocal(local: number, zone: string): number {
  if (zone === 'UTC') return local;
  const guess = local - zoneOffset(local, zone);
  const second = local - zoneOffset(guess, zone);
  if (toLocal(second, zone) === local) return second;
  return guess;
}
