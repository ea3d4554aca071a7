import type { DuckSession } from './duck.js';
import { parseExceptionOf, type BadRow } from './events.js';
import type { InputFile } from './input.js';
import type { RowPlan } from './plan.js';
import { batchSql } from './read-sql.js';
import type { ParseExceptionReport, RowStats } from './report.js';
import type { IndexTask } from './spec-types.js';
import { quoteIdent } from './sql-text.js';
import { floorTimestampSql } from '../time/sql.js';

/**
 * Reads one input file: DuckDB parses it into a batch table, SQL aggregates count what happened to
 * every record, the kept rows are appended to the task's row table, and the most recent bad rows
 * become Druid parse-exception reports.
 */

export interface BatchResult {
  readonly stats: RowStats;
  /** Newest first, at most `keepEvents`. */
  readonly events: ParseExceptionReport[];
}

export const ROWS_TABLE = 'rows';

export async function createRowsTable(db: DuckSession, plan: RowPlan): Promise<void> {
  const cols = ['__time TIMESTAMP', ...plan.dimensions.map((d) => `${d.alias} ${d.duckType}`), ...plan.metrics.filter((m) => m.spec.fieldName !== null).map((m) => `${m.alias} ${m.duckType}`)];
  await db.run(`CREATE OR REPLACE TABLE ${ROWS_TABLE} (${cols.join(', ')})`);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function readFile(db: DuckSession, task: IndexTask, plan: RowPlan, file: InputFile, columns: readonly string[], index: number, keepEvents: number): Promise<BatchResult> {
  if (task.spec.ioConfig.inputFormat.type !== 'json' && columns.length === 0) {
    // A delimited file without even a header row has nothing to read.
    return { stats: { processed: 0, processedBytes: file.size, processedWithError: 0, thrownAway: 0, unparseable: 0 }, events: [] };
  }
  const table = `batch_${index}`;
  const rejects = `rejects_${index}`;
  await db.run(batchSql(task, plan, { file, table, rejectsTable: rejects, columns }));
  const [c] = await db.rows(`SELECT
      count(*) FILTER (WHERE __kind BETWEEN 1 AND 4) AS unparseable,
      count(*) FILTER (WHERE __kind = 0 AND NOT __keep) AS thrown_away,
      count(*) FILTER (WHERE __keep AND __errs IS NULL) AS processed,
      count(*) FILTER (WHERE __keep AND __errs IS NOT NULL) AS with_error
    FROM ${quoteIdent(table)}`);
  const [rej] = await db.rows(`SELECT count(*) AS n FROM ${quoteIdent(rejects)}`);
  const stats: RowStats = {
    processed: num(c.processed),
    processedBytes: file.size,
    processedWithError: num(c.with_error),
    thrownAway: num(c.thrown_away),
    unparseable: num(c.unparseable) + num(rej.n),
  };

  const events: ParseExceptionReport[] = [];
  if (keepEvents > 0 && stats.unparseable + stats.processedWithError > 0) {
    const fmt = task.spec.ioConfig.inputFormat;
    const lineOffset = fmt.type === 'json' ? 0 : fmt.skipHeaderRows + (fmt.findColumnsFromHeader ? 1 : 0);
    // The batch table keeps the file's order, so rowid + 1 is the record number.
    const bad = await db.rows(`SELECT rowid + 1 AS __n, __kind, __raw, __tsraw, __ms, __errs FROM ${quoteIdent(table)}
      WHERE __kind BETWEEN 1 AND 4 OR (__keep AND __errs IS NOT NULL) ORDER BY rowid DESC LIMIT ${keepEvents}`);
    const rejected = await db.rows(`SELECT line, csv_line FROM ${quoteIdent(rejects)} ORDER BY line DESC LIMIT ${keepEvents}`);
    const rows: BadRow[] = [
      ...bad.map((r) => ({
        record: num(r.__n),
        line: num(r.__n) + lineOffset,
        kind: num(r.__kind),
        raw: strOrNull(r.__raw),
        tsRaw: strOrNull(r.__tsraw),
        ms: numOrNull(r.__ms),
        errs: strOrNull(r.__errs),
      })),
      ...rejected.map((r) => ({ record: num(r.line), line: num(r.line), kind: 4, raw: strOrNull(r.csv_line)?.replace(/\r?\n$/, '') ?? null, tsRaw: null, ms: null, errs: null })),
    ];
    rows.sort((a, b) => b.line - a.line);
    const now = Date.now();
    events.push(...rows.slice(0, keepEvents).map((r) => parseExceptionOf(file, r, now)));
  }

  const gran = task.spec.dataSchema.granularitySpec.queryGranularity;
  const outCols = [...plan.dimensions.map((d) => d.alias), ...plan.metrics.filter((m) => m.spec.fieldName !== null).map((m) => m.alias)];
  await db.run(`INSERT INTO ${ROWS_TABLE} SELECT ${[floorTimestampSql('epoch_ms(__ms)', gran), ...outCols].join(', ')} FROM ${quoteIdent(table)} WHERE __keep`);
  await db.run(`DROP TABLE ${quoteIdent(table)}; DROP TABLE IF EXISTS ${quoteIdent(rejects)}; DROP TABLE IF EXISTS ${quoteIdent(`${rejects}_scan`)}`);
  return { stats, events };
}
