import { GroveError } from '../../src/core/errors.js';

/** The GroveError `f` throws; fails the test when it throws anything else or nothing. */
export function errorOf(f: () => unknown): GroveError {
  try {
    f();
  } catch (e) {
    if (e instanceof GroveError) return e;
    throw e;
  }
  throw new Error('expected a GroveError');
}
