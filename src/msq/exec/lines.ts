import fs from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * Line-level facts about an input file, measured in JS while DuckDB parses the same file on its own
 * threads. DuckDB's newline-delimited JSON reader skips blank lines and reads a `null` line as a row
 * of nulls, where Druid reports each as CannotParseExternalData: a file whose every line starts with
 * `{` is one the strict read takes exactly as Druid would; any other sends it line by line.
 */

export interface LineCounts {
  /** Physical lines; a last line without a newline counts, the empty string after a final newline does not. */
  readonly lines: number;
  /** Lines that are blank or whose first non-blank byte is not `{` (null, arrays, a byte order mark...). */
  readonly irregular: number;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const OPEN = 0x7b;
const isSpace = (b: number): boolean => b === SPACE || b === TAB || b === CR;

/** A stream of the file's decompressed bytes, or null when the compression is one JS cannot read. */
export function openDecompressed(file: string, signal: AbortSignal): Readable | null {
  const lower = file.toLowerCase();
  if (/\.(zst|zstd|bz2|xz|sz|snappy|lz4)$/.test(lower)) return null;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20, signal });
  if (!lower.endsWith('.gz')) return raw;
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  signal.addEventListener('abort', () => gunzip.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
  return raw.pipe(gunzip);
}

/** Counts lines and irregular lines over the chunks of a file, fed in order. */
class LineCounter {
  lines = 0;
  irregular = 0;
  // State of the line in progress: any byte seen yet, and its first non-blank byte (-1: none yet).
  private started = false;
  private first = -1;

  feed(chunk: Buffer): void {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (end > pos) this.started = true;
      // Almost every line starts with `{`, so this loop usually looks at one byte.
      for (let i = pos; this.first < 0 && i < end; i++) if (!isSpace(chunk[i])) this.first = chunk[i];
      if (nl < 0) return;
      this.end();
      pos = nl + 1;
    }
  }

  end(): void {
    this.lines++;
    if (this.first !== OPEN) this.irregular++;
    this.started = false;
    this.first = -1;
  }

  finish(): LineCounts {
    if (this.started) this.end();
    return { lines: this.lines, irregular: this.irregular };
  }
}

/** Bytes read per call for plain files: one reused buffer costs half a stream's allocations. */
const READ_SIZE = 4 << 20;

export async function countLines(file: string, signal: AbortSignal): Promise<LineCounts | null> {
  const counter = new LineCounter();
  if (/\.(gz|zst|zstd|bz2|xz|sz|snappy|lz4)$/i.test(file)) {
    const stream = openDecompressed(file, signal);
    if (stream === null) return null;
    for await (const chunk of stream as AsyncIterable<Buffer>) counter.feed(chunk);
    return counter.finish();
  }
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      const { bytesRead } = await fd.read(buf, 0, READ_SIZE, null);
      if (bytesRead === 0) break;
      counter.feed(bytesRead === READ_SIZE ? buf : buf.subarray(0, bytesRead));
    }
  } finally {
    await fd.close();
  }
  return counter.finish();
}

/** The first `n` lines of the file (for CSV headers), without reading the rest. */
export async function readLeadingLines(file: string, n: number, signal: AbortSignal): Promise<string[]> {
  const stream = openDecompressed(file, signal);
  if (stream === null) throw new Error(`cannot read the header of [${file}]: unsupported compression`);
  const parts: Buffer[] = [];
  let newlines = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      for (let i = chunk.indexOf(LF); i >= 0 && newlines < n; i = chunk.indexOf(LF, i + 1)) newlines++;
      if (newlines >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).toString('utf8').split('\n').slice(0, n).map((l) => l.replace(/\r$/, ''));
}

