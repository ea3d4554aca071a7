import { describe, expect, it } from 'vitest';
import { instantMs, layoutTimeline, timeTicks, toSegments, versionsNewestFirst, type SegmentRow } from '../../console/src/views/datasources/timeline-layout.js';

/** The Datasources view's timeline geometry: lanes by version, x by time, flags kept. */

const V1 = '2026-01-01T00:00:00.000Z';
const V2 = '2026-01-02T00:00:00.000Z';
const DAY = 86_400_000;

function row(start: string, end: string, version: string, partition = 0, overshadowed = false): SegmentRow {
  return {
    segment_id: `ds_${start}_${end}_${version}${partition ? `_${partition}` : ''}`,
    start,
    end,
    version,
    partition_num: partition,
    num_rows: 10,
    size: 1000,
    is_active: overshadowed ? 0 : 1,
    is_overshadowed: overshadowed ? 1 : 0,
  };
}

// Three days at V1, the middle one replaced at V2.
const ROWS = [
  row('2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', V1),
  row('2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z', V1, 0, true),
  row('2024-01-03T00:00:00.000Z', '2024-01-04T00:00:00.000Z', V1),
  row('2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z', V2),
];

describe('console timeline layout', () => {
  const opts = { width: 1000, labelWidth: 200 };
  const layout = layoutTimeline(toSegments(ROWS), opts);

  it('puts one lane per version, newest on top', () => {
    expect(layout.lanes.map((l) => l.version)).toEqual([V2, V1]);
    expect(layout.lanes[0].y).toBeLessThan(layout.lanes[1].y);
    expect(layout.lanes[0].y + layout.lanes[0].height).toBeLessThanOrEqual(layout.lanes[1].y);
    expect(versionsNewestFirst(toSegments([...ROWS].reverse()))).toEqual([V2, V1]);
    for (const r of layout.rects) {
      const lane = layout.lanes[r.lane];
      expect(lane.version).toBe(r.segment.version);
      expect(r.y).toBeGreaterThanOrEqual(lane.y);
      expect(r.y + r.height).toBeLessThanOrEqual(lane.y + lane.height);
    }
  });

  it('places x in proportion to time over the whole range', () => {
    expect(layout.startMs).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(layout.endMs).toBe(Date.parse('2024-01-04T00:00:00Z'));
    const { left, right } = layout.plot;
    expect(left).toBe(200);
    const third = (right - left) / 3;
    const byStart = (start: string, version: string) => layout.rects.find((r) => r.segment.start === start && r.segment.version === version)!;
    const first = byStart('2024-01-01T00:00:00.000Z', V1);
    const middleOld = byStart('2024-01-02T00:00:00.000Z', V1);
    const middleNew = byStart('2024-01-02T00:00:00.000Z', V2);
    const last = byStart('2024-01-03T00:00:00.000Z', V1);
    expect(first.x).toBeCloseTo(left, 6);
    expect(first.width).toBeCloseTo(third, 6);
    expect(middleOld.x).toBeCloseTo(left + third, 6);
    expect(middleNew.x).toBeCloseTo(middleOld.x, 6);
    expect(middleNew.width).toBeCloseTo(middleOld.width, 6);
    expect(last.x + last.width).toBeCloseTo(right, 6);
    // Ticks sit where their instant falls.
    for (const t of layout.ticks) expect(t.x).toBeCloseTo(left + ((t.ms - layout.startMs) / (3 * DAY)) * (right - left), 6);
  });

  it('keeps the overshadowed and active flags of each segment', () => {
    const over = layout.rects.filter((r) => r.segment.overshadowed);
    expect(over).toHaveLength(1);
    expect(over[0].segment).toMatchObject({ version: V1, start: '2024-01-02T00:00:00.000Z', active: false });
    expect(layout.rects.filter((r) => r.segment.active)).toHaveLength(3);
    expect(layout.rects).toHaveLength(4);
  });

  it('orders rectangles by lane then time, for keyboard walking', () => {
    expect(layout.rects.map((r) => [r.lane, r.segment.start.slice(0, 10)])).toEqual([
      [0, '2024-01-02'],
      [1, '2024-01-01'],
      [1, '2024-01-02'],
      [1, '2024-01-03'],
    ]);
  });

  it('stacks the partitions of one chunk inside their lane', () => {
    const rows = [0, 1, 2].map((p) => row('2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', V1, p));
    const l = layoutTimeline(toSegments([...rows].reverse()), opts);
    expect(l.rects.map((r) => [r.segment.partition, r.slot, r.slots])).toEqual([[0, 0, 3], [1, 1, 3], [2, 2, 3]]);
    const [a, b, c] = l.rects;
    expect(a.y).toBeLessThan(b.y);
    expect(b.y).toBeLessThan(c.y);
    expect(a.y + a.height).toBeLessThanOrEqual(b.y);
    expect(new Set(l.rects.map((r) => r.x)).size).toBe(1);
  });

  it('keeps a short segment in a long range visible and inside the plot', () => {
    const rows = [row('2020-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', V1), row('2023-12-31T23:00:00.000Z', '2024-01-01T00:00:00.000Z', V2)];
    const l = layoutTimeline(toSegments(rows), { ...opts, minRectWidth: 3 });
    const hour = l.rects.find((r) => r.segment.version === V2)!;
    expect(hour.width).toBe(3);
    expect(hour.x + hour.width).toBeLessThanOrEqual(l.plot.right + 1e-9);
  });

  it('labels ticks by hour, day, month or year as the range needs', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(timeTicks(at('2024-01-01T00:00:00Z'), at('2024-01-04T00:00:00Z'), 4).map((t) => t.label)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04']);
    expect(timeTicks(at('2024-01-01T00:00:00Z'), at('2024-01-04T00:00:00Z'), 8).map((t) => t.label)).toEqual(['2024-01-01', '12:00', '2024-01-02', '12:00', '2024-01-03', '12:00', '2024-01-04']);
    expect(timeTicks(at('2024-01-01T00:00:00Z'), at('2024-01-01T12:00:00Z'), 8).map((t) => t.label)).toEqual(['2024-01-01', '03:00', '06:00', '09:00', '12:00']);
    expect(timeTicks(at('2024-01-01T00:10:00Z'), at('2024-01-01T01:00:00Z'), 4).map((t) => t.label)).toEqual(['00:15', '00:30', '00:45', '01:00']);
    expect(timeTicks(at('2024-01-15T00:00:00Z'), at('2024-06-15T00:00:00Z'), 8).map((t) => t.label)).toEqual(['2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    expect(timeTicks(at('2019-06-01T00:00:00Z'), at('2024-06-01T00:00:00Z'), 8).map((t) => t.label)).toEqual(['2020', '2021', '2022', '2023', '2024']);
    // Druid's ALL granularity as Grove writes it: year 1 to 9999, a handful of ticks.
    const all = timeTicks(at('0001-01-01T00:00:00.000Z'), at('9999-12-31T23:59:59.999Z'), 8);
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(8);
    expect(all.map((t) => t.label)).toContain('2000');
  });

  it('treats instants JavaScript cannot hold as open ends', () => {
    expect(instantMs('-146136543-09-08T08:23:32.096Z', 'start')).toBe(-Infinity);
    expect(instantMs('146140482-04-24T15:36:27.903Z', 'end')).toBe(Infinity);
    const l = layoutTimeline(toSegments([row('-146136543-09-08T08:23:32.096Z', '146140482-04-24T15:36:27.903Z', V1), row('2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', V2)]), opts);
    const eternity = l.rects.find((r) => r.segment.version === V1)!;
    expect(eternity.x).toBe(l.plot.left);
    expect(eternity.x + eternity.width).toBeCloseTo(l.plot.right, 6);
  });
});
