import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, writeManifest, type ResultsManifest } from '../../src/results/manifest.js';
import { sweepResults } from '../../src/results/retention.js';
import { statementObject } from '../../src/api/druid/statement-json.js';
import type { Statement } from '../../src/services/statements.js';

const HOUR = 3_600_000;

function manifest(writtenMs: number): ResultsManifest {
  return {
    queryId: 'query-x', columns: [{ name: 'c', type: 'BIGINT', nativeType: 'LONG' }], numTotalRows: 1, totalSizeInBytes: 4,
    pages: [{ id: 0, numRows: 1, sizeInBytes: 4, file: 'page-0.jsonl' }], isPartial: false,
    coverage: { segments: [], intervals: {}, files: [], totalSegments: 0, totalFiles: 0 }, writtenMs,
  };
}

describe('results retention', () => {
  it('removes result sets older than the retention and keeps newer ones and the rest of the task directory', async () => {
    const tasks = fs.mkdtempSync(path.join(os.tmpdir(), 'grove-results-'));
    const now = Date.now();
    for (const [id, age] of [['old', 7 * HOUR], ['new', HOUR]] as const) {
      fs.mkdirSync(path.join(tasks, id), { recursive: true });
      fs.writeFileSync(path.join(tasks, id, 'log'), 'log');
      await writeManifest(path.join(tasks, id, 'results'), manifest(now - age));
    }
    fs.mkdirSync(path.join(tasks, 'no-results'));
    expect(sweepResults(tasks, 6 * HOUR, now)).toBe(1);
    expect(fs.existsSync(path.join(tasks, 'old', 'results'))).toBe(false);
    expect(fs.existsSync(path.join(tasks, 'old', 'log'))).toBe(true);
    expect(readManifest(path.join(tasks, 'new', 'results'))?.writtenMs).toBe(now - HOUR);
    expect(sweepResults(path.join(tasks, 'missing'), HOUR, now)).toBe(0);
  });

  it('reads no manifest from a directory without one (pages of an unfinished job)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grove-results-'));
    fs.writeFileSync(path.join(dir, 'page-0.jsonl'), '[1]\n');
    expect(readManifest(dir)).toBeNull();
  });
});

describe('statement object', () => {
  const plan = { kind: 'select', columns: [] } as unknown as Statement['plan'];
  const base: Statement = {
    id: 'query-1', state: 'FAILED', createdMs: Date.UTC(2024, 0, 1), durationMs: 1234, errorMsg: 'boom',
    payload: { dataSource: '__query_select', spec: { plan } }, plan, report: undefined, resultsDir: '/nonexistent',
  };

  it('turns the fault of a failed job into errorDetails with its fields as string context', () => {
    const report = { multiStageQuery: { payload: { status: { errorReport: { error: { errorCode: 'TooManyWarnings', errorMessage: 'Too many warnings', maxWarnings: 2, rootErrorCode: 'CannotParseExternalData' } } } } } };
    expect(statementObject({ ...base, report }, null, { detail: false, withResults: true })).toEqual({
      queryId: 'query-1', state: 'FAILED', createdAt: '2024-01-01T00:00:00.000Z', durationMs: 1234,
      errorDetails: {
        error: 'druidException', errorCode: 'TooManyWarnings', persona: 'USER', category: 'UNCATEGORIZED',
        errorMessage: 'Too many warnings', context: { maxWarnings: '2', rootErrorCode: 'CannotParseExternalData' },
      },
    });
  });

  it('falls back to the task error message when there is no report', () => {
    const out = statementObject(base, null, { detail: true, withResults: true });
    expect(out.errorDetails).toMatchObject({ errorMessage: 'boom', category: 'UNCATEGORIZED' });
    expect(out.stages).toBeUndefined();
  });
});
