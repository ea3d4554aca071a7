import { invalidInput } from './errors.js';

/** Checks of user-given values that every face and task kind applies the same way. */

/**
 * Druid's IdUtils rule for names (datasources, task ids): no unprintable character. Answers the
 * message for the first one found, or null when the name is clean.
 */
export function unprintableProblem(name: string): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  const m = /[\u0000-\u001f\u007f-\u009f]/u.exec(name);
  if (m === null) return null;
  return `contains illegal UTF8 character [#${m[0].codePointAt(0)}] at position [${m.index}]. Unprintable character(s) are not allowed.`;
}

/** Druid's context.priority is a Java int; a number outside that range would not fit the store either. */
export function taskPriority(raw: unknown, fallback: number): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < -2147483648 || raw > 2147483647) {
    throw invalidInput(`context.priority must be a whole number between -2147483648 and 2147483647, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * Task ids become directory names, so they must not be able to climb out of the data directory:
 * no '/', and no leading '.' (Druid's IdUtils refuses the same). ':' from ISO times is fine on POSIX.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be refused
export const TASK_ID_PATTERN = /^(?!\.)[^/\u0000]{1,255}$/u;
export const isSafeTaskId = (id: string): boolean => TASK_ID_PATTERN.test(id) && id.trim() === id && id !== '';

/** A task id given in a request: absent, or safe (see isSafeTaskId). */
export function checkTaskId(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || !isSafeTaskId(id)) {
    throw invalidInput(`Invalid value for field [id]: task id must be 1-255 characters without '/', must not start with '.' and must not have leading or trailing spaces`);
  }
  return id;
}
