import { fmtMs, table } from './harness.js';
import type { QueryBenchResult } from './query-bench.js';
import { GROVE_SCAN_SETTINGS } from './query-clients.js';

/** (e)'s results as text: its own table of queries, and its rows of the closing summary table. */

/** The part's own table: one line per query. */
export function queryTable(e: QueryBenchResult): string {
  const rows = e.queries.map((q) => [
    q.name,
    fmtMs(q.groveMs.median),
    fmtMs(q.groveMs.p90),
    fmtMs(q.duckdbMs.median),
    fmtMs(q.duckdbMs.p90),
    `${q.ratio.toFixed(2)}x`,
    fmtMs(q.duckdbTunedMs.median),
    `${q.ratioVsTuned.toFixed(2)}x`,
    `${q.resultRows}${q.resultsMatch ? '' : ' MISMATCH'}`,
  ]);
  const p = e.pruning;
  rows.push([
    `  same, DuckDB over only the ${p.overlappingFiles} overlapping file(s)`,
    '',
    '',
    fmtMs(p.duckdbPrunedMs.median),
    fmtMs(p.duckdbPrunedMs.p90),
    `${p.ratioVsPruned.toFixed(2)}x`,
    '',
    '',
    '',
  ]);
  const head = [`query, ${e.rows} rows in ${e.segmentFiles} segments`, 'Grove p50', 'Grove p90', 'DuckDB p50', 'DuckDB p90', 'ratio', 'DuckDB+cache p50', 'ratio', 'rows'];
  const legend = [
    'Grove: POST /druid/v2/sql over HTTP, end to end. DuckDB: the same question in this process over read_parquet of the',
    'visible segment files, default settings (the baseline; target ratio <= 1.2x). DuckDB+cache: the same with Grove\'s',
    `scan settings (${GROVE_SCAN_SETTINGS.join('; ')}), so its ratio is what Grove's own path adds.`,
    `ratio = p50 / p50; ${e.threads.duckdb} DuckDB threads on every side; rows = result rows (MISMATCH if Grove's differ from DuckDB's).`,
  ];
  return `${table(head, rows)}\n${legend.join('\n')}`;
}

/** Rows of the closing summary table. */
export function queryRows(e: QueryBenchResult): string[][] {
  const rows: string[][] = [];
  const ing = e.ingestion;
  rows.push(['e', `ingestion of ${e.rows} rows (${ing.method})${ing.cached ? `, cached from ${ing.ingestedAt}` : ''}`, fmtMs(ing.ms)]);
  rows.push(['e', `visible segment files (sys.segments active: ${e.sysSegments ?? '?'}), DuckDB threads Grove ${e.threads.grove ?? '?'} / bench ${e.threads.duckdb}`, String(e.segmentFiles)]);
  for (const q of e.queries) {
    rows.push(['e', `${q.name}: Grove ${fmtMs(q.groveMs.median)} vs DuckDB ${fmtMs(q.duckdbMs.median)}${q.resultsMatch ? '' : ' (RESULTS DIFFER)'} (target <= 1.2x)`, `${q.ratio.toFixed(2)}x`]);
  }
  const p = e.pruning;
  rows.push([
    'e',
    `pruning: files Grove read for 1 h of __time, of ${p.totalFiles} (EXPLAIN scan ~${p.groveScanEstimate ?? '?'} rows; DuckDB ~${p.duckdbScanEstimatePruned ?? '?'} over ${p.overlappingFiles}, ~${p.duckdbScanEstimateAll ?? '?'} over all)${p.ok ? '' : ' NOT PRUNED'}`,
    `${p.groveFilesRead ?? '?'} / ${p.totalFiles}`,
  ]);
  rows.push(['e', `  narrow query, ratio Grove / DuckDB over only the pruned file(s)`, `${p.ratioVsPruned.toFixed(2)}x`]);
  const s = e.stop;
  if ('skipped' in s) rows.push(['e', `stop latency: ${s.skipped}`, '-']);
  else {
    rows.push(['e', `stop latency, POST .../statements/{id}/stop, median of ${s.stopMs.n} (${s.partial}/${s.stopMs.n} isPartial)`, fmtMs(s.stopMs.median)]);
    rows.push(['e', '  stop latency max', fmtMs(s.stopMs.max)]);
    if (s.problems.length > 0) rows.push(['e', `  problems: ${s.problems.slice(0, 3).join('; ')}`, String(s.problems.length)]);
  }
  return rows;
}
