import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { toSegmentRecord } from '../store/segments.js';
import { segmentPath, visibleSegments } from '../segments/timeline.js';
import { summarize, type Summary } from './harness.js';
import { duckRows, groveSql } from './query-clients.js';
import type { BenchQuery, Measured } from './query-runs.js';

/** (e)'s pruning check: does Grove read only the segment files a narrow __time range overlaps? */

export interface PruningFigure {
  readonly totalFiles: number;
  /** Visible segment files whose interval overlaps the queried range. */
  readonly overlappingFiles: number;
  /** Files in Grove's scan, inferred from its EXPLAIN scan estimate (null when unreadable). */
  readonly groveFilesRead: number | null;
  readonly groveScanEstimate: number | null;
  readonly duckdbScanEstimateAll: number | null;
  readonly duckdbScanEstimatePruned: number | null;
  /** DuckDB over only the overlapping files. */
  readonly duckdbPrunedMs: Summary;
  /** median Grove / median DuckDB over the overlapping files. */
  readonly ratioVsPruned: number;
  readonly ok: boolean;
}

export interface VisibleFile {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

/** The visible segments' files, straight from the metadata store, as the query path sees them. */
export async function visibleFiles(dataDir: string, ds: string): Promise<VisibleFile[]> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(path.join(dataDir, 'metadata.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM segments WHERE datasource = ? AND used = 1').all(ds) as Parameters<typeof toSegmentRecord>[0][];
    const deep = path.join(dataDir, 'segments');
    return visibleSegments(rows.map(toSegmentRecord)).map((v) => ({
      file: segmentPath(deep, v.segment),
      start: v.segment.interval.start,
      end: v.segment.interval.end,
      bytes: v.segment.size,
    }));
  } finally {
    db.close();
  }
}

/** DuckDB's cardinality estimate of the bottom (scan) operator of an EXPLAIN plan text. */
function scanEstimate(plan: string): number | null {
  const all = [...plan.matchAll(/~([\d,]+) rows/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1].replaceAll(',', '')) : null;
}

/**
 * What Grove's EXPLAIN estimates its scan at, against DuckDB's estimate over the overlapping files
 * and over all files (estimates scale with the files in the scan). `conn` has the views wiki_all
 * and wiki_pruned; `narrowMeasured` holds the narrow query's runs, DuckDB over wiki_pruned among them.
 */
export async function pruningFigure(
  url: string,
  conn: DuckDBConnection,
  narrow: BenchQuery,
  visible: readonly VisibleFile[],
  overlapping: readonly VisibleFile[],
  narrowMeasured: Measured,
): Promise<PruningFigure> {
  const explain = await groveSql(url, `EXPLAIN PLAN FOR ${narrow.druid}`).catch(() => null);
  const groveEstimate = explain ? scanEstimate(String(explain[0]?.[0] ?? '')) : null;
  const planOf = async (from: string): Promise<number | null> =>
    scanEstimate((await duckRows(conn, `EXPLAIN ${narrow.duckdb(from)}`)).map((r) => String(r[1] ?? '')).join('\n'));
  const estAll = await planOf('wiki_all');
  const estPruned = await planOf('wiki_pruned');
  const perFile = estPruned !== null && overlapping.length > 0 ? estPruned / overlapping.length : null;
  const groveFilesRead = groveEstimate !== null && perFile ? Math.round(groveEstimate / perFile) : null;
  const prunedMs = summarize(narrowMeasured.pruned);
  const narrowGrove = summarize(narrowMeasured.grove);
  return {
    totalFiles: visible.length,
    overlappingFiles: overlapping.length,
    groveFilesRead,
    groveScanEstimate: groveEstimate,
    duckdbScanEstimateAll: estAll,
    duckdbScanEstimatePruned: estPruned,
    duckdbPrunedMs: prunedMs,
    ratioVsPruned: narrowGrove.median / prunedMs.median,
    ok: groveFilesRead === overlapping.length && overlapping.length < visible.length,
  };
}
