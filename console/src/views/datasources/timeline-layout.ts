/**
 * The geometry of a datasource's segment timeline, free of React and the DOM so it can be unit
 * tested: time runs along x (UTC), one lane per version with the newest on top, each segment a
 * rectangle spanning its interval, the partitions of one time chunk stacked thin inside the lane.
 */

/** A row of sys.segments as the console asks for it. */
export interface SegmentRow {
  segment_id: string;
  start: string;
  end: string;
  version: string;
  partition_num: number;
  num_rows: number | null;
  size: number | null;
  is_active: number;
  is_overshadowed: number;
}

export interface TimelineSegment {
  readonly id: string;
  readonly start: string;
  readonly end: string;
  readonly version: string;
  readonly partition: number;
  readonly rows: number | null;
  readonly size: number | null;
  readonly active: boolean;
  readonly overshadowed: boolean;
}

export interface Lane {
  readonly version: string;
  readonly index: number;
  readonly y: number;
  readonly height: number;
}

export interface SegmentRect {
  readonly segment: TimelineSegment;
  readonly lane: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Position of the segment among the partitions of its chunk (0-based) and how many there are. */
  readonly slot: number;
  readonly slots: number;
}

export interface Tick {
  readonly ms: number;
  readonly x: number;
  readonly label: string;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  readonly startMs: number;
  readonly endMs: number;
  readonly lanes: readonly Lane[];
  /** Ordered by lane (newest version first), then start, then partition. */
  readonly rects: readonly SegmentRect[];
  readonly ticks: readonly Tick[];
}

export interface LayoutOptions {
  readonly width: number;
  /** Room for the version labels left of the plot. */
  readonly labelWidth?: number;
  readonly laneHeight?: number;
  readonly axisHeight?: number;
  /** Widths below this are drawn this wide, so a short segment in a long range stays visible. */
  readonly minRectWidth?: number;
}

export function toSegments(rows: readonly SegmentRow[]): TimelineSegment[] {
  return rows.map((r) => ({
    id: r.segment_id,
    start: r.start,
    end: r.end,
    version: r.version,
    partition: Number(r.partition_num),
    rows: r.num_rows === null ? null : Number(r.num_rows),
    size: r.size === null ? null : Number(r.size),
    active: Number(r.is_active) === 1,
    overshadowed: Number(r.is_overshadowed) === 1,
  }));
}

/** Epoch ms of an ISO instant; instants JavaScript cannot hold (Druid's eternity) become ±Infinity. */
export function instantMs(iso: string, side: 'start' | 'end'): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : side === 'start' ? -Infinity : Infinity;
}

