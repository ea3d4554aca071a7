import type { DuckSession } from '../../engine/duck.js';
import { quoteIdent, quotePath, quoteString } from '../../engine/sql-text.js';
import type { ExternInput } from '../types.js';
import { cannotParseFault, FaultError } from '../faults.js';
import type { Consume, FetchedSplit, SplitOutcome } from './split.js';
import { splitDelimited } from '../../engine/delimited.js';
import { countLines, readLeadingLines } from './lines.js';

/**
 * Reading one fetched split as a relation typed by the EXTERN signature, and handing it to
 * `consume` (which appends what the stage's SQL makes of it). JSON first tries DuckDB's strict
 * newline-delimited reader, inside a transaction, while JS counts the file's lines; only when that
 * read fails or some line is not an object (blank, null...) does the line-by-line path run, which finds each
 * unparseable line and its number. CSV and TSV go through read_csv with a rejects table.
 */

/** How many parse warnings a split keeps with their text (all are counted). */
export const KEPT_WARNINGS = 10;
const MAX_LINE = 64 * 1024 * 1024;

const DUCK_TYPE: Record<string, string> = { string: 'VARCHAR', long: 'BIGINT', double: 'DOUBLE', float: 'FLOAT' };
export const duckTypeOf = (t: string): string => DUCK_TYPE[t.toLowerCase()] ?? 'VARCHAR';

export async function readSplit(db: DuckSession, input: ExternInput, file: FetchedSplit, tag: string, signal: AbortSignal, consume: Consume): Promise<SplitOutcome> {
  const type = String(input.inputFormat.type ?? '').toLowerCase();
  if (type === 'json') return readJson(db, input, file, tag, signal, consume);
  if (type === 'csv' || type === 'tsv') return readDelimited(db, input, file, tag, signal, consume, type);
  throw new Error(`input format [${type}] is not supported; use json, csv or tsv`);
}

async function readJson(db: DuckSession, input: ExternInput, file: FetchedSplit, tag: string, signal: AbortSignal, consume: Consume): Promise<SplitOutcome> {
  const columns = input.signature.map((c) => `${quoteString(c.name)}: ${quoteString(duckTypeOf(c.type))}`).join(', ');
  const strict = `SELECT * FROM read_json(${quotePath(file.path)}, format='newline_delimited', records=true, columns={${columns}}, compression='auto_detect', maximum_object_size=${MAX_LINE})`;
  const counting = countLines(file.path, signal);
  // Keep a rejection from surfacing unhandled while DuckDB still runs.
  counting.catch(() => undefined);
  // The strict read appends inside a transaction: kept only if the line counts agree with it.
  await db.run('BEGIN TRANSACTION');
  let strictOk = true;
  try {
    await consume(strict);
  } catch (e) {
    // A fault of the statement itself (too many columns...) would only recur line by line.
    if (signal.aborted || e instanceof FaultError) {
      await counting.catch(() => undefined);
      throw e;
    }
    strictOk = false;
  }
  const counts = await counting;
  if (strictOk && counts !== null && counts.irregular === 0) {
    await db.run('COMMIT');
    return { rows: counts.lines, warningCount: 0, warnings: [] };
  }
  await db.run('ROLLBACK');
  return readJsonLines(db, input, file, tag, consume);
}

