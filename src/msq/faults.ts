import { GroveError } from '../core/errors.js';
import type { MsqFault } from './types.js';

/** A failure that already carries its MSQ fault (reference §3.1). */
export class FaultError extends Error {
  readonly fault: MsqFault;
  constructor(fault: MsqFault) {
    super(fault.errorMessage);
    this.name = 'FaultError';
    this.fault = fault;
  }
}

export const CANCELED: MsqFault = { errorCode: 'Canceled', errorMessage: 'Query canceled by user or by task shutdown.' };

/** Maps anything thrown inside a controller or worker to the fault the report shows. */
export function faultOf(e: unknown, signal?: AbortSignal): MsqFault {
  if (signal?.aborted) return CANCELED;
  if (e !== null && typeof e === 'object' && 'fault' in e && typeof (e as { fault: unknown }).fault === 'object') {
    return (e as { fault: MsqFault }).fault;
  }
  if (e instanceof GroveError && e.code === 'canceled') return CANCELED;
  const message = e instanceof Error ? e.message : String(e);
  return { errorCode: 'UnknownError', message, errorMessage: message };
}

/** The task's errorMsg for a fault, as Druid words it: `<code>: <message>`. */
export const faultMessage = (f: MsqFault): string => `${f.errorCode}: ${f.errorMessage}`;