/** Versions newest first (Druid compares versions as strings). */
export function versionsNewestFirst(segments: readonly TimelineSegment[]): string[] {
  return [...new Set(segments.map((s) => s.version))].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

export function layoutTimeline(segments: readonly TimelineSegment[], opts: LayoutOptions): TimelineLayout {
  const labelWidth = opts.labelWidth ?? 190;
  const baseLane = opts.laneHeight ?? 30;
  const axisHeight = opts.axisHeight ?? 24;
  const minW = opts.minRectWidth ?? 4;
  const left = labelWidth;
  const right = Math.max(left + 50, opts.width - 12);

  const finite = segments.flatMap((s) => [instantMs(s.start, 'start'), instantMs(s.end, 'end')]).filter(Number.isFinite);
  const startMs = finite.length ? finite.reduce((a, b) => Math.min(a, b)) : 0;
  const endMs = Math.max(startMs + 1, finite.length ? finite.reduce((a, b) => Math.max(a, b)) : 1);
  const xOf = (ms: number): number => left + ((Math.min(Math.max(ms, startMs), endMs) - startMs) / (endMs - startMs)) * (right - left);

  // Partitions of one chunk (interval + version) share the lane's height.
  const chunks = new Map<string, TimelineSegment[]>();
  for (const s of segments) {
    const k = `${s.version}\u0000${s.start}\u0000${s.end}`;
    chunks.set(k, [...(chunks.get(k) ?? []), s]);
  }
  const maxSlots = new Map<string, number>();
  for (const list of chunks.values()) {
    list.sort((a, b) => a.partition - b.partition);
    const v = list[0].version;
    maxSlots.set(v, Math.max(maxSlots.get(v) ?? 0, list.length));
  }

  const lanes: Lane[] = [];
  let y = 4;
  for (const [index, version] of versionsNewestFirst(segments).entries()) {
    const height = Math.min(120, Math.max(baseLane, (maxSlots.get(version) ?? 1) * 6 + 6));
    lanes.push({ version, index, y, height });
    y += height + 4;
  }
  const laneOf = new Map(lanes.map((l) => [l.version, l]));

  const rects: SegmentRect[] = [];
  for (const list of chunks.values()) {
    list.forEach((s, slot) => {
      const lane = laneOf.get(s.version)!;
      const x0 = xOf(instantMs(s.start, 'start'));
      const x1 = xOf(instantMs(s.end, 'end'));
      const inner = lane.height - 6;
      const h = inner / list.length;
      const width = Math.max(minW, x1 - x0);
      rects.push({ segment: s, lane: lane.index, x: Math.min(x0, right - width), y: lane.y + 3 + slot * h, width, height: Math.max(1, h - (list.length > 1 ? 1 : 0)), slot, slots: list.length });
    });
  }
  rects.sort((a, b) => a.lane - b.lane || a.x - b.x || a.slot - b.slot);

  const bottom = y;
  const ticks = timeTicks(startMs, endMs, Math.max(2, Math.floor((right - left) / 90))).map((t) => ({ ...t, x: xOf(t.ms) }));
  return { width: Math.max(opts.width, right + 12), height: bottom + axisHeight, plot: { left, right, top: 0, bottom }, startMs, endMs, lanes, rects, ticks };
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const pad = (n: number): string => String(n).padStart(2, '0');

type Step = { approx: number; kind: 'ms' | 'day' | 'month' | 'year'; n: number };
const STEPS: Step[] = [
  ...[1, 5, 15, 30].map((n) => ({ approx: n * MIN, kind: 'ms' as const, n: n * MIN })),
  ...[1, 3, 6, 12].map((n) => ({ approx: n * HOUR, kind: 'ms' as const, n: n * HOUR })),
  ...[1, 2, 7].map((n) => ({ approx: n * DAY, kind: 'day' as const, n })),
  ...[1, 3, 6].map((n) => ({ approx: n * 30.44 * DAY, kind: 'month' as const, n })),
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000].map((n) => ({ approx: n * 365.25 * DAY, kind: 'year' as const, n })),
];

function label(ms: number, step: Step): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (step.kind === 'year') return String(d.getUTCFullYear());
  if (step.kind === 'month') return date.slice(0, 7);
  if (step.kind === 'day') return date;
  // Within a day: the date at midnight, the time of day elsewhere.
  return ms % DAY === 0 ? date : `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Date.UTC without its mapping of years 0..99 to 1900..1999 (Druid's ALL starts in year 1). */
function monthStart(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 1);
  return d.getTime();
}

/** UTC ticks inside [startMs, endMs]: the finest calendar step that gives at most maxTicks. */
export function timeTicks(startMs: number, endMs: number, maxTicks: number): Array<{ ms: number; label: string }> {
  if (!(endMs > startMs)) return [];
  const step = STEPS.find((s) => (endMs - startMs) / s.approx <= maxTicks) ?? STEPS[STEPS.length - 1];
  const out: number[] = [];
  if (step.kind === 'ms') {
    for (let t = Math.ceil(startMs / step.n) * step.n; t <= endMs; t += step.n) out.push(t);
  } else if (step.kind === 'day') {
    // Weeks start on Monday, as Druid's WEEK granularity does (1970-01-01 was a Thursday).
    const offset = step.n === 7 ? 4 : 0;
    let day = Math.ceil(startMs / DAY);
    while ((((day + offset) % step.n) + step.n) % step.n !== 0) day++;
    for (; day * DAY <= endMs; day += step.n) out.push(day * DAY);
  } else {
    const s = new Date(startMs);
    const monthsPer = step.kind === 'month' ? step.n : step.n * 12;
    let m = s.getUTCFullYear() * 12 + s.getUTCMonth();
    m = Math.ceil(m / monthsPer) * monthsPer;
    for (;; m += monthsPer) {
      const t = monthStart(Math.floor(m / 12), m % 12);
      if (t > endMs || !Number.isFinite(t)) break;
      if (t >= startMs) out.push(t);
    }
  }
  return out.map((ms) => ({ ms, label: label(ms, step) }));
}
