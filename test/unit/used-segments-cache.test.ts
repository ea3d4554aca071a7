import { describe, expect, it } from 'vitest';
import type { SegmentRecord } from '../../src/core/types.js';
import { UsedSegmentsCache } from '../../src/segments/used-cache.js';

const seg = (dataSource: string, id: string): SegmentRecord => ({ id, dataSource } as SegmentRecord);

describe('UsedSegmentsCache', () => {
  it('loads each datasource once, answers from memory until invalidated, and remembers datasources with none', async () => {
    const store = [seg('a', 'a1'), seg('b', 'b1')];
    const loads: string[][] = [];
    const cache = new UsedSegmentsCache(async (names) => {
      loads.push(names);
      return store.filter((s) => names.includes(s.dataSource));
    });
    expect((await cache.get(['a', 'b', 'none'])).map((s) => s.id)).toEqual(['a1', 'b1']);
    expect((await cache.get(['b', 'none'])).map((s) => s.id)).toEqual(['b1']);
    expect(loads).toEqual([['a', 'b', 'none']]);
    store.push(seg('a', 'a2'));
    expect((await cache.get(['a'])).map((s) => s.id)).toEqual(['a1']);
    cache.invalidate();
    expect((await cache.get(['a'])).map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(loads).toHaveLength(2);
  });

  it('does not keep what a read started before an invalidation found', async () => {
    let release: () => void = () => {};
    const store = [seg('a', 'old')];
    const cache = new UsedSegmentsCache(async (names) => {
      const snapshot = store.filter((s) => names.includes(s.dataSource));
      await new Promise<void>((r) => (release = r));
      return snapshot;
    });
    const inFlight = cache.get(['a']);
    store.splice(0, 1, seg('a', 'new'));
    cache.invalidate();
    release();
    expect((await inFlight).map((s) => s.id)).toEqual(['old']);
    const next = cache.get(['a']);
    release();
    expect((await next).map((s) => s.id)).toEqual(['new']);
  });
});
