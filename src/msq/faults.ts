import { GroveError } from '../core/errors.js';
import type { MsqFault } from './types.js';

/**
 * MSQ faults (reference §3.1): the errors a controller or worker reports, with Druid's codes and
 * wording. Extra fields sit next to errorMessage, as in Druid's fault classes.
 */

/** A failure that carries its fault, and the parse warnings collected before it. */
export class FaultError extends Error {
  readonly fault: MsqFault;
  readonly warnings: readonly MsqFault[];

  constructor(fault: MsqFault, options: { cause?: unknown; warnings?: readonly MsqFault[] } = {}) {
    super(faultMessage(fault), { cause: options.cause });
    this.name = 'FaultError';
    this.fault = fault;
    this.warnings = options.warnings ?? [];
  }
}

export const CANCELED: MsqFault = { errorCode: 'Canceled', errorMessage: 'Query canceled by user or by task shutdown.' };

/** The task's errorMsg for a fault, as Druid words it: `<code>: <message>`. */
export function faultMessage(f: MsqFault): string {
  return `${f.errorCode}: ${f.errorMessage}`;
}

/** Maps anything thrown inside a controller or worker to the fault the report shows. */
export function faultOf(e: unknown, signal?: AbortSignal): MsqFault {
  if (signal?.aborted) return CANCELED;
  if (e !== null && typeof e === 'object' && 'fault' in e && typeof (e as { fault: unknown }).fault === 'object') {
    return (e as { fault: MsqFault }).fault;
  }
  if (e instanceof GroveError && e.code === 'canceled') return CANCELED;
  const message = e instanceof Error ? e.message : String(e);
  return unknownFault(message);
}

export const unknownFault = (message: string): MsqFault => ({ errorCode: 'UnknownError', message, errorMessage: message });

export const cannotParseFault = (raw: string, uri: string | null, record: number, line: number): MsqFault => {
  const text = raw.length > 1000 ? `${raw.slice(0, 1000)}...` : raw;
  const path = uri === null ? '' : `Path: ${uri}, `;
  return { errorCode: 'CannotParseExternalData', errorMessage: `Unable to parse row [${text}] (${path}Record: ${record}, Line: ${line})` };
};

export const tooManyWarningsFault = (maxWarnings: number, rootErrorCode = 'CannotParseExternalData'): MsqFault => ({
  errorCode: 'TooManyWarnings',
  rootErrorCode,
  maxWarnings,
  errorMessage: `Too many warnings of type ${rootErrorCode} generated (max = ${maxWarnings})`,
});

export const insertTimeNullFault = (): MsqFault => ({ errorCode: 'InsertTimeNull', errorMessage: 'Null timestamp (__time) encountered during INSERT or REPLACE.' });

export const MAX_BUCKETS = 5000;
export const tooManyBucketsFault = (): MsqFault => ({
  errorCode: 'TooManyBuckets',
  maxBuckets: MAX_BUCKETS,
  errorMessage: `Too many partition buckets (max = ${MAX_BUCKETS.toLocaleString('en-US')}); try breaking your query up into smaller queries or using a wider segmentGranularity`,
});

export const MAX_COLUMNS = 2000;
export const tooManyColumnsFault = (numColumns: number): MsqFault => ({
  errorCode: 'TooManyColumns',
  numColumns,
  maxColumns: MAX_COLUMNS,
  errorMessage: `Too many output columns (requested = ${numColumns}, max = ${MAX_COLUMNS})`,
});

/**
 * Anything thrown inside a stage, as a fault error. An abort wins over whatever DuckDB or fetch
 * said when interrupted; a GroveError keeps its message (it already names the input or path).
 */
export function asFaultError(e: unknown, signal: AbortSignal, warnings: readonly MsqFault[] = []): FaultError {
  if (e instanceof FaultError) return e.warnings.length > 0 || warnings.length === 0 ? e : new FaultError(e.fault, { cause: e.cause, warnings });
  if (signal.aborted || (e instanceof GroveError && e.code === 'canceled')) return new FaultError(CANCELED, { cause: e, warnings });
  const message = e instanceof Error ? e.message : String(e);
  return new FaultError(unknownFault(message), { cause: e, warnings });
}

/** Throws the Canceled fault at once when the stage was aborted (between DuckDB statements). */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new FaultError(CANCELED);
}
