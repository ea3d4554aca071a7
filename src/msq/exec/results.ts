import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckSession } from '../../ingest/duck.js';
import { quoteIdent, quotePath } from '../../ingest/sql-text.js';
import { convertResult } from '../../query/convert.js';
import type { MsqPlan } from '../types.js';
import { combineSql, describe, filesRelation, needsOrder, ORDER_COLUMNS } from './combine.js';

/**
 * The rows of a SELECT job for the report, read by the controller from the stage-0 files: several
 * workers' partial aggregates are folded by their combine, plain rows are concatenated in worker
 * order. Values come out JSON-ready as Druid's SQL API writes them (timestamps as ISO strings with
 * milliseconds, arrays as JSON text); a long beyond 2^53 becomes its exact decimal string.
 */

function jsonReady(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonReady);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonReady(x)]));
  return v;
}

export async function readResults(plan: MsqPlan, files: string[], maxRows: number): Promise<{ rows: unknown[][]; truncated: boolean; total: number }> {
  if (files.length === 0) return { rows: [], truncated: false, total: 0 };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'grove-msq-results-'));
  const db = await openDuckSession(dir, new AbortController().signal);
  try {
    let relation: string;
    if (files.length === 1) relation = `SELECT * FROM read_parquet(${quotePath(files[0])})`;
    else if (plan.grouped) {
      const from = filesRelation(files, needsOrder(plan));
      relation = combineSql(plan, await describe(db.rows, from, ORDER_COLUMNS), from, '__f, __r');
    } else relation = `SELECT * EXCLUDE (__f, __r) FROM ${filesRelation(files, true)} ORDER BY __f, __r`;
    if (plan.limit !== null) relation = `SELECT * FROM (${relation}) LIMIT ${Math.max(0, Math.floor(plan.limit))}`;
    await db.run(`CREATE TEMP TABLE __results AS ${relation}`);
    const [c] = await db.rows('SELECT count(*) AS n FROM __results');
    const total = Number(c.n);
    const present = await describe(db.rows, '__results');
    // The plan's column order, when the files have exactly its columns.
    const names = plan.columns.map((col) => col.name);
    const select = names.length === present.size && names.every((n) => present.has(n)) ? names.map(quoteIdent).join(', ') : '*';
    const reader = await db.conn.runAndReadAll(`SELECT ${select} FROM __results ORDER BY rowid LIMIT ${Math.max(0, Math.floor(maxRows))}`);
    const { rows } = convertResult(reader, { stringifyArrays: true });
    return { rows: rows.map((r) => r.map(jsonReady)), truncated: total > maxRows, total };
  } finally {
    db.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
