import fs from 'node:fs';
import fsp from 'node:fs/promises';
import zlib from 'node:zlib';

/**
 * A byte-level pass over a newline-delimited JSON file that decides whether DuckDB's `read_json`
 * sees the same records as Grove's line reader (read_csv one line per row, see read-sql.ts), and
 * finds given records' line numbers and text for parse-exception reports.
 *
 * The two readers agree on a file whose every line is either blank to both (empty or only spaces)
 * or one object text: `{` after leading spaces, `}` before trailing spaces. Anything else (a `null`
 * or `[..]` line, a tab-only line, a byte order mark, a JSON value spread over lines) is read
 * differently: read_json skips or accepts it silently where the line reader counts an unparseable
 * row, or the other way round. Line breaks are as read_csv counts them: the first one in the file
 * decides; after a `\n` any `\r` is a break of its own there, so such a file is not plain; after a
 * `\r\n`, `\r\n` and `\n` are each one break and a `\r` elsewhere is not plain. Lines longer than
 * `maxLine` bytes are not plain either (read_csv rejects them; read_json has its own limit).
 *
 * Files DuckDB opens as gzip (`.gz`) are gunzipped here; other compressed files never count as
 * plain (their bytes do not start with `{`).
 */

export interface JsonLinesScan {
  /** Every line blank or one object text, breaks as above: read_json reads the same records. */
  readonly plain: boolean;
  /** Why not plain (for the task log), with the 1-based line number. */
  readonly reason: string | null;
  /** Lines (numbered as read_csv numbers rows) and non-blank lines seen; the whole file's only when plain. */
  readonly lines: number;
  readonly records: number;
  /** For each wanted record number (1-based over non-blank lines): its line number and text. */
  readonly picked: ReadonlyMap<number, { line: number; text: string }>;
}

export interface ScanOptions {
  readonly maxLine: number;
  /** Record numbers whose line to keep; the scan stops after the last. */
  readonly want?: ReadonlySet<number>;
  /** Stop at the first line that is not plain. */
  readonly stopEarly?: boolean;
  readonly signal?: AbortSignal;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const OPEN = 123;
const CLOSE = 125;
const CHUNK = 4 << 20;

/** The file's bytes (gunzipped for `.gz`); a plain file reuses one buffer, so a chunk is only valid until the next. */
async function* chunksOf(file: string): AsyncGenerator<Buffer> {
  if (file.endsWith('.gz')) {
    const raw = fs.createReadStream(file);
    const gunzip = raw.pipe(zlib.createGunzip());
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } finally {
      raw.destroy();
      gunzip.destroy();
    }
    return;
  }
  const fh = await fsp.open(file);
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) return;
      yield bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

export async function scanJsonLines(file: string, opts: ScanOptions): Promise<JsonLinesScan> {
  const want = opts.want ?? new Set<number>();
  const last = want.size === 0 ? 0 : Math.max(...want);
  const picked = new Map<number, { line: number; text: string }>();
  let lines = 0;
  let records = 0;
  let reason: string | null = null;
  let crlf: boolean | null = null; // decided by the first break
  let carry: Buffer | null = null;

  const fail = (why: string, at: number): void => {
    if (reason === null) reason = `line ${at}: ${why}`;
  };
  /** One line, buf[start, end) without its break. */
  const line = (buf: Buffer, start: number, end: number): void => {
    lines++;
    if (end - start + 2 > opts.maxLine) fail('longer than the line limit', lines);
    let s = start;
    while (s < end && buf[s] === SPACE) s++;
    if (s === end) return; // blank to both readers
    let e = end;
    while (e > s && buf[e - 1] === SPACE) e--;
    if (buf[s] !== OPEN || buf[e - 1] !== CLOSE) {
      fail('not one JSON object', lines);
      return;
    }
    records++;
    if (want.has(records)) picked.set(records, { line: lines, text: buf.toString('utf8', start, end) });
  };
  const done = (): boolean => (opts.stopEarly === true && reason !== null) || (last > 0 && records >= last);
  /** Handles every complete line in buf; answers where the unfinished tail starts (-1: stop). */
  const completeLines = (buf: Buffer, from: number): number => {
    let pos = from;
    let cr = buf.indexOf(CR, from);
    for (;;) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) return pos;
      crlf ??= nl > 0 && buf[nl - 1] === CR;
      let end = nl;
      if (cr >= 0 && cr < nl) {
        if (crlf && cr === nl - 1) end = nl - 1;
        else fail('a carriage return outside a CRLF line break, or in a file whose first break is LF', lines + 1);
        cr = buf.indexOf(CR, nl + 1);
      }
      line(buf, pos, end);
      pos = nl + 1;
      if (done()) return -1;
    }
  };

  try {
    for await (const chunk of chunksOf(file)) {
      if (opts.signal?.aborted) break;
      let from = 0;
      if (carry !== null) {
        // The line that crosses chunks: joined on its own, so big chunks are never copied.
        const nl = chunk.indexOf(LF);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk]);
          if (carry.length > opts.maxLine + 2) {
            // Too long for either reader: not plain, and not worth holding in memory.
            fail('longer than the line limit', lines + 1);
            break;
          }
          continue;
        }
        const head = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
        carry = null;
        if (completeLines(head, 0) < 0) break;
        from = nl + 1;
      }
      const tail = completeLines(chunk, from);
      if (tail < 0) break;
      if (tail < chunk.length) carry = Buffer.from(chunk.subarray(tail));
    }
    if (carry !== null && !done()) {
      if (carry.indexOf(CR) >= 0) fail('a carriage return in the last line', lines + 1);
      line(carry, 0, carry.length);
    }
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // Unreadable or not gzip after all: DuckDB will say what is wrong when the line reader opens it.
    fail(`cannot be read: ${e.message}`, lines + 1);
  }
  return { plain: reason === null, reason, lines, records, picked };
}
