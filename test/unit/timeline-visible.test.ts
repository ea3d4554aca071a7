import { describe, expect, it } from 'vitest';
import type { Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import { insertInto, intersect, normalize, subtract } from '../../src/segments/intervals.js';
import { isOvershadowed, segmentPath, visibleSegments } from '../../src/segments/timeline.js';

const t = (iso: string): number => Date.parse(iso);
const iv = (a: string, b: string): Interval => ({ start: t(a), end: t(b) });

function seg(ds: string, interval: Interval, version: string, partitionNum = 0, used = true): SegmentRecord {
  return {
    id: segmentId(ds, interval, version, partitionNum),
    dataSource: ds,
    interval,
    version,
    partitionNum,
    path: `${ds}/${interval.start}_${interval.end}/${version}/${partitionNum}.parquet`,
    size: 1,
    numRows: 1,
    used,
    dimensions: [],
    metrics: [],
    columns: [],
    createdDate: version,
  };
}

const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';
const V3 = '2024-03-01T00:00:00.000Z';
const SEPT = iv('2015-09-01', '2015-10-01');
const day = (d: number): Interval => iv(`2015-09-${String(d).padStart(2, '0')}`, `2015-09-${String(d + 1).padStart(2, '0')}`);

describe('interval sets', () => {
  it('normalizes, subtracts and intersects', () => {
    expect(normalize([{ start: 5, end: 7 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 6, end: 9 }])).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 9 },
    ]);
    expect(subtract({ start: 0, end: 10 }, [{ start: 2, end: 3 }, { start: 5, end: 12 }])).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 5 },
    ]);
    expect(subtract({ start: 4, end: 5 }, [{ start: 0, end: 10 }])).toEqual([]);
    expect(intersect([{ start: 0, end: 5 }, { start: 8, end: 10 }], [{ start: 3, end: 9 }])).toEqual([
      { start: 3, end: 5 },
      { start: 8, end: 9 },
    ]);
    const set: Interval[] = [];
    for (const i of [{ start: 8, end: 9 }, { start: 0, end: 1 }, { start: 1, end: 3 }, { start: 2, end: 8 }]) insertInto(set, i);
    expect(set).toEqual([{ start: 0, end: 9 }]);
  });
});

describe('visibleSegments', () => {
  it('a newer DAY segment carves a hole in an older MONTH segment', () => {
    const month = seg('wiki', SEPT, V1);
    const d12 = seg('wiki', day(12), V2);
    const vis = visibleSegments([month, d12]);
    expect(vis).toEqual([
      { segment: month, visible: [iv('2015-09-01', '2015-09-12'), iv('2015-09-13', '2015-10-01')] },
      { segment: d12, visible: [day(12)] },
    ]);
    expect(isOvershadowed(month, [month, d12])).toBe(false);
  });

  it('a newer MONTH segment overshadows older DAY segments entirely', () => {
    const days = [seg('wiki', day(1), V1), seg('wiki', day(2), V1, 0), seg('wiki', day(2), V1, 1)];
    const month = seg('wiki', SEPT, V2);
    const vis = visibleSegments([...days, month]);
    expect(vis.map((v) => v.segment.id)).toEqual([month.id]);
    for (const d of days) expect(isOvershadowed(d, [...days, month])).toBe(true);
    expect(isOvershadowed(month, [...days, month])).toBe(false);
  });

  it('partitions of one version never shadow each other and keep their whole interval', () => {
    const p0 = seg('wiki', day(3), V1, 0);
    const p1 = seg('wiki', day(3), V1, 1);
    expect(visibleSegments([p1, p0]).map((v) => [v.segment.partitionNum, v.visible])).toEqual([
      [0, [day(3)]],
      [1, [day(3)]],
    ]);
  });

  it('three versions stack; only higher versions shadow', () => {
    const month = seg('wiki', SEPT, V1);
    const d5 = seg('wiki', day(5), V3);
    const week = seg('wiki', iv('2015-09-03', '2015-09-10'), V2);
    const vis = visibleSegments([week, month, d5]);
    const byId = new Map(vis.map((v) => [v.segment.id, v.visible]));
    expect(byId.get(month.id)).toEqual([iv('2015-09-01', '2015-09-03'), iv('2015-09-10', '2015-10-01')]);
    expect(byId.get(week.id)).toEqual([iv('2015-09-03', '2015-09-05'), iv('2015-09-06', '2015-09-10')]);
    expect(byId.get(d5.id)).toEqual([day(5)]);
  });

  it('ignores unused segments and other datasources', () => {
    const month = seg('wiki', SEPT, V1);
    const unusedNewer = seg('wiki', day(12), V2, 0, false);
    const otherDs = seg('other', SEPT, V3);
    const vis = visibleSegments([month, unusedNewer, otherDs]);
    expect(vis.map((v) => [v.segment.dataSource, v.visible])).toEqual([
      ['other', [SEPT]],
      ['wiki', [SEPT]],
    ]);
    expect(isOvershadowed(month, [month, unusedNewer, otherDs])).toBe(false);
  });

  it('compares versions as strings, like Druid', () => {
    const a = seg('wiki', day(1), '2024-01-01T00:00:00.000Z_1');
    const b = seg('wiki', day(1), '2024-01-01T00:00:00.000Z');
    expect(visibleSegments([a, b]).map((v) => v.segment.version)).toEqual(['2024-01-01T00:00:00.000Z_1']);
  });

  it('handles many segments', () => {
    const segs: SegmentRecord[] = [];
    for (let i = 0; i < 20000; i++) {
      segs.push(seg('big', { start: i * 1000, end: (i + 1) * 1000 }, V1));
      if (i % 2 === 0) segs.push(seg('big', { start: i * 1000, end: (i + 1) * 1000 }, V2));
    }
    const vis = visibleSegments(segs);
    expect(vis.length).toBe(20000);
    expect(vis.filter((v) => v.segment.version === V2).length).toBe(10000);
  });
});

describe('segmentPath', () => {
  it('resolves inside deep storage and refuses escapes', () => {
    const s = seg('wiki', day(1), V1);
    expect(segmentPath('/data/segments', s)).toBe(`/data/segments/${s.path}`);
    expect(() => segmentPath('/data/segments', { ...s, path: '../../etc/passwd' })).toThrow(/outside deep storage/);
  });
});
