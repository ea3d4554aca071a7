/**
 * The only ways user text enters SQL in ingestion: as a quoted identifier or a quoted string
 * literal. DuckDB identifiers double their `"`, strings double their `'`; a NUL byte can end a C
 * string early, so it is refused outright.
 */

function checkNul(s: string): string {
  if (s.includes('\u0000')) throw new Error('text with a NUL character cannot be used in SQL');
  return s;
}

export function quoteIdent(name: string): string {
  return `"${checkNul(name).replace(/"/g, '""')}"`;
}

export function quoteString(value: string): string {
  return `'${checkNul(value).replace(/'/g, "''")}'`;
}

/** A file path as a string literal for read_csv/COPY. */
export const quotePath = quoteString;

/** An integer for SQL text, refusing anything that is not one (defence against NaN or floats). */
export function sqlInt(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

/** A finite double literal. */
export function sqlDouble(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return `CAST(${JSON.stringify(n)} AS DOUBLE)`;
}
