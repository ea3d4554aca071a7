import path from 'node:path';
import type { Interval, SegmentRecord } from '../core/types.js';
import { GroveError } from '../core/errors.js';
import { insertInto, subtract } from './intervals.js';

/**
 * Druid's versioned timeline (VersionedIntervalTimeline), reduced to what queries need: for each
 * used segment, the parts of its interval that no used segment of the same datasource with a higher
 * version covers. Versions compare as strings, as Druid does; they are ISO timestamps, so string
 * order is time order. Partitions of one version never shadow each other.
 *
 * Not modelled: Druid only lets a higher version shadow once all its core partitions are loaded.
 * Grove publishes a version's partitions in one transaction, so a version is always complete.
 */

export interface VisibleSegment {
  readonly segment: SegmentRecord;
  /** Sorted, disjoint parts of segment.interval that queries may read. Never empty. */
  readonly visible: Interval[];
}

const compareVersions = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byDataSource(segments: readonly SegmentRecord[]): Map<string, SegmentRecord[]> {
  const groups = new Map<string, SegmentRecord[]>();
  for (const s of segments) {
    if (!s.used) continue;
    let g = groups.get(s.dataSource);
    if (!g) groups.set(s.dataSource, (g = []));
    g.push(s);
  }
  return groups;
}

/** Visible segments of every datasource present in `segments`; overshadowed ones are dropped. */
export function visibleSegments(segments: readonly SegmentRecord[]): VisibleSegment[] {
  const out: VisibleSegment[] = [];
  for (const [, group] of [...byDataSource(segments)].sort(([a], [b]) => compareVersions(a, b))) {
    // Walk versions from newest to oldest, growing the set of time already claimed by newer ones.
    const sorted = [...group].sort((a, b) => compareVersions(b.version, a.version));
    const covered: Interval[] = [];
    let k = 0;
    while (k < sorted.length) {
      const version = sorted[k].version;
      let end = k;
      while (end < sorted.length && sorted[end].version === version) end++;
      const sameVersion = sorted.slice(k, end);
      for (const segment of sameVersion) {
        const visible = subtract(segment.interval, covered);
        if (visible.length > 0) out.push({ segment, visible });
      }
      for (const segment of sameVersion) insertInto(covered, segment.interval);
      k = end;
    }
  }
  return out.sort(
    (a, b) =>
      compareVersions(a.segment.dataSource, b.segment.dataSource) ||
      a.segment.interval.start - b.segment.interval.start ||
      compareVersions(a.segment.version, b.segment.version) ||
      a.segment.partitionNum - b.segment.partitionNum,
  );
}

/**
 * True when used segments of the same datasource with higher versions cover all of `segment`'s
 * interval. An unused segment counts as overshadowed only if that holds too; callers that care
 * about `used` check it themselves.
 */
export function isOvershadowed(segment: SegmentRecord, segments: readonly SegmentRecord[]): boolean {
  const covered: Interval[] = [];
  for (const s of segments) {
    if (
      s.used &&
      s.dataSource === segment.dataSource &&
      compareVersions(s.version, segment.version) > 0 &&
      s.interval.start < segment.interval.end &&
      segment.interval.start < s.interval.end
    ) {
      insertInto(covered, s.interval);
    }
  }
  return subtract(segment.interval, covered).length === 0;
}

/**
 * Absolute path of a segment's file. record.path is relative to deep storage; a path that resolves
 * outside it means a corrupt or hostile metadata row, which must not become a file read.
 */
export function segmentPath(deepStorageDir: string, record: SegmentRecord): string {
  const root = path.resolve(deepStorageDir);
  const full = path.resolve(root, record.path);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new GroveError('internal', `Segment ${record.id} has a path outside deep storage: ${record.path}`);
  }
  return full;
}
