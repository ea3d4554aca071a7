import { describe, expect, it } from 'vitest';
import { msqPayload, stageLine, stageViews, summarize } from '../../src/cli/progress-model.js';
import { formatSubmitError, formatSummary, formatTable } from '../../src/cli/sql-output.js';

/** Reports shaped like the seed's example (druid-sql-ingestion-api.md), trimmed to what matters. */
const channel = (rows: number, extra: Record<string, unknown> = {}) => ({ type: 'channel', rows: [rows], ...extra });

function insertReport(opts: {
  status: string;
  stage0: { phase?: string; workers: Array<{ rows: number; files: number; totalFiles: number; out: number }> };
  stage1?: { phase?: string; partitionCount?: number; workers: Array<{ rows: number; persisted: number; merged?: number }> };
  errorReport?: unknown;
}) {
  const stages: unknown[] = [
    {
      stageNumber: 0,
      definition: { id: 'x_0', input: [{ type: 'external' }], processor: { type: 'scan' }, signature: [] },
      ...(opts.stage0.phase ? { phase: opts.stage0.phase, workerCount: opts.stage0.workers.length, startTime: '2022-09-14T22:12:11.663Z', duration: 1000 } : {}),
    },
    {
      stageNumber: 1,
      definition: { id: 'x_1', input: [{ type: 'stage', stage: 0 }], processor: { type: 'segmentGenerator' }, signature: [] },
      ...(opts.stage1?.phase ? { phase: opts.stage1.phase, workerCount: opts.stage1.workers.length, partitionCount: opts.stage1.partitionCount } : {}),
    },
  ];
  const counters: Record<string, Record<string, unknown>> = { '0': {} };
  opts.stage0.workers.forEach((w, i) => {
    counters['0'][String(i)] = {
      input0: channel(w.rows, { files: [w.files], totalFiles: [w.totalFiles] }),
      output: channel(w.out, { bytes: [w.out * 90], frames: [1] }),
      shuffle: channel(w.out, { bytes: [w.out * 90], frames: [1] }),
    };
  });
  if (opts.stage1) {
    counters['1'] = {};
    opts.stage1.workers.forEach((w, i) => {
      counters['1'][String(i)] = {
        input0: channel(w.rows),
        segmentGenerationProgress: { type: 'segmentGenerationProgress', rowsProcessed: w.rows, rowsPersisted: w.persisted, rowsMerged: w.merged ?? 0 },
      };
    });
  }
  return {
    multiStageQuery: {
      type: 'multiStageQuery',
      taskId: 'query-1',
      payload: {
        status: { status: opts.status, startTime: '2022-09-14T22:12:09.266Z', durationMs: 28227, pendingTasks: 0, runningTasks: 2, ...(opts.errorReport ? { errorReport: opts.errorReport } : {}) },
        stages,
        counters,
      },
    },
  };
}

describe('stageViews', () => {
  it('reads stage 0 by files and stage 1 as not started', () => {
    const r = insertReport({ status: 'RUNNING', stage0: { phase: 'READING_INPUT', workers: [{ rows: 1000, files: 1, totalFiles: 2, out: 900 }, { rows: 500, files: 0, totalFiles: 2, out: 500 }] } });
    const [s0, s1] = stageViews(msqPayload(r)!);
    expect(s0).toMatchObject({ stageNumber: 0, processor: 'scan', phase: 'READING_INPUT', workerCount: 2, rowsIn: 1500, rowsOut: 1400, files: { read: 1, total: 4 } });
    expect(s0.bar).toEqual({ value: 1, total: 4, unit: 'files' });
    expect(s0.fraction).toBe(0.25);
    expect(s1).toMatchObject({ stageNumber: 1, processor: 'segmentGenerator', phase: 'NEW', workerCount: null, rowsIn: 0, fraction: null });
    expect(stageLine(s0)).toBe('stage 0 scan  READING_INPUT  workers 2  rows in 1,500 out 1,400  files 1/4  25%');
  });

  it('measures the segment generator by rows persisted against what stage 0 shuffled', () => {
    const r = insertReport({
      status: 'RUNNING',
      stage0: { phase: 'FINISHED', workers: [{ rows: 465346, files: 1, totalFiles: 1, out: 465346 }] },
      stage1: { phase: 'READING_INPUT', workers: [{ rows: 300000, persisted: 100000 }] },
    });
    const [s0, s1] = stageViews(msqPayload(r)!);
    expect(s0.fraction).toBe(1);
    expect(s1.bar).toEqual({ value: 100000, total: 465346, unit: 'rows' });
    expect(s1.fraction).toBeCloseTo(100000 / 465346);
    expect(stageLine(s1)).toContain('persisted 100,000');
  });

  it('has no total for stage 1 while stage 0 still produces rows', () => {
    const r = insertReport({
      status: 'RUNNING',
      stage0: { phase: 'POST_READING', workers: [{ rows: 10, files: 1, totalFiles: 1, out: 10 }] },
      stage1: { phase: 'NEW', workers: [{ rows: 0, persisted: 0 }] },
    });
    const [s0, s1] = stageViews(msqPayload(r)!);
    expect(s0.fraction).toBe(1); // every file is read; only the sort remains
    expect(s1.fraction).toBeNull();
  });

  it('falls back to rows when the input has no file totals (inline data)', () => {
    const payload = { stages: [{ stageNumber: 0, phase: 'READING_INPUT', definition: { processor: { type: 'scan' } } }], counters: { 0: { 0: { input0: channel(42) } } } };
    const [s0] = stageViews(payload);
    expect(s0.bar).toEqual({ value: 42, total: 0, unit: 'rows' });
    expect(s0.fraction).toBeNull();
    expect(stageLine(s0)).toMatch(/\?%$/);
  });

  it('survives a report without stages or counters', () => {
    expect(stageViews({ status: { status: 'RUNNING' } })).toEqual([]);
    expect(msqPayload({ ingestionStatsAndErrors: {} })).toBeNull();
    expect(msqPayload(null)).toBeNull();
  });
});

