import fs from 'node:fs';
import { Readable } from 'node:stream';

/**
 * Streams a task log from a byte offset, as Druid's LogUtils.streamFile does (reference §4.5):
 * 0 = whole file, N > 0 = from byte N, N < 0 = the last |N| bytes. Undefined when there is no log.
 */
export function readLog(file: string, offset: number): Readable | undefined {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return undefined;
  }
  const start = offset >= 0 ? Math.min(offset, size) : Math.max(0, size + offset);
  // A running task keeps appending; serve what exists now so the response has a definite end.
  // At or past the end (or an empty log) there is nothing to send: an empty body, as Druid sends.
  if (start >= size) return Readable.from([]);
  return fs.createReadStream(file, { start, end: size - 1 });
}
