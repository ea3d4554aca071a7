import os from 'node:os';
import { GroveError } from '../core/errors.js';
import type { MsqSettings } from './types.js';

/**
 * MSQ context parameters with Druid's defaults (reference §2). Values may arrive as JSON numbers
 * and booleans or as their text ("3", "true"), as Druid's QueryContexts accepts both.
 *
 * maxNumTasks counts the controller, so it is at least 2 (one worker). Grove's workers are local
 * processes, so more of them than cores only adds contention: it is capped at 1 + the number of
 * cores; a larger request runs with that many tasks instead of failing.
 */

export const MAX_NUM_TASKS_CAP = 1 + Math.max(1, os.availableParallelism());

/** -1 (unlimited) is kept as the largest safe integer so it survives JSON and compares naturally. */
export const UNLIMITED_PARSE_EXCEPTIONS = Number.MAX_SAFE_INTEGER;

function bad(key: string, expected: string, value: unknown): GroveError {
  return new GroveError('invalidInput', `Invalid value for context parameter [${key}]: expected ${expected}, got [${String(value)}]`, {
    context: { parameter: key },
  });
}

function integer(key: string, value: unknown, min: number, expected: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) throw bad(key, expected, value);
  return n;
}

function bool(key: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw bad(key, 'true or false', value);
}

export function resolveSettings(context: Record<string, unknown>): MsqSettings {
  const has = (k: string): boolean => context[k] !== undefined && context[k] !== null;

  // maxNumTasks wins over its older alias numTasks when both are given.
  const tasksKey = has('maxNumTasks') ? 'maxNumTasks' : has('numTasks') ? 'numTasks' : undefined;
  let maxNumTasks = 2;
  if (tasksKey) {
    maxNumTasks = integer(tasksKey, context[tasksKey], 2, 'a whole number of at least 2 (one controller and at least one worker)');
  }

  let maxParseExceptions = 0;
  if (has('maxParseExceptions')) {
    maxParseExceptions = integer('maxParseExceptions', context.maxParseExceptions, -1, 'a whole number >= 0, or -1 for unlimited');
    if (maxParseExceptions === -1) maxParseExceptions = UNLIMITED_PARSE_EXCEPTIONS;
  }

  let selectDestination: MsqSettings['selectDestination'] = 'taskReport';
  if (has('selectDestination')) {
    const v = String(context.selectDestination).toLowerCase();
    if (v === 'taskreport') selectDestination = 'taskReport';
    else if (v === 'durablestorage') selectDestination = 'durableStorage';
    else throw bad('selectDestination', 'taskReport or durableStorage', context.selectDestination);
  }

  return {
    maxNumTasks: Math.min(maxNumTasks, MAX_NUM_TASKS_CAP),
    rowsPerSegment: has('rowsPerSegment') ? integer('rowsPerSegment', context.rowsPerSegment, 1, 'a positive whole number') : 3_000_000,
    maxParseExceptions,
    finalizeAggregations: has('finalizeAggregations') ? bool('finalizeAggregations', context.finalizeAggregations) : true,
    failOnEmptyInsert: has('failOnEmptyInsert') ? bool('failOnEmptyInsert', context.failOnEmptyInsert) : false,
    selectDestination,
    rowsPerPage: has('rowsPerPage') ? integer('rowsPerPage', context.rowsPerPage, 1, 'a positive whole number') : 100_000,
    // A Java int in Druid; the store keeps it in an INTEGER column.
    priority: has('priority') ? integer('priority', context.priority, -2147483648, 'a whole number between -2147483648 and 2147483647', 2147483647) : 50,
  };
}
