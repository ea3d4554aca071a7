import { GroveError } from '../../core/errors.js';
import type { MsqFault } from '../types.js';

/**
 * Faults a worker raises while executing a stage (reference §3.1). Messages follow Druid's
 * fault classes so a report reads the same; extra fields sit next to errorMessage.
 */

export class MsqFaultError extends Error {
  readonly fault: MsqFault;
  /** Parse warnings collected before the failure, so the report can still list them. */
  readonly warnings: readonly MsqFault[];

  constructor(fault: MsqFault, options: { cause?: unknown; warnings?: readonly MsqFault[] } = {}) {
    super(`${fault.errorCode}: ${fault.errorMessage}`, { cause: options.cause });
    this.name = 'MsqFaultError';
    this.fault = fault;
    this.warnings = options.warnings ?? [];
  }
}

export const canceledFault = (): MsqFault => ({ errorCode: 'Canceled', errorMessage: 'Query canceled by user or by task shutdown.' });

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
export function asFaultError(e: unknown, signal: AbortSignal, warnings: readonly MsqFault[] = []): MsqFaultError {
  if (e instanceof MsqFaultError) return e.warnings.length > 0 || warnings.length === 0 ? e : new MsqFaultError(e.fault, { cause: e.cause, warnings });
  if (signal.aborted || (e instanceof GroveError && e.code === 'canceled')) return new MsqFaultError(canceledFault(), { cause: e, warnings });
  const message = e instanceof Error ? e.message : String(e);
  return new MsqFaultError(unknownFault(message), { cause: e, warnings });
}

/** Throws the Canceled fault at once when the stage was aborted (between DuckDB statements). */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new MsqFaultError(canceledFault());
}
