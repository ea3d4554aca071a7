import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckSession, type DuckSession } from '../../engine/duck.js';
import { quoteIdent, quotePath } from '../../engine/sql-text.js';
import { convertResult } from '../../query/convert.js';
import { DRUID_MACROS } from '../../engine/druid-macros.js';
import { normalizeZone } from '../../time/zone.js';
import { emptyInputTables } from '../relations.js';
import type { MsqPlan } from '../types.js';
import { combineSql, describe, filesRelation, needsOrder, ORDER_COLUMNS } from './combine.js';

/**
 * The rows of a SELECT job, read by the controller from the stage-0 files: several workers'
 * partial aggregates are folded by their combine, plain rows are concatenated in worker order.
 * Values come out JSON-ready as Druid's SQL API writes them (timestamps as ISO strings with
 * milliseconds, arrays as JSON text); a long beyond 2^53 becomes its exact decimal string.
 *
 * All rows go to result pages on disk (one JSON array per line, `rowsPerPage` lines a page) for the
 * statements API; the first `reportLimit` also go in the task report, as Druid's report has them.
 */

export interface ResultPage {
  readonly id: number;
  readonly numRows: number;
  readonly sizeInBytes: number;
  /** File name inside the results directory. */
  readonly file: string;
}

export interface CollectedResults {
  /** The first `reportLimit` rows. */
  readonly rows: unknown[][];
  readonly truncated: boolean;
  readonly total: number;
  readonly pages: ResultPage[];
}

export interface CollectOptions {
  readonly reportLimit: number;
  /** Where pages are written; none are written without it. */
  readonly pagesDir?: string;
  readonly rowsPerPage: number;
}

function jsonReady(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonReady);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonReady(x)]));
  return v;
}

/** The relation holding every result row, in order. */
async function resultRelation(db: DuckSession, plan: MsqPlan, files: readonly string[]): Promise<string> {
  if (files.length === 0) {
    // No worker produced a row: the statement over empty inputs still has an answer (COUNT(*) is 0).
    await db.run('SET integer_division = true');
    for (const macro of DRUID_MACROS) await db.run(macro);
    for (const statement of emptyInputTables(plan.inputs)) await db.run(statement);
    return plan.stage0Sql;
  }
  if (files.length === 1) return `SELECT * FROM read_parquet(${quotePath(files[0])})`;
  if (plan.grouped) {
    const from = filesRelation(files, needsOrder(plan));
    return combineSql(plan, await describe(db.rows, from, ORDER_COLUMNS), from, '__f, __r');
  }
  return `SELECT * EXCLUDE (__f, __r) FROM ${filesRelation(files, true)} ORDER BY __f, __r`;
}

/** Rows `offset`.. of __results in insertion order (the session preserves it; no sort needed). */
async function readRows(db: DuckSession, select: string, limit: number, offset: number, timeZone: string, stringifyArrays: boolean): Promise<unknown[][]> {
  const reader = await db.conn.runAndReadAll(`SELECT ${select} FROM __results LIMIT ${limit} OFFSET ${offset}`);
  return convertResult(reader, { stringifyArrays, timeZone }).rows.map((r) => r.map(jsonReady) as unknown[]);
}

export async function collectResults(plan: MsqPlan, files: readonly string[], options: CollectOptions): Promise<CollectedResults> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'grove-msq-results-'));
  const db = await openDuckSession(dir, new AbortController().signal);
  try {
    let relation = await resultRelation(db, plan, files);
    if (plan.limit !== null) relation = `SELECT * FROM (${relation}) LIMIT ${Math.max(0, Math.floor(plan.limit))}`;
    await db.run(`CREATE TEMP TABLE __results AS ${relation}`);
    const [c] = await db.rows('SELECT count(*) AS n FROM __results');
    const total = Number(c.n);
    const present = await describe(db.rows, '__results');
    // The plan's column order, when the files have exactly its columns.
    const names = plan.columns.map((col) => col.name);
    const select = names.length === present.size && names.every((n) => present.has(n)) ? names.map(quoteIdent).join(', ') : '*';
    const reportLimit = Math.max(0, Math.floor(options.reportLimit));
    // Timestamps are written in the statement's sqlTimeZone, as Druid's sqlResultsContext has it.
    const zone = normalizeZone(plan.context.sqlTimeZone, 'sqlTimeZone');
    // Druid writes arrays as JSON text unless told otherwise (sqlStringifyArrays=false).
    const stringify = plan.context.sqlStringifyArrays !== false;
    const pages: ResultPage[] = [];
    if (options.pagesDir === undefined) {
      return { rows: await readRows(db, select, reportLimit, 0, zone, stringify), truncated: total > reportLimit, total, pages };
    }
    // Each row is read and converted once: the report's rows are the first rows of the pages.
    const rows: unknown[][] = [];
    await fs.mkdir(options.pagesDir, { recursive: true });
    const perPage = Math.max(1, Math.floor(options.rowsPerPage));
    for (let offset = 0, id = 0; offset < total; offset += perPage, id++) {
      const page = await readRows(db, select, perPage, offset, zone, stringify);
      if (rows.length < reportLimit) rows.push(...page.slice(0, reportLimit - rows.length));
      const body = page.map((r) => JSON.stringify(r)).join('\n') + '\n';
      const file = `page-${id}.jsonl`;
      await fs.writeFile(path.join(options.pagesDir, file), body);
      pages.push({ id, numRows: page.length, sizeInBytes: Buffer.byteLength(body), file });
    }
    return { rows, truncated: total > reportLimit, total, pages };
  } finally {
    db.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
