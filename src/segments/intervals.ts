import type { Interval } from '../core/types.js';

/**
 * Sets of half-open intervals kept as sorted, disjoint, non-adjacent lists. The timeline and the
 * query planner both reason about "which parts of time are covered", so the set algebra lives here.
 */

/** All of time, for filters that constrain nothing. Infinite bounds never reach an ISO string. */
export const ETERNITY: Interval = Object.freeze({ start: -Infinity, end: Infinity });

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.start < i.end).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) out[out.length - 1] = { start: last.start, end: i.end };
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** Index of the first interval in a normalized set whose end is after `t`. */
function firstEndingAfter(set: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (set[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The parts of `interval` not covered by the normalized set `cover`. */
export function subtract(interval: Interval, cover: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = interval.start;
  for (let k = firstEndingAfter(cover, interval.start); k < cover.length && cover[k].start < interval.end; k++) {
    if (cover[k].start > cursor) out.push({ start: cursor, end: cover[k].start });
    cursor = Math.max(cursor, cover[k].end);
    if (cursor >= interval.end) break;
  }
  if (cursor < interval.end) out.push({ start: cursor, end: interval.end });
  return out;
}

/** Union of two normalized sets. */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalize([...a, ...b]);
}

/** Intersection of two normalized sets (linear merge). */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start < end) out.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

/** True when any interval of `a` overlaps any of the normalized set `b`. */
export function overlapsAny(a: readonly Interval[], b: readonly Interval[]): boolean {
  for (const i of a) {
    const k = firstEndingAfter(b, i.start);
    if (k < b.length && b[k].start < i.end) return true;
  }
  return false;
}

/**
 * Adds `i` to the normalized set in place. The timeline calls this once per segment, so it splices
 * instead of re-sorting the whole set each time.
 */
export function insertInto(set: Interval[], i: Interval): void {
  if (i.start >= i.end) return;
  // First interval that overlaps or touches i, and the first one entirely after it.
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (set[mid].end < i.start) lo = mid + 1;
    else hi = mid;
  }
  let k = lo;
  let start = i.start;
  let end = i.end;
  while (k < set.length && set[k].start <= end) {
    start = Math.min(start, set[k].start);
    end = Math.max(end, set[k].end);
    k++;
  }
  set.splice(lo, k - lo, { start, end });
}
