import { describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { controllerPayloadFields, MAX_NUM_TASKS_CAP, resolveSettings, UNLIMITED_PARSE_EXCEPTIONS } from '../../src/lang/druid-sql/msq/index.js';
import type { MsqPlan } from '../../src/msq/types.js';
import { druidStatus } from '../../src/api/druid/errors.js';

/** MSQ context parameters with Druid's defaults (reference §2), and the controller payload fields. */

function rejection(context: Record<string, unknown>): GroveError {
  try {
    resolveSettings(context);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    expect(druidStatus(e as GroveError)).toBe(400);
    return e as GroveError;
  }
  throw new Error('accepted');
}

describe('resolveSettings', () => {
  it('fills in Druid defaults', () => {
    expect(resolveSettings({})).toEqual({
      maxNumTasks: 2,
      rowsPerSegment: 3_000_000,
      maxParseExceptions: 0,
      finalizeAggregations: true,
      failOnEmptyInsert: false,
      selectDestination: 'taskReport',
      rowsPerPage: 100_000,
      priority: 50,
    });
  });

  it('reads numbers and booleans given as text, and the numTasks alias', () => {
    const s = resolveSettings({ numTasks: '2', rowsPerSegment: '1000', finalizeAggregations: 'false', failOnEmptyInsert: true, priority: -5 });
    expect(s).toMatchObject({ maxNumTasks: 2, rowsPerSegment: 1000, finalizeAggregations: false, failOnEmptyInsert: true, priority: -5 });
    // maxNumTasks wins over the alias.
    expect(resolveSettings({ maxNumTasks: 2, numTasks: 3 }).maxNumTasks).toBe(2);
    expect(resolveSettings({ selectDestination: 'DURABLESTORAGE' }).selectDestination).toBe('durableStorage');
  });

  it('caps maxNumTasks at one controller plus one worker per core', () => {
    expect(MAX_NUM_TASKS_CAP).toBeGreaterThanOrEqual(2);
    expect(resolveSettings({ maxNumTasks: 10_000 }).maxNumTasks).toBe(MAX_NUM_TASKS_CAP);
  });

  it('keeps -1 maxParseExceptions as unlimited', () => {
    expect(resolveSettings({ maxParseExceptions: -1 }).maxParseExceptions).toBe(UNLIMITED_PARSE_EXCEPTIONS);
    expect(resolveSettings({ maxParseExceptions: 7 }).maxParseExceptions).toBe(7);
  });

  it('names the key of a bad value', () => {
    expect(rejection({ maxNumTasks: 1 }).message).toBe(
      'Invalid value for context parameter [maxNumTasks]: expected a whole number of at least 2 (one controller and at least one worker), got [1]',
    );
    expect(rejection({ numTasks: 'many' }).message).toContain('[numTasks]');
    expect(rejection({ rowsPerSegment: 0 }).message).toContain('[rowsPerSegment]');
    expect(rejection({ maxParseExceptions: -2 }).message).toContain('[maxParseExceptions]');
    expect(rejection({ finalizeAggregations: 'yes' }).message).toContain('[finalizeAggregations]');
    expect(rejection({ selectDestination: 'export' }).message).toContain('[selectDestination]');
    expect(rejection({ rowsPerPage: 1.5 }).message).toContain('[rowsPerPage]');
    expect(rejection({ priority: 'high' }).context).toEqual({ parameter: 'priority' });
  });
});

describe('controllerPayloadFields', () => {
  const plan: MsqPlan = {
    kind: 'insert',
    dataSource: 'wikipedia',
    overwrite: null,
    partitionedBy: { type: 'all' },
    clusteredBy: [],
    grouped: false,
    singleWorker: false,
    limit: null,
    inputs: [],
    stage0Sql: 'SELECT 1',
    columns: [
      { name: '__time', druidType: 'LONG', sqlType: 'TIMESTAMP', combine: null },
      { name: 'page', druidType: 'STRING', sqlType: 'VARCHAR', combine: null },
    ],
    context: { maxNumTasks: 3 },
    sql: 'INSERT INTO wikipedia SELECT ...',
  };

  it('carries the SQL, its context with the segment granularity, the types and a time-chunk lock', () => {
    expect(controllerPayloadFields(plan)).toEqual({
      sqlQuery: 'INSERT INTO wikipedia SELECT ...',
      sqlQueryContext: { maxNumTasks: 3, sqlInsertSegmentGranularity: '{"type":"all"}' },
      sqlTypeNames: ['TIMESTAMP', 'VARCHAR'],
      nativeTypeNames: ['LONG', 'STRING'],
      context: { forceTimeChunkLock: true },
    });
  });

  it('adds nothing ingestion-specific for a SELECT', () => {
    const fields = controllerPayloadFields({ ...plan, kind: 'select', dataSource: null, partitionedBy: null });
    expect(fields.sqlQueryContext).toEqual({ maxNumTasks: 3 });
  });
});
