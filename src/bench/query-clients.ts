import http from 'node:http';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * The two sides of (e): Grove through POST /druid/v2/sql, and DuckDB in this process over the same
 * Parquet files; and how their result rows are compared.
 */

/**
 * Timed requests go through node:http with a keep-alive agent rather than fetch: undici's fetch adds
 * about a millisecond of client-side work per request, which is not Grove's to count against the
 * in-process baseline. It is still a full HTTP round trip on a TCP connection, body read to the end.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function post(url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const target = new URL(path, url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function groveSql(url: string, query: string): Promise<unknown[][]> {
  const res = await post(url, '/druid/v2/sql', { query, resultFormat: 'array' });
  if (res.status !== 200) throw new Error(`POST /druid/v2/sql: HTTP ${res.status} ${res.text.slice(0, 500)}\n${query}`);
  return JSON.parse(res.text) as unknown[][];
}

export async function groveThreads(url: string): Promise<number | null> {
  try {
    const rows = await groveSql(url, `SELECT current_setting('threads') AS threads`);
    const n = Number(rows[0]?.[0]);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

export async function sysSegmentCount(url: string, ds: string): Promise<number | null> {
  try {
    const rows = await groveSql(url, `SELECT COUNT(*) FROM sys.segments WHERE datasource = '${ds}' AND is_active = 1`);
    return Number(rows[0]?.[0]);
  } catch {
    return null;
  }
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** One value as both sides would agree on it: numbers as numbers, times as epoch ms. */
function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && ISO_TIME.test(v)) return Date.parse(v);
  if (v !== null && typeof v === 'object') {
    const s = String(v);
    const t = Date.parse(`${s.replace(' ', 'T')}Z`);
    if (Number.isFinite(t)) return t;
    return s;
  }
  return v;
}

export const canonical = (rows: readonly (readonly unknown[])[]): string => JSON.stringify(rows.map((r) => JSON.stringify(r.map(normalise))).sort());

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** A DuckDB list literal of the files' paths, for read_parquet. */
export const parquetList = (fs: readonly { file: string }[]): string => `[${fs.map((f) => quote(f.file)).join(', ')}]`;

export async function duckRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJS() as unknown[][];
}

/** What Grove's query engine sets beyond DuckDB's defaults that changes scan speed (src/query/engine.ts). */
export const GROVE_SCAN_SETTINGS = ['SET GLOBAL parquet_metadata_cache = true', "SET GLOBAL validate_external_file_cache = 'NO_VALIDATION'"];

export interface Baseline {
  readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
}

/** An in-memory DuckDB with views wiki_all and wiki_pruned over the given read_parquet lists. */
export async function baselineInstance(threads: number, settings: readonly string[], all: string, pruned: string): Promise<Baseline> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  for (const sql of settings) await conn.run(sql);
  await conn.run(`CREATE VIEW wiki_all AS SELECT * FROM read_parquet(${all})`);
  await conn.run(`CREATE VIEW wiki_pruned AS SELECT * FROM read_parquet(${pruned})`);
  return { instance, conn };
}
