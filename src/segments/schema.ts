import type { DruidColumnType, SegmentRecord } from '../core/types.js';
import { visibleSegments } from './timeline.js';

/**
 * What columns a datasource has: the union of its visible segments' columns, newest time chunks
 * first (as Druid orders them), a column's types widened where segments disagree.
 */

/** The narrowest type both a and b fit (Druid's column type merging). */
export function leastRestrictive(a: DruidColumnType, b: DruidColumnType): DruidColumnType {
  if (a === b) return a;
  if (a === 'COMPLEX<json>' || b === 'COMPLEX<json>') return 'COMPLEX<json>';
  const element = (t: DruidColumnType): string => (t.startsWith('ARRAY<') ? t.slice(6, -1) : t);
  const [ea, eb] = [element(a), element(b)];
  const e = ea === eb ? ea : ea === 'STRING' || eb === 'STRING' ? 'STRING' : 'DOUBLE';
  if (!a.startsWith('ARRAY<') && !b.startsWith('ARRAY<')) return e as DruidColumnType;
  return `ARRAY<${e === 'FLOAT' ? 'DOUBLE' : e}>` as DruidColumnType;
}

const newestFirst = (a: SegmentRecord, b: SegmentRecord): number =>
  b.interval.start - a.interval.start || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0) || a.partitionNum - b.partitionNum;

/** Columns other than `__time` of these segments (all of one datasource), with their types. */
export function unionSchema(segments: readonly SegmentRecord[]): Map<string, DruidColumnType> {
  const types = new Map<string, DruidColumnType>();
  for (const s of [...segments].sort(newestFirst)) {
    for (const c of s.columns) {
      if (c.name === '__time') continue;
      const prev = types.get(c.name);
      types.set(c.name, prev === undefined ? c.type : leastRestrictive(prev, c.type));
    }
  }
  return types;
}

/** The schema of every datasource among `segments`, from the segments the timeline shows. */
export function schemasByDataSource(segments: readonly SegmentRecord[]): Map<string, Map<string, DruidColumnType>> {
  const byDataSource = new Map<string, SegmentRecord[]>();
  for (const v of visibleSegments(segments)) {
    const list = byDataSource.get(v.segment.dataSource) ?? [];
    list.push(v.segment);
    byDataSource.set(v.segment.dataSource, list);
  }
  return new Map([...byDataSource].map(([ds, segs]) => [ds, unionSchema(segs)]));
}
