import fsp from 'node:fs/promises';
import path from 'node:path';
import type { SegmentRecord } from '../../core/types.js';
import { GroveError } from '../../core/errors.js';
import type { DuckSession } from '../../engine/duck.js';
import { quoteIdent, quotePath } from '../../engine/sql-text.js';
import { overlapsAny } from '../../segments/intervals.js';
import { intervalCondition } from '../../segments/time-sql.js';
import { segmentPath, visibleSegments } from '../../segments/timeline.js';
import type { DataSourceInput, SplitRef } from '../types.js';
import type { Consume, FetchedSplit, SplitOutcome } from './split.js';

/**
 * Datasource inputs: the controller lists the visible segments (after pruning by the statement's
 * time filter) as splits, oldest first, and a worker reads each segment's Parquet file as a
 * relation with the input's columns: a column the segment lacks is a typed NULL, a partly
 * overshadowed segment is restricted to the time its version still shows.
 */


/** The splits of one datasource input, from the used segments the store has now. */
export function segmentSplits(input: DataSourceInput, inputNumber: number, segments: readonly SegmentRecord[], deepStorageDir: string): SplitRef[] {
  const visible = visibleSegments(segments.filter((s) => s.dataSource === input.dataSource));
  const selected = input.filter === null ? visible : visible.filter((v) => overlapsAny(v.visible, [...input.filter!]));
  return selected
    .sort((a, b) => a.segment.interval.start - b.segment.interval.start || a.segment.partitionNum - b.segment.partitionNum)
    .map((v) => ({
      inputNumber,
      uri: segmentPath(deepStorageDir, v.segment),
      size: v.segment.size,
      segment: { id: v.segment.id, interval: v.segment.interval, visible: v.visible, columns: v.segment.columns.map((c) => c.name), rows: v.segment.numRows },
    }));
}

/** A segment file, after checking the work order points inside deep storage. */
export async function fetchSegmentSplit(split: SplitRef, deepStorageDir: string | undefined): Promise<FetchedSplit> {
  if (deepStorageDir === undefined) throw new Error('internal: a datasource split reached a worker without deep storage');
  const root = await fsp.realpath(deepStorageDir);
  const real = await fsp.realpath(split.uri).catch((e: Error) => {
    throw new GroveError('runtimeFailure', `segment file [${split.uri}] cannot be read: ${e.message}`);
  });
  if (!real.startsWith(root + path.sep)) throw new GroveError('forbidden', `segment file [${split.uri}] is outside deep storage`);
  const st = await fsp.stat(real);
  return { path: real, displayUri: null, size: st.size, temporary: false };
}

/** How the file stores __time: Grove writes TIMESTAMP, older files may hold epoch millis. */
async function timeExpression(db: DuckSession, file: string): Promise<string> {
  const [r] = await db.rows(`SELECT column_type FROM (DESCRIBE SELECT __time FROM read_parquet(${quotePath(file)}))`);
  const type = String(r?.column_type ?? '').toUpperCase();
  if (/INT/.test(type)) return 'epoch_ms(__time)';
  if (/TIME ZONE|TZ/.test(type)) return 'CAST(__time AS TIMESTAMP)';
  return '__time';
}

export async function readSegmentSplit(db: DuckSession, input: DataSourceInput, split: SplitRef, file: FetchedSplit, consume: Consume): Promise<SplitOutcome> {
  const seg = split.segment;
  if (!seg) throw new Error('internal: datasource split without its segment');
  const present = new Set(seg.columns);
  const time = await timeExpression(db, file.path);
  const project = input.columns.map((c) => {
    if (c.name === '__time') return '__time';
    const value = present.has(c.name) ? quoteIdent(c.name) : 'NULL';
    return `CAST(${value} AS ${c.duckType}) AS ${quoteIdent(c.name)}`;
  });
  const conditions: string[] = [];
  const whole = seg.visible.length === 1 && seg.visible[0].start <= seg.interval.start && seg.visible[0].end >= seg.interval.end;
  if (!whole) conditions.push(`(${seg.visible.map(intervalCondition).join(' OR ')})`);
  if (input.filter !== null) conditions.push(`(${input.filter.map(intervalCondition).join(' OR ')})`);
  // __time is a TIMESTAMP from here on, whatever the file stores.
  const from = time === '__time' ? `read_parquet(${quotePath(file.path)})` : `(SELECT * REPLACE (${time} AS __time) FROM read_parquet(${quotePath(file.path)}))`;
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const relation = `SELECT ${project.join(', ')} FROM ${from}${where}`;
  const rows = where === '' ? seg.rows : Number((await db.rows(`SELECT count(*) AS n FROM ${from}${where}`))[0].n);
  await consume(relation);
  return { rows, warningCount: 0, warnings: [] };
}
