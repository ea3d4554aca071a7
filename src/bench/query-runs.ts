import type { DuckDBConnection } from '@duckdb/node-api';
import { WIKI_START } from './generate.js';
import { fmtMs, measure, summarize, type Summary } from './harness.js';
import { canonical, duckRows, groveSql } from './query-clients.js';

/** The five queries of (e), each run on Grove and on DuckDB, measured and compared. */

export interface BenchQuery {
  readonly name: string;
  /** Druid SQL sent to Grove. */
  readonly druid: string;
  /** The same question for DuckDB over a view named by `from`. */
  readonly duckdb: (from: string) => string;
  /** Set on the query whose __time range prunes segments. */
  readonly interval?: { start: number; end: number };
}

const isoSql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '');

/** The five queries; the narrow one asks for one hour in the middle of the data. */
export function benchQueries(ds: string, days: number): BenchQuery[] {
  const start = WIKI_START + Math.floor(days / 2) * 86_400_000 + 10 * 3_600_000;
  const end = start + 3_600_000;
  const timeWhere = `__time >= TIMESTAMP '${isoSql(start)}' AND __time < TIMESTAMP '${isoSql(end)}'`;
  return [
    { name: 'count', druid: `SELECT COUNT(*) AS "rows" FROM "${ds}"`, duckdb: (t) => `SELECT COUNT(*) AS "rows" FROM ${t}` },
    {
      name: 'group by channel',
      druid: `SELECT channel, COUNT(*) AS edits, SUM(added) AS added FROM "${ds}" GROUP BY channel ORDER BY edits DESC`,
      duckdb: (t) => `SELECT channel, COUNT(*) AS edits, SUM(added) AS added FROM ${t} GROUP BY channel ORDER BY edits DESC`,
    },
    {
      name: 'hourly time series',
      druid: `SELECT TIME_FLOOR(__time, 'PT1H') AS "hour", COUNT(*) AS edits, SUM(delta) AS delta FROM "${ds}" GROUP BY 1 ORDER BY 1`,
      duckdb: (t) => `SELECT date_trunc('hour', __time) AS "hour", COUNT(*) AS edits, SUM(delta) AS delta FROM ${t} GROUP BY 1 ORDER BY 1`,
    },
    {
      name: 'top-10 pages by added',
      druid: `SELECT page, SUM(added) AS added FROM "${ds}" GROUP BY page ORDER BY added DESC LIMIT 10`,
      duckdb: (t) => `SELECT page, SUM(added) AS added FROM ${t} GROUP BY page ORDER BY added DESC LIMIT 10`,
    },
    {
      name: 'count, 1 h of __time',
      druid: `SELECT COUNT(*) AS "rows" FROM "${ds}" WHERE ${timeWhere}`,
      duckdb: (t) => `SELECT COUNT(*) AS "rows" FROM ${t} WHERE ${timeWhere}`,
      interval: { start, end },
    },
  ];
}

export interface QueryFigure {
  readonly name: string;
  readonly druid: string;
  readonly groveMs: Summary;
  readonly duckdbMs: Summary;
  /** median Grove / median DuckDB. */
  readonly ratio: number;
  /** DuckDB with Grove's scan settings (GROVE_SCAN_SETTINGS). */
  readonly duckdbTunedMs: Summary;
  /** median Grove / median tuned DuckDB: what Grove's own path (HTTP, planning, views) adds. */
  readonly ratioVsTuned: number;
  readonly resultRows: number;
  /** Grove's rows equal DuckDB's (as sorted, normalised rows). */
  readonly resultsMatch: boolean;
}

export interface Measured {
  readonly q: BenchQuery;
  readonly grove: number[];
  readonly duck: number[];
  readonly tuned: number[];
  readonly pruned: number[];
  readonly groveRows: unknown[][];
  readonly duckRows: unknown[][];
}

/**
 * Per query: warm-up runs of every side, then `repeat` rounds of one run per side in turn, so a
 * burst of load elsewhere on the machine lands on all sides alike.
 */
export async function runQueries(
  url: string,
  duck: DuckDBConnection,
  tuned: DuckDBConnection,
  queries: readonly BenchQuery[],
  o: { readonly repeat: number; readonly warmup: number },
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const q of queries) {
    const sides: Array<[string, () => Promise<unknown[][]>]> = [
      ['grove', () => groveSql(url, q.druid)],
      ['duck', () => duckRows(duck, q.duckdb('wiki_all'))],
      ['tuned', () => duckRows(tuned, q.duckdb('wiki_all'))],
    ];
    if (q.interval) sides.push(['pruned', () => duckRows(duck, q.duckdb('wiki_pruned'))]);
    const groveRows = await sides[0][1]();
    const duckResult = await sides[1][1]();
    for (let i = 1; i < Math.max(1, o.warmup); i++) for (const [, run] of sides) await run();
    const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
    for (let i = 0; i < o.repeat; i++) {
      for (const [name, run] of sides) samples.get(name)!.push(...(await measure(run, 1)));
    }
    const m: Measured = {
      q,
      grove: samples.get('grove')!,
      duck: samples.get('duck')!,
      tuned: samples.get('tuned')!,
      pruned: samples.get('pruned') ?? [],
      groveRows,
      duckRows: duckResult,
    };
    const g = summarize(m.grove).median;
    const d = summarize(m.duck).median;
    process.stdout.write(`(e) ${q.name}: Grove ${fmtMs(g)}, DuckDB ${fmtMs(d)} (${(g / d).toFixed(2)}x), DuckDB with Grove's cache settings ${fmtMs(summarize(m.tuned).median)}\n`);
    out.push(m);
  }
  return out;
}

/** One figure per measured query: medians, ratios, and whether both sides returned the same rows. */
export function queryFigures(measured: readonly Measured[]): QueryFigure[] {
  return measured.map((m) => {
    const g = summarize(m.grove);
    const d = summarize(m.duck);
    const t = summarize(m.tuned);
    return {
      name: m.q.name,
      druid: m.q.druid,
      groveMs: g,
      duckdbMs: d,
      ratio: g.median / d.median,
      duckdbTunedMs: t,
      ratioVsTuned: g.median / t.median,
      resultRows: m.groveRows.length,
      resultsMatch: canonical(m.groveRows) === canonical(m.duckRows),
    };
  });
}