describe('summarize', () => {
  it('reports rows written and segments of a finished INSERT', () => {
    const r = insertReport({
      status: 'SUCCESS',
      stage0: { phase: 'FINISHED', workers: [{ rows: 465346, files: 1, totalFiles: 1, out: 465346 }] },
      stage1: { phase: 'FINISHED', partitionCount: 3, workers: [{ rows: 465346, persisted: 465346, merged: 465346 }] },
    });
    const s = summarize(msqPayload(r), { statusCode: 'SUCCESS', duration: 30000 });
    expect(s).toMatchObject({ status: 'SUCCESS', durationMs: 28227, rowsWritten: 465346, segments: 3, error: null, results: null });
    expect(formatSummary(s)).toBe('status: SUCCESS in 28.2 s\nrows written: 465,346 in 3 segments\n');
  });

  it('shows the fault of a failed job with its stage', () => {
    const r = insertReport({
      status: 'FAILED',
      stage0: { phase: 'FAILED', workers: [{ rows: 3, files: 0, totalFiles: 1, out: 0 }] },
      errorReport: { taskId: 'query-1-worker0_0', host: 'localhost', stageNumber: 0, error: { errorCode: 'CannotParseExternalData', errorMessage: 'Unable to parse row [x]' } },
    });
    const s = summarize(msqPayload(r), { statusCode: 'FAILED', duration: 12 });
    expect(s.error).toEqual({ code: 'CannotParseExternalData', message: 'Unable to parse row [x]', stageNumber: 0 });
    expect(formatSummary(s)).toContain('error: CannotParseExternalData (stage 0): Unable to parse row [x]');
  });

  it('falls back on the task status when there is no report', () => {
    const s = summarize(null, { statusCode: 'FAILED', duration: 5, errorMsg: 'Shutdown request from user' });
    expect(s).toMatchObject({ status: 'FAILED', durationMs: 5, rowsWritten: null, error: { code: 'TaskFailed', message: 'Shutdown request from user' } });
  });

  it('prints SELECT results as a table and notes truncation', () => {
    const payload = {
      status: { status: 'SUCCESS', durationMs: 1500 },
      stages: [{ stageNumber: 0, phase: 'FINISHED', definition: { processor: { type: 'scan' } } }],
      counters: {},
      results: { signature: [{ name: 'page', type: 'STRING' }, { name: 'added', type: 'LONG' }], sqlTypeNames: ['VARCHAR', 'BIGINT'], results: [['Druid', 5], ['Apache Software Foundation', 12345]], resultsTruncated: true },
    };
    const s = summarize(payload, null);
    expect(s.rowsWritten).toBeNull();
    const out = formatSummary(s);
    expect(out).toContain('page                       | added\n---------------------------+------\nDruid                      |     5\nApache Software Foundation | 12345');
    expect(out).toContain('2 rows (results truncated');
  });
});

describe('formatTable', () => {
  it('prints nulls, objects and newlines visibly', () => {
    expect(formatTable(['a', 'b'], [[null, { x: 1 }], ['l1\nl2', [1]]])).toBe('a      | b\n-------+--------\nnull   | {"x":1}\nl1\\nl2 | [1]');
  });
});

describe('formatSubmitError', () => {
  it('reads the /druid/v2/sql/task error with line and column', () => {
    const body = JSON.stringify({
      taskId: 'abc',
      state: 'FAILED',
      error: { error: 'druidException', errorCode: 'invalidInput', persona: 'USER', category: 'INVALID_INPUT', errorMessage: 'Received an unexpected token [from <EOF>]', context: { sourceType: 'sql', line: '1', column: '10' } },
    });
    expect(formatSubmitError(400, body)).toBe('invalidInput: Received an unexpected token [from <EOF>] (line 1, column 10)');
  });

  it('does not repeat a position the message already gives', () => {
    const body = JSON.stringify({ error: { errorCode: 'invalidInput', errorMessage: 'Received an unexpected token [SELEC] (line [1], column [16])', context: { line: '1', column: '16' } } });
    expect(formatSubmitError(400, body)).toBe('invalidInput: Received an unexpected token [SELEC] (line [1], column [16])');
  });

  it('reads a top-level ErrorResponse and a legacy error', () => {
    expect(formatSubmitError(400, JSON.stringify({ error: 'druidException', errorCode: 'invalidInput', errorMessage: 'bad' }))).toBe('invalidInput: bad');
    expect(formatSubmitError(400, JSON.stringify({ error: 'SQL parse failed', errorMessage: 'oops' }))).toBe('SQL parse failed: oops');
  });

  it('says so when the endpoint is missing', () => {
    expect(formatSubmitError(404, '{"message":"Route POST:/druid/v2/sql/task not found"}')).toMatch(/^HTTP 404 \(does the server support/);
    expect(formatSubmitError(500, '')).toBe('HTTP 500');
  });
});