async function readJsonLines(db: DuckSession, input: ExternInput, file: FetchedSplit, tag: string, consume: Consume): Promise<SplitOutcome> {
  const lines = `__lines_${tag}`;
  // One VARCHAR per physical line (blank lines kept, so rowid + 1 is the line number).
  await db.run(`CREATE OR REPLACE TEMP TABLE ${lines} AS SELECT j FROM read_csv(${quotePath(file.path)}, columns={'j': 'VARCHAR'}, header=false, delim=E'\\x01', quote='', escape='', auto_detect=false, compression='auto', max_line_size=${MAX_LINE})`);
  try {
    // An object after optional blanks (Jackson skips spaces, tabs and CRs): `null`, arrays and
    // scalars are valid JSON but not rows.
    const ok = `(j IS NOT NULL AND json_valid(j) AND starts_with(ltrim(j, ' ' || chr(9) || chr(13)), '{'))`;
    const [c] = await db.rows(`SELECT count(*) FILTER (WHERE ${ok}) AS good, count(*) FILTER (WHERE NOT ${ok}) AS bad FROM ${lines}`);
    const bad = await db.rows(`SELECT rowid + 1 AS n, j FROM ${lines} WHERE NOT ${ok} ORDER BY rowid LIMIT ${KEPT_WARNINGS}`);
    const struct = JSON.stringify(Object.fromEntries(input.signature.map((s) => [s.name, duckTypeOf(s.type)])));
    const pick = input.signature.map((s) => `struct_extract(__s, ${quoteString(s.name)}) AS ${quoteIdent(s.name)}`).join(', ');
    // json_transform (not _strict) turns values of the wrong type into NULL instead of failing.
    await consume(`SELECT ${pick} FROM (SELECT json_transform(j, ${quoteString(struct)}) AS __s FROM ${lines} WHERE ${ok})`);
    return {
      rows: Number(c.good),
      warningCount: Number(c.bad),
      warnings: bad.map((r) => cannotParseFault(r.j === null ? '' : String(r.j).replace(/\r$/, ''), file.displayUri, Number(r.n), Number(r.n))),
    };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${lines}`);
  }
}

async function delimitedColumns(input: ExternInput, file: FetchedSplit, skip: number, delimiter: string, signal: AbortSignal): Promise<string[]> {
  const fmt = input.inputFormat;
  if (fmt.findColumnsFromHeader === true) {
    const header = (await readLeadingLines(file.path, skip + 1, signal))[skip];
    return header === undefined ? [] : splitDelimited(header, delimiter, fmt.type === 'csv');
  }
  const declared = Array.isArray(fmt.columns) ? fmt.columns.filter((c): c is string => typeof c === 'string') : [];
  return declared.length > 0 ? declared : input.signature.map((s) => s.name);
}

async function readDelimited(db: DuckSession, input: ExternInput, file: FetchedSplit, tag: string, signal: AbortSignal, consume: Consume, type: 'csv' | 'tsv'): Promise<SplitOutcome> {
  const fmt = input.inputFormat;
  const delimiter = typeof fmt.delimiter === 'string' && fmt.delimiter !== '' ? fmt.delimiter : type === 'csv' ? ',' : '\t';
  const skipRows = typeof fmt.skipHeaderRows === 'number' ? fmt.skipHeaderRows : fmt.skipHeaderRows === true ? 1 : 0;
  const header = fmt.findColumnsFromHeader === true ? 1 : 0;
  const names = await delimitedColumns(input, file, skipRows, delimiter, signal);
  if (names.length === 0) return { rows: 0, warningCount: 0, warnings: [] };
  const table = `__csv_${tag}`;
  const rejects = `__rej_${tag}`;
  const spec = names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const quote = type === 'csv' ? `quote='"', escape='"'` : `quote='', escape=''`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_csv(${quotePath(file.path)}, columns={${spec}}, header=false, skip=${skipRows + header},
    delim=${quoteString(delimiter)}, ${quote}, null_padding=true, auto_detect=false, strict_mode=false, compression='auto', max_line_size=${MAX_LINE},
    ignore_errors=true, store_rejects=true, rejects_table=${quoteString(rejects)}, rejects_scan=${quoteString(`${rejects}_scan`)})`);
  try {
    const index = new Map(names.map((n, i) => [n, `c${i}`]));
    const pick = input.signature.map((s) => {
      const t = duckTypeOf(s.type);
      const col = index.get(s.name);
      const v = col === undefined ? 'NULL' : t === 'VARCHAR' ? col : `TRY_CAST(trim(${col}) AS ${t})`;
      return `CAST(${v} AS ${t}) AS ${quoteIdent(s.name)}`;
    });
    const [c] = await db.rows(`SELECT (SELECT count(*) FROM ${table}) AS good, (SELECT count(*) FROM ${rejects}) AS bad`);
    const bad = await db.rows(`SELECT line, csv_line FROM ${rejects} ORDER BY line LIMIT ${KEPT_WARNINGS}`);
    await consume(`SELECT ${pick.join(', ')} FROM ${table}`);
    const skipped = skipRows + header;
    return {
      rows: Number(c.good),
      warningCount: Number(c.bad),
      warnings: bad.map((r) => {
        const line = Number(r.line);
        return cannotParseFault(String(r.csv_line ?? '').replace(/\r?\n$/, ''), file.displayUri, Math.max(1, line - skipped), line);
      }),
    };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${rejects}_scan`);
  }
}
