import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { GroveError } from '../core/errors.js';
import type { DuckSession } from '../engine/duck.js';
import type { InputFile } from '../engine/input.js';
import { kindOfDuckType, type DiscoveredField } from './plan.js';
import type { InputFormat } from './spec-types.js';
import { quotePath } from '../engine/sql-text.js';
import { splitDelimited } from '../engine/delimited.js';

/** Finding the input's fields: DuckDB's JSON type detection, or CSV/TSV headers. */

/**
 * JSON fields and their detected types over all files (DuckDB samples the first 20,480 rows of
 * each file, so a field that first appears later is not discovered).
 */
export async function discoverJsonFields(db: DuckSession, files: readonly InputFile[]): Promise<DiscoveredField[]> {
  const list = `[${files.map((f) => quotePath(f.path)).join(', ')}]`;
  try {
    const rows = await db.rows(`DESCRIBE SELECT * FROM read_json(${list}, format='newline_delimited', ignore_errors=true, union_by_name=true, maximum_object_size=67108864)`);
    return rows.map((row) => ({ name: String(row.column_name), kind: kindOfDuckType(String(row.column_type)) }));
  } catch (e) {
    if (e instanceof GroveError && e.code === 'canceled') throw e;
    // Nothing parseable to learn from; every row will be reported unparseable when read.
    return [];
  }
}

/** The first `n` lines of a file, gunzipping `.gz`. */
async function firstLines(path: string, n: number): Promise<string[]> {
  const raw = fs.createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const lines: string[] = [];
  try {
    for await (const line of rl) {
      lines.push(line);
      if (lines.length >= n) break;
    }
  } finally {
    rl.close();
    raw.destroy();
  }
  return lines;
}


/** The column names of one delimited file: from the spec, or from its header row. */
export async function delimitedColumns(file: InputFile, format: Extract<InputFormat, { type: 'csv' | 'tsv' }>): Promise<string[]> {
  if (!format.findColumnsFromHeader) return [...(format.columns ?? [])];
  const lines = await firstLines(file.path, format.skipHeaderRows + 1);
  const header = lines[format.skipHeaderRows];
  if (header === undefined) return [];
  const names = splitDelimited(header.replace(/^\uFEFF/, ''), format.delimiter, format.type === 'csv').map((s) => s.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') throw new GroveError('runtimeFailure', `The header row of [${file.uri ?? 'inline data'}] has an empty column name`);
    if (seen.has(n)) throw new GroveError('runtimeFailure', `The header row of [${file.uri ?? 'inline data'}] has the column [${n}] more than once`);
    seen.add(n);
  }
  return names;
}

/** Union of the columns of every file, in first-seen order; CSV values are strings. */
export async function discoverDelimitedFields(files: readonly InputFile[], format: Extract<InputFormat, { type: 'csv' | 'tsv' }>): Promise<{ fields: DiscoveredField[]; perFile: string[][] }> {
  const perFile: string[][] = [];
  const names: string[] = [];
  for (const f of files) {
    const cols = await delimitedColumns(f, format);
    perFile.push(cols);
    for (const c of cols) if (!names.includes(c)) names.push(c);
  }
  return { fields: names.map((name) => ({ name, kind: 'string' as const })), perFile };
}
