import type { InputFile } from '../engine/input.js';
import type { ParseExceptionReport } from './report.js';

/**
 * Druid's parse-exception texts, rebuilt from what the batch table kept about a bad row. The
 * input map prints like Java's Map.toString (`{a=1, b=x}`), as Druid's rawMapToPrint does.
 */

export function javaString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${javaString(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

const MAX_INPUT = 1000;

/** The event map as Druid prints it, from the row's JSON text (or the text itself if not JSON). */
export function rawMapToPrint(raw: string | null): string {
  if (raw === null) return 'null';
  let out: string;
  try {
    out = javaString(JSON.parse(raw));
  } catch {
    out = raw;
  }
  return out.length > MAX_INPUT ? `${out.slice(0, MAX_INPUT)}...` : out;
}

export interface BadRow {
  /** Record number in the file (1-based). */
  readonly record: number;
  readonly line: number;
  /** 0 ok with column errors, 1 unparseable row, 2 bad timestamp, 3 timestamp out of range, 4 rejected by the reader. */
  readonly kind: number;
  readonly raw: string | null;
  readonly tsRaw: string | null;
  readonly ms: number | null;
  readonly errs: string | null;
}

function location(file: InputFile, row: BadRow): string {
  const path = file.uri === null ? '' : `Path: ${file.uri}, `;
  return ` (${path}Record: ${row.record}, Line: ${row.line})`;
}

function timestampText(ms: number | null): string {
  if (ms === null) return 'null';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function parseExceptionOf(file: InputFile, row: BadRow, now: number): ParseExceptionReport {
  const where = location(file, row);
  const map = rawMapToPrint(row.raw);
  switch (row.kind) {
    case 0:
      return { input: map, errorType: 'processedWithError', details: (row.errs ?? '').split('\n'), timeOfExceptionMillis: now };
    case 2:
      return { input: map, errorType: 'unparseable', details: [`Timestamp[${row.tsRaw ?? 'null'}] is unparseable! Event: ${map}${where}`], timeOfExceptionMillis: now };
    case 3:
      return {
        input: map,
        errorType: 'unparseable',
        details: [`Encountered row with timestamp[${timestampText(row.ms)}] that cannot be represented as a long: [${map}]${where}`],
        timeOfExceptionMillis: now,
      };
    default: {
      const text = (row.raw ?? '').length > MAX_INPUT ? `${(row.raw ?? '').slice(0, MAX_INPUT)}...` : (row.raw ?? '');
      return { input: text, errorType: 'unparseable', details: [`Unable to parse row [${text}]${where}`], timeOfExceptionMillis: now };
    }
  }
}
