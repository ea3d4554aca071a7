import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawMapToPrint } from '../../src/ingest/events.js';
import { globToRegExp, listMatchingFiles } from '../../src/engine/glob.js';
import { buildIngestionReport, buildLiveReport, MovingAverages, zeroRowStats } from '../../src/ingest/report.js';
import { tempDir } from '../fixtures/ingest/helpers.js';

describe('buildIngestionReport', () => {
  it('has Druid\'s completion report shape, taskContext included', () => {
    const r = buildIngestionReport('t1', {
      state: 'COMPLETED',
      rowStats: { processed: 39244, processedBytes: 17106256, processedWithError: 0, thrownAway: 0, unparseable: 0 },
      unparseableEvents: null,
      errorMsg: null,
      context: { forceTimeChunkLock: true },
    });
    expect(r).toEqual({
      ingestionStatsAndErrors: {
        type: 'ingestionStatsAndErrors',
        taskId: 't1',
        payload: {
          ingestionState: 'COMPLETED',
          unparseableEvents: {},
          rowStats: {
            buildSegments: { processed: 39244, processedBytes: 17106256, processedWithError: 0, thrownAway: 0, unparseable: 0 },
          },
          errorMsg: null,
          segmentAvailabilityConfirmed: false,
          segmentAvailabilityWaitTimeMs: 0,
          recordsProcessed: null,
        },
      },
      taskContext: { type: 'taskContext', taskId: 't1', payload: { forceTimeChunkLock: true } },
    });
  });

  it('lists saved parse exceptions under buildSegments and carries the error', () => {
    const event = { input: 'x', errorType: 'unparseable' as const, details: ['Unable to parse row [x]'], timeOfExceptionMillis: 5 };
    const r = buildIngestionReport('t1', { state: 'BUILD_SEGMENTS', rowStats: zeroRowStats(), unparseableEvents: [event], errorMsg: 'Max parse exceptions[0] exceeded', context: {} }) as any;
    expect(r.ingestionStatsAndErrors.payload.unparseableEvents).toEqual({ buildSegments: [event] });
    expect(r.ingestionStatsAndErrors.payload.errorMsg).toBe('Max parse exceptions[0] exceeded');
  });

  it('live reports carry moving averages and totals', () => {
    const avg = new MovingAverages(0);
    avg.record(30_000, { ...zeroRowStats(), processed: 300 });
    avg.record(120_000, { ...zeroRowStats(), processed: 1500 });
    const rates = avg.rates(120_000);
    // Last minute: from the 60s point (baseline is the 30s snapshot: 300) to 1500 over 90 s.
    expect(rates['1m'].processed).toBeCloseTo(1200 / 90);
    expect(rates['15m'].processed).toBeCloseTo(1500 / 120);
    const r = buildLiveReport('t', { state: 'BUILD_SEGMENTS', rowStats: { ...zeroRowStats(), processed: 1500 }, unparseableEvents: [], context: {}, movingAverages: rates }) as any;
    expect(r.ingestionStatsAndErrors.payload.rowStats.totals.buildSegments.processed).toBe(1500);
    expect(r.ingestionStatsAndErrors.payload.rowStats.movingAverages.buildSegments['5m'].processed).toBeCloseTo(12.5);
  });
});

describe('glob filters', () => {
  it.each([
    ['*.json', 'a.json', true],
    ['*.json', 'a.json.gz', false],
    ['wiki-?.csv', 'wiki-1.csv', true],
    ['*.{json,csv}', 'x.csv', true],
    ['[ab]*.json', 'c.json', false],
    ['**/*.json', 'x/y/z.json', true],
    ['**/*.json', 'z.json', true],
    ['data.(1).json', 'data.(1).json', true],
  ])('%s ~ %s = %s', (glob, name, ok) => {
    expect(globToRegExp(glob).test(name)).toBe(ok);
  });

  it('matches names anywhere under baseDir, like Druid', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'sub'));
    for (const f of ['a.json', 'b.csv', 'sub/c.json']) fs.writeFileSync(path.join(dir, f), '');
    expect((await listMatchingFiles(dir, '*.json')).map((f) => path.relative(dir, f))).toEqual(['a.json', 'sub/c.json']);
    expect((await listMatchingFiles(dir, 'sub/*')).map((f) => path.relative(dir, f))).toEqual(['sub/c.json']);
  });
});

describe('event text', () => {
  it('prints rows like Java maps', () => {
    expect(rawMapToPrint('{"a":1,"b":"x","c":null,"d":[1,"y"],"e":{"f":true}}')).toBe('{a=1, b=x, c=null, d=[1, y], e={f=true}}');
    expect(rawMapToPrint('not json')).toBe('not json');
  });
});
