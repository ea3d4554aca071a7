import type { DuckSession } from '../engine/duck.js';
import { parseExceptionOf, type BadRow } from './events.js';
import type { InputFile } from '../engine/input.js';
import { scanJsonLines } from './json-scan.js';
import type { RowPlan } from './plan.js';
import { batchSql, doubleCastText, jsonRecordsUnsupported, MAX_LINE } from './read-sql.js';
import type { ParseExceptionReport, RowStats } from './report.js';
import type { IndexTask } from './spec-types.js';
import { quoteIdent } from '../engine/sql-text.js';
import { GroveError } from '../core/errors.js';
import { floorTimestampSql } from '../time/sql.js';

/**
 * Reads one input file: DuckDB parses it into a batch table, SQL aggregates count what happened to
 * every record, the kept rows are appended to the task's row table, and the most recent bad rows
 * become Druid parse-exception reports.
 *
 * A JSON file is first read whole by read_json (one parse per record), while json-scan.ts checks
 * in Node that every line is blank or one object, i.e. that the line reader would see the same
 * records. If read_json fails (a line that is not JSON, a duplicate key...), the scan finds a
 * line the two readers treat differently, or a string value the two would write differently
 * reaches a transform or the filter, the attempt is dropped and the file is read line by line,
 * which keeps and counts bad lines. Both give the same counters, parse exceptions and rows, except
 * the text of a stored string dimension holding a tiny or huge JSON double (see jsonRecordsSource).
 */

export interface BatchResult {
  readonly stats: RowStats;
  /** Newest first, at most `keepEvents`. */
  readonly events: ParseExceptionReport[];
  /** How the file was read: JSON records by read_json, JSON line by line, or CSV/TSV. */
  readonly reader: 'json records' | 'json lines' | 'delimited';
  /** Why a JSON file was read line by line (null if it was not, or if told to). */
  readonly fallback: string | null;
}

export interface ReadOptions {
  /** `lines` reads JSON line by line without trying read_json first (tests compare the two). */
  readonly jsonReader?: 'auto' | 'lines';
}

export const ROWS_TABLE = 'rows';

export async function createRowsTable(db: DuckSession, plan: RowPlan): Promise<void> {
  const cols = ['__time TIMESTAMP', ...plan.dimensions.map((d) => `${d.alias} ${d.duckType}`), ...plan.metrics.filter((m) => m.spec.fieldName !== null).map((m) => `${m.alias} ${m.duckType}`)];
  await db.run(`CREATE OR REPLACE TABLE ${ROWS_TABLE} (${cols.join(', ')})`);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const canceled = (e: unknown): boolean => e instanceof GroveError && e.code === 'canceled';

/**
 * Builds the batch table from read_json; answers null on success, else why the file must be read
 * line by line (the table is then gone).
 */
async function tryJsonRecords(db: DuckSession, task: IndexTask, plan: RowPlan, file: InputFile, table: string): Promise<string | null> {
  const unsupported = jsonRecordsUnsupported(plan);
  if (unsupported !== null) return unsupported;
  const stop = new AbortController();
  const scanning = scanJsonLines(file.path, { maxLine: MAX_LINE, stopEarly: true, signal: stop.signal });
  let failure: unknown = null;
  try {
    await db.run(batchSql(task, plan, { file, table, rejectsTable: '', columns: [], jsonRecords: true }));
  } catch (e) {
    failure = e;
    stop.abort();
  }
  const scan = await scanning;
  if (failure !== null) {
    if (canceled(failure)) throw failure;
    return `read_json failed: ${failure instanceof Error ? failure.message : String(failure)}`;
  }
  let why: string | null = scan.plain ? null : `not one JSON object per line (${scan.reason})`;
  if (why === null) {
    const [c] = await db.rows(`SELECT count(*) AS n FROM ${quoteIdent(table)} WHERE __alt OR (__kind = 2 AND ${doubleCastText('__tsraw')})`);
    if (num(c.n) > 0) why = `${num(c.n)} row(s) hold a number read_json writes differently (exponent form) where its text is used`;
  }
  if (why !== null) await db.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
  return why;
}

export async function readFile(db: DuckSession, task: IndexTask, plan: RowPlan, file: InputFile, columns: readonly string[], index: number, keepEvents: number, opts: ReadOptions = {}): Promise<BatchResult> {
  const json = task.spec.ioConfig.inputFormat.type === 'json';
  if (!json && columns.length === 0) {
    // A delimited file without even a header row has nothing to read.
    return { stats: { processed: 0, processedBytes: file.size, processedWithError: 0, thrownAway: 0, unparseable: 0 }, events: [], reader: 'delimited', fallback: null };
  }
  const table = `batch_${index}`;
  const rejects = `rejects_${index}`;
  let fallback: string | null = null;
  if (json && opts.jsonReader !== 'lines') fallback = await tryJsonRecords(db, task, plan, file, table);
  const records = json && opts.jsonReader !== 'lines' && fallback === null;
  if (!records) await db.run(batchSql(task, plan, { file, table, rejectsTable: rejects, columns }));
  const [c] = await db.rows(`SELECT
      count(*) FILTER (WHERE __kind BETWEEN 1 AND 4) AS unparseable,
      count(*) FILTER (WHERE __kind = 0 AND NOT __keep) AS thrown_away,
      count(*) FILTER (WHERE __keep AND __errs IS NULL) AS processed,
      count(*) FILTER (WHERE __keep AND __errs IS NOT NULL) AS with_error
    FROM ${quoteIdent(table)}`);
  const [rej] = records ? [{ n: 0 }] : await db.rows(`SELECT count(*) AS n FROM ${quoteIdent(rejects)}`);
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
    const rejected = records ? [] : await db.rows(`SELECT line, csv_line FROM ${quoteIdent(rejects)} ORDER BY line DESC LIMIT ${keepEvents}`);
    // read_json numbers non-blank lines only and keeps no text: the scan finds each one's line.
    const lines = records ? (await scanJsonLines(file.path, { maxLine: MAX_LINE, want: new Set(bad.map((r) => num(r.__n))) })).picked : null;
    const rows: BadRow[] = [
      ...bad.map((r) => {
        const n = lines?.get(num(r.__n))?.line ?? num(r.__n);
        return {
          record: n,
          line: n + lineOffset,
          kind: num(r.__kind),
          raw: lines === null ? strOrNull(r.__raw) : (lines.get(num(r.__n))?.text ?? null),
          tsRaw: strOrNull(r.__tsraw),
          ms: numOrNull(r.__ms),
          errs: strOrNull(r.__errs),
        };
      }),
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
  return { stats, events, reader: json ? (records ? 'json records' : 'json lines') : 'delimited', fallback };
}
